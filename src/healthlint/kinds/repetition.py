"""`repetition`: a search phrase pasted into a text again and again (keyword stuffing).

Candidates: every phrase of `min_words` to `max_words` words, compared
case-insensitively across headings, list items and body text, that occurs
`min_count` times or more, begins and ends with a content word (or a query
word, as in "... near me") and holds two content words. A table of contents
that repeats the headings, or a title that repeats the first heading, counts
once. A phrase that always sits inside a longer candidate ("kratom tree"
always in "kratom tree image") gives way to it, and overlapping phrases report
once, the longest first.

Score: the weighted sum of these signals (the keys of `signals`); a phrase
scoring `threshold` or more is reported. query: the phrase is worded like a
search query, that is one of `query_patterns` matches it ("near me", "best",
"reviews", "recall", "pictures", a year), it has no article or demonstrative,
and it names a subject the text also uses on its own, or a name ("detailed
pictures" names none). heading: it is in a heading; headings: in two or more.
lowered: a word of it is an acronym or a name in one occurrence ("OPMS Kratom
recall") and lower case in another ("opms kratom recall"), a brand pasted as
typed. paragraphs: it is in 3 paragraphs or more and in 40% of them.
built_around: it is in a heading and in 2 paragraphs or more while its rarer
word is also used outside it, weighted by that outside share: the text is
written around the phrase and still repeats it word for word (a technical
term, whose words occur only in it, gets nothing). unit: 2 x share - 1, where
share is how much of its rarer half (its rarer word, for two words) occurs
inside it; the accidental meeting of two frequent phrases ("opioid withdrawal"
+ "withdrawal symptoms") scores low. family, subtracted: the share of its
occurrences that grow into a longer phrase which repeats, but not every time
("managing opioid withdrawal", "opioid withdrawal symptoms"); a topic is
productive, a pasted keyword frozen. name, subtracted: it is written the same
way every time with a capital inside sentences ("Mitragyna speciosa"), unless
it is worded like a query and not every word is capitalised. repetition:
log2(count / min_count).

Report: one finding per phrase, on its first occurrence outside the places
where it belongs (the title, the first heading that holds it, the first
paragraph); every other occurrence is listed as related. The message gives the
count and the density (occurrences per 100 words, as Yoast SEO counts it).

Declared keyphrases: `keyphrases` lists phrases targeted on purpose, each a
string or {phrase, max_density}. One whose density is above its max_density
(default `keyphrase_warning`, 3%) is a warning, above `keyphrase_error` (4%)
an error: Yoast's "over" and "way over". The detector leaves declared
keyphrases alone. With `detect: false` only declared keyphrases are checked.

Limits: one document at a time, so a phrase that a site repeats once per page
is not found. It reads words, not meaning: a pasted phrase with no query word,
no heading and no lower-cased name looks like a technical term and is missed
(about 95% of them on the MedQuAD bench), and a natural phrase that ends in a
query word ("x-ray pictures") can be reported. A phrase longer than
`max_words` is scored on its first `max_words` words. The query patterns are
English.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from math import log2
from typing import Iterable

import regex

from ..model import Block, Document, Finding, Rule
from .base import Check, Hit, Option, OptionError, boolean, integer, number, regex_list

# A word: letters or digits, with inner apostrophes ("kratom's").
_WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’]\p{L}+)*")
# What may stand between two words of one phrase: spaces, or one hyphen
# ("muscle-soreness relief" is "muscle soreness relief"). Anything else
# (punctuation, a MASK for code or a link) ends the phrase.
_JOIN = regex.compile(r"[ \t\u00a0]+|-")
_OPENERS = " \t\u00a0\"“‘'(["

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just may me might more most must my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves can't cannot it's don't doesn't isn't
    """.split()
)
# Words that make a phrase prose rather than a search query.
DETERMINERS = frozenset("the a an this that these those its their his her our your my some any each every".split())
HEADING_KINDS = ("heading", "title")
# Blocks whose copies do not count twice (a table of contents, a title that
# repeats the first heading).
_SHORT_KINDS = (*HEADING_KINDS, "list-item", "description", "alt-text")
# Extensions that repeat this often make a phrase part of a family.
_FAMILY_MIN_COUNT = 3
# "In most paragraphs": at least this many, and at least this share of them.
_PARAGRAPHS_MIN, _PARAGRAPHS_SHARE = 3, 0.4

SIGNALS = ("query", "heading", "headings", "lowered", "paragraphs", "built_around", "unit", "family", "name",
           "repetition")


# ---- options ------------------------------------------------------------------


def _signals(value):
    if not isinstance(value, dict):
        raise OptionError(f"must be a mapping of signal names to weights ({', '.join(SIGNALS)})")
    for key, weight in value.items():
        if key not in SIGNALS:
            raise OptionError(f"unknown signal; the signals are {', '.join(SIGNALS)}", key=str(key))
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise OptionError("must be a number", key=str(key))
    return tuple((key, float(value.get(key, 0.0))) for key in SIGNALS)


@dataclass(frozen=True)
class Keyphrase:
    phrase: str
    words: tuple[str, ...]
    max_density: float | None  # percent; None: the rule's keyphrase_warning


def _keyphrases(value):
    """A list of phrases or {phrase, max_density} mappings, or one mapping of
    phrase to maximum density; densities are percentages (3 or "3%")."""
    if isinstance(value, dict):
        value = [{"phrase": phrase, "max_density": limit} for phrase, limit in value.items()]
    if not isinstance(value, list):
        raise OptionError("must be a list of phrases or {phrase, max_density} mappings, or phrase: max_density")
    declared = []
    for item in value:
        if isinstance(item, str):
            phrase, max_density = item, None
        elif isinstance(item, dict):
            unknown = set(item) - {"phrase", "max_density"}
            if unknown:
                raise OptionError("unknown key", key=sorted(unknown)[0])
            phrase, max_density = item.get("phrase"), _density(item.get("max_density"))
        else:
            phrase, max_density = None, None
        if not isinstance(phrase, str) or not normalized(phrase):
            raise OptionError("each keyphrase needs words")
        declared.append(Keyphrase(phrase.strip(), tuple(normalized(phrase).split()), max_density))
    return tuple(declared)


def _density(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
        try:
            value = float(value)
        except ValueError:
            raise OptionError("must be a percentage such as 3 or \"3%\"", key="max_density") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 100:
        raise OptionError("must be a percentage such as 3 or \"3%\"", key="max_density")
    return float(value)


def _positive(check):
    def validate(value):
        value = check(value)
        if value <= 0:
            raise OptionError("must be more than 0")
        return value

    return validate


OPTIONS = {
    "detect": Option(boolean, True, help="look for stuffed phrases on its own"),
    "min_words": Option(_positive(integer), 2, help="shortest phrase, in words"),
    "max_words": Option(_positive(integer), 6, help="longest phrase, in words"),
    "min_count": Option(_positive(integer), 3, help="occurrences a phrase needs to be a candidate"),
    "threshold": Option(number, 4.0, help="score at which a candidate is reported"),
    "signals": Option(_signals, tuple((name, 0.0) for name in SIGNALS), help="weight of each signal"),
    "query_patterns": Option(regex_list, (), help="regexes over the lower-cased phrase that make it query-shaped"),
    "keyphrases": Option(
        _keyphrases, (), help="declared keyphrases: phrases, {phrase, max_density} or phrase: max_density (%)"
    ),
    "keyphrase_warning": Option(number, 3.0, help="density (%) above which a declared keyphrase is a warning"),
    "keyphrase_error": Option(number, 4.0, help="density (%) above which a declared keyphrase is an error"),
}
MESSAGE_FIELDS = ("match", "count", "density", "words", "reasons")


# ---- the words of a document ----------------------------------------------------


def fold(word: str) -> str:
    """The key a word's occurrences are counted under: no possessive, no plural s."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def normalized(text: str) -> str:
    return " ".join(match.group().lower().replace("’", "'") for match in _WORD.finditer(text))


def counted_blocks(document: Document, scope: tuple[str, ...] = ()) -> list[Block]:
    """The blocks whose words count: those in scope, less the copies that a table
    of contents (list items repeating the headings) or a title repeating the
    first heading would add."""
    kinds = [s for s in scope if s not in ("document", "sentence")]
    heading_texts = {normalized(b.text) for b in document.blocks if b.kind in HEADING_KINDS}
    seen_short: set[str] = set()
    kept = []
    for block in document.blocks:
        if kinds and block.kind not in kinds and not (block.kind == "blockquote" and "paragraph" in kinds):
            continue
        key = normalized(block.text)
        if not key:
            continue
        if block.kind == "list-item" and key in heading_texts:
            continue  # a table-of-contents entry
        if block.kind in _SHORT_KINDS:
            if key in seen_short:
                continue
            seen_short.add(key)
        kept.append(block)
    return kept


class Words:
    """The words of the counted blocks in one flat list, with where each one is.

    A phrase never spans two runs: a run ends at any character other than
    spaces or a hyphen between two words, and at the end of a block."""

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks
        self.words: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.block_of: list[int] = []
        self.run_of: list[int] = []
        self.initial: list[bool] = []  # first word of a sentence
        run = -1
        for number, block in enumerate(blocks):
            text = block.text
            sentence_starts = sorted(start for start, _ in block.sentences)
            previous_end = -1
            for match in _WORD.finditer(text):
                start = match.start()
                if previous_end < 0 or not _JOIN.fullmatch(text, previous_end, start):
                    run += 1
                self.words.append(match.group().lower().replace("’", "'"))
                self.starts.append(start)
                self.ends.append(match.end())
                self.block_of.append(number)
                self.run_of.append(run)
                self.initial.append(previous_end < 0 or _starts_sentence(text, previous_end, start, sentence_starts))
                previous_end = match.end()

        self.paragraphs = sum(1 for block in blocks if block.kind not in HEADING_KINDS)

    def __len__(self) -> int:
        return len(self.words)

    def block(self, index: int) -> Block:
        return self.blocks[self.block_of[index]]

    def surface(self, first: int, length: int) -> str:
        return self.block(first).text[self.starts[first] : self.ends[first + length - 1]]

    def find(self, phrase: tuple[str, ...]) -> list[int]:
        """First-word indexes of the occurrences of a lower-cased phrase."""
        length, tokens, runs = len(phrase), self.words, self.run_of
        found = []
        for first in range(len(tokens) - length + 1):
            if tokens[first] == phrase[0] and runs[first] == runs[first + length - 1]:
                if tuple(tokens[first : first + length]) == phrase and (not found or first >= found[-1] + length):
                    found.append(first)
        return found


def _starts_sentence(text: str, previous_end: int, start: int, sentence_starts: list[int]) -> bool:
    index = bisect_right(sentence_starts, start) - 1
    return index >= 0 and sentence_starts[index] >= previous_end and not text[sentence_starts[index] : start].strip(
        _OPENERS
    )


# ---- candidates and their signals --------------------------------------------------


@dataclass
class Candidate:
    """A repeated phrase and the signals measured on it."""

    words: tuple[str, ...]  # lower-cased
    firsts: list[int]  # index in Words of the first word of each occurrence
    count: int
    query: bool = False
    headings: int = 0  # distinct headings that hold it
    lowered: bool = False
    paragraphs: int = 0  # distinct other blocks that hold it
    paragraph_share: float = 0.0
    exclusivity: float = 0.0  # share of its rarest word's occurrences that are inside it
    unit: float = 0.0  # the same for its rarer half
    family: float = 0.0
    name: bool = False
    title_name: bool = False  # a name with every word capitalised ("Gene Review")
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def candidates(words: Words, min_words: int, max_words: int, min_count: int, query) -> list[Candidate]:
    """Every phrase of min_words..max_words words that occurs min_count times or
    more, starts and ends with a content word (or a query word: "... near me"),
    holds two content words or more, and is not just a part of a longer
    candidate that occurs as often."""
    tokens, runs = words.words, words.run_of
    total = len(tokens)
    grams: dict[tuple[str, ...], list[int]] = defaultdict(list)
    # One word longer than the longest candidate, to see what a phrase grows into.
    for length in range(min(min_words, 2), max_words + 2):
        for first in range(total - length + 1):
            if runs[first] == runs[first + length - 1]:
                grams[tuple(tokens[first : first + length])].append(first)
    frequency = Counter(fold(token) for token in tokens)
    found = []
    for key, firsts in grams.items():
        length = len(key)
        if length < min_words or length > max_words or len(firsts) < min_count:
            continue
        firsts = _apart(firsts, length)
        if len(firsts) < min_count or sum(1 for word in key if word not in STOPWORDS) < 2:
            continue
        text = " ".join(key)
        shapes = [(m.start(), m.end()) for m in query.finditer(text)] if query else []
        if key[0] in STOPWORDS and not any(start == 0 for start, _ in shapes):
            continue
        if key[-1] in STOPWORDS and not any(end == len(text) for _, end in shapes):
            continue
        modifiers = _covered(text, shapes)
        if query and not shapes and length == max_words:
            # Cut short by max_words: judged as the query it continues into.
            for grown in _continued(words, firsts, key):
                modifiers |= _covered(grown, [m.span() for m in query.finditer(grown)])
        candidate = Candidate(key, firsts, len(firsts))
        _measure(candidate, words, grams, frequency, modifiers)
        found.append(candidate)
    return _maximal(found, min_words)


def _apart(firsts: list[int], length: int) -> list[int]:
    """Occurrences that do not overlap the one before ("very very very")."""
    kept: list[int] = []
    for first in firsts:
        if not kept or first >= kept[-1] + length:
            kept.append(first)
    return kept


def _continued(words: Words, firsts: list[int], key: tuple[str, ...], most: int = 4) -> tuple[str, str]:
    """The phrase grown to the right, and to the left, by the words that follow
    (precede) every occurrence alike."""
    tokens, runs = words.words, words.run_of
    grown = []
    for direction in (1, -1):
        edge = [f + len(key) - 1 if direction > 0 else f for f in firsts]
        extra: list[str] = []
        for step in range(1, most + 1):
            seen = {
                tokens[e + direction * step]
                if 0 <= e + direction * step < len(tokens) and runs[e + direction * step] == runs[e]
                else None
                for e in edge
            }
            if len(seen) != 1 or None in seen:
                break
            extra.append(seen.pop())
        words_grown = (*key, *extra) if direction > 0 else (*reversed(extra), *key)
        grown.append(" ".join(words_grown))
    return grown[0], grown[1]


def _maximal(found: list[Candidate], min_words: int) -> list[Candidate]:
    """Drop a phrase that a longer candidate holds as often as it occurs itself
    ("kratom tree" when it is always "kratom tree image"), unless only the
    shorter one is worded like a query ("kratom near me" always followed by
    "today")."""
    by_words = {candidate.words: candidate for candidate in found}
    absorbed = set()
    for candidate in found:
        key = candidate.words
        for length in range(min_words, len(key)):
            for start in range(len(key) - length + 1):
                part = by_words.get(key[start : start + length])
                if part is not None and part.count <= candidate.count and candidate.query >= part.query:
                    absorbed.add(part.words)
    return [candidate for candidate in found if candidate.words not in absorbed]


def _covered(text: str, spans) -> set[str]:
    """The words of `text` that the query patterns matched (the modifiers)."""
    covered, position = set(), 0
    for word in text.split(" "):
        if any(start < position + len(word) and position < end for start, end in spans):
            covered.add(word)
        position += len(word) + 1
    return covered


def _measure(candidate: Candidate, words: Words, grams, frequency: Counter, modifiers: set[str]) -> None:
    key, firsts, count = candidate.words, candidate.firsts, candidate.count
    length = len(key)
    content = Counter(fold(word) for word in key if word not in STOPWORDS)
    candidate.exclusivity = max(min(1.0, count * times / frequency[word]) for word, times in content.items())
    if length == 2:
        candidate.unit = candidate.exclusivity
    else:
        halves = (len(grams[key[:-1]]), len(grams[key[1:]]))
        candidate.unit = min(1.0, count / min(halves))
    candidate.family = _family(words, firsts, key, grams)

    headings, body = set(), set()
    forms = set()
    capitalised = True  # every mid-sentence occurrence starts with a capital
    mid_sentence = ""  # one occurrence inside a sentence, as written
    capital_inside = False  # some occurrence inside a sentence starts with a capital
    marked = [False] * length  # the word is written as an acronym or a name somewhere
    lowered = [False] * length  # the word is written in lower case somewhere
    for first in firsts:
        block_number = words.block_of[first]
        if words.blocks[block_number].kind in HEADING_KINDS:
            headings.add(block_number)
            continue
        body.add(block_number)
        shown = words.surface(first, length)
        _mark_case(shown, marked, lowered)
        if not words.initial[first]:
            mid_sentence = shown
            capitalised = capitalised and shown[:1].isupper()
            capital_inside = capital_inside or shown[:1].isupper()
        forms.add(shown[:1].lower() + shown[1:])
    candidate.headings = len(headings)
    # A search query names a subject (a word the text uses on its own as well,
    # or a name) and adds an intent ("pictures", "near me"); "detailed
    # pictures" names none, nor does a number ("2009-2010").
    named = [m or (index == 0 and capital_inside) for index, m in enumerate(marked)]
    candidate.query = bool(modifiers) and not any(word in DETERMINERS for word in key) and any(
        word not in modifiers
        and word not in STOPWORDS
        and not word.isdigit()
        and (frequency[fold(word)] > count or named[index])
        for index, word in enumerate(key)
    )
    candidate.lowered = any(m and low for m, low in zip(marked, lowered))
    candidate.name = bool(mid_sentence) and capitalised and len(forms) == 1
    candidate.title_name = candidate.name and all(
        word[:1].isupper() for word in _WORD.findall(mid_sentence) if word.lower() not in STOPWORDS
    )
    candidate.paragraphs = len(body)
    candidate.paragraph_share = len(body) / max(1, words.paragraphs)


def _mark_case(shown: str, marked: list[bool], lowered: list[bool]) -> None:
    """Note which words of one occurrence are written as acronyms or names
    ("OPMS", "PureLeaf", or "Kratom" inside a phrase that is not in Title Case)
    and which in lower case."""
    surface = [match.group() for match in _WORD.finditer(shown)]
    title_case = all(word[:1].isupper() or word.lower() in STOPWORDS for word in surface)
    for index, word in enumerate(surface[: len(marked)]):
        if word.islower():
            lowered[index] = True
        elif (len(word) > 1 and word.isupper()) or any(char.isupper() for char in word[1:]):
            marked[index] = True
        elif index > 0 and not title_case and word[:1].isupper():
            marked[index] = True


def _family(words: Words, firsts: list[int], key: tuple[str, ...], grams) -> float:
    """Share of the occurrences that sit inside a longer phrase, one content word
    more, that repeats on its own but not every time ("managing opioid
    withdrawal", "opioid withdrawal symptoms"). A phrase that always continues
    the same way is only cut short, not productive."""
    tokens, runs = words.words, words.run_of
    length, count = len(key), len(firsts)
    inside = 0
    for first in firsts:
        grown = False
        if first > 0 and runs[first - 1] == runs[first] and tokens[first - 1] not in STOPWORDS:
            grown = _FAMILY_MIN_COUNT <= len(grams.get((tokens[first - 1], *key), ())) < count
        end = first + length
        if not grown and end < len(tokens) and runs[end] == runs[first] and tokens[end] not in STOPWORDS:
            grown = _FAMILY_MIN_COUNT <= len(grams.get((*key, tokens[end]), ())) < count
        inside += grown
    return inside / count


# ---- scoring and reporting ----------------------------------------------------------


def score(candidate: Candidate, weights: dict[str, float], min_count: int) -> float:
    """The weighted sum of the candidate's signals; also notes why, for the message."""
    parts = {
        "query": float(candidate.query),
        "heading": float(candidate.headings > 0),
        "headings": float(candidate.headings > 1),
        "lowered": float(candidate.lowered),
        "paragraphs": float(
            candidate.paragraphs >= _PARAGRAPHS_MIN and candidate.paragraph_share >= _PARAGRAPHS_SHARE
        ),
        "built_around": (1.0 - candidate.exclusivity) if candidate.headings and candidate.paragraphs >= 2 else 0.0,
        "unit": 2.0 * candidate.unit - 1.0,
        "repetition": log2(candidate.count / min_count),
        "family": -candidate.family,
        "name": -float(candidate.name and (not candidate.query or candidate.title_name)),
    }
    candidate.score = sum(weights.get(name, 0.0) * value for name, value in parts.items())
    candidate.reasons = [
        text
        for name, text in (
            ("query", "worded like a search query"),
            ("lowered", "a name in it also written in lower case"),
            ("heading", "in a heading" if candidate.headings == 1 else f"in {candidate.headings} headings"),
            ("paragraphs", f"in {candidate.paragraphs} paragraphs"),
        )
        if parts[name] > 0 and weights.get(name, 0.0) > 0
    ]
    return candidate.score


class RepetitionCheck(Check):
    merge_overlaps = False

    def __init__(self, rule: Rule):
        super().__init__(rule)
        self.detect = rule.option("detect")
        self.min_words = rule.option("min_words")
        self.max_words = rule.option("max_words")
        if self.min_words < 2:
            raise OptionError("a phrase has at least 2 words", key="min_words")
        if self.max_words < self.min_words:
            raise OptionError("must be at least min_words", key="max_words")
        self.min_count = rule.option("min_count")
        self.threshold = rule.option("threshold")
        self.weights = dict(rule.option("signals"))
        patterns = rule.option("query_patterns")
        self.query = regex.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        self.keyphrases = rule.option("keyphrases")
        self.warning_density = rule.option("keyphrase_warning")
        self.error_density = rule.option("keyphrase_error")

    def check(self, document: Document, hits: list[Hit]) -> Iterable[Finding]:
        words = Words(counted_blocks(document, self.rule.scope))
        if not len(words):
            return
        claimed: set[int] = set()  # word indexes already inside a reported phrase
        for keyphrase in self.keyphrases:
            firsts = words.find(keyphrase.words)
            claimed.update(i for f in firsts for i in range(f, f + len(keyphrase.words)))
            finding = self._declared(document, words, keyphrase, firsts)
            if finding:
                yield finding
        if not self.detect:
            return
        found = candidates(words, self.min_words, self.max_words, self.min_count, self.query)
        flagged = [c for c in found if score(c, self.weights, self.min_count) >= self.threshold]
        # The longest phrase first, so that a stuffed phrase reports once and whole.
        for candidate in sorted(flagged, key=lambda c: (-len(c.words), -c.score, c.firsts[0])):
            length = len(candidate.words)
            spans = [set(range(f, f + length)) for f in candidate.firsts]
            if sum(1 for span in spans if span & claimed) * 2 >= len(spans):
                continue
            for span in spans:
                claimed |= span
            yield self._finding(document, words, candidate.firsts, length, candidate.reasons)

    def _declared(self, document: Document, words: Words, keyphrase: Keyphrase, firsts: list[int]) -> Finding | None:
        density = 100.0 * len(firsts) / len(words)
        limit = keyphrase.max_density if keyphrase.max_density is not None else self.warning_density
        if density <= limit:
            return None
        way_over = density > max(self.error_density, limit)
        reasons = [f"a declared keyphrase above {_percent(limit)}" + (" (Yoast: way over)" if way_over else "")]
        return self._finding(
            document, words, firsts, len(keyphrase.words), reasons, severity="error" if way_over else "warning"
        )

    def _finding(self, document, words: Words, firsts: list[int], length: int, reasons, severity=None) -> Finding:
        spans = [
            document.span(words.block(f), words.starts[f], words.ends[f + length - 1]) for f in firsts
        ]
        anchor = _anchor(words, firsts)
        fields = {
            "count": len(firsts),
            "density": _percent(100.0 * len(firsts) / len(words)),
            "words": len(words),
            "reasons": "; ".join(reasons) if reasons else "repeated verbatim",
        }
        return self.finding(
            spans[anchor],
            words.surface(firsts[anchor], length),
            fields=fields,
            related=tuple(span for index, span in enumerate(spans) if index != anchor),
            severity=severity,
        )


def _anchor(words: Words, firsts: list[int]) -> int:
    """Which occurrence the finding sits on: the first one that is not where the
    phrase belongs (the title or top heading, one other heading, the
    introduction: the first of the first two paragraphs that holds it)."""
    introduction = [number for number, block in enumerate(words.blocks) if block.kind not in HEADING_KINDS][:2]
    kept_title = kept_heading = kept_introduction = False
    for index, first in enumerate(firsts):
        block = words.block(first)
        number = words.block_of[first]
        if block.kind == "title" or (block.kind == "heading" and block.level == 1):
            if not kept_title:
                kept_title = True
                continue
        elif block.kind == "heading":
            if not kept_heading:
                kept_heading = True
                continue
        elif number in introduction and not kept_introduction:
            kept_introduction = True
            continue
        return index
    return len(firsts) - 1


def _percent(value: float) -> str:
    return f"{value:.1f}%" if value < 10 else f"{value:.0f}%"


def compile(rule: Rule) -> RepetitionCheck:
    return RepetitionCheck(rule)
