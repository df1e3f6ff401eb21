"""`substitution`: a map from a term to its preferred form.

Each term is a literal phrase (case-insensitive, word-bounded). The fix
replaces the match with the preferred form in the match's capitalisation, so
"Addicts" becomes "People with a substance use disorder" at a sentence start.
The fix's safety comes from the rule's `fix.applicability`.
"""
from __future__ import annotations

from typing import Iterable

from ..model import Document, Finding, Rule
from .base import Check, Hit, Option, Terms, boolean, keep_case, phrase_regex, string_map
from .pattern import accepts

OPTIONS = {
    "terms": Option(string_map, required=True, help="term: preferred form"),
    "case_sensitive": Option(boolean, False, help="match case exactly"),
    "skip_quoted": Option(boolean, True, help="ignore matches inside double quotes within a sentence"),
    "skip_negated": Option(boolean, False, help="ignore matches preceded by a negation"),
}
MESSAGE_FIELDS = ("match", "preferred")


class SubstitutionCheck(Check):
    reports_at_hits_only = True

    def __init__(self, rule: Rule):
        super().__init__(rule)
        self.case_sensitive = rule.option("case_sensitive")
        term_map = rule.option("terms")
        self.preferred = tuple(preferred for _, preferred in term_map)
        self.patterns = tuple(phrase_regex(term) for term, _ in term_map)
        self.exceptions = Terms(rule.exceptions).compiled()
        self.context_patterns = (self.exceptions,) if self.exceptions else ()

    def check(self, document: Document, hits: list[Hit]) -> Iterable[Finding]:
        for hit in hits:
            if not accepts(self, document, hit):
                continue
            match = hit.block.text[hit.start : hit.end]
            preferred = keep_case(match, self.preferred[hit.pattern])
            yield self.finding(
                document.span(hit.block, hit.start, hit.end),
                match,
                fields={"preferred": preferred},
                replacement=preferred,
            )


def compile(rule: Rule) -> SubstitutionCheck:
    return SubstitutionCheck(rule)
