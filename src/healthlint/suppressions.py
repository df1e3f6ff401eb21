"""Suppression comments: turning rules off for a region or for one line.

    <!-- healthlint-disable absolute-safety hype -->   ...   <!-- healthlint-enable -->
    <!-- healthlint-disable-next-line stigma -- quoting the 1998 report -->

Names are rule ids or categories; none means every rule. `enable` with names
turns only those back on. The same comments work in Markdown, HTML and plain
text (in a .txt file the comment stands on a line of its own and is not
linted). Text after ` -- ` is the reason, kept for the reader.

Directives are found in the source by their own pattern: they are markup, not
prose, so the parsers never hand them to rules.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from . import pattern_cache
from .model import Finding, Span

_DIRECTIVE = pattern_cache.compile(
    r"<!--\s*healthlint-(disable-next-line|disable|enable)\b((?:(?!-->|\s--\s).)*)(?:\s--\s(?:(?!-->).)*)?-->",
    regex.DOTALL,
)


@dataclass(frozen=True)
class Directive:
    """A healthlint-disable, -enable or -disable-next-line comment."""

    action: str  # disable, enable, disable-next-line
    names: tuple[str, ...]  # empty: every rule
    span: Span


@dataclass(frozen=True)
class Suppressions:
    """The line ranges where a document's directives silence rules."""

    # (first line, last line or None for "to the end", names, directive)
    ranges: tuple[tuple[int, int | None, tuple[str, ...], Directive], ...]

    def filter(self, findings: tuple[Finding, ...]):
        """Findings that no directive suppresses, and (directive, names) that suppressed nothing."""
        used: set[int] = set()
        kept = []
        for finding in findings:
            hit = next((index for index, (first, last, names, _) in enumerate(self.ranges)
                        if first <= finding.span.line and (last is None or finding.span.line <= last)
                        and (not names or finding.rule in names or finding.category in names)), None)
            if hit is None:
                kept.append(finding)
            else:
                used.add(hit)
        unused = tuple((directive, names) for index, (_, _, names, directive) in enumerate(self.ranges)
                       if index not in used)
        return tuple(kept), unused


def find_suppressions(source: str, position) -> Suppressions | None:
    """Suppressions in `source`; `position(offset)` gives (line, column). None when there are none."""
    if "healthlint-" not in source:
        return None
    ranges = []
    open_regions: dict[str, tuple[int, Directive]] = {}  # name ("" for all) -> (first line, directive)
    for found in _DIRECTIVE.finditer(source):
        action = found.group(1)
        names = tuple(found.group(2).replace(",", " ").split())
        line, column = position(found.start())
        end_line, end_column = position(found.end())
        directive = Directive(action, names, Span(line, column, end_line, end_column, found.start(), found.end()))
        if action == "disable-next-line":
            ranges.append((end_line + 1, end_line + 1, names, directive))
        elif action == "disable":
            for name in names or ("",):
                open_regions.setdefault(name, (end_line, directive))
        else:
            for name in list(open_regions) if not names else names:
                if name in open_regions:
                    first, opener = open_regions.pop(name)
                    ranges.append((first, line, (name,) if name else (), opener))
    for name, (first, opener) in open_regions.items():
        ranges.append((first, None, (name,) if name else (), opener))
    return Suppressions(tuple(ranges))
