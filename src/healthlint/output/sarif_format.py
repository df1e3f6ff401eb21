"""SARIF 2.1.0, as GitHub code scanning reads it.

Rules carry their help text (the same documentation as `healthlint explain`),
results their level, region (code-point columns, declared by `columnKind`),
a partial fingerprint that survives lines added above, and fixes when a rule
has a replacement.
"""
from __future__ import annotations

import json
import os

from .. import __version__
from ..baseline import fingerprints
from ..explain import explain_rule
from . import Report

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return relative.replace(os.sep, "/")


def _region(span) -> dict:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line,
            "endColumn": span.end_column}


def render(report: Report) -> str:
    rule_index = {rule.id: index for index, rule in enumerate(report.rules)}
    rules = [
        {
            "id": rule.id,
            "name": "".join(part.capitalize() for part in rule.id.split("-")),
            "shortDescription": {"text": " ".join(rule.description.split())[:1000]},
            "fullDescription": {"text": " ".join(rule.rationale.split())},
            "help": {"text": explain_rule(rule)},
            **({"helpUri": rule.link} if rule.link else {}),
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            "properties": {"tags": [rule.category, "health-writing"]},
        }
        for rule in report.rules
    ]
    results = []
    for file in report.results:
        for finding, print_ in zip(file.findings, fingerprints(file)):
            location = {"physicalLocation": {"artifactLocation": {"uri": _uri(file.path), "uriBaseId": "%SRCROOT%"},
                                             "region": _region(finding.span)}}
            result = {
                "ruleId": finding.rule,
                **({"ruleIndex": rule_index[finding.rule]} if finding.rule in rule_index else {}),
                "level": _LEVEL[finding.severity],
                "message": {"text": finding.message},
                "locations": [location],
                "partialFingerprints": {"healthlintFingerprint/v1": print_},
            }
            if finding.related:
                result["relatedLocations"] = [
                    {"id": number, "physicalLocation": {"artifactLocation": {"uri": _uri(file.path),
                                                                             "uriBaseId": "%SRCROOT%"},
                                                        "region": _region(span)}}
                    for number, span in enumerate(finding.related, 1)
                ]
            if finding.fix and finding.fix.applicability != "suggestion":
                result["fixes"] = [{
                    "description": {"text": "; ".join(finding.suggestions) or "Apply the fix."},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": _uri(file.path), "uriBaseId": "%SRCROOT%"},
                        "replacements": [{"deletedRegion": _region(edit.span),
                                          "insertedContent": {"text": edit.replacement}}
                                         for edit in finding.fix.edits],
                    }],
                }]
            results.append(result)
    notifications = [{"level": "error", "message": {"text": error}} for error in report.all_errors]
    run = {
        "tool": {"driver": {"name": "healthlint", "version": __version__, "semanticVersion": __version__,
                            "informationUri": "https://pypi.org/project/healthlint/", "rules": rules}},
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + os.getcwd().rstrip("/") + "/"}},
        "results": results,
        "invocations": [{"executionSuccessful": not report.all_errors,
                         "toolExecutionNotifications": notifications}],
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, ensure_ascii=False, indent=1) + "\n"
