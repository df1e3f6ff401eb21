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
"reviews", "recall", "pictures", a year) or, with `query_places`, it ends in
a city of data/places.txt ("detox center denver", a local search), it has no article or demonstrative,
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

Speed: a text repeats hundreds of phrases (a generated article repeats whole
sentences), and measuring each costs far more than reading the text, so the
check measures only the phrases that can reach the threshold. The words are
read by C code (regexes, str.split, Counter). With weights like the built-in
ones only a phrase in a heading or worded like a query can reach it, and a
query pattern matches only a phrase with certain words in place (read off
the pattern: `\\bnear me$` needs a phrase that ends in "near me"), so the check
grows phrases from those words and from the headings, searches a phrase
with only the patterns whose words it has in place, and finds where a
phrase occurs from its rarest word. Signals are measured cheapest first, and
measuring stops once the rest could not lift the score to the threshold.
`candidates()` lists every candidate; tests check on random texts that
check() reports what scoring all of them would.

Limits: one document at a time, so a phrase that a site repeats once per page
is not found. It reads words, not meaning: a pasted phrase with no query word,
no heading and no lower-cased name looks like a technical term and is missed
(about 90% of them on the MedQuAD bench), and a natural phrase that ends in a
query word ("x-ray pictures") or a listed city can be reported. A phrase longer than
`max_words` is scored on its first `max_words` words. The query patterns are
English.
"""
from __future__ import annotations

import re
import sys
import warnings
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, count, islice, repeat
from math import log2
from operator import itemgetter
from typing import Iterable

if sys.version_info >= (3, 11):  # the parse tree of a query pattern, see _Needs
    from re import _constants as sre
    from re import _parser as sre_parse
else:
    import sre_constants as sre
    import sre_parse

from .. import pattern_cache
from ..cache import remembered
from ..model import MASK, Block, Document, Finding, Rule
from ..wordlists import places
from .base import Check, Hit, Option, OptionError, TimedPattern, boolean, integer, number, regex_list

# A word: letters or digits, with inner apostrophes ("kratom's").
_WORD = pattern_cache.compile(r"[\p{L}\p{N}]+(?:['’]\p{L}+)*")
# What may stand between two words of one phrase: spaces, or one hyphen
# ("muscle-soreness relief" is "muscle soreness relief"). Anything else
# (punctuation, a MASK for code or a link) ends the phrase.
_JOIN = pattern_cache.compile(r"[ \t\u00a0]+|-")
# A run: words joined by _JOIN separators only, the stretch a phrase stays in.
_RUN = pattern_cache.compile(rf"{_WORD.pattern}(?:(?:{_JOIN.pattern}){_WORD.pattern})*")
# The same for text in ASCII (see _plain), where they mean the same: the
# standard library's engine reads it twice as fast, and faster still with
# possessive repeats (Python 3.11), which give nothing back that a match could use.
_HOLD = "+" if sys.version_info >= (3, 11) else ""
_ASCII_WORD = re.compile(rf"[A-Za-z0-9]+{_HOLD}(?:'[A-Za-z]+{_HOLD})*{_HOLD}")
# Split on these, a text gives what is between its words and the words in turn.
_WORD_PARTS = pattern_cache.compile(f"({_WORD.pattern})")
_ASCII_WORD_PARTS = re.compile(f"({_ASCII_WORD.pattern})")
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
# Stands between two runs in Words.words: no word is written with it, so no
# phrase holds it.
BREAK = "\x00"
# Runs of a text in ASCII are read without matching a word at a time (the
# engine's loop for each word and join was a fifth of the check on MedQuAD):
# in its bytes, every character that no run holds becomes a BREAK (through a
# table: str.translate would look each new character up in a mapping, on
# every call), the apostrophes and hyphens that do not stand inside a word
# or between two words as well, and what lies between two BREAKs is a run
# once stripped of spaces. Each mark is found by a pattern that starts with
# it, so that the engine skips ahead to the marks alone.
_BREAK_BYTE = BREAK.encode()
_BETWEEN_RUNS = f" {BREAK} ".encode()
_RUN_CHARACTERS = bytes(
    byte if chr(byte).isalnum() or chr(byte) in " \t'-" else ord(BREAK) for byte in range(128)
).ljust(256, _BREAK_BYTE)
# An apostrophe not between a letter or digit and a letter: `'[A-Za-z]+` in _ASCII_WORD.
_LOOSE_APOSTROPHE = re.compile(rb"'(?:(?![A-Za-z])|(?<![A-Za-z0-9].))")
# The letters after an apostrophe end a word where a digit follows ("it's9" is "it's", "9").
_APOSTROPHE_BEFORE_DIGIT = re.compile(rb"('[A-Za-z]+)(?=[0-9])")
# A hyphen not between two letters or digits: it joins no words.
_LOOSE_HYPHEN = re.compile(rb"-(?:(?![A-Za-z0-9])|(?<![A-Za-z0-9].))")
# A phrase in a heading that starts with one of these is a candidate only if
# worded like a query.
_NOT_FIRST = STOPWORDS | {BREAK}
# A phrase cut short by max_words is judged as the query it continues into, by
# at most this many words.
_CONTINUED_MOST = 4

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
    """A phrase an article is about, its words, and how dense it may be before it is stuffed."""

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


@lru_cache(maxsize=1)
def places_pattern() -> str:
    """A query pattern for phrases that end in a city of data/places.txt: the
    local intent of "rehab center houston" or "kratom shop in denver". Names
    are spelled as phrases are compared (lower case, a hyphen read as a space)."""
    names = sorted({" ".join(name.replace("-", " ").split()) for name in places()}, key=lambda n: (-len(n), n))
    return r"\b(?:" + "|".join(map(re.escape, names)) + ")$"


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
    "query_places": Option(
        boolean, False, help="a phrase ending in a city of healthlint's list (data/places.txt) is query-shaped"
    ),
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
    if _plural(word):
        word = word[:-1]
    return word


def _plural(word: str) -> bool:
    """Whether `fold` drops the final s of `word` (once any "'s" is gone)."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


@lru_cache(maxsize=1 << 16)
def _unfolded(key: str) -> tuple[str, ...]:
    """Every word that `fold` turns into `key` ("kratom", "kratoms", "kratom's",
    "kratoms's"): a word's frequency is then a few look-ups in the document's
    word counts instead of folding every word of the document."""
    bare = ([] if _plural(key) else [key]) + ([key + "s"] if _plural(key + "s") else [])
    return tuple(form for word in bare for form in ((word + "'s",) if word.endswith("'s") else (word, word + "'s")))


def _plain(text: str) -> bool:
    """Whether the ASCII patterns read the text as the others do: it is ASCII,
    but for the MASK that hides code and links (a symbol to both)."""
    return text.isascii() or text.replace(MASK, "").isascii()


def _words_in(text: str) -> list[str]:
    return (_ASCII_WORD if _plain(text) else _WORD).findall(text)


def normalized(text: str) -> str:
    # Lower-casing the joined words is lower-casing each one: a space ends the
    # context of the only mapping that depends on one (the final sigma).
    return " ".join(_words_in(text)).lower().replace("’", "'")


def counted_blocks(document: Document, scope: tuple[str, ...] = ()) -> list[Block]:
    """The blocks whose words count: those in scope, less the copies that a table
    of contents (list items repeating the headings) or a title repeating the
    first heading would add."""
    return [block for block, _ in _counted(document, scope)]


def _counted(document: Document, scope: tuple[str, ...]) -> list[tuple[Block, str]]:
    """counted_blocks(), each block with its runs (see _runs), read once."""
    kinds = [s for s in scope if s not in ("document", "sentence")]
    # Short blocks are compared as text (normalized); a paragraph just needs a word.
    runs = {index: _runs(b.text) for index, b in enumerate(document.blocks) if b.kind in _SHORT_KINDS}
    keys = {index: " ".join(_lowered(text).replace(BREAK, " ").split()) for index, text in runs.items()}
    heading_texts = {keys[index] for index, b in enumerate(document.blocks) if b.kind in HEADING_KINDS}
    seen_short: set[str] = set()
    kept = []
    for index, block in enumerate(document.blocks):
        if kinds and block.kind not in kinds and not (block.kind == "blockquote" and "paragraph" in kinds):
            continue
        if block.kind not in _SHORT_KINDS:
            text = _runs(block.text)
            if text:
                kept.append((block, text))
            continue
        key = keys[index]
        if not key or (block.kind == "list-item" and key in heading_texts):  # empty, or a table-of-contents entry
            continue
        if key not in seen_short:
            seen_short.add(key)
            kept.append((block, runs[index]))
    return kept


def _runs(text: str) -> str:
    """The runs of a text as written, BREAK between two: a run holds nothing but
    words and the spaces or hyphens between them, so str.split finds its words."""
    if not _plain(text):
        return f" {BREAK} ".join(_RUN.findall(text))
    # What _RUN finds, for a text in ASCII (see _RUN_CHARACTERS).
    if not text.isascii():
        text = text.replace(MASK, BREAK)
    marked = text.encode("ascii").translate(_RUN_CHARACTERS)
    # The marks are looked for in the text (`in` on bytes first tries its
    # operand as an integer, and raises and clears an error to find it is not).
    if "'" in text:
        marked = _APOSTROPHE_BEFORE_DIGIT.sub(rb"\1" + _BREAK_BYTE, _LOOSE_APOSTROPHE.sub(_BREAK_BYTE, marked))
    if "-" in text:
        marked = _LOOSE_HYPHEN.sub(_BREAK_BYTE, marked)
    runs = filter(None, map(bytes.strip, marked.split(_BREAK_BYTE), repeat(b" \t")))
    return _BETWEEN_RUNS.join(runs).decode("ascii")


def _lowered(runs: str) -> str:
    """`runs` lower-cased word by word as `normalized` does (lower-casing them
    together is the same: what stands between two words ends the context of
    the final sigma), with whitespace between two words."""
    return runs.lower().replace("’", "'").replace("-", " ")


class Words:
    """The words of the counted blocks, lower-cased, in one flat list (`words`)
    with BREAK between two runs, and before the first and after the last word.

    A phrase never spans two runs: a run ends at any character other than
    spaces or a hyphen between two words, and at the end of a block. The list
    is made by C code: a regex finds the runs, and as a run holds nothing but
    words and spaces or hyphens, str.split finds their words. Where a word sits
    in its block, and whether it starts a sentence, is worked out only for the
    blocks that a measured or reported phrase is in."""

    def __init__(self, blocks: list[Block], runs: list[str] | None = None):
        self.blocks = blocks
        self.words: list[str] = [BREAK]
        self.block_of: list[int] = [-1]  # the block of each entry of `words`
        self.block_firsts: list[int] = []  # where each block's words start in `words`
        self._runs = runs if runs is not None else [_runs(block.text) for block in blocks]
        self._written: list[str] | None = None
        for number, text in enumerate(self._runs):
            tokens = _lowered(text).split()
            tokens.append(BREAK)
            self.block_firsts.append(len(self.words))
            self.words += tokens
            self.block_of += [number] * len(tokens)
        # Every BREAK in `words` but the first stands for one in a block's runs
        # or for a block's end: counted in the texts (comparing every word with
        # BREAK took a tenth of the time spent here).
        self._count = len(self.words) - 1 - len(self._runs) - sum(map(str.count, self._runs, repeat(BREAK)))
        self.paragraphs = sum(1 for block in blocks if block.kind not in HEADING_KINDS)
        self.in_heading = [block.kind in HEADING_KINDS for block in blocks]
        self.in_body = [not heading for heading in self.in_heading]
        self._offsets: dict[int, tuple[list[int], list[int], list[int]]] = {}
        self._introduction: list[int] | None = None

    def __len__(self) -> int:
        """The number of words."""
        return self._count

    def block(self, index: int) -> Block:
        return self.blocks[self.block_of[index]]

    def span(self, first: int, length: int) -> tuple[int, int]:
        """Offsets in its block of the phrase of `length` words at `first`."""
        starts, ends, _ = self._located(first)
        number = self._in_block(first)
        return starts[number], ends[number + length - 1]

    def written(self, first: int, length: int) -> list[str]:
        """The words of the phrase at `first` as written."""
        return self._written_words()[first : first + length]

    def written_alike(self, firsts: list[int], length: int) -> set[tuple[str, ...]]:
        """The ways the phrases of `length` words at `firsts` are written."""
        slices = map(slice, firsts, map(length.__add__, firsts))
        return set(map(tuple, map(self._written_words().__getitem__, slices)))

    def _written_words(self) -> list[str]:
        if self._written is None:  # made like `words`, without lower-casing
            self._written = f"{BREAK} {f' {BREAK} '.join(self._runs)} {BREAK}".replace("-", " ").split()
        return self._written

    def surface(self, first: int, length: int) -> str:
        start, end = self.span(first, length)
        return self.block(first).text[start:end]

    def initial(self, index: int) -> bool:
        """Whether the word at `index` is the first of a sentence."""
        starts, ends, sentence_starts = self._located(index)
        number = self._in_block(index)
        text = self.block(index).text
        return number == 0 or _starts_sentence(text, ends[number - 1], starts[number], sentence_starts)

    def _in_block(self, index: int) -> int:
        """The number of the word at `index` among the words of its block."""
        first = self.block_firsts[self.block_of[index]]
        return index - first - self.words[first:index].count(BREAK)

    def _located(self, index: int) -> tuple[list[int], list[int], list[int]]:
        """For the block of the word at `index`: where its words start and end
        (from the lengths of the words and of what is between them, added up
        in C), and where its sentences start."""
        number = self.block_of[index]
        if number not in self._offsets:
            block = self.blocks[number]
            # What is between the words, and the words, in turn.
            parts = (_ASCII_WORD_PARTS if _plain(block.text) else _WORD_PARTS).split(block.text)
            edges = list(accumulate(map(len, parts)))
            self._offsets[number] = edges[0:-1:2], edges[1::2], sorted(start for start, _ in block.sentences)
        return self._offsets[number]

    def find(self, phrase: tuple[str, ...]) -> list[int]:
        """First-word indexes of the occurrences of a lower-cased phrase."""
        length, words = len(phrase), list(phrase)
        found = [first for first in _occurrences(self.words, phrase[0]) if self.words[first : first + length] == words]
        return _apart(found, length)

    @property
    def introduction(self) -> list[int]:
        """The numbers of the first two blocks that are not headings: found once,
        as every finding asks (a scan per finding made long texts quadratic)."""
        if self._introduction is None:
            self._introduction = list(islice(compress(count(), self.in_body), 2))
        return self._introduction

    def heading_spans(self) -> list[tuple[int, int]]:
        """For each heading, where its words start in `words` and where the BREAK
        after them is."""
        ends = [*self.block_firsts[1:], len(self.words)]
        return [(self.block_firsts[number], ends[number] - 1) for number in compress(count(), self.in_heading)]


def _starts_sentence(text: str, previous_end: int, start: int, sentence_starts: list[int]) -> bool:
    index = bisect_right(sentence_starts, start) - 1
    return index >= 0 and sentence_starts[index] >= previous_end and not text[sentence_starts[index] : start].strip(
        _OPENERS
    )


def _occurrences(tokens: list[str], word: str) -> list[int]:
    """Where `word` is in `tokens`: list.index scans in C."""
    found, index = [], -1
    try:
        while True:
            index = tokens.index(word, index + 1)
            found.append(index)
    except ValueError:
        return found


# ---- where phrases repeat ------------------------------------------------------------


def repeated_grams(tokens: list[str], least: int, longest: int) -> dict[tuple[str, ...], list[int]]:
    """The first-word indexes of every phrase of 2 to `longest` words, inside one
    run, that occurs `least` times or more (overlapping occurrences included),
    keyed by its words.

    A phrase that occurs `least` times starts with a phrase one word shorter
    that does too, so only the occurrences of those are grown by a word: the
    pairs are counted in C and a document's rare phrases are never built."""
    pairs = list(zip(tokens, tokens[1:]))
    frequent = {pair for pair, times in Counter(pairs).items() if times >= least and BREAK not in pair}
    level: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for first in compress(count(), map(frequent.__contains__, pairs)):
        level[pairs[first]].append(first)
    grams = dict(level)
    while level:
        level = _grown_once(tokens, level, least, longest, 1)
        grams.update(level)
    return grams


def _grown_once(tokens: list[str], level: dict, least: int, longest: int, direction: int) -> dict:
    """The phrases one word longer, to the right (direction 1) or to the left
    (-1), that occur `least` times or more. `tokens` starts and ends with
    BREAK, so a phrase never grows out of it."""
    longer: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for key, firsts in level.items():
        if len(key) >= longest:
            continue
        if direction > 0:
            for first in firsts:
                word = tokens[first + len(key)]
                if word != BREAK:
                    longer[(*key, word)].append(first)
        else:
            for first in firsts:
                word = tokens[first - 1]
                if word != BREAK:
                    longer[(word, *key)].append(first - 1)
    return {key: firsts for key, firsts in longer.items() if len(firsts) >= least}


def _grown(tokens: list[str], seeds: dict, least: int, longest: int, rightwards=True, leftwards=True) -> dict:
    """The phrases of up to `longest` words that hold a seed phrase and occur
    `least` times or more, seeds included, with every occurrence: all of them
    hold the seed, so all are found around its occurrences. A phrase grows one
    word at a time, rightwards first and then leftwards, so that each is made
    once, and only from a phrase that occurs `least` times itself."""
    found = dict(seeds)
    level = seeds
    while rightwards and level:
        level = _grown_once(tokens, level, least, longest, 1)
        found.update(level)
    level = found
    while leftwards and level:
        level = _grown_once(tokens, level, least, longest, -1)
        found.update(level)
    return found


# Up to this many words are looked up with a scan each rather than in one pass.
_SCANNED_MOST = 3
# A scan reads the whole document (list.index, in C), and one pass that indexes
# every word costs about as much as this many scans (a loop in Python): beyond
# them every word is indexed at once, so that a long text asking for the places
# of thousands of words costs time in proportion to its length, not its square.
_SCANS_BEFORE_FULL_INDEX = 24


class _Index:
    """What the candidates of one document are measured against: how often each
    word occurs, and where a phrase occurs, found from the occurrences of its
    rarest word and kept. `known` gives phrases already found."""

    def __init__(self, words: Words, query, max_words: int, known: dict | None = None):
        self.words, self.tokens, self.query, self.max_words = words, words.words, query, max_words
        self._phrases = dict(known or {})
        self._of_word: dict[str, list[int]] = {}
        self._scans = 0  # words located with a scan of their own
        self._every_word = False  # whether _of_word holds every word of the document
        self._counts: Counter | None = None
        self._frequency: dict[str, int] = {}
        # The words of the document a query phrase may start with, end with,
        # and hold (see _Needs), once known: then a phrase with none of them in
        # place is known not to be worded like a query without running the
        # patterns, which cost far more than these look-ups.
        self.query_words: tuple[set[str], set[str], set[str]] | None = None
        # With them, the _Needs that sorted them, which searches a phrase with
        # only the patterns that may match it.
        self.needs: _Needs | None = None

    @property
    def counts(self) -> Counter:
        if self._counts is None:
            self._counts = Counter(self.tokens)
        return self._counts

    def count(self, word: str) -> int:
        """How often a word occurs: from its occurrences if they were looked up."""
        if self._counts is None:
            found = self._of_word.get(word)
            if found is not None:
                return len(found)
        return self.counts[word]

    def frequency(self, key: str) -> int:
        """How often words folding to `key` occur."""
        if key not in self._frequency:
            self._frequency[key] = sum(self.counts[word] for word in _unfolded(key))
        return self._frequency[key]

    def locate(self, words: Iterable[str]) -> None:
        """Find where several words are: in one pass over the document, or for a
        few words in a scan each, which list.index makes cheaper."""
        if self._every_word:
            return
        wanted = set(words) - self._of_word.keys()
        if self._scans + len(wanted) > _SCANS_BEFORE_FULL_INDEX:
            self._index_every_word()
        elif len(wanted) > _SCANNED_MOST:
            found: dict[str, list[int]] = {word: [] for word in wanted}
            tokens = self.tokens
            for index in compress(count(), map(wanted.__contains__, tokens)):
                found[tokens[index]].append(index)
            self._of_word.update(found)
        else:
            self._scans += len(wanted)
            self._of_word.update((word, _occurrences(self.tokens, word)) for word in wanted)

    def of_word(self, word: str) -> list[int]:
        found = self._of_word.get(word)
        if found is None:
            if self._every_word:
                return []
            if self._scans >= _SCANS_BEFORE_FULL_INDEX:
                self._index_every_word()
                return self._of_word.get(word, [])
            self._scans += 1
            found = self._of_word[word] = _occurrences(self.tokens, word)
        return found

    def _index_every_word(self) -> None:
        """The places of every word, in one pass."""
        places: dict[str, list[int]] = defaultdict(list)
        for index, word in enumerate(self.tokens):
            places[word].append(index)
        self._of_word = dict(places)
        self._every_word = True

    def shapes(self, key: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
        """Where the query patterns match the phrase of these words."""
        if self.query is None:
            return ()
        if self.query_words is not None:
            starting, ending, holding = self.query_words
            if key[0] not in starting and key[-1] not in ending and holding.isdisjoint(key):
                return ()
            return self.needs.shapes(key, starting, ending, holding)
        return _shapes(self.query, " ".join(key))

    def positions(self, key: tuple[str, ...]) -> list[int]:
        """The first-word index of every occurrence of a phrase, overlapping ones included."""
        found = self._phrases.get(key)
        if found is None:
            # From the occurrences of the rarest word, keep those where each other
            # word is in place: one pass in C per word.
            rarest = min(range(len(key)), key=lambda index: self.count(key[index]))
            occurrences = self.of_word(key[rarest])
            found = list(map((-rarest).__add__, occurrences[bisect_right(occurrences, rarest) :]))
            at = self.tokens.__getitem__
            for index, word in enumerate(key):
                if index != rarest:
                    found = list(compress(found, map(word.__eq__, map(at, map(index.__add__, found)))))
            self._phrases[key] = found
        return found

    def known(self, phrases: dict) -> None:
        """Take phrases whose every occurrence is known."""
        self._phrases.update(phrases)

    def extended(self, key: tuple[str, ...], word: str) -> tuple[tuple[str, ...], list[int]]:
        """The phrase one word longer to the right, from the occurrences of `key`."""
        longer, end = (*key, word), len(key)
        if longer not in self._phrases:
            tokens = self.tokens
            self._phrases[longer] = [first for first in self.positions(key) if tokens[first + end] == word]
        return longer, self._phrases[longer]


# ---- what a query pattern needs ---------------------------------------------------------

# Query patterns written with only these pieces mean the same to the regex
# module and to the standard library's parser, which _Needs reads them with:
# no inline flags, POSIX classes, fuzzy matching, or escapes but these.
_PLAIN_PATTERN = re.compile(
    r"(?:[^\\(\[{]|\\[bBdDwWsS]|\\[^0-9A-Za-z]|\((?!\?)|\(\?(?::|=|!|<=|<!|>)|\[(?!\^?:)|\{\d*,?\d*\})*"
)
# Beyond this many strings a part of a pattern is not spelled out.
_SPELLED_MOST = 256
# Where a need is met: at the phrase's start, at its end, anywhere in it.
_PLACES = ("start", "end", "any")
# Stands for a word boundary (\\b) in a spelled string: no phrase holds it.
_BOUNDARY = "\x01"
_REPEATS = tuple(getattr(sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(sre, name))


class _Needs:
    """Which words can be part of a phrase that a query pattern matches.

    Every match of `\\bnear me$` ends the phrase with "near me", every match of
    `^best\\b` starts it with "best", every match of `\\b(?:vs|versus)\\b`
    holds "vs" or "versus". Read from the parsed patterns, such strings give
    three sets of words: those a query phrase may start with, end with, or
    hold. A phrase with none of them in place is not worded like a query, and
    is never searched with the patterns; one that has is searched with only
    the patterns whose needs it meets (`shapes`). `known` is False when a
    pattern is written with pieces that this does not follow (then every
    phrase may be a query)."""

    def __init__(self, patterns: tuple[str, ...]):
        # Reading the patterns (the cities' alternation above all) was a tenth
        # of a one-file run: the answer is kept on disk for these patterns.
        each = remembered(
            "repetition-query-needs-each", repr(patterns), lambda: [_pattern_needs(p) for p in patterns]
        )
        if None in each:
            self.known = False
            return
        self.known = True
        needs = set().union(*each)
        self._first, self._prefixes, self._last, suffixes, inner = _by_place(needs)
        # Hundreds of suffixes (the cities): a word is tried only against those
        # that end in its last letters (all of them are that long at least).
        self._last_letters = itemgetter(slice(-min(2, *map(len, suffixes)) if suffixes else -1, None))
        self._suffixes: dict[str, tuple[str, ...]] = defaultdict(tuple)
        for suffix in sorted(suffixes):
            self._suffixes[self._last_letters(suffix)] += (suffix,)
        self._suffixes = dict(self._suffixes)
        self._holding = re.compile("|".join(map(re.escape, sorted(inner)))).search if inner else None
        # Words already sorted, kept across documents (a vocabulary is small):
        # all of them, those a query may start with, end with, hold, and any of
        # these. One tuple, so that a reader always sees one consistent state.
        self._sorted: tuple[set[str], ...] = (set(), set(), set(), set(), set())
        # Each pattern's needs apart, for shapes().
        self._patterns = tuple(patterns)
        self._each = [_by_place(pattern_needs) for pattern_needs in each]
        # The needs by place: a word the sets above let through is then told
        # exactly against those of its place whose text it holds, which rules
        # out the words that no pattern can match there ("buying" for
        # `^buy\b`, "previews" for `\breviews$`), compiling only the few
        # regexes whose text is in a word rather than all of them.
        self._placed = {place: [need for need in needs if need[0] == place] for place in _PLACES}
        self._windows: dict[tuple[str, str], tuple | None] = {}  # kept across documents, like _sorted
        self._bits: dict[str, tuple[int, int, int]] = {}  # kept across documents, like _sorted
        self._narrowed: dict[int, TimedPattern] = {}
        self._shapes: dict[str, tuple[tuple[int, int], ...]] = {}  # phrases recur across documents

    def words(self, vocabulary) -> tuple[set[str], set[str], set[str]]:
        """Of the words given, those a query phrase may start with, end with, and hold."""
        if len(self._sorted[0]) > 1_000_000:
            self._sorted = (set(), set(), set(), set(), set())
        seen, starts, ends, holds, needed = self._sorted
        new = vocabulary - seen
        if new:
            listed = list(new)
            new_starts = new & self._first | set(compress(listed, map(str.startswith, listed, repeat(self._prefixes))))
            suffixes = map(self._suffixes.get, map(self._last_letters, listed), repeat(()))
            new_ends = new & self._last | set(compress(listed, map(str.endswith, listed, suffixes)))
            new_holds = set(filter(self._holding, listed)) if self._holding else set()
            new_starts, new_ends, new_holds = (
                {word for word in found if self._met(place, word)}
                for place, found in zip(_PLACES, (new_starts, new_ends, new_holds))
            )
            starts |= new_starts
            ends |= new_ends
            holds |= new_holds
            needed |= new_starts | new_ends | new_holds
            seen |= new  # last: a word seen is sorted
        needed = vocabulary & needed
        return needed & starts, needed & ends, needed & holds

    def seeds(self, place: str, words: set[str], index: _Index, least: int) -> dict[tuple[str, ...], list[int]]:
        """The phrases of one or two words, from `words` (what words() gave for
        this place), that a query phrase holds in that place, with their
        occurrences, those that occur `least` times or more: "how" only
        where "to", "long"... follows it, for `^how to\\b` and `^how long\\b`."""
        tokens, seeds = index.tokens, {}
        for word in words:
            if index.count(word) < least:
                continue
            windows = self._windows_of(place, word)
            if windows is None:
                seeds[(word,)] = index.of_word(word)
                continue
            found: dict[tuple[str, str], set[int]] = defaultdict(set)
            for anchor, meets in windows:
                for first in map((-anchor).__add__, index.of_word(word)):
                    key = (tokens[first], tokens[first + 1])
                    # tokens starts and ends with BREAK, and a phrase never holds it.
                    if BREAK not in key and meets(" ".join(key)):
                        found[key].add(first)
            seeds.update((key, sorted(firsts)) for key, firsts in found.items() if len(firsts) >= least)
        return seeds

    def _windows_of(self, place: str, word: str) -> tuple | None:
        """How the words beside `word` are told, in that place: None if a need
        that the word meets there asks for nothing beside it, or else
        (anchor, search) pairs: the window of two words that starts
        `anchor` words before the word meets one of the needs if `search`
        finds it in the window's words joined by a space."""
        if (place, word) in self._windows:
            return self._windows[place, word]
        if len(self._windows) > 1_000_000:
            self._windows = {}
        met = self._met(place, word)
        windows = None
        if all(size == 2 for *_, size, _ in met):
            by_anchor = defaultdict(set)
            for *_, window, _, anchor in met:
                by_anchor[anchor].add(window)
            windows = tuple(
                (anchor, pattern_cache.compile("|".join(f"(?:{w})" for w in sorted(found))).search)
                for anchor, found in sorted(by_anchor.items())
            )
        self._windows[place, word] = windows
        return windows

    def _met(self, place: str, word: str) -> list[tuple]:
        """The needs of that place that the word meets there."""
        return [
            need
            for need in self._placed.get(place, ())
            if need[1] in word and pattern_cache.compile(need[3]).search(word)
        ]

    def shapes(self, key: tuple[str, ...], starting: set[str], ending: set[str], holding: set[str]):
        """Where the query patterns match the phrase of these words; `starting`,
        `ending`, `holding`: what words() gave for the document's words."""
        text = " ".join(key)
        found = self._shapes.get(text)
        if found is None:
            if len(self._shapes) > 1 << 16:
                self._shapes = {}
            query = self.narrowed(key, starting, ending, holding)
            found = self._shapes[text] = tuple(match.span() for match in query.finditer(text)) if query else ()
        return found

    def narrowed(self, key: tuple[str, ...], starting: set[str], ending: set[str], holding: set[str]):
        """The query patterns whose needs the phrase of these words meets, as one
        alternation in their order (None if none). A pattern with no need met
        matches nowhere in the phrase, so leaving it out changes no match of
        the alternation, and most phrases leave one cheap pattern of
        twenty-odd: the cities' alternation alone cost more than all the
        others."""
        bits = self._bits.get
        mask = 0
        if key[0] in starting:
            mask |= (bits(key[0]) or self._sort_word(key[0]))[0]
        if key[-1] in ending:
            mask |= (bits(key[-1]) or self._sort_word(key[-1]))[1]
        for word in holding.intersection(key):
            mask |= (bits(word) or self._sort_word(word))[2]
        if not mask:
            return None
        pattern = self._narrowed.get(mask)
        if pattern is None:
            if len(self._narrowed) > 4096:
                self._narrowed = {}
            pattern = self._narrowed[mask] = TimedPattern(
                "|".join(f"(?:{p})" for bit, p in enumerate(self._patterns) if mask >> bit & 1)
            )
        return pattern

    def _sort_word(self, word: str) -> tuple[int, int, int]:
        """The patterns (as bits, by their place) a phrase may be matched by when
        it starts with the word, ends with it, or holds it."""
        if len(self._bits) > 1_000_000:
            self._bits = {}
        start = end = hold = 0
        for bit, (first, prefixes, last, suffixes, inner) in enumerate(self._each):
            if word in first or word.startswith(prefixes):
                start |= 1 << bit
            if word in last or word.endswith(suffixes):
                end |= 1 << bit
            if any(text in word for text in inner):
                hold |= 1 << bit
        found = self._bits[word] = (start, end, hold)
        return found


def _by_place(needs: set[tuple]) -> tuple[set[str], tuple[str, ...], set[str], tuple[str, ...], tuple[str, ...]]:
    """What needs ask of a phrase, by place: whole first words, prefixes of the
    first word, whole last words, suffixes of the last word, and texts a word holds."""
    return (
        {text for where, text, whole, *_ in needs if where == "start" and whole},
        tuple({text for where, text, whole, *_ in needs if where == "start" and not whole}),
        {text for where, text, whole, *_ in needs if where == "end" and whole},
        tuple({text for where, text, whole, *_ in needs if where == "end" and not whole}),
        tuple({text for where, text, *_ in needs if where == "any"}),
    )


def _pattern_needs(pattern: str) -> set[tuple[str, str, bool]] | None:
    """(where, text, whole) triples one of which every match of the pattern
    satisfies: the phrase's first word is `text` (whole) or starts with it
    (where "start"), its last word is or ends with it ("end"), or a word holds
    it ("any"). None when the pattern cannot be read so."""
    if not _PLAIN_PATTERN.fullmatch(pattern):
        return None
    try:
        with warnings.catch_warnings():  # "possible nested set": the regex module compiled it already
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & ~sre.SRE_FLAG_UNICODE:
        return None
    return _sequence_needs(list(parsed))


def _sequence_needs(items) -> set[tuple[str, str, bool]] | None:
    """The most telling need of a sequence: each of its parts must match, so any
    part's needs are the sequence's. Consecutive parts that match few strings
    are spelled out together ("near me"), and know whether they start or end
    the phrase (after ^, before $)."""
    options = []
    strings, at_start = {""}, False

    def close(at_end: bool) -> None:
        option = _spelled_needs(strings, "start" if at_start else "end" if at_end else "any")
        if option:
            options.append(option)

    for op, av in items:
        if op is sre.AT and av in (sre.AT_BEGINNING, sre.AT_END):
            close(at_end=av is sre.AT_END)
            strings, at_start = {""}, av is sre.AT_BEGINNING
            continue
        if op is sre.ASSERT:
            options.append(_sequence_needs(av[1]))
        language = _language(op, av)
        # Strings with no text yet (the \b of `\b(?:denver|...)$`) are spelled
        # on into a part of any size: they add no strings, and the part's
        # words keep the boundary ("rome" is then not met by "syndrome").
        textless = not any(spelled.replace(_BOUNDARY, "") for spelled in strings)
        if language is not None and (textless or len(strings) * len(language) <= _SPELLED_MOST):
            strings = {a + b for a in strings for b in language}
            continue
        close(at_end=False)
        strings, at_start = language or {""}, False
        if language is None:
            options.append(_item_needs(op, av))
    close(at_end=False)
    return max((o for o in options if o), key=_telling, default=None)


def _item_needs(op, av) -> set[tuple[str, str, bool]] | None:
    if op is sre.SUBPATTERN:
        return None if av[1] or av[2] else _sequence_needs(av[3])
    if op is sre.BRANCH:
        branches = [_sequence_needs(branch) for branch in av[1]]
        return None if None in branches else set().union(*branches)
    if op in _REPEATS and av[0] >= 1:
        return _sequence_needs(av[2])
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence_needs(av)
    return None


def _language(op, av) -> set[str] | None:
    """The strings a part matches, when they are few; a zero-width part matches
    "", a word boundary _BOUNDARY (see _spelled_needs)."""
    if op is sre.LITERAL:
        return {chr(av)}
    if op is sre.AT and av is sre.AT_BOUNDARY:
        return {_BOUNDARY}
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return {""}
    if op is sre.IN and all(item_op is sre.LITERAL for item_op, _ in av):
        return {chr(code) for _, code in av}
    if op is sre.SUBPATTERN and not (av[1] or av[2]):
        return _sequence_language(av[3])
    if op is sre.BRANCH:
        languages = [_sequence_language(branch) for branch in av[1]]
        return None if None in languages else set().union(*languages)
    if op in _REPEATS and av[1] <= 1:
        inner = _sequence_language(av[2])
        return None if inner is None else inner | ({""} if av[0] == 0 else set())
    return None


def _sequence_language(items) -> set[str] | None:
    strings = {""}
    for op, av in items:
        language = _language(op, av)
        if language is None or len(strings) * len(language) > _SPELLED_MOST:
            return None
        strings = {a + b for a in strings for b in language}
    return strings


def _spelled_needs(strings: set[str], where: str) -> set[tuple] | None:
    """What holding one of `strings` there means for the phrase's words; a
    phrase never starts or ends with a space, nor holds two in a row.

    A need is (where, text, whole, word, window, size, anchor): the phrase's
    first word is `text` (whole) or starts with it (where "start"), its last
    word is or ends with it ("end"), or a word holds it ("any"); `word`, a
    regex, tells that word exactly, word boundaries included (`^buy\\b` is
    met by "buy's", not by "buying"); `window`, a regex over `size` words
    (one or two) joined by a space, the `anchor`-th of them that word, tells
    the words around it as well ("how" only before "to"). Both are read off
    the string, so every phrase the string is in meets them."""
    if any(not spelled.replace(_BOUNDARY, "") for spelled in strings):
        return None  # it matches where nothing is
    needs = set()
    for spelled in strings:
        parts = spelled.split(" ")
        bare = [part.replace(_BOUNDARY, "") for part in parts]
        if "" in bare[1:-1] or (where == "start" and not bare[0]) or (where == "end" and not bare[-1]):
            continue  # two spaces in a row, or a space at the phrase's edge: never in a phrase
        # A space before (after) the first (last) part: the word starts (ends) there.
        closed_left, closed_right = where == "start" or not bare[0], where == "end" or not bare[-1]
        whole = len(parts) > 1
        kept = [(part, text) for part, text in zip(parts, bare) if text]
        if not kept:
            return None
        parts, bare = [part for part, _ in kept], [text for _, text in kept]
        anchor = 0 if where == "start" else len(parts) - 1 if where == "end" else bare.index(max(bare, key=len))
        # The window: the anchor and the word after it, or for the last word the one before.
        start = anchor if anchor + 1 < len(parts) and where != "end" else max(0, anchor - 1)
        size = min(2, len(parts))
        needs.add(
            (
                where,
                bare[anchor],
                whole and where != "any",
                _words_regex(parts, anchor, anchor + 1, closed_left, closed_right),
                _words_regex(parts, start, start + size, closed_left, closed_right),
                size,
                anchor - start,
            )
        )
    return needs or None


def _words_regex(parts, start: int, end: int, closed_left: bool, closed_right: bool) -> str:
    """A regex that the words parts[start:end] of a spelled string, joined by a
    space, meet: words that stand beside another part are whole there."""
    body = "".join(r"\b" if char == _BOUNDARY else re.escape(char) for char in " ".join(parts[start:end]))
    return ("^" if start or closed_left else "") + body + ("$" if end < len(parts) or closed_right else "")


def _telling(needs: set[tuple]) -> int:
    """How few words meet a need, roughly: a long text that is no stopword, in
    place, a whole word."""
    return min(
        (0 if text in STOPWORDS else len(text)) + (2 if where != "any" else 0) + whole
        for where, text, whole, *_ in needs
    )


@lru_cache(maxsize=1 << 16)
def _shapes(query, text: str) -> tuple[tuple[int, int], ...]:
    """Where the query patterns match a phrase; phrases recur across documents."""
    return tuple(match.span() for match in query.finditer(text))


# ---- candidates and their signals --------------------------------------------------


class _measured:
    """functools.cached_property without the lock that it takes on every first
    read before Python 3.12: a candidate's signals are read millions of times."""

    def __init__(self, function):
        self.function = function

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, candidate, owner=None):
        if candidate is None:
            return self
        value = candidate.__dict__[self.name] = self.function(candidate)
        return value


class Candidate:
    """A repeated phrase. Its signals are measured when first read: check() reads
    the cheap ones first, and most candidates go no further."""

    def __init__(self, words: tuple[str, ...], firsts: list[int], raw: list[int], index: _Index):
        self.words = words  # lower-cased
        self.firsts = firsts  # index in Words.words of the first word of each occurrence
        self.count = len(firsts)
        self.score = 0.0
        self.reasons: list[str] = []
        self._raw = raw  # every occurrence, overlapping ones included
        self._index = index

    def __repr__(self) -> str:
        return f"Candidate({self.text!r}, count={self.count})"

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @_measured
    def shapes(self) -> tuple[tuple[int, int], ...]:
        """Where the query patterns match the phrase."""
        return self._index.shapes(self.words)

    @_measured
    def modifiers(self) -> set[str]:
        """The words of the phrase that make it a query; for a phrase cut short
        by max_words, also those of the query it continues into."""
        modifiers = _covered(self.text, self.shapes)
        if self._index.query and not self.shapes and len(self.words) == self._index.max_words:
            for grown in _continued(self._index.tokens, self.firsts, self.words):
                modifiers |= _covered(" ".join(grown), self._index.shapes(grown))
        return modifiers

    @_measured
    def _places(self) -> tuple[int, int]:
        """Distinct headings, distinct other blocks that hold the phrase."""
        words = self._index.words
        numbers = set(map(words.block_of.__getitem__, self.firsts))
        headings = sum(map(words.in_heading.__getitem__, numbers))
        return headings, len(numbers) - headings

    @property
    def headings(self) -> int:
        return self._places[0]

    @property
    def paragraphs(self) -> int:
        return self._places[1]

    @property
    def paragraph_share(self) -> float:
        return self.paragraphs / max(1, self._index.words.paragraphs)

    @_measured
    def exclusivity(self) -> float:
        """Share of its rarest word's occurrences that are inside it."""
        content = Counter(fold(word) for word in self.words if word not in STOPWORDS)
        frequency = self._index.frequency
        return max(min(1.0, self.count * times / frequency(word)) for word, times in content.items())

    @_measured
    def unit(self) -> float:
        """The same for its rarer half."""
        if len(self.words) == 2:
            return self.exclusivity
        positions = self._index.positions
        return min(1.0, self.count / min(len(positions(self.words[:-1])), len(positions(self.words[1:]))))

    @_measured
    def family(self) -> float:
        return _family(self._index.tokens, self.firsts, self._raw, self.words)

    @_measured
    def _body(self) -> list[int]:
        """The occurrences outside headings."""
        words = self._index.words
        return list(compress(self.firsts, map(words.in_body.__getitem__, map(words.block_of.__getitem__, self.firsts))))

    @_measured
    def _marks(self) -> tuple[list[bool], list[bool]]:
        """For each word, whether some occurrence outside headings writes it as an
        acronym or a name, and whether some writes it in lower case (occurrences
        written alike are read once)."""
        marked, lowered = [False] * len(self.words), [False] * len(self.words)
        for written in self._index.words.written_alike(self._body, len(self.words)):
            _mark_case(written, marked, lowered)
        return marked, lowered

    @_measured
    def _capital_inside(self) -> bool:
        """Whether an occurrence inside a sentence starts with a capital; only
        those written with one are placed in their sentence."""
        words = self._index.words
        return any(words.written(first, 1)[0][:1].isupper() and not words.initial(first) for first in self._body)

    @_measured
    def _lower_inside(self) -> bool:
        """Whether an occurrence inside a sentence starts in lower case: found
        sooner than how every occurrence is written."""
        words = self._index.words
        return any(not words.written(first, 1)[0][:1].isupper() and not words.initial(first) for first in self._body)

    @_measured
    def _shown(self) -> _Shown:
        shown = _Shown(set())
        words = self._index.words
        for first in self._body:
            surface = words.surface(first, len(self.words))
            if not words.initial(first):
                shown.mid_sentence = surface
                shown.capitalised = shown.capitalised and surface[:1].isupper()
            shown.forms.add(surface[:1].lower() + surface[1:])
        return shown

    @_measured
    def query(self) -> bool:
        # A search query names a subject (a word the text uses on its own as well,
        # or a name) and adds an intent ("pictures", "near me"); "detailed
        # pictures" names none, nor does a number ("2009-2010").
        modifiers = self.modifiers
        if not modifiers or any(word in DETERMINERS for word in self.words):
            return False
        frequency = self._index.frequency
        return any(
            word not in modifiers
            and word not in STOPWORDS
            and not word.isdigit()
            and (frequency(fold(word)) > self.count or self._marks[0][index] or (index == 0 and self._capital_inside))
            for index, word in enumerate(self.words)
        )

    @property
    def lowered(self) -> bool:
        """A word of it is an acronym or a name in one occurrence and lower case in another."""
        return any(m and low for m, low in zip(*self._marks))

    @property
    def name(self) -> bool:
        """Written the same way every time, with a capital inside sentences."""
        if self._lower_inside:
            return False
        # Two ways of writing the words are two ways of writing the phrase: known
        # from the word lists, without measuring where each occurrence is.
        written = self._index.words.written_alike(self._body, len(self.words))
        if len({(words[0][:1].lower() + words[0][1:], *words[1:]) for words in written}) > 1:
            return False
        shown = self._shown
        return bool(shown.mid_sentence) and shown.capitalised and len(shown.forms) == 1

    @property
    def title_name(self) -> bool:
        """A name with every word capitalised ("Gene Review")."""
        return self.name and all(
            word[:1].isupper() for word in _words_in(self._shown.mid_sentence) if word.lower() not in STOPWORDS
        )



@dataclass
class _Shown:
    """How the occurrences outside headings are written."""

    forms: set[str]
    capitalised: bool = True  # every mid-sentence occurrence starts with a capital
    mid_sentence: str = ""  # one occurrence inside a sentence, as written


def candidates(words: Words, min_words: int, max_words: int, min_count: int, query) -> list[Candidate]:
    """Every phrase of min_words..max_words words that occurs min_count times or
    more, starts and ends with a content word (or a query word: "... near me"),
    holds two content words or more, and is not just a part of a longer
    candidate that occurs as often."""
    found = _repeated(words, min_words, max_words, min_count, query)
    return _maximal(found, _containers(found, min_words))


def _repeated(words: Words, min_words: int, max_words: int, min_count: int, query) -> list[Candidate]:
    """All candidates before _maximal, by length and then by first occurrence."""
    grams = repeated_grams(words.words, min_count, max_words)
    index = _Index(words, query, max_words, grams)
    found = [_candidate(key, raw, index, min_words, max_words, min_count) for key, raw in grams.items()]
    return sorted(filter(None, found), key=lambda candidate: (len(candidate.words), candidate.firsts[0]))


def _candidate(key, raw: list[int], index: _Index, min_words: int, max_words: int, min_count: int):
    """The phrase as a Candidate, or None if it is not one."""
    length = len(key)
    if length < min_words or length > max_words or len(raw) < min_count:
        return None
    firsts = _apart(raw, length) if key[0] in key[1:] else raw  # only then can two occurrences overlap
    if len(firsts) < min_count or sum(1 for word in key if word not in STOPWORDS) < 2:
        return None
    candidate = Candidate(key, firsts, raw, index)
    if key[0] in STOPWORDS and not any(start == 0 for start, _ in candidate.shapes):
        return None
    if key[-1] in STOPWORDS and not any(end == len(candidate.text) for _, end in candidate.shapes):
        return None
    return candidate


def _apart(firsts: list[int], length: int) -> list[int]:
    """Occurrences that do not overlap the one before ("very very very")."""
    kept: list[int] = []
    for first in firsts:
        if not kept or first >= kept[-1] + length:
            kept.append(first)
    return kept


def _continued(tokens: list[str], firsts: list[int], key: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The phrase grown to the right, and to the left, by the words that follow
    (precede) every occurrence alike."""
    grown = []
    for direction in (1, -1):
        edge = [f + len(key) - 1 if direction > 0 else f for f in firsts]
        extra: list[str] = []
        for step in range(1, _CONTINUED_MOST + 1):
            # Never out of `tokens`: it starts and ends with BREAK, where this stops.
            seen = {tokens[e + direction * step] for e in edge}
            if len(seen) != 1 or BREAK in seen:
                break
            extra.append(seen.pop())
        grown.append((*key, *extra) if direction > 0 else (*reversed(extra), *key))
    return grown[0], grown[1]


def _containers(found: list[Candidate], min_words: int) -> dict[tuple[str, ...], list[Candidate]]:
    """For each candidate, the longer candidates that hold it and occur at least
    as often."""
    by_words = {candidate.words: candidate for candidate in found}
    containers = defaultdict(list)
    for candidate in found:
        key = candidate.words
        for length in range(min_words, len(key)):
            for start in range(len(key) - length + 1):
                part = by_words.get(key[start : start + length])
                if part is not None and part.count <= candidate.count:
                    containers[part.words].append(candidate)
    return containers


def _maximal(found: list[Candidate], containers) -> list[Candidate]:
    """Drop a phrase that a longer candidate holds as often as it occurs itself
    ("kratom tree" when it is always "kratom tree image"), unless only the
    shorter one is worded like a query ("kratom near me" always followed by
    "today")."""
    return [
        candidate
        for candidate in found
        if not any(longer.query >= candidate.query for longer in containers.get(candidate.words, ()))
    ]


def _covered(text: str, spans) -> set[str]:
    """The words of `text` that the query patterns matched (the modifiers)."""
    covered, position = set(), 0
    for word in text.split(" ") if spans else ():
        if any(start < position + len(word) and position < end for start, end in spans):
            covered.add(word)
        position += len(word) + 1
    return covered


def _mark_case(surface: tuple[str, ...], marked: list[bool], lowered: list[bool]) -> None:
    """Note which words of one occurrence are written as acronyms or names
    ("OPMS", "PureLeaf", or "Kratom" inside a phrase that is not in Title Case)
    and which in lower case."""
    title_case = all(word[:1].isupper() or word.lower() in STOPWORDS for word in surface)
    for index, word in enumerate(surface[: len(marked)]):
        if word.islower():
            lowered[index] = True
        elif (len(word) > 1 and word.isupper()) or any(char.isupper() for char in word[1:]):
            marked[index] = True
        elif index > 0 and not title_case and word[:1].isupper():
            marked[index] = True


def _family(tokens: list[str], firsts: list[int], raw: list[int], key: tuple[str, ...]) -> float:
    """Share of the occurrences that sit inside a longer phrase, one content word
    more, that repeats on its own but not every time ("managing opioid
    withdrawal", "opioid withdrawal symptoms"). A phrase that always continues
    the same way is only cut short, not productive."""
    length, count = len(key), len(firsts)
    # The content words before and after it that make such a longer phrase
    # (every occurrence of one is an occurrence of the phrase).
    before, after = (
        {
            word
            for word, times in Counter(map(tokens.__getitem__, map(offset.__add__, raw))).items()
            if _FAMILY_MIN_COUNT <= times < count and word != BREAK and word not in STOPWORDS
        }
        for offset in (-1, length)
    )
    if not (before or after):
        return 0.0
    return sum(1 for first in firsts if tokens[first - 1] in before or tokens[first + length] in after) / count


# ---- scoring ------------------------------------------------------------------------


# How each signal is read off a candidate, and the least and the most it can be.
_SIGNAL_VALUES = {
    "query": (lambda c, min_count: float(c.query), 0.0, 1.0),
    "heading": (lambda c, min_count: float(c.headings > 0), 0.0, 1.0),
    "headings": (lambda c, min_count: float(c.headings > 1), 0.0, 1.0),
    "lowered": (lambda c, min_count: float(c.lowered), 0.0, 1.0),
    "paragraphs": (
        lambda c, min_count: float(c.paragraphs >= _PARAGRAPHS_MIN and c.paragraph_share >= _PARAGRAPHS_SHARE),
        0.0,
        1.0,
    ),
    "built_around": (
        lambda c, min_count: (1.0 - c.exclusivity) if c.headings and c.paragraphs >= 2 else 0.0,
        0.0,
        1.0,
    ),
    "unit": (lambda c, min_count: 2.0 * c.unit - 1.0, -1.0, 1.0),
    "repetition": (lambda c, min_count: log2(c.count / min_count), 0.0, float("inf")),
    "family": (lambda c, min_count: -c.family, -1.0, 0.0),
    "name": (lambda c, min_count: -float(c.name and (not c.query or c.title_name)), -1.0, 0.0),
}
# The order _Bound measures them in: the cheapest first.
_CHEAPEST_FIRST = ("repetition", "heading", "headings", "built_around", "paragraphs", "query", "family", "unit",
                   "lowered", "name")
# Signals that are 0 for a phrase in no heading and not worded like a query.
_HEADING_OR_QUERY = ("query", "heading", "headings", "built_around")
# Room for rounding: a bound adds the same numbers as score() in another order.
_ROUNDING = 1e-9


def score(candidate: Candidate, weights: dict[str, float], min_count: int) -> float:
    """The weighted sum of the candidate's signals; also notes why, for the message."""
    parts = {name: value(candidate, min_count) for name, (value, _, _) in _SIGNAL_VALUES.items()}
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


def _most(weight: float, name: str) -> float:
    """The most a signal can add to the score."""
    _, low, high = _SIGNAL_VALUES[name]
    return max(weight * low, weight * high) if weight else 0.0


class _Bound:
    """Decides, signal by signal, that a candidate cannot reach the threshold:
    what the signals not measured yet could add at most is known from their
    weights and ranges, so a candidate stops being measured as soon as its score
    so far plus that falls short."""

    def __init__(self, weights: dict[str, float], min_count: int, threshold: float):
        self.min_count, self.threshold = min_count, threshold
        self.steps = []  # (read the signal, its weight, the most it and the signals after it can add)
        still = 0.0
        for name in reversed(_CHEAPEST_FIRST):
            weight = weights.get(name, 0.0)
            if weight:
                still += _most(weight, name)
                self.steps.append((_SIGNAL_VALUES[name][0], weight, still))
        self.steps.reverse()
        # Whether only a phrase in a heading or worded like a query can reach it.
        self.heading_or_query = (
            sum(_most(weights.get(name, 0.0), name) for name in SIGNALS if name not in _HEADING_OR_QUERY)
            < threshold - _ROUNDING
        )

    def may_reach(self, candidate: Candidate) -> bool:
        known = 0.0
        for value, weight, still in self.steps:
            if known + still < self.threshold - _ROUNDING:
                return False
            known += weight * value(candidate, self.min_count)
        return known >= self.threshold - _ROUNDING


# ---- the check ----------------------------------------------------------------------


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
        self.bound = _Bound(self.weights, self.min_count, self.threshold)
        patterns = rule.option("query_patterns")
        if rule.option("query_places"):
            patterns = (*patterns, places_pattern())
        # A user's patterns: every search runs under the regex time limit.
        self.query = TimedPattern("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        self.needs = _Needs(patterns)
        self.keyphrases = rule.option("keyphrases")
        self.warning_density = rule.option("keyphrase_warning")
        self.error_density = rule.option("keyphrase_error")

    def check(self, document: Document, hits: list[Hit]) -> Iterable[Finding]:
        counted = _counted(document, self.rule.scope)
        words = Words([block for block, _ in counted], [runs for _, runs in counted])
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
        # The longest phrase first, so that a stuffed phrase reports once and whole.
        for candidate in sorted(self._flagged(words), key=lambda c: (-len(c.words), -c.score, c.firsts[0])):
            length = len(candidate.words)
            spans = [set(range(f, f + length)) for f in candidate.firsts]
            if sum(1 for span in spans if span & claimed) * 2 >= len(spans):
                continue
            for span in spans:
                claimed |= span
            yield self._finding(document, words, candidate.firsts, length, candidate.reasons)

    def _flagged(self, words: Words) -> list[Candidate]:
        """The candidates (as candidates() finds them) that score the threshold."""
        if not (self.bound.heading_or_query and self.needs.known):
            found = _repeated(words, self.min_words, self.max_words, self.min_count, self.query)
            flagged = [c for c in found if self._reaches(c)]
            return _maximal(flagged, _containers(found, self.min_words)) if flagged else []
        index = _Index(words, self.query, self.max_words)
        found = (
            _candidate(key, raw, index, self.min_words, self.max_words, self.min_count)
            for key, raw in self._possible(words, index).items()
        )
        return [c for c in found if c and self._reaches(c) and not self._absorbed(c, index)]

    def _reaches(self, candidate: Candidate) -> bool:
        return self.bound.may_reach(candidate) and score(candidate, self.weights, self.min_count) >= self.threshold

    def _possible(self, words: Words, index: _Index) -> dict[tuple[str, ...], list[int]]:
        """The phrases that may reach the threshold, with all their occurrences:
        those in a heading, and those that may be worded like a query, that is
        which start, end or hold a word that a query pattern needs there (or,
        cut short by max_words, continue into one)."""
        tokens, least = index.tokens, self.min_count
        headings = words.heading_spans()
        # A document with headings needs the counts of most of its words; one
        # without, those of the query words alone.
        vocabulary = set(index.counts) if headings else set(tokens)
        starting, ending, holding = self.needs.words(vocabulary) if self.query else (set(), set(), set())
        index.query_words = starting, ending, holding
        index.needs = self.needs
        if not (headings or starting or ending or holding):
            return {}
        # In headings: grown rightwards from their pairs of words, as far as the
        # heading goes. A phrase that starts or ends with a stopword is a
        # candidate only if worded like a query, and then found below.
        starts = [i for start, end in headings for i in range(start, end - 1) if tokens[i] not in _NOT_FIRST]
        count = index.count
        pairs = {(tokens[i], tokens[i + 1]) for i in starts if tokens[i + 1] != BREAK}
        pairs = {pair for pair in pairs if min(count(pair[0]), count(pair[1])) >= least}
        index.locate(starting | ending | holding | {min(pair, key=count) for pair in pairs})
        possible: dict[tuple[str, ...], list[int]] = {}
        for first in starts:
            key = (tokens[first], tokens[first + 1])
            positions = index.positions(key) if key in pairs else ()
            while len(positions) >= least:
                if key[-1] not in STOPWORDS:
                    possible[key] = positions
                if len(key) == self.max_words or tokens[first + len(key)] == BREAK:
                    break
                key, positions = index.extended(key, tokens[first + len(key)])
        # Worded like a query: grown from its words. Beyond max_words, a phrase
        # that ends (starts) with the word gives the phrase of max_words words
        # that continues into it, which is judged as that query (see _continued).
        cut, continued = self.max_words, set()
        places = ((starting, "start", True, False), (ending, "end", False, True), (holding, "any", True, True))
        for seeds, place, rightwards, leftwards in places:
            seeds = self.needs.seeds(place, seeds, index, least)
            if not seeds:
                continue
            sizes = {len(key) for key in seeds}
            around = _grown(tokens, seeds, least, cut, rightwards, leftwards)
            index.known(around)
            for key, positions in around.items():
                # Outside headings (those in one are found above), it must match a pattern itself.
                if len(key) == cut or (len(key) >= self.min_words and index.shapes(key)):
                    possible[key] = positions
            for grows, edge, direction in ((leftwards, -1, -1), (rightwards, 0, 1)):
                level = {
                    key: found
                    for key, found in around.items()
                    if len(key) == cut and any((key[-size:] if edge else key[:size]) in seeds for size in sizes)
                }
                for _ in range(_CONTINUED_MOST if grows else 0):
                    level = _grown_once(tokens, level, least, cut + _CONTINUED_MOST, direction)
                    continued.update(key[:cut] if direction < 0 else key[-cut:] for key in level)
        # Not worded like a query itself (or it would have been grown above), so
        # it must start and end with a content word to be a candidate.
        continued = {key for key in continued - possible.keys() if not {key[0], key[-1]} & STOPWORDS}
        if continued:
            index.locate(min(key, key=count) for key in continued)
            possible.update((key, index.positions(key)) for key in continued)
        index.known(possible)
        return possible

    def _absorbed(self, candidate: Candidate, index: _Index) -> bool:
        """Whether a longer candidate that holds it and occurs as often takes its
        place (see _maximal): all its occurrences are around the candidate's."""
        grown = _grown(index.tokens, {candidate.words: candidate._raw}, candidate.count, self.max_words)
        return any(
            longer.count >= candidate.count and longer.query >= candidate.query
            for key, raw in grown.items()
            if len(key) > len(candidate.words)
            and (longer := _candidate(key, raw, index, self.min_words, self.max_words, self.min_count))
        )

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
        spans = [document.span(words.block(f), *words.span(f, length)) for f in firsts]
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
    introduction = words.introduction
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
