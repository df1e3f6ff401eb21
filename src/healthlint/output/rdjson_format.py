"""Reviewdog Diagnostic Format (rdjson), with fixes as suggestions.

Columns are Unicode code points, as in every healthlint output (reviewdog's
own convention is UTF-8 bytes; the two agree on ASCII text).
"""
from __future__ import annotations

from . import JsonArrayWriter, Report

_LEVEL = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def _range(span) -> dict:
    return {"start": {"line": span.line, "column": span.column},
            "end": {"line": span.end_line, "column": span.end_column}}


class Writer:
    """One JSON document; its "diagnostics" list is written file by file."""

    def __init__(self, write, rules, color: bool, problems: tuple[str, ...]):
        self.array = JsonArrayWriter(write, indent=1)

    def start(self) -> None:
        self.array.start(_document())

    def file(self, result) -> None:
        for f in result.findings:
            diagnostic = {
                "message": f.message,
                "location": {"path": result.path, "range": _range(f.span)},
                "severity": _LEVEL[f.severity],
                "source": {"name": "healthlint"},
                "code": {"value": f.rule, **({"url": f.link} if f.link else {})},
            }
            if f.fix and f.fix.applicability != "suggestion":
                diagnostic["suggestions"] = [{"range": _range(e.span), "text": e.replacement} for e in f.fix.edits]
            self.array.item(diagnostic)

    def finish(self, tally) -> None:
        self.array.finish(_document())


def _document() -> dict:
    return {"source": {"name": "healthlint"}, "diagnostics": [JsonArrayWriter.ITEMS]}


def render(report: Report) -> str:
    from . import render as render_format

    return render_format("rdjson", report)
