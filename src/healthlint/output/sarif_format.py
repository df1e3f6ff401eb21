"""SARIF 2.1.0, as GitHub code scanning reads it.

Rules carry their help text (the same documentation as `healthlint explain`),
results their level, region (code-point columns, declared by `columnKind`),
a partial fingerprint that survives lines added above, and fixes when a rule
has a replacement.
"""
from __future__ import annotations

import os
from json.encoder import encode_basestring

from .. import __version__
from ..baseline import fingerprints
from ..explain import explain_rule
from . import JsonArrayWriter, Report

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return relative.replace(os.sep, "/")


def _region(span) -> dict:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line,
            "endColumn": span.end_column}


def _rule_dict(rule) -> dict:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": " ".join(rule.description.split())[:1000]},
        "fullDescription": {"text": " ".join(rule.rationale.split())},
        "help": {"text": explain_rule(rule)},
        **({"helpUri": rule.link} if rule.link else {}),
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": [rule.category, "health-writing"]},
    }


class Writer:
    """One SARIF document; the run's "results" list is written file by file."""

    def __init__(self, write, rules, color: bool, problems: tuple[str, ...]):
        self.array = JsonArrayWriter(write, indent=1)
        self.rules = tuple(rules())
        self.rule_index = {rule.id: index for index, rule in enumerate(self.rules)}
        self.root = "file://" + os.getcwd().rstrip("/") + "/"

    def _document(self, tally) -> dict:
        run = {
            "tool": {"driver": {"name": "healthlint", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://pypi.org/project/healthlint/",
                                "rules": [_rule_dict(rule) for rule in self.rules] if tally is None else []}},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"uri": self.root}},
            "results": [JsonArrayWriter.ITEMS],
            "invocations": None if tally is None else [{
                "executionSuccessful": not tally.all_errors,
                "toolExecutionNotifications": [{"level": "error", "message": {"text": error}}
                                               for error in tally.all_errors]}],
        }
        return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}

    def start(self) -> None:
        self.array.start(self._document(None))

    def finish(self, tally) -> None:
        self.array.finish(self._document(tally))

    def file(self, file) -> None:
        uri = _uri(file.path)
        uri_text = encode_basestring(uri)
        array = self.array
        pieces = []
        for finding, print_ in zip(file.findings, fingerprints(file)):
            before = array.next_item()
            if finding.related or (finding.fix and finding.fix.applicability != "suggestion"):
                pieces += (before, array.dumped(self._result(finding, print_, uri)))
            else:  # most results: no related locations, no fixes
                pieces += (before, self._result_text(finding, print_, uri_text, array.separator))
        if pieces:
            array.write("".join(pieces))

    def _result(self, finding, print_: str, uri: str) -> dict:
        location = {"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                         "region": _region(finding.span)}}
        result = {
            "ruleId": finding.rule,
            **({"ruleIndex": self.rule_index[finding.rule]} if finding.rule in self.rule_index else {}),
            "level": _LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [location],
            "partialFingerprints": {"healthlintFingerprint/v1": print_},
        }
        if finding.related:
            result["relatedLocations"] = [
                {"id": number, "physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                                    "region": _region(span)}}
                for number, span in enumerate(finding.related, 1)
            ]
        if finding.fix and finding.fix.applicability != "suggestion":
            result["fixes"] = [{
                "description": {"text": "; ".join(finding.suggestions) or "Apply the fix."},
                "artifactChanges": [{
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                    "replacements": [{"deletedRegion": _region(edit.span),
                                      "insertedContent": {"text": edit.replacement}}
                                     for edit in finding.fix.edits],
                }],
            }]
        return result

    def _result_text(self, finding, print_: str, uri_text: str, newline: str) -> str:
        """What `array.dumped(self._result(...))` gives at the depth `newline` marks,
        for a finding with no related locations and no fix, built directly: the
        generic encoder, one call per value, was most of a run whose results all
        came from the cache."""
        span = finding.span
        n1 = newline + " "
        n2, n3, n4, n5 = n1 + " ", n1 + "  ", n1 + "   ", n1 + "    "
        index = self.rule_index.get(finding.rule)
        return (
            f'{{{n1}"ruleId": {encode_basestring(finding.rule)},'
            + ("" if index is None else f'{n1}"ruleIndex": {index:d},')
            + f'{n1}"level": "{_LEVEL[finding.severity]}",{n1}"message": {{{n2}"text": '
            f'{encode_basestring(finding.message)}{n1}}},{n1}"locations": [{n2}{{{n3}"physicalLocation": '
            f'{{{n4}"artifactLocation": {{{n5}"uri": {uri_text},{n5}"uriBaseId": "%SRCROOT%"{n4}}},'
            f'{n4}"region": {{{n5}"startLine": {span.line:d},{n5}"startColumn": {span.column:d},'
            f'{n5}"endLine": {span.end_line:d},{n5}"endColumn": {span.end_column:d}{n4}}}{n3}}}{n2}}}{n1}],'
            f'{n1}"partialFingerprints": {{{n2}"healthlintFingerprint/v1": "{print_}"{n1}}}{newline}}}'
        )


def render(report: Report) -> str:
    from . import render as render_format

    return render_format("sarif", report)
