"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""
from __future__ import annotations

from . import LineWriter, Report

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


class Writer(LineWriter):
    def file(self, result) -> None:
        path = _property(result.path)
        lines = []
        for f in result.findings:
            span = f.span
            lines.append(
                f"::{_LEVEL[f.severity]} file={path},line={span.line},endLine={span.end_line},"
                f"col={span.column},endColumn={span.end_column},title={_property('healthlint ' + f.rule)}"
                f"::{_data(f.message)}\n"
            )
        self.write("".join(lines))

    def finish(self, tally) -> None:
        self.write("".join(f"::error::{_data(error)}\n" for error in tally.all_errors))


def render(report: Report) -> str:
    from . import render as render_format

    return render_format("github", report)
