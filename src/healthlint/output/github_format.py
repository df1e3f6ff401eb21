"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""
from __future__ import annotations

from . import Report

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for result in report.results:
        for f in result.findings:
            span = f.span
            lines.append(
                f"::{_LEVEL[f.severity]} file={_property(result.path)},line={span.line},endLine={span.end_line},"
                f"col={span.column},endColumn={span.end_column},title={_property('healthlint ' + f.rule)}"
                f"::{_data(f.message)}"
            )
    lines += [f"::error::{_data(error)}" for error in report.all_errors]
    return "".join(line + "\n" for line in lines)
