"""`pattern`: phrases and regexes, with exceptions and an `unless` condition.

A hit is reported unless it is inside a quotation (quoted speech is not the
writer's claim), negated ("is not risk-free"), overlapped by one of the rule's
exceptions, or something the `unless` terms describe occurs near it (a
citation in the same or the next sentence, say). `when` is the converse: terms
that must occur near a hit for it to count ("studies suggest" matters where a
benefit is claimed, not where a gene is described).
"""
from __future__ import annotations

from typing import Iterable

from ..model import Document, Finding, Rule
from . import context
from .base import Check, Hit, Option, OptionError, Terms, boolean, keep_case, phrase_regex, regex_list, string_list, terms


def _near_terms(value):
    """`unless` and `when`: phrases and/or patterns, and the window to look in."""
    if not isinstance(value, dict):
        raise OptionError("must be a mapping with 'phrases' and/or 'patterns' and 'within'")
    within = value.get("within", "sentence")
    if within not in context.WINDOWS:
        raise OptionError(f"must be one of {', '.join(context.WINDOWS)}", key="within")
    return terms({k: v for k, v in value.items() if k != "within"}), within


OPTIONS = {
    "phrases": Option(string_list, (), help="literal phrases; case-insensitive, word-bounded"),
    "patterns": Option(regex_list, (), help="regexes (the `regex` module's syntax), case-insensitive"),
    "case_sensitive": Option(boolean, False, help="match case exactly"),
    "unless": Option(_near_terms, None, help="terms that cancel a match when found `within` its sentence, "
                     "sentence-or-next, paragraph or document"),
    "when": Option(_near_terms, None, help="terms that must be found `within` its sentence, sentence-or-next, "
                   "paragraph or document for a match to count"),
    "skip_quoted": Option(boolean, True, help="ignore matches inside double quotes within a sentence"),
    "skip_negated": Option(boolean, True, help="ignore matches preceded by a negation (not, never, n't)"),
}
MESSAGE_FIELDS = ("match",)


class PatternCheck(Check):
    reports_at_hits_only = True

    def __init__(self, rule: Rule):
        super().__init__(rule)
        self.case_sensitive = rule.option("case_sensitive")
        phrases = tuple(phrase_regex(p) for p in rule.option("phrases"))
        self.patterns = phrases + tuple(rule.option("patterns"))
        if not self.patterns:
            raise OptionError("a pattern rule needs 'phrases' or 'patterns'", key="phrases")
        unless = rule.option("unless")
        self.unless = (unless[0].each_compiled(), unless[1]) if unless else None
        when = rule.option("when")
        self.when = (when[0].each_compiled(), when[1]) if when else None
        self.exceptions = Terms(rule.exceptions).compiled()
        self.context_patterns = (*((self.exceptions,) if self.exceptions else ()),
                                 *(self.unless[0] if unless else ()), *(self.when[0] if when else ()))
        self.scope = set(rule.scope)

    def check(self, document: Document, hits: list[Hit]) -> Iterable[Finding]:
        rule = self.rule
        for hit in hits:
            block, start, end = hit.block, hit.start, hit.end
            if not accepts(self, document, hit):
                continue
            if self.when and not context.found_near(document, hit, self.when[1], self.when[0]):
                continue
            if self.unless and context.found_near(document, hit, self.unless[1], self.unless[0]):
                continue
            match = block.text[start:end]
            replacement = None
            if rule.fix_replacement is not None:
                replacement = keep_case(match, rule.fix_replacement.format(match=match))
            yield self.finding(document.span(block, start, end), match, replacement=replacement)


def accepts(check: Check, document: Document, hit: Hit) -> bool:
    """The filters pattern-like kinds share: scope, sentence bounds, quotes, negation, exceptions."""
    rule = check.rule
    block, start, end = hit.block, hit.start, hit.end
    if not in_scope(rule.scope, block.kind):
        return False
    bounds = context.sentence_bounds(block, start)  # the three tests below share it
    if "document" not in rule.scope and "paragraph" not in rule.scope and end > bounds[1]:
        return False  # crosses the end of its sentence
    if check.skip_quoted and context.in_quotes(block, start, end, bounds):
        return False
    if check.skip_negated and context.negated(block, start, bounds):
        return False
    exceptions = getattr(check, "exceptions", None)
    if exceptions is None:
        return True
    around = max(0, start - 200), min(len(block.text), end + 200)
    if hit.prefilter is None or hit.prefilter.may_match(exceptions, block, *around):
        for exception in exceptions.finditer(block.text, *around):
            if exception.start() < end and start < exception.end():
                return False
    return True


# Scopes that name a unit of text rather than a kind of block.
TEXT_SCOPES = ("document", "sentence")


def in_scope(scope: tuple[str, ...], block_kind: str) -> bool:
    try:
        return _IN_SCOPE[scope, block_kind]  # asked for every hit: answered once per pair
    except KeyError:
        pass
    kinds = [s for s in scope if s not in TEXT_SCOPES]
    answer = block_kind == "blockquote" and "paragraph" in kinds or not kinds or block_kind in kinds
    if len(_IN_SCOPE) < 10_000:
        _IN_SCOPE[scope, block_kind] = answer
    return answer


_IN_SCOPE: dict[tuple[tuple[str, ...], str], bool] = {}


def compile(rule: Rule) -> PatternCheck:
    return PatternCheck(rule)
