"""`acronym`: abbreviations defined, used and misused across a document.

The document is read once for all acronym rules (healthlint/acronyms.py, the
same reading `healthlint glossary` prints). Definitions: "long form (SF)" and
"SF (long form)", "long form, or SF", "also known as SF", "SF stands for long
form"; short forms dotted (O.P.M.S.), mixed-case (HbA1c), alphanumeric
(7-OH) or plural (NSAIDs). Uses: every word that looks like an abbreviation
(two or more capitals, no more small letters than capitals) and every form
the text defines. `check` picks the test:

- `mismatch`: the letters of the short form do not fit its long form. They
  fit when each word that gives letters gives its first one and the others in
  order ("nonsteroidal anti-inflammatory drugs (NSAIDs)", "cannabidiol
  (CBD)", "7-hydroxymitragynine (7-OH)"). Letters taken from the middle of
  words while another word gives none ("opioid withdrawal symptoms
  (O.P.M.S.)") are reported too unless `loose_fits` is false (syllable
  abbreviations such as "alanine aminotransferase (ALT)" pass); a long form that does not fit at all is reported
  when it was plainly meant as one ("Opioid withdrawal management
  (O.P.M.S.)"). A number closing a name need not be spelled out
  ("multidrug resistance protein (MRP1)"). The finding spans the definition,
  short and long form.
- `conflict`: a short form defined again with another meaning; the finding
  is on the later definition (short and long form) and names the first. Wordings that add or drop
  a word, or spell one differently ("acute lymphoblastic / lymphocytic
  leukemia"), are the same meaning.
- `mixed-forms`: one abbreviation written several ways (O.P.M.S. and OPMS,
  HbA1c and HBA1C). Every occurrence of a form other than the defined one (or
  else the most common) is reported, with a fix to the preferred form.
- `undefined`: used but never spelled out, and not in `known`; reported once,
  at the first use. When the words themselves appear in the text without the
  abbreviation beside them ("nonalcoholic steatohepatitis" ... "NASH"), the
  finding is only info and points at them.
- `before-definition`: used before the place where it is spelled out.
- `unused`: spelled out but used fewer than `min_uses` times: the words
  alone read better; the fix drops the abbreviation.

Not abbreviations: capitals in a sentence written in capitals, capitals for
emphasis ("do NOT"), Roman numerals and stages ("type II", "stage IIIB"),
karyotypes ("XXY"), pronunciation guides ("(ah-RITH-me-ahs)"), author
initials in references, and names: a symbol followed by "gene", "protein",
"syndrome", "deficiency"... ("the CFTR gene", "CHARGE syndrome") is a name
everywhere in the document, and one shaped like a gene symbol ("BRCA1",
"FSHD1") is never reported as undefined. Short forms matching one of the
rule's `exceptions` (regexes) are left alone.

Limits: an appositive ("OPMS, a kratom brand") is no definition; brackets that
pair a short form with words that do not expand it ("a blood test (CBC)")
count as an explanation: not a definition, but not undefined either. The fit
is a heuristic over letters: an expansion from another language ("twice daily
(BID)") is no definition, and a short form whose letters happen to fit an
unrelated phrase passes.
"""
from __future__ import annotations

from dataclasses import replace
from difflib import SequenceMatcher
from typing import Iterable

import regex

from .. import acronyms, pattern_cache
from ..acronyms import Analysis, Definition, Use, short_form_key
from ..model import Document, Edit, Finding, Fix, Rule
from .base import Check, Hit, Option, OptionError, boolean, integer, one_of, string_list
from .pattern import in_scope

CHECKS = ("mismatch", "conflict", "mixed-forms", "undefined", "before-definition", "unused")


def _min_uses(value):
    value = integer(value)
    if value < 1:
        raise OptionError("must be 1 or more")
    return value


OPTIONS = {
    "check": Option(one_of(*CHECKS), required=True, help="which test to run: " + ", ".join(CHECKS)),
    "known": Option(string_list, (), help="abbreviations readers know without a definition (undefined, before-definition)"),
    "loose_fits": Option(boolean, True,
                         help="also report letters taken from inside words while a word gives none (mismatch)"),
    "min_uses": Option(_min_uses, 1, help="uses a defined abbreviation needs besides its definition (unused)"),
}
MESSAGE_FIELDS = (
    "match", "short", "long", "first_long", "first_line", "preferred", "forms", "count", "times", "reason", "hint",
)

_WORD = pattern_cache.compile(r"[^\p{L}\p{N}]+")


class AcronymCheck(Check):
    merge_overlaps = False

    def __init__(self, rule: Rule):
        super().__init__(rule)
        self.test = rule.option("check")
        self.known = frozenset(short_form_key(item) for item in rule.option("known"))
        self.loose_fits = rule.option("loose_fits")
        self.min_uses = rule.option("min_uses")
        self.exceptions = [regex.compile(pattern) for pattern in rule.exceptions]
        self.run = getattr(self, "_" + self.test.replace("-", "_"))

    def check(self, document: Document, hits: list[Hit]) -> Iterable[Finding]:
        analysis = acronyms.analyse(document)
        if not (analysis.definitions or analysis.uses):
            return  # every test reads definitions or uses: a text with neither has nothing to report
        for finding in self.run(document, analysis):
            yield finding

    # ---- helpers --------------------------------------------------------------------

    def _skipped(self, short: str) -> bool:
        return any(pattern.fullmatch(short) for pattern in self.exceptions)

    def _reportable(self, block) -> bool:
        return in_scope(self.rule.scope, block.kind)

    def _at_definition(self, document: Document, definition: Definition, fields: dict, related=(),
                       whole: bool = False) -> Finding:
        """A finding on the short form of a definition; `whole`: on the pairing,
        short and long form together ("PAWS (prolonged abstinence withdrawal
        state)"), for a problem that lies in how the two go together."""
        text = definition.block.text
        if whole:
            start = min(definition.short_start, definition.long_start)
            end = max(definition.short_end, definition.long_end)
            if text[end : end + 1] in (")", "]"):
                end += 1  # the bracket that closes the pair
        else:
            start, end = definition.short_start, definition.short_end
        span = document.span(definition.block, start, end)
        values = {"short": definition.short, "long": _one_line(definition.long), **fields}
        return self.finding(span, text[start:end] if whole else definition.short, fields=values, related=related)

    def _at_use(self, document: Document, use: Use, fields: dict, related=(), replacement=None) -> Finding:
        span = document.span(use.block, use.start, use.end)
        return self.finding(span, use.text, fields={"short": use.text, **fields}, related=related,
                            replacement=replacement)

    # ---- the tests ------------------------------------------------------------------

    def _mismatch(self, document: Document, analysis: Analysis):
        for definition in analysis.definitions:
            if self._skipped(definition.short) or not self._reportable(definition.block):
                continue
            if not acronyms.looks_like_abbreviation(definition.abbreviation):
                continue  # "(bad) cholesterol", "(CellCept)": a gloss or a brand, not an abbreviation
            if definition.abbreviation != definition.short and acronyms.fit(definition.abbreviation, definition.long) \
                    in (acronyms.FIT_TIGHT, acronyms.FIT_NUMBERED):
                continue  # "magnetic resonance imaging (MRI scan)"
            if definition.fit == acronyms.FIT_NONE:
                reason = _missing_letters(definition)
            elif definition.fit == acronyms.FIT_LOOSE and self.loose_fits \
                    and not acronyms.every_word_gives(definition.short, definition.long):
                reason = "its letters come from the middle of words while some words give none"
            else:
                continue
            yield self._at_definition(document, definition, {"reason": reason}, whole=True)

    def _conflict(self, document: Document, analysis: Analysis):
        firsts: dict[str, Definition] = {}
        for definition in analysis.definitions:
            if not acronyms.looks_like_abbreviation(definition.abbreviation):
                continue
            first = firsts.setdefault(definition.key, definition)
            if first is definition or same_meaning(first.long, definition.long):
                continue
            if self._skipped(definition.short) or not self._reportable(definition.block):
                continue
            first_span = document.span(first.block, first.short_start, first.short_end)
            fields = {"first_long": _one_line(first.long), "first_line": first_span.line}
            yield self._at_definition(document, definition, fields, related=(first_span,), whole=True)

    def _mixed_forms(self, document: Document, analysis: Analysis):
        occurrences: dict[str, list[tuple[str, object]]] = {}
        for definition in analysis.definitions:
            occurrences.setdefault(definition.key, []).append((_form(definition.abbreviation), definition))
        for use in analysis.uses:
            occurrences.setdefault(use.key, []).append((_form(use.text), use))
        for key, found in occurrences.items():
            forms = {form for form, _ in found}
            if len(forms) < 2 or key in analysis.names:
                continue  # genes and their proteins differ in case by convention: MECP2, MeCP2
            preferred = _preferred_form(found)
            shown = ", ".join(sorted(forms))
            for form, where in found:
                if form == preferred or not isinstance(where, Use):
                    continue
                if form[1:] == preferred[1:] and _starts_sentence(where):
                    continue  # "MtDNA depletion causes...": a capital that opens a sentence
                if self._skipped(where.text) or not self._reportable(where.block):
                    continue
                fields = {"preferred": preferred, "forms": shown}
                yield self._at_use(document, where, fields, replacement=_replacement(where, preferred))

    def _undefined(self, document: Document, analysis: Analysis):
        settled = analysis.defined_keys | analysis.explained | analysis.names | analysis.symbols | self.known
        seen: dict[str, list[Use]] = {}
        for use in analysis.uses:
            if use.key not in settled:
                seen.setdefault(use.key, []).append(use)
        reported = [uses for uses in seen.values()
                    if not (self._skipped(uses[0].text) or self._skipped(_form(uses[0].text)))
                    and self._reportable(uses[0].block)]
        long_forms = acronyms.find_long_forms(document, [uses[0].text for uses in reported])
        for uses in reported:
            first = uses[0]
            fields = {"count": len(uses), "times": _times(len(uses)), "hint": ""}
            spelled = long_forms.get(first.text)
            if spelled is None:
                yield self._at_use(document, first, fields)
                continue
            # The words are there, only not tied to the abbreviation: a lesser fault.
            block, start, end = spelled
            span = document.span(block, start, end)
            fields["hint"] = f"; “{_one_line(block.text[start:end])}” on line {span.line} looks like its long form"
            yield replace(self._at_use(document, first, fields, related=(span,)), severity="info")

    def _before_definition(self, document: Document, analysis: Analysis):
        firsts: dict[str, Definition] = {}
        for definition in analysis.definitions:
            firsts.setdefault(definition.key, definition)
        reported = set()
        for use in analysis.uses:
            definition = firsts.get(use.key)
            if definition is None or use.key in reported or use.position > definition.position:
                continue
            if use.key in self.known:
                continue  # "THC" before "tetrahydrocannabinol (THC)": readers know it already
            reported.add(use.key)
            if self._skipped(use.text) or not self._reportable(use.block):
                continue
            span = document.span(definition.block, definition.short_start, definition.short_end)
            fields = {"long": _one_line(definition.long), "first_line": span.line}
            yield self._at_use(document, use, fields, related=(span,))

    def _unused(self, document: Document, analysis: Analysis):
        counts: dict[str, int] = {}
        for use in analysis.uses:
            counts[use.key] = counts.get(use.key, 0) + 1
        reported = set()
        for definition in analysis.definitions:
            if definition.key in reported or counts.get(definition.key, 0) >= self.min_uses:
                continue
            reported.add(definition.key)
            if self._skipped(definition.short) or not self._reportable(definition.block):
                continue
            count = counts.get(definition.key, 0)
            finding = self._at_definition(document, definition, {"count": count, "times": _times(count)})
            edit = _spell_out(document, definition)
            if edit is not None and self.rule.fix_applicability:
                finding = replace(finding, fix=Fix(self.rule.fix_applicability, (edit,)))
            yield finding


# ---- meanings, forms and fixes ----------------------------------------------------------


def same_meaning(first: str, second: str) -> bool:
    """Two long forms say the same thing: the same words (case, hyphens, plurals and
    small words aside), one within the other ("opioid-induced withdrawal symptoms"
    and "opioid withdrawal symptoms"), or one word changed for a close one
    ("acute lymphoblastic leukemia" and "acute lymphocytic leukemia")."""
    a, b = _content_words(first), _content_words(second)
    if a == b or a <= b or b <= a:
        return True
    if SequenceMatcher(None, _letters_only(first), _letters_only(second)).ratio() >= 0.85:
        return True  # spelled differently: "orofaciodigital" and "oral-facial-digital"
    only_a, only_b = a - b, b - a
    if len(only_a) == 1 and len(only_b) == 1:
        x, y = next(iter(only_a)), next(iter(only_b))
        common = 0
        while common < min(len(x), len(y)) and x[common] == y[common]:
            common += 1
        return common >= 5
    return False


def _letters_only(text: str) -> str:
    return "".join(char for char in text.lower() if char.isalnum())


def _content_words(long: str) -> frozenset[str]:
    words = [w for w in _WORD.split(long.lower()) if w and w not in acronyms.STOPWORDS]
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def _form(short: str) -> str:
    """How a short form is spelled, plural, possessive and a dangling mark aside
    ("TGF-" where a Greek letter was lost, "GEFS+")."""
    return acronyms.singular(short).strip("-‐‑+/")


def _preferred_form(found) -> str:
    """The form of the first definition, or else the most common form (the first on a tie)."""
    for form, where in found:
        if isinstance(where, Definition):
            return form
    counts: dict[str, int] = {}
    for form, _ in found:
        counts[form] = counts.get(form, 0) + 1
    return max(counts, key=lambda form: counts[form])  # dicts keep first-seen order on ties


def _replacement(use: Use, preferred: str) -> str:
    """The preferred form in place of this one, keeping a plural ending and the period
    that closes a sentence ("...from O.P.M.S." -> "...from OPMS.")."""
    ending = use.text[len(_form(use.text)) :]
    replacement = preferred + ending
    text = use.block.text
    if use.text.endswith(".") and not replacement.endswith(".") and _ends_sentence(use):
        replacement += "."
    if replacement.endswith(".") and use.end < len(text) and text[use.end] == ".":
        replacement = replacement[:-1]
    return replacement


def _starts_sentence(use: Use) -> bool:
    return any(start == use.start for start, _ in use.block.sentences)


def _ends_sentence(use: Use) -> bool:
    return any(end == use.end for _, end in use.block.sentences)


def _spell_out(document: Document, definition: Definition) -> Edit | None:
    """An edit that leaves the long form alone: " (SF)" removed, or "SF (long form)"
    replaced by "long form". None when the brackets hold more than that."""
    text = definition.block.text
    if not definition.bracketed:
        return None  # "long form, or SF": rewording the sentence is the writer's call
    if definition.order == acronyms.LONG_FIRST:
        open_ = text.rfind("(", 0, definition.short_start)
        close = text.find(")", definition.short_end)
        if open_ < 0 or close < 0 or text[open_ + 1 : close].strip() != definition.short:
            return None
        start = open_
        while start > 0 and text[start - 1] == " ":
            start -= 1
        return Edit(document.span(definition.block, start, close + 1), "")
    close = text.find(")", definition.long_end)
    open_ = text.rfind("(", 0, definition.long_start)
    if open_ < 0 or close < 0 or text[open_ + 1 : close].strip() != definition.long.strip():
        return None
    return Edit(document.span(definition.block, definition.short_start, close + 1), definition.long)


def _missing_letters(definition: Definition) -> str:
    """Which letters of the short form the long form does not give, in order."""
    letters = [char for char in acronyms.singular(definition.short) if char.isalnum()]
    long = definition.long.lower()
    position = 0
    missing = []
    for char in letters:
        found = long.find(char.lower(), position)
        if found < 0:
            missing.append(char)
        else:
            position = found + 1
    if missing:
        quoted = ", ".join(f"“{char}”" for char in missing)
        return f"nothing in it gives {quoted}"
    return "its words do not start with its letters"


def _times(count: int) -> str:
    return {0: "never", 1: "once", 2: "twice"}.get(count, f"{count} times")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def compile(rule: Rule) -> AcronymCheck:
    return AcronymCheck(rule)
