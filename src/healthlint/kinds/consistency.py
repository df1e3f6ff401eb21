"""`consistency`: one term written several ways in one text.

The forms of a term are counted over the whole document; the most frequent
form (the first one used, on a tie) is the text's own choice, and every other
form is reported with it as the fix. What counts as "another form" is set by
`compare`:

- `case`: an acronym or name written in other capitals: "OPMS" and "opms",
  "OPMS Kratom Recall" and "opms kratom recall". Only differences that change
  what a reader sees as a name count: an acronym (two to six capitals) written
  in small letters, or inner capitals lost or added (MedlinePlus,
  Medlineplus). "Kratom recall" against "kratom recall" is style, "MECP2"
  against "MeCP2" is gene against protein, a long word in capitals is
  emphasis: none of these is reported. A capital at the start of a sentence
  is no evidence either way; headings and title-case lines are left out (they
  capitalise by rule); words with digits (gene names), words that are also
  common English words ("AIDS" and "aids", "US" and "us") and names made only
  of English words are skipped.
- `hyphenation`: "e-mail" and "email", "anti-inflammatory" and
  "antiinflammatory". Prefixes that change the meaning ("re-sign" and
  "resign") are skipped.
- `spacing`: "health care" and "healthcare". Phrasal verbs ("follow up" and
  "followup", "set up" and "setup") and phrases that open with a function word
  ("every day" and "everyday", "may be" and "maybe") are skipped: there, both
  forms are right in their place. "long term" against "long-term" is never
  compared, for the same reason.

Limits: only the text's own forms are compared, so a term written one wrong
way throughout is not reported; the majority can be the wrong form.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain, compress, filterfalse, islice
from typing import Iterable, NamedTuple

import regex

from .. import pattern_cache
from ..model import Block, Document, Finding, Rule
from ..wordlists import EnglishWords, english_words
from .base import Check, Hit, Option, OptionError, integer, keep_case, string_list
from .pattern import in_scope

COMPARISONS = ("case", "hyphenation", "spacing")


def _comparisons(value):
    names = string_list(value)
    unknown = [name for name in names if name not in COMPARISONS]
    if unknown:
        raise OptionError(f"unknown comparison {unknown[0]!r}; use {', '.join(COMPARISONS)}")
    return names


OPTIONS = {
    "compare": Option(_comparisons, COMPARISONS, help="which variants to compare: case, hyphenation, spacing"),
    "min_count": Option(integer, 1, help="how often the preferred form must occur before others are reported"),
}
MESSAGE_FIELDS = ("match", "preferred", "count")

_TOKEN = pattern_cache.compile(r"[\p{L}\p{N}]+(?:['’][\p{L}]+)*(?:[-‐‑][\p{L}\p{N}]+(?:['’][\p{L}]+)*)*")
_HYPHENS = pattern_cache.compile(r"[-‐‑]")
_HYPHENATED_WORD = pattern_cache.compile(r"[^ ]*[-‐‑][^ ]*")  # in words joined by spaces
_NON_ASCII_WORD = pattern_cache.compile(r"[^ ]*[^\x00-\x7f][^ ]*")  # in words joined by spaces
# Where Block.words (documents/words.py) may split a text otherwise than _TOKEN:
# a hyphen other than "-" joins words here only, and so does an apostrophe
# followed by a digit there only.
_TOKENS_DIFFER = pattern_cache.compile(r"[‐‑]|['’]\p{L}*\p{N}")
_DIGIT = pattern_cache.compile(r"\p{N}")
_NON_LETTERS = pattern_cache.compile(r"[^\p{L}]")
_INNER_CAPITAL = pattern_cache.compile(r"(?<=\p{L})\p{Lu}")
# Web and mail addresses: their words are not the text's terms (www.nlm.nih.gov).
_ADDRESS = pattern_cache.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\b[\w-]+(?:\.[\w-]+)*\.(?:gov|com|org|net|edu|int|io|info)\b\S*",
    regex.IGNORECASE,
)
# Prefixes that make a hyphenated word of English words: "non-small" is English.
_ENGLISH_PREFIXES = frozenset("non anti pre post co re sub multi inter intra semi self well ex mid over under".split())
_LONGEST_NAME = 4
_MOST_FORMS = 8  # candidates for the preferred form of a term
_LONGEST_ACRONYM = 6  # letters; a longer word in capitals is emphasis or a title
_JOINERS = {"closed": "", "hyphenated": "-", "spaced": " "}

# Second words that make a phrasal verb, whose closed form is a noun.
_PARTICLES = frozenset("up down out in on off over back away through together along about around by".split())
# First words that make a phrase of their own: "every day", "may be", "in to".
_FUNCTION_WORDS = frozenset(
    """a an the any every some no all each one may might can will would should could must in on
    into onto to for with by at of from there where here what who how which whose when"""
    .split()
)
# Prefixes whose hyphen can change the meaning: re-sign / resign, un-ionized, co-op.
_MEANINGFUL_PREFIXES = ("re", "un", "co")


class Token(NamedTuple):
    block: Block
    start: int
    end: int
    text: str
    lower: str
    shape: str
    sentence_start: bool
    # Next token in the same sentence, separated by exactly one space.
    joined_to_next: bool



def _shape(text: str) -> str:
    """U: all capitals (two letters or more); C: capitals only where a word or
    a hyphenated part starts (Kratom, Non-Hodgkin, non-Hodgkin); L: no
    capitals; M: capitals inside (OxyContin, mtDNA)."""
    if text.islower() or not text.isupper() and text.lower() == text:
        return "L"
    if text.isupper():
        return "U" if sum(1 for char in text if char.isalpha()) >= 2 else "C"
    return "M" if _INNER_CAPITAL.search(text) else "C"


def tokens_of(block: Block) -> list[Token]:
    """The words of a block, each knowing whether it opens its sentence and
    whether one space joins it to the next word of the same sentence. Words of
    web and mail addresses are left out."""
    text = block.text
    found = [match.span() for match in _TOKEN.finditer(text)]
    addresses = [match.span() for match in _ADDRESS.finditer(text)]
    if addresses:
        found = _outside(found, addresses)
    # Sentence starts after the first, and a sentinel past the end of the text.
    starts = [start for start, _ in sorted(block.sentences)[1:]] + [len(text) + 1]
    tokens = []
    sentence = 0
    opened = -1  # the sentence whose first word has been seen
    count = len(found)
    for number in range(count):
        start, end = found[number]
        while start >= starts[sentence]:
            sentence += 1
        first_word = opened != sentence
        opened = sentence
        joined = False
        if number + 1 < count:
            next_start = found[number + 1][0]
            joined = next_start == end + 1 and text[end] == " " and next_start < starts[sentence]
        word = text[start:end]
        shape = "L" if word.islower() else _shape(word)  # most words: no call
        tokens.append(Token(block, start, end, word, word.lower(), shape, first_word, joined))
    return tokens


def _words(block: Block) -> tuple[str, ...] | list[str]:
    """The texts of _TOKEN's words of the block: Block.words, shared with other
    analyses, where the two tokenizations agree."""
    text = block.text
    if ("‐" in text or "‑" in text or "'" in text or "’" in text) and _TOKENS_DIFFER.search(text):
        return _TOKEN.findall(text)
    return block.words.all


def _outside(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that do not start inside a hole; both lists in text order."""
    kept, hole = [], 0
    for span in spans:
        while hole < len(holes) and holes[hole][1] <= span[0]:
            hole += 1
        if hole < len(holes) and holes[hole][0] <= span[0]:
            continue
        kept.append(span)
    return kept


def title_like(block: Block, tokens: list[Token]) -> bool:
    """A heading, or a line in Title Case or capitals, which capitalises by rule."""
    if block.kind in ("heading", "title"):
        return True
    words = [token for token in tokens if len(token.text) >= 4 and token.text[0].isalpha()]
    if len(words) < 2 or len(tokens) > 25:
        return False
    capitalised = sum(1 for token in words if token.text[0].isupper())
    return capitalised / len(words) >= 0.7


@dataclass
class Occurrence:
    """One appearance of a term in the text, as its tokens."""

    tokens: tuple[Token, ...]

    @property
    def text(self) -> str:
        return " ".join(token.text for token in self.tokens)


class ConsistencyCheck(Check):
    def __init__(self, rule: Rule):
        super().__init__(rule)
        self.compare = set(rule.option("compare"))
        self.min_count = rule.option("min_count")
        if self.min_count < 1:
            raise OptionError("must be at least 1", key="min_count")
        self.english = english_words()

    def check(self, document: Document, hits: list[Hit]) -> Iterable[Finding]:
        blocks = [block for block in document.blocks if in_scope(self.rule.scope, block.kind)]
        case, joins = self._worth_a_look(blocks)
        if not (case or joins):
            return
        prose: list[list[Token]] = []  # tokens of blocks that do not capitalise by rule
        every: list[list[Token]] = []
        for block in blocks:
            tokens = tokens_of(block)
            every.append(tokens)
            if not title_like(block, tokens):
                prose.append(tokens)
        if case:
            yield from self._case(document, prose)
        if joins:
            yield from self._joins(document, every)

    def _worth_a_look(self, blocks: list[Block]) -> tuple[bool, bool]:
        """Whether the text can hold a case variant, and a hyphen or space
        variant at all. Nearly every text holds neither; finding that out with
        set operations over its distinct words costs a fraction of the full
        analysis, which then runs only where it can find something. Every step
        runs in C over whole lists, or in Python over the few distinct words
        that can matter: a Python loop over the words would cost more than the
        rest of the analysis."""
        words = list(chain.from_iterable(map(_words, blocks)))
        if not words:
            return False, False
        distinct = set(words)  # joined and zipped below in its one order
        # Lower-cased in one call: words hold no space, and lower-casing a word
        # never looks past the space around it.
        joined = " ".join(distinct)
        joined_lower = joined.lower()
        lowered = joined_lower.split(" ")
        lowers = set(lowered)
        case = False
        if "case" in self.compare and len(lowers) < len(distinct):
            # A word that is a word's small letters (in small letters, or with no
            # letter: told in C by the set, where islower read every letter) has
            # no capital to compare, whatever its other forms, and neither has a
            # word in Title Case an inner capital or all capitals ("A" aside,
            # which istitle holds too); only ASCII ones are dropped unseen, where
            # Python and the `regex` module agree on what a capital is: every word
            # beyond ASCII is looked at.
            shown = set(filterfalse(str.istitle, distinct.difference(lowers)))
            if not joined.isascii():
                shown.update(_NON_ASCII_WORD.findall(joined))
            if shown:
                forms = Counter(lowered)
                case = any(
                    forms[word.lower()] > 1 and (_INNER_CAPITAL.search(word) or word.isupper()
                                                 and word.lower() not in self.english)
                    for word in shown
                    if not word.islower() and not word.istitle()
                    or not word.isascii() and _INNER_CAPITAL.search(word)
                )
        # A hyphenated or spaced form whose closed form the text also holds, and
        # that _joins would compare: what _hyphen_compares and _spacing_compares
        # ask of the words' small letters (the capitals are left to _joins).
        joins = False
        if "hyphenation" in self.compare and ("-" in joined or "‐" in joined or "‑" in joined):
            if "‐" in joined or "‑" in joined:
                hyphenated = _HYPHENATED_WORD.findall(joined_lower)
            else:
                hyphenated = [lower for lower in lowered if "-" in lower]  # a third of the regex's time
            joins = any(self._hyphen_may_compare(lower, lowers) for lower in hyphenated)
        if not joins and "spacing" in self.compare and self._joined_words(lowers):
            sequence = list(map(dict(zip(distinct, lowered)).__getitem__, words))
            closed = lowers.intersection(map(str.__add__, sequence, sequence[1:]))
            if closed:  # rare: only then are the pairs looked at one by one
                joins = any(first + second in closed and self._spacing_compares(first, second)
                            for first, second in zip(sequence, sequence[1:]))
        return case, joins

    def _joined_words(self, lowers: set[str]) -> bool:
        """Whether one of the words is two others joined that _spacing_compares
        would compare, wherever they stand: few texts hold such a word, and
        telling that from the distinct words costs a quarter of pairing every
        word with the next. The first of the two is then the start of another
        word, which sorting tells in C: the words that start with a word come
        right after it."""
        ordered = sorted(lowers)
        starts = compress(range(len(ordered)), map(str.startswith, ordered[1:], ordered))
        for index in starts:
            first = ordered[index]
            if len(first) < 3 or first in _FUNCTION_WORDS:
                continue  # what _spacing_compares rules out first, before reading on
            for longer in islice(ordered, index + 1, None):
                if not longer.startswith(first):
                    break
                second = longer[len(first) :]
                if second in lowers and self._spacing_compares(first, second):
                    return True
        return False

    def _hyphen_may_compare(self, lower: str, lowers: set[str]) -> bool:
        parts = _HYPHENS.split(lower)
        return len(parts) == 2 and "".join(parts) in lowers and all(part.isalpha() for part in parts) \
            and not (parts[0] in _MEANINGFUL_PREFIXES and "".join(parts) in self.english)

    # ---- capitals ----------------------------------------------------------

    def _case(self, document: Document, prose: list[list[Token]]) -> Iterable[Finding]:
        names = self._names(prose)
        singles: set[str] = set()
        for tokens in prose:
            for token in tokens:
                if token.shape in ("U", "M") and self._unusual(token.lower):
                    singles.add(token.lower)
        if not names and not singles:
            return
        longest = {}
        for key in names:
            longest[key[0]] = max(longest.get(key[0], 0), len(key))
        groups: dict[tuple[str, ...], list[Occurrence]] = {}
        for tokens in prose:
            position = 0
            while position < len(tokens):
                taken = 0
                for size in range(min(longest.get(tokens[position].lower, 0), len(tokens) - position), 1, -1):
                    window = tokens[position : position + size]
                    if all(token.joined_to_next for token in window[:-1]):
                        key = tuple(token.lower for token in window)
                        if key in names:
                            groups.setdefault(key, []).append(Occurrence(tuple(window)))
                            taken = size
                            break
                if not taken:
                    token = tokens[position]
                    if token.lower in singles:
                        groups.setdefault((token.lower,), []).append(Occurrence((token,)))
                    taken = 1
                position += taken
        for occurrences in groups.values():
            yield from self._case_variants(document, occurrences)

    def _unusual(self, lower: str) -> bool:
        """Not a common English word: its capitals are what tells it apart.
        A hyphenated word is unusual when one of its parts is."""
        parts = [_NON_LETTERS.sub("", part) for part in _HYPHENS.split(lower)]
        parts = [part for part in parts if part]
        if not parts or sum(len(part) for part in parts) < 2:
            return False
        if len(parts) == 1:
            return parts[0] not in self.english and lower not in self.english
        return any(part not in self.english and part not in _ENGLISH_PREFIXES for part in parts if len(part) > 1)

    def _names(self, prose: list[list[Token]]) -> set[tuple[str, ...]]:
        """Runs of two to four capitalised words (not all of them English, not
        all capitalised only for opening a sentence): "OPMS Kratom Recall"."""
        names = set()
        for tokens in prose:
            run: list[Token] = []
            for token in tokens + [None]:
                capitalised = token is not None and token.shape != "L" and token.text[0].isalpha()
                if capitalised and (not run or run[-1].joined_to_next):
                    run.append(token)
                    continue
                while run and run[0].sentence_start and run[0].shape == "C" and run[0].lower in self.english:
                    run = run[1:]  # "The" in "The OPMS recall" is capitalised for the sentence
                if 2 <= len(run) <= _LONGEST_NAME and self._is_name(run):
                    names.add(tuple(t.lower for t in run))
                run = [token] if capitalised else []
        return names

    def _is_name(self, run: list[Token]) -> bool:
        if not any(self._unusual(token.lower) for token in run):
            return False
        evidence = [token for token in run if not (token.sentence_start and token.shape == "C")]
        return any(token.shape in ("U", "M", "C") for token in evidence)

    def _case_variants(self, document: Document, occurrences: list[Occurrence]) -> Iterable[Finding]:
        forms: dict[str, Occurrence] = {}
        frequency: dict[str, int] = {}
        for occurrence in occurrences:
            forms.setdefault(occurrence.text, occurrence)
            frequency[occurrence.text] = frequency.get(occurrence.text, 0) + 1
        if len(forms) < 2:
            return
        # The preferred form is one of the most frequent exact forms: this bounds the work.
        candidates = sorted(forms, key=lambda text: -frequency[text])[:_MOST_FORMS]
        counts = {text: sum(1 for o in occurrences if _compatible(o, forms[text])) for text in candidates}
        forms = {text: forms[text] for text in forms if text in counts}
        preferred_text = max(forms, key=lambda text: counts[text])  # first seen wins a tie
        preferred = forms[preferred_text]
        if counts[preferred_text] < self.min_count:
            return
        first = document.span(preferred.tokens[0].block, preferred.tokens[0].start, preferred.tokens[-1].end)
        for occurrence in occurrences:
            if _compatible(occurrence, preferred) or not _differs(occurrence, preferred, self.english):
                continue
            replacement = preferred_text
            if occurrence.tokens[0].sentence_start and replacement[:1].islower():
                replacement = replacement[:1].upper() + replacement[1:]
            tokens = occurrence.tokens
            yield self.finding(
                document.span(tokens[0].block, tokens[0].start, tokens[-1].end),
                tokens[0].block.text[tokens[0].start : tokens[-1].end],
                fields={"preferred": preferred_text, "count": counts[preferred_text]},
                replacement=replacement,
                related=(first,),
            )

    # ---- hyphens and spaces ------------------------------------------------

    def _joins(self, document: Document, every: list[list[Token]]) -> Iterable[Finding]:
        closed: dict[str, list[tuple[Token, ...]]] = {}
        hyphenated: dict[str, list[tuple[Token, ...]]] = {}
        for tokens in every:
            for token in tokens:
                lower = token.lower
                if not lower.isalpha() and _DIGIT.search(token.text):
                    continue
                parts = _HYPHENS.split(lower) if "-" in lower or "‐" in lower or "‑" in lower else (lower,)
                if len(parts) == 1:
                    closed.setdefault(token.lower, []).append((token,))
                elif len(parts) == 2 and "hyphenation" in self.compare and self._hyphen_compares(parts, token.text):
                    hyphenated.setdefault("".join(parts), []).append((token,))
        spaced: dict[str, list[tuple[Token, ...]]] = {}
        if "spacing" in self.compare:
            for tokens in every:
                for token, following in zip(tokens, tokens[1:]):
                    key = token.lower + following.lower
                    if token.joined_to_next and key in closed and self._spacing_compares(token.lower, following.lower):
                        spaced.setdefault(key, []).append((token, following))
        for key in set(hyphenated) | set(spaced):
            if key not in closed:
                continue  # "long term" against "long-term" is grammar, not spelling
            variants = [("closed", closed[key])]
            if key in hyphenated:
                variants.append(("hyphenated", hyphenated[key]))
            if key in spaced:
                variants.append(("spaced", spaced[key]))
            yield from self._join_variants(document, variants)

    def _hyphen_compares(self, parts: list[str], written: str) -> bool:
        if not all(part.isalpha() for part in parts):
            return False
        if any(len(part) > 1 and part.isupper() for part in _HYPHENS.split(written)):
            return False  # a pronunciation: PLATE-lets
        return not (parts[0] in _MEANINGFUL_PREFIXES and "".join(parts) in self.english)

    def _spacing_compares(self, first: str, second: str) -> bool:
        """Only compounds: two words of three letters or more, not a phrasal
        verb or a phrase opened by a function word, that join into an English word."""
        if not (first.isalpha() and second.isalpha() and len(first) >= 3 and len(second) >= 3):
            return False
        if second in _PARTICLES or first in _FUNCTION_WORDS:
            return False
        closed = first + second
        return closed in self.english or (closed.endswith("s") and closed[:-1] in self.english)

    def _join_variants(self, document: Document, variants) -> Iterable[Finding]:
        def first_offset(occurrences):
            token = occurrences[0][0]
            return token.block.index, token.start

        preferred_kind, preferred = max(variants, key=lambda v: (len(v[1]), [-x for x in first_offset(v[1])]))
        if len(preferred) < self.min_count:
            return
        sample = preferred[0]
        preferred_text = _JOINERS[preferred_kind].join(_HYPHENS.split(sample[0].lower) if len(sample) == 1
                                                       else [token.lower for token in sample])
        first = document.span(sample[0].block, sample[0].start, sample[-1].end)
        for kind, occurrences in variants:
            if kind == preferred_kind or {kind, preferred_kind} == {"hyphenated", "spaced"}:
                continue
            for tokens in occurrences:
                match = tokens[0].block.text[tokens[0].start : tokens[-1].end]
                yield self.finding(
                    document.span(tokens[0].block, tokens[0].start, tokens[-1].end),
                    match,
                    fields={"preferred": preferred_text, "count": len(preferred)},
                    replacement=keep_case(match, preferred_text),
                    related=(first,),
                )


def _compatible(occurrence: Occurrence, form: Occurrence) -> bool:
    """The occurrence is written as `form`, a capital that opens a sentence aside."""
    for token, model in zip(occurrence.tokens, form.tokens):
        if token.text == model.text:
            continue
        if token.sentence_start and token.text[1:] == model.text[1:] and token.text[0].isupper():
            continue  # "Kratom" opening a sentence, "MtDNA" for mtDNA
        return False
    return True


def _differs(occurrence: Occurrence, form: Occurrence, english: EnglishWords) -> bool:
    """Whether the capitals differ in a way that makes another name: an acronym
    written in small letters (OPMS and opms), or inner capitals lost or added
    (MedlinePlus and Medlineplus). Not a difference: Title Case against lower
    case (style), capitals on English words or long ones (emphasis: DO NOT,
    a title in capitals), and an acronym against a capitalised or mixed-case
    form, which biomedical names use on purpose (MECP2 the gene, MeCP2 the
    protein, Megf8 the mouse gene)."""
    for token, model in zip(occurrence.tokens, form.tokens):
        shapes = {token.shape, model.shape}
        if len(shapes) == 1 or _DIGIT.search(token.text):
            continue
        if shapes == {"U", "L"}:
            letters = sum(1 for char in token.text if char.isalpha())
            if token.lower not in english and letters <= _LONGEST_ACRONYM:
                return True
        elif "M" in shapes and "U" not in shapes:
            if not (token.sentence_start and token.text[1:] == model.text[1:]):
                return True
    return False


def compile(rule: Rule) -> ConsistencyCheck:
    return ConsistencyCheck(rule)
