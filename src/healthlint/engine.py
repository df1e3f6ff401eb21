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
        self.sources = sources
        self.gate = regex.compile("|".join(sources), regex.IGNORECASE) if sources else None
        # Patterns bucketed by the (lower-cased) character they must start with;
        # "" holds the ones that can start with anything.
        buckets: dict[str, list[int]] = defaultdict(list)
        for entry_index, (_, _, compiled) in enumerate(entries):
            buckets[_first_char(compiled.pattern)].append(entry_index)
        self.buckets = dict(buckets)
        self.anywhere = self.buckets.get("", [])

    def scan(self, document: Document, check_count: int) -> tuple[list[list[Hit]], set[int]]:
        """Hits per check, and the checks whose patterns ran out of time on this document."""
        hits: list[list[Hit]] = [[] for _ in range(check_count)]
        timed_out: set[int] = set()
        if self.gate is None:
            return hits, timed_out
        gate = self.gate
        for block in document.blocks:
            while True:
                try:
                    self._scan_block(block, gate, timed_out, hits)
                    break
                except TimeoutError:
                    slow = self._slow_checks(block.text) - timed_out
                    if not slow:
                        # Nothing is pathological on its own: the block is just big.
                        self._scan_block(block, gate, timed_out, hits, limited=False)
                        break
                    timed_out |= slow
                    gate = self._gate_without(timed_out)
                    if gate is None:
                        break
        return hits, timed_out

    def _scan_block(self, block, gate, skipped: set[int], hits, limited: bool = True) -> None:
        entries, buckets, anywhere = self.entries, self.buckets, self.anywhere
        text = block.text
        limit = time_limit(len(text)) if limited else None
        for candidate in gate.finditer(text, overlapped=True, timeout=limit):
            position = candidate.start()
            for entry_index in (*buckets.get(text[position].lower(), ()), *anywhere):
                check_index, pattern_index, compiled = entries[entry_index]
                if check_index in skipped:
                    continue
                found = compiled.match(text, position, timeout=limit)
                if found and found.end() > position:
                    hits[check_index].append(Hit(pattern_index, block, position, found.end()))

    def _slow_checks(self, text: str) -> set[int]:
        slow = set()
        for check_index, _, compiled in self.entries:
            try:
                for _ in compiled.finditer(text, overlapped=True, timeout=time_limit(len(text))):
                    pass
            except TimeoutError:
                slow.add(check_index)
        return slow

    def _gate_without(self, skipped: set[int]):
        sources = [source for (check_index, _, _), source in zip(self.entries, self.sources)
                   if check_index not in skipped]
        return regex.compile("|".join(sources), regex.IGNORECASE) if sources else None


def time_limit(length: int) -> float:
    """Seconds any one regex operation may take on a text of `length` characters: far more than
    any sane pattern needs (they run at megabytes per second), far less than a hang."""
    return 1.0 + length / 100_000


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
        return self.run(document)[0]

    def run(self, document: Document) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
        """Findings in position order, and notices about rules that could not finish."""
        checks = self.ruleset.checks
        hits, timed_out = self.scanner.scan(document, len(checks))
        notices = [_notice(document, checks[index].rule, "a pattern ran out of time on this document")
                   for index in sorted(timed_out)]
        findings = {}
        for index, (check, check_hits) in enumerate(zip(checks, hits)):
            if index in timed_out:
                continue
            if check.merge_overlaps:
                check_hits = _longest_first(check_hits)
            try:
                for finding in check.check(document, check_hits):
                    findings.setdefault((finding.rule, finding.span), finding)
            except TimeoutError:
                notices.append(_notice(document, check.rule, "a pattern ran out of time on this document"))
            except Exception as error:  # noqa: BLE001 - one failing rule must not hide the others' findings
                notices.append(_notice(document, check.rule, f"failed ({type(error).__name__}: {error})"))
        return tuple(sorted(findings.values(), key=lambda f: f.sort_key)), tuple(notices)


def _notice(document: Document, rule, what: str) -> str:
    return f"{document.path}: rule {rule.id} ({rule.path}): {what}; its findings for this file are left out"
