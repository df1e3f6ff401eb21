"""Output formats. Each module has `render(report) -> str`; the CLI picks one by name.

A Report carries everything a format may need, so that formats never reach
back into the engine.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from ..model import SEVERITIES, FileResult, Rule

FORMATS = ("text", "json", "jsonl", "sarif", "github", "junit", "rdjson")


@dataclass(frozen=True)
class Report:
    results: tuple[FileResult, ...]
    rules: tuple[Rule, ...]
    color: bool = False
    problems: tuple[str, ...] = ()  # paths that could not be linted at all

    @property
    def finding_count(self) -> int:
        return sum(len(result.findings) for result in self.results)

    @property
    def all_errors(self) -> list[str]:
        return list(self.problems) + [error for result in self.results for error in result.errors]

    def counts_by_severity(self) -> dict[str, int]:
        counts = {severity: 0 for severity in reversed(SEVERITIES)}
        for result in self.results:
            for finding in result.findings:
                counts[finding.severity] += 1
        return counts


def render(format: str, report: Report) -> str:
    if format not in FORMATS:
        raise ValueError(f"unknown output format {format!r}")
    module = importlib.import_module(f"{__name__}.{format}_format")
    return module.render(report)
