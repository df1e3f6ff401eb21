"""`require`: when a trigger occurs and a required statement is absent, report once.

Document level: the finding sits on the first trigger, so that a writer sees
where the text starts to need the statement (a "talk to your doctor" line,
say). `min_triggers` keeps a passing mention from demanding it.
"""
from __future__ import annotations

from typing import Iterable

from ..model import Document, Finding, Rule
from .base import Check, Hit, Option, integer, terms
from .pattern import in_scope

OPTIONS = {
    "triggers": Option(terms, required=True, help="phrases/patterns that make the statement necessary"),
    "required": Option(terms, required=True, help="phrases/patterns, any of which satisfies the rule"),
    "min_triggers": Option(integer, 1, help="how many trigger matches it takes"),
}
MESSAGE_FIELDS = ("match", "count")


class RequireCheck(Check):
    merge_overlaps = False  # a required statement must not hide behind a trigger

    def __init__(self, rule: Rule):
        super().__init__(rule)
        self.triggers = rule.option("triggers").patterns
        self.patterns = self.triggers + rule.option("required").patterns
        self.min_triggers = rule.option("min_triggers")
        # Most texts that hold triggers also hold the statement, and then the
        # triggers' hits are never looked at; and one match of the statement
        # is enough: both are found only as far as needed.
        self.lazy_patterns = frozenset(range(len(self.patterns)))
        # The finding sits on a trigger: without hits there is none (unless no
        # trigger at all is asked for).
        self.reports_at_hits_only = self.min_triggers > 0

    def check(self, document: Document, hits: list[Hit]) -> Iterable[Finding]:
        count = len(self.triggers)
        required = [hit for hit in hits if hit.pattern >= count]
        if len(required) == len(hits) and self.min_triggers > 0:
            return  # no block may hold a trigger: the statement need not be looked for
        if self.any_confirmed(required):
            return  # the required statement is there
        triggers = self.confirmed([hit for hit in hits
                                   if hit.pattern < count and in_scope(self.rule.scope, hit.block.kind)])
        if len(triggers) < self.min_triggers:
            return
        first = min(triggers, key=lambda hit: (hit.block.index, hit.start))
        match = first.block.text[first.start : first.end]
        yield self.finding(
            document.span(first.block, first.start, first.end), match, fields={"count": len(triggers)}
        )


def compile(rule: Rule) -> RequireCheck:
    return RequireCheck(rule)
