"""JSON output: the schema in docs/json-output.md. Keys and findings in a stable order."""
from __future__ import annotations

from functools import lru_cache
from json.encoder import encode_basestring

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


def _span_text(span: Span, newline: str) -> str:
    inner = newline + "  "
    return (f'{{{inner}"line": {span.line:d},{inner}"column": {span.column:d},{inner}"end_line": {span.end_line:d},'
            f'{inner}"end_column": {span.end_column:d}')


def _list_text(items: list[str], newline: str) -> str:
    if not items:
        return "[]"
    inner = newline + "  "
    return "[" + inner + ("," + inner).join(items) + newline + "]"


def finding_text(finding: Finding, newline: str = "\n") -> str:
    """`json.dumps(finding_dict(finding), indent=2, ensure_ascii=False)` at the
    indentation `newline` gives (the tests hold it to that), built directly: the
    json module encodes indented JSON in pure Python, token by token."""
    pieces: list[str] = []
    _add_finding_text(finding, newline, pieces)
    return "".join(pieces)


def _add_finding_text(finding: Finding, newline: str, pieces: list[str]) -> None:
    # Appended to the pieces of the whole file's text, joined once: a string
    # built by concatenation at each level of the document was copied at each
    # (85 MB of report over 2,000 articles, copied five times more).
    text = encode_basestring
    inner = newline + "  "
    span = finding.span
    pieces += (
        _head_text(finding.rule, finding.category, finding.severity, finding.message, inner),
        f'{inner}"line": {span.line:d},{inner}"column": {span.column:d},{inner}"end_line": {span.end_line:d},'
        f'{inner}"end_column": {span.end_column:d},{inner}"match": {text(finding.match)},'
        f'{inner}"suggestions": {_suggestions_text(finding.suggestions, inner)},{inner}"fix": ',
        _fix_text(finding.fix, inner) if finding.fix else "null",
        f',{inner}"link": {encoded_once(finding.link)},{inner}"related": ',
        _list_text([_span_text(span, inner + "  ") + inner + "  }" for span in finding.related], inner)
        if finding.related else "[]",
        newline + "}",
    )


def _fix_text(fix, inner: str) -> str:
    text = encode_basestring
    deeper = inner + "  "
    edits = [_span_text(edit.span, deeper + "  ") + f',{deeper}    "replacement": {text(edit.replacement)}{deeper}  }}'
             for edit in fix.edits]
    return (f'{{{deeper}"applicability": {text(fix.applicability)},{deeper}"edits": '
            f'{_list_text(edits, deeper)}{inner}}}')


# The fields that come from the rule (its id, category, severity, message and
# suggestions) repeat from finding to finding: a report of 120,000 findings
# holds about 1,200 messages. Each is encoded once; the caches are bounded for
# rules whose messages or suggestions quote the text.
@lru_cache(maxsize=4096)
def _head_text(rule: str, category: str, severity: str, message: str, inner: str) -> str:
    text = encode_basestring
    return (f'{{{inner}"rule": {text(rule)},{inner}"category": {text(category)},'
            f'{inner}"severity": {text(severity)},{inner}"message": {text(message)},')


@lru_cache(maxsize=4096)
def _suggestions_text(suggestions: tuple[str, ...], inner: str) -> str:
    return _list_text([encode_basestring(s) for s in suggestions], inner)


encoded_once = lru_cache(maxsize=256)(encode_basestring)


def file_text(result, newline: str = "\n", before: str = "") -> str:
    """`before` and then `json.dumps(file_dict(result), indent=2, ensure_ascii=False)`
    at the indentation `newline` gives, built directly and joined once."""
    text = encode_basestring
    inner = newline + "  "
    pieces = [before, "{", inner, '"path": ', text(result.path), ",", inner, '"findings": ']
    if result.findings:
        item_newline = inner + "  "
        between = "[" + item_newline
        for finding in result.findings:
            pieces.append(between)
            _add_finding_text(finding, item_newline, pieces)
            between = "," + item_newline
        pieces.append(inner + "]")
    else:
        pieces.append("[]")
    errors = [text(error) for error in result.errors]
    pieces.append(f',{inner}"errors": {_list_text(errors, inner)}{newline}}}')
    return "".join(pieces)


class Writer:
    """The report is one JSON document; its "files" list is written file by file."""

    def __init__(self, write, rules, color: bool, problems: tuple[str, ...]):
        self.array = JsonArrayWriter(write, indent=2)

    def start(self) -> None:
        self.array.start(_document([JsonArrayWriter.ITEMS], None))

    def file(self, result) -> None:
        array = self.array
        array.write(file_text(result, array.separator, array.next_item()))

    def finish(self, tally) -> None:
        self.array.finish(_document([JsonArrayWriter.ITEMS], tally))


def render(report: Report) -> str:
    from . import render as render_format

    return render_format("json", report)
