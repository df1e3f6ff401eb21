"""JSON Lines: one finding per line, with its path; for runs over very many files."""
from __future__ import annotations

import json
from functools import lru_cache
from json.encoder import encode_basestring

from . import LineWriter, Report
from .json_format import encoded_once


class Writer(LineWriter):
    def file(self, result) -> None:
        if result.findings:
            path = encode_basestring(result.path)
            self.write("".join([finding_line(path, finding) for finding in result.findings]))

    def finish(self, tally) -> None:
        self.write("".join(json.dumps({"path": None, "error": error}, ensure_ascii=False) + "\n"
                           for error in tally.all_errors))


def finding_line(path: str, finding) -> str:
    """`json.dumps({"path": ..., **finding_dict(finding)}, ensure_ascii=False)` and a
    line end, built directly (the tests hold it to that), for `path` already
    encoded: a dict per finding for json.dumps was most of a run whose results
    all came from the cache. Fields that repeat from finding to finding (those
    of the rule) are encoded once."""
    span = finding.span
    fix = finding.fix
    return (
        f'{{"path": {path}, {_head(finding.rule, finding.category, finding.severity, finding.message)}, '
        f'"line": {span.line:d}, "column": {span.column:d}, "end_line": {span.end_line:d}, '
        f'"end_column": {span.end_column:d}, "match": {encode_basestring(finding.match)}, '
        f'"suggestions": {_suggestions(finding.suggestions)}, '
        f'"fix": {_fix(fix) if fix else "null"}, "link": {encoded_once(finding.link)}, '
        f'"related": [{", ".join([_span(span) + "}" for span in finding.related])}]}}\n'
    )


def _span(span) -> str:
    """A span's fields, as an object left open for more."""
    return (f'{{"line": {span.line:d}, "column": {span.column:d}, "end_line": {span.end_line:d}, '
            f'"end_column": {span.end_column:d}')


def _fix(fix) -> str:
    edits = ", ".join([f'{_span(edit.span)}, "replacement": {encode_basestring(edit.replacement)}}}'
                       for edit in fix.edits])
    return f'{{"applicability": {encode_basestring(fix.applicability)}, "edits": [{edits}]}}'


@lru_cache(maxsize=4096)
def _head(rule: str, category: str, severity: str, message: str) -> str:
    text = encode_basestring
    return (f'"rule": {text(rule)}, "category": {text(category)}, "severity": {text(severity)}, '
            f'"message": {text(message)}')


@lru_cache(maxsize=4096)
def _suggestions(suggestions: tuple[str, ...]) -> str:
    return "[" + ", ".join([encode_basestring(s) for s in suggestions]) + "]"


def render(report: Report) -> str:
    from . import render as render_format

    return render_format("jsonl", report)
