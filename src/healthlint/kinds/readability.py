"""`readability`: grade level per paragraph, and sentences that run too long.

`measure: grade` computes the Flesch-Kincaid grade of each paragraph,
0.39 × words/sentences + 11.8 × syllables/words − 15.59, with the Flesch
reading ease (206.835 − 1.015 × words/sentences − 84.6 × syllables/words)
beside it, and reports the paragraph when the grade is above the target:
`max_grade` when set, else the `audience`'s (patient 8, general 10,
professional 14). Paragraphs under `min_words` words are skipped: a grade
from two sentences says little. `measure: sentence-length` reports each
sentence of more than `max_words` words, on the sentence itself.

Counting: a word is a run of letters or digits (hyphenated and contracted
words are one word); syllables come from healthlint's rule-based counter
(healthlint/syllables.py, no dictionary download); an all-capital word of two
to four letters (FDA, HIV) is read letter by letter; a number counts one
syllable per digit, up to three. Sentences are the parser's.

Limits: the formulas were fitted to school texts; they do not see whether a
reader knows a word, only how long it is, so "naloxone" and "nonetheless"
weigh the same. Treat the grade as a pointer to the paragraphs worth a second
look, not a score to optimise.
"""
from __future__ import annotations

from typing import Iterable, NamedTuple

from .. import pattern_cache
from ..documents.words import WORD as _WORD
from ..model import Block, Document, Finding, Rule
from ..syllables import count_letters, syllables
from .base import Check, Hit, Option, OptionError, integer, number, one_of
from .pattern import in_scope

AUDIENCE_GRADES = {"patient": 8.0, "general": 10.0, "professional": 14.0}

OPTIONS = {
    "measure": Option(one_of("grade", "sentence-length"), "grade", help="what to measure"),
    "audience": Option(one_of(*AUDIENCE_GRADES), "general",
                       help="sets the target grade: patient 8, general 10, professional 14"),
    "max_grade": Option(number, None, help="target grade; overrides `audience`"),
    "min_words": Option(integer, 30, help="paragraphs with fewer words are not graded"),
    "max_words": Option(integer, 35, help="longest sentence allowed, in words (sentence-length)"),
}
MESSAGE_FIELDS = ("match", "grade", "ease", "target", "words", "sentences", "limit")

_DIGITS = pattern_cache.compile(r"\p{N}+")
_INITIALISM = pattern_cache.compile(r"\p{Lu}{2,4}")


class Counts(NamedTuple):
    # (A named tuple: a frozen dataclass cost more to build than the count of a
    # paragraph's syllables.)
    words: int
    sentences: int
    syllables: int

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade level (Kincaid et al. 1975)."""
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59

    @property
    def ease(self) -> float:
        """Flesch reading ease (Flesch 1948): 0-100, higher is easier."""
        return 206.835 - 1.015 * self.words / self.sentences - 84.6 * self.syllables / self.words


def word_syllables(word: str) -> int:
    if 2 <= len(word) <= 4 and word.isupper() and _INITIALISM.fullmatch(word):  # (isupper: in C, for most words)
        return len(word) + 2 * word.count("W")  # F-D-A; W is "double-u"
    count = syllables(word)
    if not (word.isascii() and word.isalpha()):  # else no digits: most words
        for digits in _DIGITS.findall(word):
            count += min(len(digits), 3)
    return max(count, 1)


class _SyllableTable(dict):
    """word -> syllables, filled as words are met. A text reuses most of its
    words, and a corpus most of its vocabulary, so counting goes at the speed of
    a dictionary lookup done in C (`map(table.__getitem__, words)`)."""

    def __missing__(self, word: str) -> int:
        if len(self) > 200_000:
            self.clear()  # bounded: a crawl of many languages must not grow it forever
        if word.isalpha() and word.isascii():
            # Letters a-z only (most words): word_syllables without the tests
            # it makes for other words, which cost as much as a count.
            if 2 <= len(word) <= 4 and word.isupper():
                count = len(word) + 2 * word.count("W")
            else:
                count = count_letters(word.lower())  # at least 1
        else:
            count = word_syllables(word)
        self[word] = count
        return count


_SYLLABLE_TABLE = _SyllableTable()


def words_in(text: str, start: int = 0, end: int | None = None) -> list[str]:
    return _WORD.findall(text, start, len(text) if end is None else end)


def count_block(block: Block) -> Counts:
    """Words, sentences and syllables of a block's text."""
    words, per_sentence = block.words
    sentences = len(per_sentence) - per_sentence.count(0)  # those with a word
    return Counts(len(words), max(sentences, 1), sum(map(_SYLLABLE_TABLE.__getitem__, words)))


def count_text(text: str) -> Counts:
    """The same counts for a bare text (tests, tools); sentences split as the parser does."""
    from ..documents.sentences import split_sentences

    words = words_in(text)
    sentences = sum(1 for start, end in split_sentences(text) if _WORD.search(text, start, end))
    return Counts(len(words), max(sentences, 1), sum(map(_SYLLABLE_TABLE.__getitem__, words)))


class ReadabilityCheck(Check):
    def __init__(self, rule: Rule):
        super().__init__(rule)
        self.measure = rule.option("measure")
        max_grade = rule.option("max_grade")
        self.target = max_grade if max_grade is not None else AUDIENCE_GRADES[rule.option("audience")]
        self.min_words = rule.option("min_words")
        self.max_words = rule.option("max_words")
        if self.min_words < 1 or self.max_words < 1:
            raise OptionError("must be at least 1", key="min_words" if self.min_words < 1 else "max_words")
        self._reads = _KindsRead(rule.scope)

    def check(self, document: Document, hits: list[Hit]) -> Iterable[Finding]:
        reads, min_words, max_words = self._reads, self.min_words, self.max_words
        # Most blocks are too short to grade and have no long sentence: told
        # here, without a generator or a call for each.
        if self.measure == "grade":
            for block in document.blocks:
                if reads[block.kind] and len(block.words.all) >= min_words:
                    counts = count_block(block)
                    if counts.grade > self.target:
                        yield self._grade_finding(document, block, counts)
        else:
            for block in document.blocks:
                if reads[block.kind]:
                    per_sentence = block.words.per_sentence
                    if per_sentence and max(per_sentence) > max_words:
                        yield from self._long_sentences(document, block)

    def _grade_finding(self, document: Document, block: Block, counts: Counts) -> Finding:
        end = len(block.text.rstrip())
        return self.finding(
            document.span(block, 0, end),
            block.text[:end],
            fields={
                "grade": f"{counts.grade:.1f}",
                "ease": f"{round(counts.ease) + 0:d}",
                "target": _number(self.target),
                "words": counts.words,
                "sentences": counts.sentences,
            },
        )

    def _long_sentences(self, document: Document, block: Block) -> Iterable[Finding]:
        text = block.text
        for (start, end), count in zip(block.sentences, block.words.per_sentence):
            if count > self.max_words:
                yield self.finding(
                    document.span(block, start, end),
                    text[start:end],
                    fields={"words": count, "limit": self.max_words},
                )


class _KindsRead(dict):
    """block kind -> whether the rule reads blocks of that kind (never
    headings), asked of in_scope once per kind rather than once per block."""

    def __init__(self, scope: tuple[str, ...]):
        super().__init__()
        self.scope = scope

    def __missing__(self, kind: str) -> bool:
        reads = self[kind] = kind != "heading" and in_scope(self.scope, kind)
        return reads


def _number(value: float) -> str:
    return f"{value:g}"


def compile(rule: Rule) -> ReadabilityCheck:
    return ReadabilityCheck(rule)
