"""Reviewdog Diagnostic Format (rdjson), with fixes as suggestions.

Columns are Unicode code points, as in every healthlint output (reviewdog's
own convention is UTF-8 bytes; the two agree on ASCII text).
"""
from __future__ import annotations

import json

from . import Report

_LEVEL = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def _range(span) -> dict:
    return {"start": {"line": span.line, "column": span.column},
            "end": {"line": span.end_line, "column": span.end_column}}


def render(report: Report) -> str:
    diagnostics = []
    for result in report.results:
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
            diagnostics.append(diagnostic)
    document = {"source": {"name": "healthlint"}, "diagnostics": diagnostics}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
