"""JSON output: the schema in docs/json-output.md. Keys and findings in a stable order."""
from __future__ import annotations

import json

from .. import __version__
from ..model import Finding, Span
from . import JsonArrayWriter, Report


def span_dict(span: Span) -> dict:
    return {"line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column}


def finding_dict(finding: Finding) -> dict:
    fix = None
    if finding.fix:
        fix = {
            "applicability": finding.fix.applicability,
            "edits": [{**span_dict(edit.span), "replacement": edit.replacement} for edit in finding.fix.edits],
        }
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity,
        "message": finding.message,
        **span_dict(finding.span),
        "match": finding.match,
        "suggestions": list(finding.suggestions),
        "fix": fix,
        "link": finding.link,
        "related": [span_dict(span) for span in finding.related],
    }


def file_dict(result) -> dict:
    return {
        "path": result.path,
        "findings": [finding_dict(f) for f in result.findings],
        "errors": list(result.errors),
    }


def _document(files, tally) -> dict:
    return {
        "version": 1,
        "tool": {"name": "healthlint", "version": __version__},
        "files": files,
        "summary": None if tally is None else {
            "files": tally.files,
            "findings": tally.finding_count,
            "by_severity": tally.counts_by_severity(),
            "errors": tally.all_errors,
        },
    }


class Writer:
    """The report is one JSON document; its "files" list is written file by file."""

    def __init__(self, write, rules, color: bool, problems: tuple[str, ...]):
        self.array = JsonArrayWriter(write, indent=2)

    def start(self) -> None:
        self.array.start(_document([JsonArrayWriter.ITEMS], None))

    def file(self, result) -> None:
        self.array.item(file_dict(result))

    def finish(self, tally) -> None:
        self.array.finish(_document([JsonArrayWriter.ITEMS], tally))


def render(report: Report) -> str:
    from . import render as render_format

    return render_format("json", report)
