"""Running a rule set over a document.

The engine never runs one pass over the text per rule: a scanner
(scanning.py) finds the patterns of every rule in one pass over each block,
then each Check receives the hits of its own patterns and decides what to
report. Overlapping hits of one rule become one finding.
"""
from __future__ import annotations

import hashlib
from .kinds.base import Hit
from .model import Document, Finding
from .ruleset import RuleSet
from .scanning import make_scanner


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


class Engine:
    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.scanner = make_scanner(ruleset)
        # What run_all asks of each check for every document, asked once.
        self._checks_in_order = tuple((index, check, check.reports_at_hits_only, check.merge_overlaps)
                                      for index, check in enumerate(ruleset.checks))
        self._fingerprint: str | None = None
        # The one hook for the language server: an incremental.BlockReuse, which
        # lints an edited document again reusing the unchanged blocks' work and
        # gives exactly what run_all gives. None (the CLI's case): run_all.
        self.block_reuse = None

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
        if self.block_reuse is not None:
            return self.block_reuse.run(self, document)
        return self.run_all(document)

    def run_all(self, document: Document) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
        """`run` from scratch: scan every block, run every check on the whole document."""
        checks = self.ruleset.checks
        hits, timed_out = self.scanner.scan(document, len(checks))
        notices = [_notice(document, checks[index].rule, "a pattern ran out of time on this document")
                   for index in sorted(timed_out)]
        findings = {}
        for index, check, reports_at_hits_only, merge_overlaps in self._checks_in_order:
            check_hits = hits[index]
            if not check_hits and reports_at_hits_only or index in timed_out:
                continue
            if merge_overlaps:
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
