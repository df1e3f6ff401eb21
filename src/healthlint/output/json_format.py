"""JSON output: the schema in docs/json-output.md. Keys and findings in a stable order."""
from __future__ import annotations

import json

from .. import __version__
from ..model import Finding, Span
from . import Report


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


def report_dict(report: Report) -> dict:
    return {
        "version": 1,
        "tool": {"name": "healthlint", "version": __version__},
        "files": [
            {
                "path": result.path,
                "findings": [finding_dict(f) for f in result.findings],
                "errors": list(result.errors),
            }
            for result in report.results
        ],
        "summary": {
            "files": len(report.results),
            "findings": report.finding_count,
            "by_severity": report.counts_by_severity(),
            "errors": report.all_errors,
        },
    }


def render(report: Report) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
