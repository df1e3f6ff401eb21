"""Running a rule set over a document.

The engine never runs one pass over the text per rule. Every regex of every
rule goes into one alternation (the gate) that is run once per block in
overlapped mode; it stops only where some pattern matches. There, the patterns
that can start with that character are tried one by one, so that two rules
matching at the same place are both found. Each Check then receives the hits of
its own patterns and decides what to report.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict

import regex

from .kinds.base import Hit
from .model import Document, Finding
from .ruleset import RuleSet


class Scanner:
    def __init__(self, ruleset: RuleSet):
        entries = []  # (check index, pattern index, compiled pattern)
        sources = []
        for check_index, check in enumerate(ruleset.checks):
            flags = 0 if check.case_sensitive else regex.IGNORECASE
            for pattern_index, pattern in enumerate(check.patterns):
                entries.append((check_index, pattern_index, regex.compile(pattern, flags)))
                sources.append(f"(?-i:{pattern})" if check.case_sensitive else f"(?:{pattern})")
        self.entries = entries
        self.gate = regex.compile("|".join(sources), regex.IGNORECASE) if sources else None
        # Patterns bucketed by the (lower-cased) character they must start with;
        # "" holds the ones that can start with anything.
        buckets: dict[str, list[int]] = defaultdict(list)
        for entry_index, (_, _, compiled) in enumerate(entries):
            buckets[_first_char(compiled.pattern)].append(entry_index)
        self.buckets = dict(buckets)
        self.anywhere = self.buckets.get("", [])

    def scan(self, document: Document, check_count: int) -> list[list[Hit]]:
        hits: list[list[Hit]] = [[] for _ in range(check_count)]
        if self.gate is None:
            return hits
        entries, buckets, anywhere = self.entries, self.buckets, self.anywhere
        for block in document.blocks:
            text = block.text
            for candidate in self.gate.finditer(text, overlapped=True):
                position = candidate.start()
                for entry_index in (*buckets.get(text[position].lower(), ()), *anywhere):
                    check_index, pattern_index, compiled = entries[entry_index]
                    found = compiled.match(text, position)
                    if found and found.end() > position:
                        hits[check_index].append(Hit(pattern_index, block, position, found.end()))
        return hits


def _longest_first(hits: list[Hit]) -> list[Hit]:
    """One rule reports a stretch of text once: of overlapping hits keep the
    earliest, and of those starting together the longest."""
    if len(hits) < 2:
        return hits
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.block.index, h.start, -h.end)):
        last = kept[-1] if kept else None
        if last and last.block is hit.block and hit.start < last.end:
            continue
        kept.append(hit)
    return kept


def _first_char(pattern: str) -> str:
    """The lower-cased literal character every match must start with, or ""."""
    if _has_top_level_alternation(pattern):
        return ""
    body = pattern
    while body.startswith(r"\b"):
        body = body[2:]
    if len(body) >= 2 and body[0].isalnum() and body[1] not in "?*{":
        return body[0].lower()
    return ""


def _has_top_level_alternation(pattern: str) -> bool:
    depth, escaped, in_set = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_set:
            in_set = char != "]"
        elif char == "[":
            in_set = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


class Engine:
    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.scanner = Scanner(ruleset)
        self._fingerprint: str | None = None

    @property
    def fingerprint(self) -> str:
        """A digest of the effective rules: everything that decides what gets reported."""
        if self._fingerprint is None:
            self._fingerprint = hashlib.sha256(repr(self.ruleset.rules).encode()).hexdigest()
        return self._fingerprint

    def lint(self, document: Document) -> tuple[Finding, ...]:
        checks = self.ruleset.checks
        hits = self.scanner.scan(document, len(checks))
        findings = {}
        for check, check_hits in zip(checks, hits):
            if check.merge_overlaps:
                check_hits = _longest_first(check_hits)
            for finding in check.check(document, check_hits):
                findings.setdefault((finding.rule, finding.span), finding)
        return tuple(sorted(findings.values(), key=lambda f: f.sort_key))
