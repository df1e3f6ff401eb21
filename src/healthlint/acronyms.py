"""Abbreviations in a document: where each is defined, how well it fits, where it is used.

Definitions. Brackets pair a short form with its long form in either order,
"long form (SF)" or "SF (long form)"; without brackets, "long form, or SF",
"long form (also known as SF)" and "SF stands for long form" count too. The
short form may be dotted (O.P.M.S.), mixed-case (HbA1c), alphanumeric (7-OH)
or plural (NSAIDs), and may carry a plain word ("IBD deficiency").

Fit. Schwartz & Hearst (2003) accept a long form when the first character of
the short form starts its first word and the others follow in order, within
min(n + 5, 2n) words for n characters: a "loose" fit here. People abbreviate
more tightly: every word that gives letters gives its first one, then others
in order from inside it ("cannabidiol (CBD)", "hemoglobin A1c (HbA1c)",
"nonsteroidal anti-inflammatory drugs (NSAIDs)"); that is a "tight" fit, and
among the long forms a window allows, the one whose words give the most
letters wins ("thyroid transcription factor 1 (TTF-1)", not "transcription
factor 1"). "opioid withdrawal symptoms (O.P.M.S.)" fits loosely only (M and
S come from inside "symptoms"); "Opioid withdrawal management (O.P.M.S.)" does
not fit at all but was plainly meant as a definition (its word initials give
half of the letters), so it is kept as one that does not fit. A number closing
a name need not be spelled out: "multidrug resistance protein (MRP1)" is a
"numbered" fit.

Uses. Words that look like abbreviations (two or more capitals, no more small
letters than capitals) and every form the text defines, outside the
definitions themselves. Capitals in a sentence written in capitals, emphasis
("do NOT"), Roman numerals and stages, karyotypes, pronunciation guides,
author initials, phone numbers and identifiers are left out; symbols next to
"gene", "syndrome", "deficiency"... are recorded as names.

Everything is linear in the size of the text: one pass over the brackets and
one over the words of each block, and every fit looks at a bounded window.

Speed. The six acronym rules share one reading of each document (`analyse`),
and most of a text holds neither brackets nor abbreviations, so the reading
starts with searches at C speed over the whole document (its blocks' texts
joined: brackets and key words with str.find, tokens with two capitals over
the bytes of the text's shape) and reads further, in Python, only where they
hit. Results that depend on a few words alone (a word's reading, a fit, the
long form before a bracket, what a bracket in a sentence gives) are kept
across documents, since the same words and sentences come back. Each shortcut
gives exactly what reading everything would: the comments say why.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, islice, repeat
from typing import Optional

import regex

from . import pattern_cache
from .model import Block, Document, once_per_document

FIT_TIGHT, FIT_NUMBERED, FIT_LOOSE, FIT_NONE = "tight", "numbered", "loose", "none"
LONG_FIRST, SHORT_FIRST = "long-first", "short-first"

# Greek letters in short forms stand for their names in long forms ("TGF-β",
# "transforming growth factor beta").
_GREEK = str.maketrans("αβγδεζηθικλμνξπρστυφχψω", "abgdezhtiklmnxprstufcpo")

# Capitals that mark emphasis, not an abbreviation, unless the text defines them.
EMPHASIS = frozenset(
    """
    A AN AND ANY ALL ARE AS AT BE BEST BUT BY CALL CAN DO DON'T DONT EVER EVERY
    FOR FREE FROM GET HAS HAVE HE HOW IF IMPORTANT IN IS IT ITS JUST MAY ME MORE
    MOST MUST MY NEVER NEW NO NONE NOT NOTE NOW OF OFF OK ON ONE ONLY OR OUR OUT
    SAFE SHE SO STOP THAN THAT THE THEN THEY THIS TO TOO UP US VERY WARNING
    CAUTION DANGER WAS WE WHAT WHEN WHY WILL WITH YES YOU YOUR
    """.split()
)

# Words after (or before) a symbol that make it a name: gene and protein symbols
# are names in genetics writing, not abbreviations to spell out.
_NAME_AFTER = pattern_cache.compile(
    r"(?:,?\s+(?:(?:and|or)\s+other\s+)?"
    r"(?:genes?|proteins?|mutations?|variants?|alleles?|locus|loci|polymorphisms?|deletions?|duplications?|"
    r"antigens?|enzymes?|receptors?|subunits?|domains?|antibod(?:y|ies)|cells?|lymphocytes?|"
    r"repeats?|trinucleotide|syndromes?|deficienc(?:y|ies)|diseases?|disorders?|association|gangliosidosis|"
    r"inhibitors?|blockers?)\b"
    r"|[-‐‑](?:related|associated|linked|positive|negative|deficient|mediated|dependent|induced|like)\b"
    r"|\s+(?:type\s+)?[IVX]+\b|\s+type\s+\d+)",  # a named type: "MPS I", "CDA type II"
    regex.IGNORECASE,
)
# The shape of a gene symbol or a numbered type: capitals, then a digit ("BRCA1",
# "COL4A1", "FSHD1"): a name, not an abbreviation to spell out.
_SYMBOL = pattern_cache.compile(r"\p{Lu}{2,}\d[\p{Lu}\d]*")
# Words before a symbol that make it a name: "a gene called GJB2".
_NAME_BEFORE = pattern_cache.compile(
    r"\b(?:genes?|proteins?|called|named|acronym|abbreviation|abbreviated(?:\s+as)?|known\s+as|referred\s+to\s+as)"
    r"\s+\(?$",
    regex.IGNORECASE,
)
# Not abbreviations: an author's initials in a reference ("Siegel JD, Rhinehart E"),
# phone numbers ("1-800-CDC-INFO") and identifiers ("NCT00004992").
_SURNAME_BEFORE = pattern_cache.compile(r"\p{Lu}[\p{Ll}'’-]+\s$")
_INITIALS_AFTER = pattern_cache.compile(r"[,.]|\s+et\s+al\b")
_IDENTIFIER = pattern_cache.compile(r"\d+-\d{3}|.*\d{5}")
_LIST_GLUE = pattern_cache.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)")

# Roman numerals, with the letter of a stage or type ("stage IIIB", "type IIa"), and
# sex-chromosome karyotypes ("XXY"): not abbreviations.
_PLAIN_WORD = pattern_cache.compile(r"\p{Lu}?\p{Ll}{2,}")
_ROMAN = pattern_cache.compile(r"[IVX]+[A-Ea-e]?|[XY]{2,}")
# A pronunciation guide in brackets: "(ah-RITH-me-ahs)", "(to-MOG-rah-fee)".
_PRONUNCIATION = pattern_cache.compile(
    r"\((?=[^()]*\p{Ll}-|[^()]*-\p{Ll})[A-Za-z]+(?:-[A-Za-z]+)+(?:[ ,]+[A-Za-z]+(?:-[A-Za-z]+)*)*\)"
)
_WORD = pattern_cache.compile(
    r"(?<![\p{L}\p{N}])(?:\p{L}\.){2,}(?!\p{L})|(?<![\p{L}\p{N}])\p{L}(?:\.\p{L})+(?![\p{L}\p{N}])"
    r"|[\p{L}\p{N}]+(?:[-‐‑][\p{L}\p{N}]+)*(?:['’]s\b)?"
)
_SPACE_TOKEN = pattern_cache.compile(r"\S+")
_HYPHEN = pattern_cache.compile(r"[-‐‑]")
_HYPHEN_PIECE = pattern_cache.compile(r"[^-‐‑]+")
_LETTER = pattern_cache.compile(r"\p{L}")
_LETTERS2 = pattern_cache.compile(r"\p{L}{2,}")
_ITEM_NUMBER = pattern_cache.compile(r"[IVX]+|\p{Lu}|\d+")
_SMALL_ROMAN = pattern_cache.compile(r"[ivx]+")
_CAPITAL_OR_DIGIT = pattern_cache.compile(r"[\p{Lu}\p{N}]")
_TWO_CAPITALS = pattern_cache.compile(r"\p{Lu}.*\p{Lu}")
_TWO_SMALL = pattern_cache.compile(r"\p{Ll}{2}|\p{Lu}{5}")
_VOWEL = pattern_cache.compile(r"[aeiouy]")
_NO_APOSTROPHES = str.maketrans("", "", "'’′")
_ALNUM_RUN = pattern_cache.compile(r"[\p{L}\p{N}]+")
_QUOTES = "\"'“”‘’«»"
_CLAUSE_BREAK = set(",;:—–()[]")


# ---- records ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Definition:
    """One place where the text pairs a short form with a long form."""

    short: str  # as written: "O.P.M.S."
    key: str  # what the short form's uses are matched by: "OPMS"
    long: str  # as written: "Opioid withdrawal management"
    block: Block
    short_start: int  # offsets into block.text
    short_end: int
    long_start: int
    long_end: int
    order: str  # LONG_FIRST or SHORT_FIRST
    fit: str  # FIT_TIGHT, FIT_NUMBERED, FIT_LOOSE or FIT_NONE
    bracketed: bool = True  # False for "long form, or SF" and "SF stands for long form"

    @property
    def fits(self) -> bool:
        """Every letter of the short form is found in the long form (Schwartz & Hearst)."""
        return self.fit in (FIT_TIGHT, FIT_LOOSE)

    @property
    def position(self) -> tuple[int, int]:
        return (self.block.index, self.short_start)

    @property
    def abbreviation(self) -> str:
        """The abbreviation itself: "NETs" in the short form "pancreatic NETs"."""
        return _with_plain_word(self.short) or self.short


@dataclass(frozen=True, slots=True)
class Use:
    """A word that looks like an abbreviation, or a defined short form, outside a definition."""

    text: str
    key: str
    block: Block
    start: int
    end: int

    @property
    def position(self) -> tuple[int, int]:
        return (self.block.index, self.start)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What a document holds of acronyms: its definitions and uses, and the keys to leave alone."""

    definitions: tuple[Definition, ...]  # in document order
    uses: tuple[Use, ...]  # in document order; definitions excluded
    explained: frozenset[str]  # keys paired in brackets with words that are no expansion ("a test (CBC)")
    names: frozenset[str]  # keys used as names: "the CFTR gene", "CHARGE syndrome"
    symbols: frozenset[str] = frozenset()  # keys shaped like gene symbols: "BRCA1", "FSHD1"

    @property
    def defined_keys(self) -> frozenset[str]:
        return frozenset(d.key for d in self.definitions)


# ---- short forms -------------------------------------------------------------------


# Results that depend on a word or a few words alone are kept across documents, since
# the same words and phrases come back in every text: so many per function (the ones
# keyed by phrases and sentences keep fewer, to bound the memory they take).
_KEPT = 1 << 16
_KEPT_PHRASES = 1 << 14


@lru_cache(maxsize=_KEPT)
def short_form_key(short: str) -> str:
    """What every spelling of one abbreviation shares: "O.P.M.S." and "OPMS" -> "OPMS",
    "NSAIDs" -> "NSAID", "COVID-19" -> "COVID19", "HbA1c" -> "HBA1C"."""
    return "".join(filter(str.isalnum, singular(short))).upper()


_GREEK_NAMES = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon "
    "phi chi psi omega".split()
)


def _greek_named(short: str) -> bool:
    """A short form ending in a Greek letter's name: "pol epsilon"."""
    words = short.split()
    return len(words) == 2 and len(words[0]) <= 6 and words[1].lower() in _GREEK_NAMES


def definition_key(short: str) -> str:
    """The key a definition's short form gives its uses: that of the abbreviation in a
    two-word short form with a plain word ("IBD deficiency", "familial TAAD")."""
    marked = _with_plain_word(short)
    return short_form_key(marked or short)


def _with_plain_word(short: str) -> Optional[str]:
    """The abbreviation of a short form made of it and a plain word, or None."""
    words = short.split()
    if len(words) == 2:
        plain = [w for w in words if w.isalpha() and w.islower()]
        marked = [w for w in words if looks_like_abbreviation(w)]
        if len(plain) == 1 and len(marked) == 1:
            return marked[0]
    return None


@lru_cache(maxsize=_KEPT)
def singular(short: str) -> str:
    """The short form without a plural or possessive ending ("NSAIDs", "PMN's")."""
    if len(short) > 2 and short[-2:] in ("'s", "’s"):
        short = short[:-2]
    if len(short) > 2 and short[-1] == "s" and (short[-2].isupper() or short[-2].isdigit()):
        if sum(map(str.isupper, short)) >= 2:
            short = short[:-1]
    return short


@lru_cache(maxsize=_KEPT)
def looks_like_abbreviation(word: str) -> bool:
    """Two or more capitals and no more small letters than capitals: "OPMS", "HbA1c",
    "mRNA", "NSAIDs", "7-OH", "O.P.M.S."; not "McCain", "PubMed", "B12" or "II"."""
    core = singular(word)
    upper = sum(map(str.isupper, core))
    lower = sum(map(str.islower, core))
    if upper < 2 or lower > upper:
        return False
    pieces = _HYPHEN.split(core)
    if len(pieces) > 1 and any(_PLAIN_WORD.fullmatch(piece) for piece in pieces):
        return False  # "CATSPER1-related", "Non-U": a word joined to a symbol
    return not _ROMAN.fullmatch(core.replace(".", ""))


_NOT_SHORT_FORMS = frozenset(
    "ie eg etc cf vs viz al ibid fig figs figure table tables see ref refs eq note notes".split()
)
STOPWORDS = frozenset(
    """
    a an the and or of in on at to for with by from as is are was were be been that this these
    those its their our we which who into per via than then also both each other such
    """.split()
)
# Words that a number or letter follows to name an item, not to abbreviate it.
_NUMBERED_WORDS = frozenset(
    "grade stage type group class phase vitamin part step level day week figure fig table section chapter lane".split()
)
# First pieces of a word that a long form may start before its first letter:
# "pre-T cell receptor (TCR)", "3-hydroxy-3-methylglutaryl coenzyme A (HMG-CoA)".
_SKIPPABLE_PREFIXES = frozenset("pre cis trans alpha beta gamma delta kappa".split())


@lru_cache(maxsize=_KEPT)
def _short_form_candidate(text: str) -> Optional[str]:
    """The text in brackets as a possible short form: Schwartz & Hearst's conditions
    (2 to 10 characters, at most two words, a letter, starting with a letter or
    digit), and no Roman numeral, "i.e." or common small word."""
    text = text.strip().strip(_QUOTES).strip()
    if len(text.split()) > 2 or not 2 <= len(text) <= (24 if _with_plain_word(text) or _greek_named(text) else 10):
        return None
    if not text[0].isalnum() or not _LETTER.search(text):
        return None
    bare = text.replace(".", "").lower()
    words = text.split()
    if len(words) == 2 and (
        any(word in STOPWORDS for word in words)
        or words[0].lower() in _NUMBERED_WORDS and _ITEM_NUMBER.fullmatch(words[1])
    ):
        return None  # "HSV-2 and", "grade II", "vitamin A"
    first = words[0]
    if not first.isupper() and (bare in _NOT_SHORT_FORMS or first.lower().rstrip(".") in _NOT_SHORT_FORMS):
        return None  # "(i.e.)", "(Fig. 2)"; but "(CF)" may be cystic fibrosis
    if _SMALL_ROMAN.fullmatch(bare):
        return None  # (ii), (III): a numbered item
    if not _CAPITAL_OR_DIGIT.search(text):
        # All small letters: an abbreviation only when short or without vowels
        # ("ds", "trx", "cdks"), not a word ("iron", "letter").
        letters = "".join(char for char in bare if char.isalpha())
        if len(letters) > 3 and _VOWEL.search(letters):
            return None
        if bare in STOPWORDS:
            return None
    return text


# ---- fitting a short form to a long form ---------------------------------------------


@lru_cache(maxsize=_KEPT)
def _letters(short: str) -> str:
    """The characters of a short form that a long form must supply, lower-cased."""
    return "".join(filter(str.isalnum, singular(short).translate(_GREEK).lower()))


@lru_cache(maxsize=_KEPT_PHRASES)
def _segments(long: str) -> tuple[tuple[str, int], ...]:
    """The long form's word pieces (split at spaces, hyphens, slashes...), each with the
    number of the space-separated word it belongs to; apostrophes are dropped."""
    pieces = []
    for word_number, word in enumerate(long.lower().split()):
        if word.isascii() and word.isalnum():
            pieces.append((word, word_number))  # most words are one piece
        else:
            pieces.extend((piece, word_number) for piece in _ALNUM_RUN.findall(word.translate(_NO_APOSTROPHES)))
    return tuple(pieces)


def fit(short: str, long: str) -> str:
    """How the short form fits the long form: FIT_TIGHT, FIT_LOOSE or FIT_NONE."""
    return fit_details(short, long)[0]


@lru_cache(maxsize=_KEPT_PHRASES)
def fit_details(short: str, long: str) -> tuple[str, int]:
    """The fit, and for a tight fit the number of words that give letters (the more,
    the better the long form: "thyroid transcription factor 1 (TTF-1)" beats
    "transcription factor 1")."""
    letters = _letters(short)
    unnumbered = _unnumbered_letters(short)
    if long.isascii():
        spelled = _spelled_ascii(long)
        if not (_in_order(letters, spelled) or unnumbered and _in_order(unnumbered, spelled)):
            return FIT_NONE, 0  # the usual case, decided before the words are cut into pieces
    segments = _segments(long)
    if not letters or not segments:
        return FIT_NONE, 0
    result = _fit_letters(letters, segments)
    if result[0] == FIT_NONE and unnumbered:
        # A number at the end of a name need not be spelled out: "multidrug resistance
        # protein (MRP1)", "transcription termination factor (TTF-I)".
        quality, groups = _fit_letters(unnumbered, segments)
        if quality == FIT_TIGHT:
            return FIT_NUMBERED, groups
    return result


@lru_cache(maxsize=_KEPT)
def _unnumbered_letters(short: str) -> Optional[str]:
    """The letters of a short form that ends in a name's number without that number
    ("MRP" for "MRP1"), when at least two; None for other short forms."""
    bare = _numbered.fullmatch(singular(short))
    if bare and len(_letters(bare.group(1))) >= 2:
        return _letters(bare.group(1))
    return None


# A name's closing number: digits ("MRP1", "HIV-1"), or a Roman numeral after a hyphen
# or a space ("TTF-I", "Pol II") or glued to capitals ("CATIII").
_numbered = pattern_cache.compile(
    r"(.*?\p{L})(?:[-‐‑ ]?\d+|[-‐‑ ](?:X{0,3})(?:IX|IV|V?I{0,3})|(?<=\p{Lu})(?:III|II|IV|VI{1,3}|IX|XI{1,3}))"
)


def _fit_letters(letters: str, segments) -> tuple[str, int]:
    pieces = tuple(s for s, _ in segments)
    if not _in_order(letters, _spelled(segments)):
        return FIT_NONE, 0  # letters the words do not hold, in order: no fit of any kind (the usual case)
    firsts = _first_pieces(segments)
    groups = _tight_groups(letters, pieces, firsts)
    if groups > 0:
        return FIT_TIGHT, groups
    for first in firsts:
        word = segments[first][0]
        if word[0] != letters[0]:
            continue
        if _in_order(letters[1:], word[1:] + "".join(pieces[first + 1 :])):
            return FIT_LOOSE, 0
    return FIT_NONE, 0


def _spelled(segments) -> str:
    """The pieces with each of their spellings, one after the other: every letter a fit
    takes comes from here, in order."""
    pieces = "".join(piece for piece, _ in segments)
    if not _SPELLED_OTHERWISE.search(pieces):
        return pieces  # no piece is spelled another way too
    return "".join("".join(_spellings(piece)) for piece, _ in segments)


def _in_order(letters: str, text: str, start: int = 0, end: Optional[int] = None) -> bool:
    """Whether text[start:end] holds the letters in order."""
    position = start - 1
    for char in letters:
        position = text.find(char, position + 1, end)
        if position < 0:
            return False
    return True


def _first_pieces(segments) -> tuple[int, ...]:
    """The pieces the first letter may come from: the first, or a later piece of the
    first word when the ones before it are numbers, single letters or prefixes."""
    firsts = [0]
    for index in range(1, len(segments)):
        piece, word_number = segments[index - 1]
        if segments[index][1] != 0 or not (piece.isdigit() or len(piece) == 1 or piece in _SKIPPABLE_PREFIXES):
            break
        firsts.append(index)
    return tuple(firsts)


_FIT_BUDGET = 2000  # sub-problems per fit; real short forms need a few dozen


@lru_cache(maxsize=4096)
def _tight_groups(letters: str, segments: tuple[str, ...], firsts: tuple[int, ...]) -> int:
    """The most words that can give the letters when the letters are cut into runs,
    each run starting a word of its own (in order) and found in order inside that
    word; 0 when they cannot. Digits may come from anywhere in a number, an "x" may
    stand for a word starting with "ex" ("extended-release (XR)"), and a chemical
    symbol for its element ("epithelial sodium channel (ENaC)", "7-hydroxy... (7-OH)")."""

    starts = []  # where the first run may start
    for first in firsts:
        for word in _spellings(segments[first]):
            offset = _run_start(letters[0], word)
            if offset == 0 or offset is not None and (letters[0] == "x" or letters[0].isdigit() and word[0].isdigit()):
                starts.append((word, offset, first))
    if not starts:
        return 0  # the common case in a search for a long form: decided before any set-up

    budget = [_FIT_BUDGET]
    known: dict[tuple[int, int], int] = {}

    def best(i: int, s: int) -> int:
        if (i, s) in known:
            return known[i, s]
        if i == len(letters):
            result = 0
        else:
            budget[0] -= 1
            if budget[0] < 0:
                result = -1  # a pathological short form: give up rather than take long
            else:
                result = -1
                for t in range(s, len(segments)):
                    for word in _spellings(segments[t]):
                        offset = _run_start(letters[i], word)
                        if offset is not None:
                            result = max(result, _runs(i, word, offset, t))
        known[i, s] = result
        return result

    def _runs(i: int, word: str, offset: int, t: int) -> int:
        """The best count when letters[i] comes from `word` at `offset`: the run may take
        any number of the following letters found in order in the word."""
        position, j = offset + 1, i + 1
        while j < len(letters):
            found = word.find(letters[j], position)
            if found < 0:
                break
            position, j = found + 1, j + 1
        result = -1
        for end in range(j, i, -1):
            rest = best(end, t + 1)
            if rest >= 0:
                result = max(result, rest + 1)
        return result

    result = -1
    for word, offset, first in starts:
        result = max(result, _runs(0, word, offset, first))
    return max(result, 0)


# Chemical symbols that stand for a word of the long form.
_SYMBOLS = {
    "sodium": "na", "potassium": "k", "calcium": "ca", "iron": "fe", "sulfur": "s", "sulphur": "s",
    "chloride": "cl", "magnesium": "mg", "zinc": "zn", "copper": "cu", "hydrogen": "h", "oxygen": "o",
    "nitrogen": "n", "carbon": "c",
}


def _spellings(piece: str) -> tuple[str, ...]:
    if piece in _SYMBOLS:
        return (piece, _SYMBOLS[piece])
    if piece.startswith("hydroxy") and len(piece) > 7:
        return (piece, "oh" + piece[7:])
    return (piece,)


# Pieces that _spellings spells another way too.
_SPELLED_OTHERWISE = re.compile("|".join(list(_SYMBOLS) + ["hydroxy"]))


def _spelled_ascii(text: str) -> str:
    """What _spelled gives for the pieces of an ASCII text, but for its spaces and marks
    (no letter of a short form): the text in small letters, unless it holds a piece
    spelled otherwise too."""
    lowered = text.lower()
    return _spelled(_segments(text)) if _SPELLED_OTHERWISE.search(lowered) else lowered


def _run_start(char: str, word: str) -> Optional[int]:
    if word[0] == char:
        return 0
    if char == "x" and word.startswith("ex"):
        return 1
    if char.isdigit() and word[0].isdigit():
        found = word.find(char)
        return found if found >= 0 else None
    return None


def every_word_gives(short: str, long: str) -> bool:
    """Whether the letters can be shared out so that every word of the long form (small
    words aside) gives at least one: "alanine aminotransferase (ALT)" yes, "opioid
    withdrawal symptoms (O.P.M.S.)" no ("withdrawal" gives nothing)."""
    letters = _letters(short)
    words = [_letters(word) for word in long.split()]
    needs = [word not in STOPWORDS for word in long.lower().split()]
    if not letters or not words:
        return False

    @lru_cache(maxsize=None)
    def shared(i: int, w: int) -> bool:
        if w == len(words):
            return i == len(letters)
        # The run of letters this word gives: a subsequence of it, maybe empty.
        if not needs[w] and shared(i, w + 1):
            return True
        position, j = 0, i
        while j < len(letters):
            found = words[w].find(letters[j], position)
            if found < 0:
                break
            position, j = found + 1, j + 1
            if shared(j, w + 1):
                return True
        return False

    return shared(0, 0)


def _initials_in_order(letters: str, words) -> int:
    """How many of the letters the words' initials give, in order (longest common subsequence)."""
    initials = [w[0] for w in words if w]
    previous = [0] * (len(initials) + 1)
    for char in letters:
        current = [0]
        for k, initial in enumerate(initials):
            current.append(previous[k] + 1 if char == initial else max(previous[k + 1], current[k]))
        previous = current
    return previous[-1]


# ---- finding definitions in a text -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Found:
    """A definition found in a text: both forms, where they are, in which order, and how well they fit."""

    short: str
    long: str
    short_start: int
    short_end: int
    long_start: int
    long_end: int
    order: str
    fit: str
    bracketed: bool = True


def find_definitions(text: str, sentences=None) -> tuple[list[_Found], list[tuple[str, int, int]]]:
    """Definitions in one block of text, and the short forms that brackets pair with words
    that are no expansion of them ("a blood test (CBC)", "OPMS (a kratom brand)")."""
    if sentences is None:
        from .documents.sentences import split_sentences

        sentences = split_sentences(text)
    return _definitions_in(text, sentences, _marks_in(text))


def _marks_in(text: str) -> set[str]:
    """The _DEFINITION_MARKS that the text holds."""
    return {mark for mark, needle in _DEFINITION_MARKS.items()
            if (needle in text if isinstance(needle, str) else needle.search(text))}


def _definitions_in(text: str, sentences, marks: set[str]) -> tuple[list[_Found], list[tuple[str, int, int]]]:
    """find_definitions, given the _DEFINITION_MARKS that the text holds: no definition
    comes without one, and the others are not looked for."""
    found: list[_Found] = []
    explained: list[tuple[str, int, int]] = []
    for open_, close in _brackets(text) if "(" in marks or "[" in marks else ():
        sentence_start = _sentence_start(sentences, open_)
        # What the brackets give depends on the sentence up to them alone (and on the
        # character before it): the same sentences come back in many documents.
        offset = max(0, min(sentence_start, open_) - 1)
        if close - offset < _LONGEST_KEPT:
            result = _kept_brackets(text[offset : close + 1], open_ - offset, close - offset, sentence_start - offset)
        else:
            result, offset = _bracketed(text, open_, close, sentence_start), 0
        if isinstance(result, _Found):
            found.append(_Found(result.short, result.long, result.short_start + offset, result.short_end + offset,
                                result.long_start + offset, result.long_end + offset, result.order, result.fit,
                                result.bracketed))
        elif isinstance(result, tuple):
            short, start, end = result
            explained.append((short, start + offset, end + offset))
    if not marks.isdisjoint(_UNBRACKETED_MARKS):  # with brackets alone (most blocks of articles), no other kind
        comma_ors = [match.start() for match in _COMMA_OR.finditer(text)] if ", or" in marks else []
        for match in _said_after(text, comma_ors, marks):
            # "Nonalcoholic steatohepatitis, or NASH,": the long form before, a tight fit only.
            short = match.group("short")
            if looks_like_abbreviation(short) and _short_form_candidate(short):
                result = _long_form_before(text, short, match.start("short"), match.end("short"),
                                           _sentence_start(sentences, match.start()), match.start(), bracketed=False)
                if result is not None and result.fit == FIT_TIGHT:
                    found.append(result)
        for match in _stands_for(text, comma_ors, marks):
            # "DASH stands for Dietary Approaches to Stop Hypertension."
            short = match.group("short")
            if looks_like_abbreviation(short):
                parts = [_trim(text, match.end(), _clause_end(text, match.end()))]
                result = _short_first_at(text, match.start("short"), match.end("short"), parts, bracketed=False)
                if isinstance(result, _Found) and result.fit == FIT_TIGHT and _PLAIN_WORD.match(result.long):
                    found.append(result)
    found.sort(key=lambda item: item.short_start)
    return found, explained


def _bracketed(text: str, open_: int, close: int, sentence_start: int):
    """What the brackets text[open_] and text[close] give: a _Found, the span of a short
    form they explain, or None."""
    result = _long_first(text, open_, close, sentence_start)
    if not isinstance(result, _Found):
        other = _short_first(text, open_, close, sentence_start)
        if isinstance(other, _Found) or result is None:
            result = other
    return result


_kept_brackets = lru_cache(maxsize=_KEPT_PHRASES)(_bracketed)
_LONGEST_KEPT = 1000  # characters of a sentence up to its brackets: longer ones are read, not kept


def _sentence_start(sentences, offset: int) -> int:
    """Where the sentence holding the offset starts (the first sentence's start before any)."""
    index = bisect_right(sentences, (offset, float("inf"))) - 1
    return sentences[max(index, 0)][0] if sentences else 0


_ABBREVIATION_TOKEN = r"(?P<short>(?:\p{L}\.){2,12}|[\p{L}\p{N}][\p{L}\p{N}\-]{0,20}[\p{L}\p{N}])"
_SAID_AFTER = pattern_cache.compile(
    r"(?:,\s*or|[,(]?\s*(?:also\s+(?:called|known\s+as)|known\s+as|(?:commonly\s+)?referred\s+to\s+as|"
    r"abbreviated(?:\s+as)?))\s+"
    + _ABBREVIATION_TOKEN + r"(?=[\s,.;:)\]]|$)"
)
_STANDS_FOR = pattern_cache.compile(
    r"(?<![\p{L}\p{N}\-.])" + _ABBREVIATION_TOKEN
    + r"(?:,?\s+(?:stands\s+for|is\s+short\s+for|is\s+an\s+abbreviation\s+for)|,\s+or)\s+(?:the\s+)?"
)
# What a definition needs: brackets, ", or" or a key word ("also called", "stands for"...).
# A block that holds none is not read for definitions, and the two patterns above are
# tried only where a match can start, not at every word: each try is one short match.
_COMMA_OR = pattern_cache.compile(r",\s*or")
_DEFINITION_MARKS = {
    "(": "(", "[": "[", ", or": _COMMA_OR,
    "called": "called", "known": "known", "referred": "referred", "abbreviated": "abbreviated",
    "stands": "stands", "short": "short", "abbreviation": "abbreviation",
}
# The marks of the definitions without brackets: ", or" and the key words.
_UNBRACKETED_MARKS = frozenset(_DEFINITION_MARKS) - {"(", "["}
# The words where a match of _SAID_AFTER may start, each with the marks one of which it
# then holds: "also" starts "also called" and "also known as".
_SAID_AFTER_WORDS = (
    ("also", ("called", "known")), ("known", ("known",)), ("commonly", ("referred",)),
    ("referred", ("referred",)), ("abbreviated", ("abbreviated",)),
)
_STANDS_FOR_WORDS = ("stands", "short", "abbreviation")
_SPACES_BEFORE = pattern_cache.compile(r"(?r)[,(]?\s*")  # searched backwards from a key word
_RUN_BEFORE = pattern_cache.compile(r"(?r)[\p{L}\p{N}\-.]*")  # the short form before ", or", backwards
_RUN_START = pattern_cache.compile(r"(?<![\p{L}\p{N}\-.])[\p{L}\p{N}\-.]")
_THREE_WORDS_BACK = pattern_cache.compile(r"(?r)(?:\S+\s+){0,3}\S*")  # "ABC is an abbreviation"


def _said_after(text: str, comma_ors: list[int], marks: set[str]):
    """_SAID_AFTER.finditer(text), given where ", or" starts and the marks the text holds.
    A match starts at the comma of ", or", or before a key word ("also", "known"...):
    anywhere from the first of the spaces (and comma or bracket) before it to the word
    itself, with the same outcome from each."""
    starts = [(start, start) for start in comma_ors]
    for word, needs in _SAID_AFTER_WORDS:
        if marks.isdisjoint(needs):
            continue
        position = text.find(word)
        while position >= 0:
            starts.append((_SPACES_BEFORE.search(text, 0, position).start(), position))
            position = text.find(word, position + 1)
    return _matches_from(_SAID_AFTER, text, starts)


def _stands_for(text: str, comma_ors: list[int], marks: set[str]):
    """_STANDS_FOR.finditer(text), given where ", or" starts and the marks the text holds.
    A match starts where a run of letters, digits, hyphens and periods starts: the run
    before the comma of ", or", or one of the runs of the three words before a key word
    ("ABC is an abbreviation for")."""
    starts = [_RUN_BEFORE.search(text, 0, start).start() for start in comma_ors]
    for word in _STANDS_FOR_WORDS:
        position = text.find(word) if word in marks else -1
        while position >= 0:
            floor = _THREE_WORDS_BACK.search(text, 0, position).start()
            starts.extend(match.start() for match in _RUN_START.finditer(text, floor, position))
            position = text.find(word, position + 1)
    return _matches_from(_STANDS_FOR, text, [(start, start) for start in starts])


def _matches_from(pattern, text: str, starts: list[tuple[int, int]]):
    """What pattern.finditer(text) gives, when every match starts in one of the (earliest,
    latest) ranges of `starts` and a match from any position of a range is the same."""
    end = 0
    for earliest, latest in sorted(set(starts)):
        if latest < end:
            continue
        match = pattern.match(text, max(earliest, end))
        if match is not None:
            yield match
            end = match.end()


_CLAUSE_END = pattern_cache.compile(r"[.;:()\[\]]|,\s")


def _clause_end(text: str, start: int) -> int:
    end = min(len(text), start + _LONGEST_BRACKET)
    match = _CLAUSE_END.search(text, start, end)
    return match.start() if match else end


_OPENER = {")": "(", "]": "["}


def _brackets(text: str):
    """(open, close) offsets of every matched pair of () or [], innermost first."""
    stack: list[tuple[str, int]] = []
    for position in _offsets(text, "()[]"):
        char = text[position]
        if char in "([":
            stack.append((char, position))
        else:
            while stack and stack[-1][0] != _OPENER[char]:
                stack.pop()
            if stack:
                yield stack.pop()[1], position


def _offsets(text: str, chars: str) -> list[int]:
    """Where the characters occur in the text, in order. Each is found with str.find,
    which skips the text between at memchr speed (a regex class tests every character:
    several times slower on a block of prose), and sorting merges the ordered runs of
    the few characters in linear time."""
    offsets = []
    for char in chars:
        position = text.find(char)
        while position >= 0:
            offsets.append(position)
            position = text.find(char, position + 1)
    offsets.sort()
    return offsets


_LONGEST_BRACKET = 300  # characters; more is a remark, not a definition, and is not read


def _parts(text: str, start: int, end: int, separators: str) -> list[tuple[int, int]]:
    """Spans of the bracketed text up to each top-level separator (followed by a space)
    and up to the end, trimmed of spaces and quotes: "ALL; also called..." -> "ALL", "ALL; also..."."""
    if end - start > _LONGEST_BRACKET:
        return [(start, start)]
    depth = 0
    spans = []
    for mark in _PART_MARK.finditer(text, start, end):  # the brackets and separators only
        char, position = mark.group(), mark.start()
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and char in separators and (position + 1 == end or text[position + 1].isspace()):
            spans.append(_trim(text, start, position))
    spans.append(_trim(text, start, end))
    return spans


_PART_MARK = re.compile(r"[()\[\];,:]")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in _QUOTES):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _QUOTES):
        end -= 1
    return start, end


_LOOK_BACK = 600  # characters: more than any long form of at most 24 words needs


def _words_before(text: str, start: int, end: int, count: int) -> list[tuple[int, int]]:
    """Spans of the last `count` (one or more) space-separated words in text[start:end],
    looking back a bounded stretch so that a sentence without end costs no more than a
    short one."""
    begin = max(start, end - _LOOK_BACK)
    words = []  # read backwards, and one word further at most: the earlier ones are never needed
    for match in _SPACE_TOKEN_BACKWARDS.finditer(text, begin, end):
        words.append(match.span())
        if len(words) > count:
            break
    else:
        if words and begin > start and not text[begin - 1].isspace():
            words.pop()  # cut in the middle of a word
    return words[:count][::-1]


_SPACE_TOKEN_BACKWARDS = pattern_cache.compile(r"(?r)\S+")


def _window(letters: str) -> int:
    """Schwartz & Hearst's longest long form: min(n + 5, 2n) words."""
    return min(len(letters) + 5, len(letters) * 2)


def _long_first(text: str, open_: int, close: int, sentence_start: int):
    """"long form (SF)": a _Found, the short form's span when the words before are no
    expansion, or None when the brackets hold no short form."""
    if open_ == 0 or not text[open_ - 1].isspace():
        return None  # "PI(4,5)P2", "receptor(s)": no definition
    short_start, short_end = _parts(text, open_ + 1, close, ";,:")[0]
    short = _short_form_candidate(text[short_start:short_end])
    if short is None or not _letters(short):
        return None
    found = _long_form_before(text, short, short_start, short_end, sentence_start, open_)
    if found is not None:
        return found
    return _attempt(text, short, short_start, short_end, sentence_start, open_)


def _long_form_before(text: str, short: str, short_start: int, short_end: int, sentence_start: int, limit: int,
                      bracketed: bool = True) -> Optional[_Found]:
    """The best long form for `short` among the words of the sentence before `limit`."""
    words = _words_before(text, sentence_start, limit, _window(_letters(short)))
    if not words:
        return None
    offset = words[0][0]
    best = _best_long_form(short, text[offset:limit])
    if best is None:
        return None
    long_start, long_end, quality = offset + best[0], offset + best[1], best[2]
    return _Found(short, text[long_start:long_end], short_start, short_end, long_start, long_end, LONG_FIRST,
                  quality, bracketed)


@lru_cache(maxsize=_KEPT_PHRASES)
def _best_long_form(short: str, text: str) -> Optional[tuple[int, int, str]]:
    """The best long form for `short` that ends with the last of the space-separated words
    of the text, as (start, end, fit); None when none fits. It depends on these words
    alone, and the same ones come back in many documents ("acute lymphoblastic leukemia")."""
    letters = _letters(short)
    most_groups = max(len(letters), len(_unnumbered_letters(short) or ""))  # one letter each at least
    words = [match.span() for match in _SPACE_TOKEN.finditer(text)]
    long_end = _trim_end(text, words[-1][0], words[-1][1])
    latest = _latest_fit_start(short, letters, text, long_end)
    best, best_key = None, None
    last = len(words) - 1
    held = 0  # content words between this word and the last: every long form from here on holds them
    for index in range(last, -1, -1):
        if index < last - 1:
            following = text[words[index + 1][0] : words[index + 1][1]]
            held += sum(1 for word in following.split() if word.lower() not in STOPWORDS)  # as _score splits
        if best_key is not None and best_key >= (_RANK[FIT_TIGHT], most_groups - 0.5 * max(0, held - most_groups)):
            break  # _score of any long form from here on, at most this: none can beat the best
        word_start, word_end = words[index]
        word = text[word_start:word_end]
        opens = word.startswith(("(", "[")) and not (")" in word or "]" in word)
        closes = ")" in word and "(" not in word or "]" in word and "[" not in word
        if word.startswith(("(", "[")) and not opens or closes:
            break  # an earlier remark in brackets ends the long form
        if _is_short_form_itself(letters, word):
            break  # "H-Ras (Ras)", "RVS167p (RVS167)": a name, not an expansion
        for fit_start, long_start, penalty in _starts(text, word_start, word_end):
            if fit_start > latest:
                continue  # no fit of any kind from here (the usual case in the last words)
            if long_start >= long_end or text[long_start:word_end].strip(".,;:") in STOPWORDS:
                continue  # "the", "of"; but "WAS protein (WASP)", "The Scripps Research Institute (TSRI)"
            long = text[long_start:long_end]
            if long.count("(") != long.count(")") or long.count("[") != long.count("]") or not _has_word(long):
                continue
            if best_key is not None and best_key >= (_RANK[FIT_TIGHT], _score(long, most_groups) - penalty):
                continue  # no fit of these words can beat the best so far: more words, no more letters
            quality, groups = fit_details(short, text[fit_start:long_end])
            if quality == FIT_NONE:
                continue
            if quality == FIT_LOOSE and (" " in short or any(_extends_symbol(letters, w) for w in long.split())):
                continue  # chance: "secondary EM", "CMT4, including GDAP1 (CMT4A)"
            # The best fit wins; among tight ones the best score, among loose ones the nearest.
            key = (_RANK[quality], _score(long, groups) - penalty if quality != FIT_LOOSE else 0)
            if best_key is None or key > best_key:
                best, best_key = (fit_start, long_start, quality), key
        if opens:
            break  # "[mouse mammary tumor virus (MMTV)]": the long form starts inside the bracket
    if best is None:
        return None
    fit_start, long_start, quality = best
    return long_start, _trim_trailing_phrase(text, short, fit_start, long_end, quality), quality


def _latest_fit_start(short: str, letters: str, text: str, end: int) -> int:
    """A position past which no text[start:end] (start at a piece of a word) fits `short`
    at all. In ASCII with no piece spelled otherwise, fit_details looks for the letters
    (or the unnumbered ones) in order in the text in small letters first: they are there
    only from the last position from which they follow, found from the end backwards."""
    if not text.isascii():
        return end
    lowered = text.lower()
    if _SPELLED_OTHERWISE.search(lowered):
        return end
    latest = _last_start_in_order(letters, lowered, end)
    unnumbered = _unnumbered_letters(short)
    if unnumbered:
        latest = max(latest, _last_start_in_order(unnumbered, lowered, end))
    return latest


def _last_start_in_order(letters: str, text: str, end: int) -> int:
    """The last position from which text[position:end] holds the letters in order, or -1."""
    position = end
    for char in reversed(letters):
        position = text.rfind(char, 0, position)
        if position < 0:
            return -1
    return position


def _is_name(word: str) -> bool:
    """A symbol with digits or capitals inside: "HKIII", "Cla4p"."""
    if any(char in word for char in "()[]"):
        return False
    return any(char.isdigit() for char in word) or sum(char.isupper() for char in word) >= 2


_RANK = {FIT_TIGHT: 3, FIT_NUMBERED: 2, FIT_LOOSE: 1}


_INNER_MARK = re.compile(r"[-/‐‑]")


def _starts(text: str, start: int, end: int):
    """Where a long form may start in a word, with a penalty: at its first letter, or
    (a little worse) after a hyphen or slash inside it. The long form then still
    starts with the word ("cofactor-dependent phosphoglycerate mutase (dPGM)")
    unless what comes before is a name of its own ("HKIII-green fluorescent protein
    (GFP)")."""
    first = _word_start(text, start, end)
    if first is None:
        return
    yield first, first, 0.0
    for mark in _INNER_MARK.finditer(text, first + 1, end - 1):
        position = mark.start()
        if text[position + 1].isalpha() and text[position - 1].isalnum():
            shown = position + 1 if _is_name(text[first:position]) else first
            yield position + 1, shown, 0.25


def _score(long: str, groups: int) -> float:
    """More words giving letters is better, content words given nothing are worse;
    a long form starting with a lone small letter ("c oxidase (COX)") is suspect."""
    words = long.split()
    content = sum(1 for w in words if w.lower() not in STOPWORDS)
    lone_letter = len(words[0]) == 1 and words[0].islower()
    return groups - 0.5 * max(0, content - groups) - (1 if lone_letter else 0)


def _trim_trailing_phrase(text: str, short: str, start: int, end: int, quality: str) -> int:
    """The end of the long form without a trailing phrase that gives no letters and
    starts with a small word: "phosphoglycerate kinase from yeast (PGK)" ->
    "phosphoglycerate kinase"."""
    fitted = fit_details(short, text[start:end])
    words = list(_SPACE_TOKEN.finditer(text, start, end))
    for index in range(len(words) - 1, 0, -1):
        if words[index].group().lower() not in STOPWORDS:
            continue
        last = index - 1
        while last > 0 and words[last].group().lower() in STOPWORDS:
            last -= 1
        shorter = _trim_end(text, start, words[last].end())
        if shorter > start and fit_details(short, text[start:shorter]) == fitted:
            end = shorter
    return end


def _attempt(text: str, short: str, short_start: int, short_end: int, sentence_start: int, open_: int):
    """A long form that does not fit but was meant as one: the clause before the brackets
    has a word starting with the first letter, from which word initials give at least
    half of the letters (at least two), or which starts a name in title case about as
    long as the short form ("Alcohol Use Disorder (AWS)"). Only for short forms in capitals ("O.P.M.S."):
    symbols such as "MeCP2" name things more often than they abbreviate them."""
    letters = "".join(char for char in _letters(short) if char.isalpha())
    bare = singular(short).replace(".", "")
    if not (looks_like_abbreviation(short) and bare.isalpha() and bare.isupper()) or len(letters) < 2:
        return (short, short_start, short_end)
    clause_start = max(sentence_start, open_ - _LOOK_BACK)
    for position in range(open_ - 1, clause_start - 1, -1):
        if text[position] in _CLAUSE_BREAK or text[position] == "-" and text[position - 1 : position + 2] == " - ":
            if text[position] in ")]":
                return (short, short_start, short_end)  # cut by a remark: the clause is not all there
            clause_start = position + 1
            break
    words = _words_before(text, clause_start, open_, len(letters) + 1)
    if not words:
        return (short, short_start, short_end)
    if any(_is_short_form_itself(letters, text[start:end]) or _extends_symbol(_letters(short), text[start:end])
           for start, end in words):
        return (short, short_start, short_end)  # "jak kinase (JAK)", "CMT4, ... (CMT4A)": names
    need = max(2, (len(letters) + 1) // 2)
    long_end = _trim_end(text, words[-1][0], words[-1][1])
    small_words = 0
    for index in range(len(words) - 1, -1, -1):  # the shortest attempt first
        long_start = _word_start(text, *words[index])
        if long_start is None or long_start >= long_end:
            continue
        word = text[long_start : words[index][1]]
        if word.lower().strip(".,;:") in STOPWORDS:
            small_words += 1
            if small_words > 1:
                break  # a clause ("mutants that interfere with..."), not a name
            continue
        if word[0].lower() != letters[0] or len(word.strip(".,;:")) == 1:
            continue
        long = text[long_start:long_end]
        quality = fit(short, long)
        if quality != FIT_NONE:  # words the brackets' own search could not reach
            return _Found(short, long, short_start, short_end, long_start, long_end, LONG_FIRST, quality)
        initials = [piece for piece, _ in _segments(long)]
        if _initials_in_order(letters, initials) >= need or _title_case_name(long, len(letters)):
            return _Found(short, long, short_start, short_end, long_start, long_end, LONG_FIRST, FIT_NONE)
    tail = _misnamed_tail(text, words, long_end, letters, need)
    if tail is not None:
        return _Found(short, text[tail:long_end], short_start, short_end, tail, long_end, LONG_FIRST, FIT_NONE)
    return (short, short_start, short_end)


def _misnamed_tail(text: str, words, long_end: int, letters: str, need: int) -> int | None:
    """Where a name starts that the brackets plainly abbreviate, wrongly: its last
    word gives the last letter, and its initials give at least half of the letters
    in order, though not the first ("nerve growth factor (BDNF)"). Two words or
    more, no small word among them, a small word before them; None when there is
    no such name."""
    if len(letters) < 3:
        return None
    for index in range(len(words) - 2, -1, -1):  # the shortest name first
        long_start = _word_start(text, *words[index])
        if long_start is None or long_start >= long_end:
            continue
        long = text[long_start:long_end]
        pieces = [piece for piece, _ in _segments(long)]
        if any(piece.lower() in STOPWORDS for piece in pieces) or len(pieces) > len(letters) + 1:
            return None
        if pieces and pieces[-1][:1].lower() == letters[-1] and _initials_in_order(letters, pieces) >= need:
            # The whole name: a small word stands before it ("production of nerve
            # growth factor (BDNF)"), not more of a name ("primary liver cancer
            # (BCLC)") or a word run into it ("medicationsangiotensin-converting").
            before = text[words[index - 1][0] : words[index - 1][1]] if index else ""
            return long_start if before.lower().strip(".,;:") in STOPWORDS else None
    return None


_NAME_WORD = pattern_cache.compile(r"\p{L}[\p{L}'’-]*")


def _title_case_name(long: str, letters: int) -> bool:
    """Whether words capitalised as a name, about as many as the short form's letters,
    stand before the brackets: "Alcohol Use Disorder (AWS)" was meant as a definition,
    though only its first letter fits."""
    content = [word for word in _NAME_WORD.findall(long) if word.lower() not in STOPWORDS]
    return len(content) >= 2 and abs(len(content) - letters) <= 1 and all(word[0].isupper() for word in content)


_LEADING_FILLER = pattern_cache.compile(r"(?:for|i\.?e\.?,?|or|also|aka|short for|stands for)\s+", regex.IGNORECASE)


def _short_first(text: str, open_: int, close: int, sentence_start: int):
    """"SF (long form)": the word before the brackets (or its last piece after a hyphen
    or slash: "alpha/beta-SNAP (Soluble NSF Attachment Protein)") is the short form."""
    end = open_
    while end > sentence_start and text[end - 1].isspace():
        end -= 1
    if end == open_:
        return None
    start = end
    while start > sentence_start and not text[start - 1].isspace():
        start -= 1
    start, end = _trim(text, start, end)
    while end > start and text[end - 1] in ",;:":
        end -= 1
    if not _CAPITAL_OR_DIGIT.search(text, start, end):
        return None  # no short form here, nor in a piece of it (the usual case)
    parts = _parts(text, open_ + 1, close, ";,")
    result = _short_first_at(text, start, end, parts)
    if not isinstance(result, _Found):
        piece = max(text.rfind(mark, start, end) for mark in "-/")
        if piece > start:
            found = _short_first_at(text, piece + 1, end, parts)
            if isinstance(found, _Found):
                return found
    return result


def _short_first_at(text: str, start: int, end: int, parts, bracketed: bool = True):
    """The short form text[start:end] and the best long form at the start of one of
    the parts (spans of text after it)."""
    short = _short_form_candidate(text[start:end])
    if short is None or " " in short or not _CAPITAL_OR_DIGIT.search(short):
        return None
    abbreviation = looks_like_abbreviation(short)
    letters = _letters(short)
    best, best_key = None, None
    for part_start, part_end in parts:
        filler = _LEADING_FILLER.match(text, part_start, part_end)
        if filler:
            part_start = filler.end()
        words = [m.span() for m in _SPACE_TOKEN.finditer(text, part_start, part_end)]
        if not words or len(words) > _window(letters) + 2:
            continue
        if text[words[0][0] : words[0][1]] in STOPWORDS:
            continue
        if any(_is_short_form_itself(letters, text[s:e]) or letters in _letters(text[s:e]) for s, e in words):
            continue  # "TAFs (TAFdep)", "Hb (HbS)": a name that holds the short form
        extending = False
        for count in range(1, len(words) + 1):
            long_end = _trim_end(text, words[count - 1][0], words[count - 1][1])
            long = text[part_start:long_end]
            if text[words[count - 1][0] : words[count - 1][1]] in STOPWORDS:
                extending = False  # "phosphoglycerate kinase from yeast": the long form ended
            if long.count("(") != long.count(")") or long.count("[") != long.count("]") or not _has_word(long):
                continue
            quality, groups = fit_details(short, long)
            if quality == FIT_NONE or quality == FIT_LOOSE and not abbreviation:
                continue
            key = (_RANK[quality], groups)
            if best_key is None or key > best_key:
                best, best_key = (part_start, long_end, quality), key
                extending = True
            elif key == best_key and extending:
                best = (part_start, long_end, quality)  # "(TLS-associated serine-arginine protein)": the head noun
    if best is None:
        return (short, start, end) if abbreviation else None
    long_start, long_end, quality = best
    return _Found(short, text[long_start:long_end], start, end, long_start, long_end, SHORT_FIRST, quality, bracketed)


def _has_word(long: str) -> bool:
    """A long form has a plain word in it, not only symbols ("TPM2" is no expansion of TPM3)."""
    return bool(_TWO_SMALL.search(long))


@lru_cache(maxsize=_KEPT_PHRASES)
def _is_short_form_itself(letters: str, word: str) -> bool:
    """The word is the short form, one of its pieces is, or (for a short form with
    digits) it starts with it: "TAND", "H-Ras" for Ras, "RVS167p" for RVS167."""
    if word.isascii() and not _in_order(letters, word.lower()):
        return False  # the usual case: each way below needs the letters in order in the word
    pieces = _segments(word)
    if any(piece == letters for piece, _ in pieces):
        return True
    if word.isascii():
        bare = "".join(piece for piece, _ in pieces)  # the same, sooner
    else:
        bare = "".join(char for char in word.lower() if char.isalnum())
    return bare == letters or (any(char.isdigit() for char in letters) and bare.startswith(letters))


def _extends_symbol(letters: str, word: str) -> bool:
    """The short form extends a symbol in the words: "CMT4, including GDAP1 (CMT4A)"."""
    bare = "".join(char for char in word.lower() if char.isalnum())
    return len(bare) >= 2 and letters.startswith(bare) and looks_like_abbreviation(word.strip(".,;:()[]"))


def _word_start(text: str, start: int, end: int) -> Optional[int]:
    """Where the letters of a space-separated word begin (after quotes and brackets)."""
    while start < end and not text[start].isalnum():
        start += 1
    return start if start < end else None


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ")]"):
        end -= 1
    return end


# ---- long forms written without the abbreviation -------------------------------------------


_LONG_FORM_BUDGET = 20000  # fits tried per document: a text of nothing but abbreviations stays linear


def find_long_forms(document: Document, shorts) -> dict[str, tuple[Block, int, int]]:
    """For each short form, the first phrase of the document that spells it out although
    the two are not paired: consecutive words that fit it tightly, each content word
    giving letters ("nonalcoholic steatohepatitis" for NASH). Short forms without one
    are left out."""
    pending: dict[str, list[tuple[str, str]]] = {}  # first letter -> (short form, letters)
    for short in shorts:
        letters = _letters(short)
        if len(letters) >= 2:
            pending.setdefault(letters[0], []).append((short, letters))
    found: dict[str, tuple[Block, int, int]] = {}
    if not pending:
        return found
    finder = _initial_finder("".join(sorted(pending)))
    longest = max(len(letters) for group in pending.values() for _, letters in group) + 2
    budget = _LONG_FORM_BUDGET
    blocks = document.blocks
    joined, starts = _joined(blocks)
    lowered = joined.lower()
    if len(lowered) != len(joined):
        lowered = None  # a character that is two in small letters: offsets would not match
    index = 0
    for word_start, word_end in _words_starting_with(joined, finder):
        while index + 1 < len(starts) and starts[index + 1] <= word_start:
            index += 1
        block, offset = blocks[index], starts[index]
        text = block.text
        start = _word_start(text, word_start - offset, word_end - offset)
        if start is None or text[start].lower() not in pending:
            continue
        following = None
        for short, letters in list(pending[text[start].lower()]):
            budget -= len(letters) + 2
            if budget < 0:
                return found
            window_end = _words_end(joined, word_start, offset + len(text), len(letters) + 2)
            earliest_end = _earliest_end(letters, joined, lowered, offset + start, window_end)
            if earliest_end is None:
                continue  # the usual case
            if following is None:
                following = [m.span() for m in islice(_SPACE_TOKEN.finditer(text, word_start - offset), longest)]
            phrase = _phrase_for(text, following, start, short, letters, earliest_end - offset)
            if phrase is not None:
                found[short] = (block, start, phrase)
                pending[letters[0]].remove((short, letters))
    return found


@lru_cache(maxsize=256)
def _initial_finder(initials: str):
    """A pattern for the characters that may be the first letter or digit of a word whose
    lower case is one of `initials`, after no ASCII letter or digit: the letters in both
    cases, the Kelvin sign (the one other character whose lower case is ASCII) and, for
    initials that are not ASCII, every character that is not."""
    chars = set(initials) | set(initials.upper())
    if "k" in chars:
        chars.add("\u212a")
    pattern = "[" + "".join(sorted(re.escape(char) for char in chars if char.isascii() or char == "\u212a"))
    pattern += "\x80-\U0010ffff]" if not initials.isascii() else "]"
    # The class first, then the look behind: a search tests the class alone at most
    # characters (a look behind first is tried at every one).
    return re.compile(pattern + r"(?<![A-Za-z0-9].)")


def _words_starting_with(text: str, finder):
    """The spans of the space-separated words of the text in which `finder` matches before
    any ASCII letter or digit: those that may start with one of its initials. The Python
    test of the caller decides; this only skips, at C speed, the words that cannot."""
    done = 0  # where the last word given ends: later matches inside it are skipped
    for match in finder.finditer(text):
        start = match.start()
        if start < done:
            continue
        if start and text[start - 1] not in " \n\t":  # after these (the usual case) the word starts here
            start = _TOKEN_START.search(text, done, start).start()
        word = _SPACE_TOKEN.match(text, start)
        if word is None:
            continue  # a space outside ASCII, matched for initials outside ASCII
        done = word.end()
        yield word.span()


def _words_end(text: str, start: int, end: int, count: int) -> int:
    """Where the first `count` space-separated words of text[start:end] end."""
    for match in islice(_SPACE_TOKEN.finditer(text, start, end), count):
        start = match.end()
    return start


def _earliest_end(letters: str, text: str, lowered: Optional[str], start: int, end: int) -> Optional[int]:
    """How far a phrase of text[start:end] from `start` must reach to fit the letters
    tightly: past the last of them, found in order, counting the other spellings of its
    pieces (in ASCII, the pieces of a phrase are those of a longer one, and more). None when
    no phrase can, `start` when unsure. `lowered` is text.lower(), or None when its
    offsets differ."""
    window = text[start:end]
    if not window.isascii():
        return start
    if lowered is None:
        return None if not _in_order(letters, _spelled_ascii(window)) else start
    if _SPELLED_OTHERWISE.search(lowered, start, end):
        return start
    position = start - 1
    for char in letters:
        position = lowered.find(char, position + 1, end)
        if position < 0:
            return None
    return position + 1


_PHRASE_BREAK = re.compile(r"[.;:()\[\]]")


def _phrase_for(text: str, words, start: int, short: str, letters: str, earliest_end: int) -> Optional[int]:
    """The end of the phrase starting at `start`, in the first of `words`, that spells out
    `short`, or None. A shorter phrase than up to `earliest_end` lacks letters: it neither
    fits nor is the short form itself."""
    for count in range(1, min(len(letters) + 2, len(words)) + 1):
        last_start, last_end = words[count - 1]
        end = _trim_end(text, last_start, last_end)
        if end <= start or _PHRASE_BREAK.search(text, start, end):
            return None
        long = text[start:end]
        if looks_like_abbreviation(text[last_start:last_end]) \
                or end >= earliest_end and _is_short_form_itself(letters, long):
            return None  # "OPMS kratom": the abbreviation itself, not its words
        content = sum(1 for word in long.lower().split() if word not in STOPWORDS)
        if content > len(letters):
            return None  # more words than letters now and in every longer phrase
        if end < earliest_end:
            continue
        quality, groups = fit_details(short, long)
        if quality == FIT_TIGHT and groups >= content and long.split()[-1].lower() not in STOPWORDS:
            return end
    return None


# ---- the document -----------------------------------------------------------------------


@once_per_document
def analyse(document: Document) -> Analysis:
    """Definitions and uses of abbreviations in the document.

    Every acronym rule asks for this; the analysis of the last document is kept so
    that it runs once per document, not once per rule.
    """
    return _analyse(document)


def _analyse(document: Document) -> Analysis:
    blocks = document.blocks
    joined, starts = _joined(blocks)
    definitions: list[Definition] = []
    explained: set[str] = set()
    taken: dict[int, list[tuple[int, int]]] = {}  # block index -> spans of definitions' short forms
    marked = _definition_marks(joined, starts)
    for index in sorted(marked):
        block = blocks[index]
        found, glosses = _definitions_in(block.text, block.sentences, marked[index])
        for item in found:
            definitions.append(
                Definition(
                    short=item.short,
                    key=definition_key(item.short),
                    long=item.long,
                    block=block,
                    short_start=item.short_start,
                    short_end=item.short_end,
                    long_start=item.long_start,
                    long_end=item.long_end,
                    order=item.order,
                    fit=item.fit,
                    bracketed=item.bracketed,
                )
            )
            taken.setdefault(block.index, []).append((item.short_start, item.short_end))
        for short, start, end in glosses:
            explained.add(short_form_key(short))
            taken.setdefault(block.index, []).append((start, end))
    definitions.sort(key=lambda d: d.position)
    known = {d.key for d in definitions} | explained
    forms = {singular(d.short) for d in definitions}
    # A use has two capitals, or is a form the text defines: only the words of tokens with
    # two capitals are read, and those of the tokens that hold a defined form without ("Ras",
    # "ds"): a word is that form only if it holds it.
    quiet_forms = [form for form in forms if not _TWO_CAPITALS.search(form)]
    words = _by_block(_words_with_two_capitals(joined), starts)
    for form in quiet_forms:
        for index in _blocks_holding(joined, starts, form):
            holding = _words_holding(blocks[index].text, form)
            if holding:
                words[index] = sorted(set(words.get(index, ())).union(holding))
    readings: dict[str, tuple] = {}
    uses: list[Use] = []
    names: set[str] = set()
    symbols: set[str] = set()
    for index in sorted(words):
        block = blocks[index]
        uses.extend(_uses(block, words[index], known, forms, readings, taken.get(block.index, ()), names, symbols))
    return Analysis(tuple(definitions), tuple(uses), frozenset(explained), frozenset(names), frozenset(symbols))


# ---- searching a whole document at once ------------------------------------------------
#
# Most blocks hold no bracket and no abbreviation. Rather than one search per block, each
# search runs once over the texts of all blocks joined by line breaks (no pattern here
# matches across one), and only the blocks it hits are read further.


def _joined(blocks) -> tuple[str, list[int]]:
    """The texts of the blocks joined by line breaks, and where each block's text starts."""
    if len(blocks) == 1:
        return blocks[0].text, [0]  # most plain-text answers: nothing to join
    starts = list(accumulate((len(block.text) + 1 for block in blocks[:-1]), initial=0)) if blocks else []
    return "\n".join(block.text for block in blocks), starts


def _blocks_holding(joined: str, starts: list[int], needle) -> list[int]:
    """The indexes of the blocks in which the needle, a string or a compiled pattern,
    occurs, in order; after a hit the search goes on at the next block."""
    hits = []
    last = len(starts) - 1
    if isinstance(needle, str):
        position = joined.find(needle)
        while position >= 0:
            index = bisect_right(starts, position) - 1
            hits.append(index)
            position = joined.find(needle, starts[index + 1]) if index < last else -1
    else:
        match = needle.search(joined)
        while match is not None:
            index = bisect_right(starts, match.start()) - 1
            hits.append(index)
            match = needle.search(joined, starts[index + 1]) if index < last else None
    return hits


def _by_block(spans: list[tuple[int, int]], starts: list[int]) -> dict[int, list[tuple[int, int]]]:
    """Spans in the joined text, in order, as spans in the texts of their blocks."""
    if len(starts) == 1:
        return {0: spans} if spans else {}  # one block: the same spans
    by_block: dict[int, list[tuple[int, int]]] = {}
    index, last = 0, len(starts) - 1
    for start, end in spans:
        while index < last and starts[index + 1] <= start:
            index += 1
        offset = starts[index]
        by_block.setdefault(index, []).append((start - offset, end - offset))
    return by_block


def _definition_marks(joined: str, starts: list[int]) -> dict[int, set[str]]:
    """The _DEFINITION_MARKS of each block that holds one (by block index)."""
    if len(starts) == 1:  # one block (most plain-text answers): its marks, with no search by block
        marks = _marks_in(joined)
        return {0: marks} if marks else {}
    marked: dict[int, set[str]] = {}
    for mark, needle in _DEFINITION_MARKS.items():
        for index in _blocks_holding(joined, starts, needle):
            marked.setdefault(index, set()).add(mark)
    return marked


def _uses(block: Block, words, known: set[str], forms: set[str], readings: dict[str, tuple], taken,
          names: set[str], symbols: set[str]) -> list[Use]:
    """Of the words (spans of matches of _WORD in the block), those that are abbreviations,
    in order; names (by their context) go to `names`, symbols shaped like gene names to
    `symbols`. `readings` keeps what _reading says of each word, for the whole document."""
    text = block.text
    spans = None  # `taken` and pronunciation guides, sorted: made for the first word that needs them
    shouted: dict[int, bool] = {}
    found: list[Use] = []
    chain: list[Use] = []  # symbols joined by "," / "and" / "or": "the BRCA1 and BRCA2 genes"
    chain_named = False  # a use in the chain is a name by its context: all are names
    asked = 0  # the uses of the chain whose context was looked at
    for word_start, word_end in words:
        whole = text[word_start:word_end]
        reading = readings.get(whole)
        if reading is None:
            reading = readings[whole] = _reading(whole, known, forms)
        if not reading:
            continue  # the common case: no abbreviation here
        if spans is None:
            spans = sorted(list(taken) + _pronunciation_guides(text))
        for start, end, word, key, checked, symbol in reading:
            start, end = word_start + start, word_start + end
            if _inside(spans, start):
                continue
            if checked:
                if _in_shouted_sentence(text, block.sentences, start, shouted):
                    continue
                # The match at the end first: it fails at once after most words, the search before never.
                if len(word) <= 3 and word.isupper() and _INITIALS_AFTER.match(text, end) \
                        and _SURNAME_BEFORE.search(text, max(0, start - 30), start):
                    continue
            use = Use(word, key, block, start, end)
            if chain and not _LIST_GLUE.fullmatch(text, chain[-1].end, start):
                chain, chain_named, asked = [], False, 0
            chain.append(use)
            if symbol:
                symbols.add(key)
            if chain_named:
                names.add(key)
            elif any(u.key not in names for u in chain):
                # The contexts are looked at only when they could add a name: a symbol met
                # as a name before is a name already, wherever it stands now.
                chain_named = any(_named_by_context(text, u.start, u.end) for u in chain[asked:])
                asked = len(chain)
                if chain_named:
                    names.update(u.key for u in chain)
            found.append(use)
    return found


def _pronunciation_guides(text: str) -> list[tuple[int, int]]:
    """The spans of the matches of _PRONUNCIATION.finditer(text), tried at each "(" alone:
    a guide holds no other bracket, so none reaches the next "("."""
    return [match.span() for match in map(_PRONUNCIATION.match, repeat(text), _offsets(text, "(")) if match]


def _named_by_context(text: str, start: int, end: int) -> bool:
    """A word the text names by what stands around it: "the CFTR gene", "a gene called
    GJB2", "several genes (COL5A1, COL5A2)"."""
    return bool(_NAME_AFTER.match(text, end) or _NAME_BEFORE.search(text, max(0, start - 30), start)
                or _in_gene_list(text, start))


def _reading(whole: str, known: set[str], forms: set[str]) -> tuple[tuple[int, int, str, str, bool, bool], ...]:
    """What a word (a match of _WORD) holds, wherever it stands: for each abbreviation in it,
    its span in the word, its text, its key, whether its context may still rule it out
    (a form the text defines is always a use), and whether it is shaped like a gene symbol."""
    if not _TWO_CAPITALS.search(whole) and (not forms or singular(whole) not in forms):
        return ()
    if _IDENTIFIER.match(whole):
        return ()
    reading = []
    for start, end in _pieces(whole, 0, len(whole), known):
        word = whole[start:end]
        key = short_form_key(word)
        if not key:
            continue
        checked = singular(word) not in forms
        # Not a form the text defines: it must look like an abbreviation ("ALL" is one;
        # "All" and "all" are not).
        if checked and (not looks_like_abbreviation(word) or key in EMPHASIS and key not in known):
            continue
        reading.append((start, end, word, key, checked, bool(_SYMBOL.fullmatch(word))))
    return tuple(reading)


_TOKEN_START = pattern_cache.compile(r"(?r)\S*")  # searched backwards: the start of the token before a position


def _words_with_two_capitals(text: str) -> list[tuple[int, int]]:
    """The spans of the matches of _WORD in the space-separated tokens that hold two
    capitals, and maybe in a few others (whose words are no abbreviations then). A word
    never spans a space, so the words of a run of tokens are the same read alone as in the
    whole text.

    The tokens are found at C speed in the text's shape: one byte per character
    (Latin-1, "?" for the others), capitals as "A", spaces as " ", the rest as "a". A
    character that may be a capital is one ("?" and every letter outside ASCII too), and
    a character that may not be a space is none (so a space outside Latin-1 joins two
    tokens: the span then holds both, which is harmless)."""
    shape = text.encode("latin-1", "replace").translate(_SHAPE)
    spans = []
    for token in _SHAPE_TOKEN.finditer(shape):
        start, end = shape.rfind(b" ", 0, token.start()) + 1, token.end()
        spans.extend(_token_words(text, start, end))
    return spans


_SHAPE = bytes(
    ord(" ") if byte in b"\t\n\v\f\r \x85\xa0"  # the spaces of _SPACE_TOKEN in Latin-1
    else ord("A") if 65 <= byte <= 90 or byte == ord("?") or byte >= 0x80
    else ord("a")
    for byte in range(256)
)
# From the first capital of a token that another follows to the token's end: the next
# search starts past the token.
_SHAPE_TOKEN = re.compile(rb"A[^ A]*A[^ ]*")


def _words_holding(text: str, form: str) -> list[tuple[int, int]]:
    """The spans of the matches of _WORD in the space-separated tokens of the text that
    hold `form` (a word never spans a space: they are the same read alone)."""
    spans = []
    position = text.find(form)
    while position >= 0:
        token = _SPACE_TOKEN.match(text, _TOKEN_START.search(text, 0, position).start())
        end = position + 1
        if token is not None:
            start, end = token.span()
            spans.extend(_token_words(text, start, end))
        position = text.find(form, max(end, position + 1))
    return spans


def _token_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans in the text of the matches of _WORD in text[start:end], a run of tokens."""
    return [(start + word_start, start + word_end) for word_start, word_end in _word_spans(text[start:end])]


def _word_spans(token: str) -> tuple[tuple[int, int], ...]:
    """The spans of the matches of _WORD in a space-separated token ("(CBC),": "CBC")."""
    return _kept_word_spans(token) if len(token) < _LONGEST_KEPT else _read_word_spans(token)


def _read_word_spans(token: str) -> tuple[tuple[int, int], ...]:
    return tuple(match.span() for match in _WORD.finditer(token))


_kept_word_spans = lru_cache(maxsize=_KEPT)(_read_word_spans)


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    """Whether the offset falls in one of the spans (sorted by start, not nested)."""
    index = bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def _in_gene_list(text: str, start: int) -> bool:
    """In brackets that follow "genes" or "proteins": "several genes (COL5A1, COL5A2)"."""
    open_ = text.rfind("(", max(0, start - 200), start)
    if open_ < 0 or text.find(")", open_, start) >= 0:
        return False
    return bool(_NAME_BEFORE.search(text, max(0, open_ - 30), open_ + 1))


_MOST_PIECES = 4  # "SARS-CoV-2" has three; a longer chain is words, not one abbreviation


def _pieces(text: str, start: int, end: int, known: set[str]):
    """Split a hyphenated word into the abbreviations it holds: "COVID-19-related" ->
    "COVID-19"; "CBFbeta-SMMHC" -> both when both are defined; "anti-HIV" -> "HIV"."""
    word = text[start:end]
    if "-" not in word and "‐" not in word and "‑" not in word:
        yield start, end
        return
    parts = [(m.start() + start, m.end() + start) for m in _HYPHEN_PIECE.finditer(word)]
    i = 0
    while i < len(parts):
        best = None
        longest = min(len(parts), i + _MOST_PIECES)
        for j in range(longest, i, -1):
            piece = text[parts[i][0] : parts[j - 1][1]]
            if short_form_key(piece) in known:
                best = j
                break
        if best is None:
            for j in range(longest, i, -1):
                piece = text[parts[i][0] : parts[j - 1][1]]
                if looks_like_abbreviation(piece):
                    best = j
                    break
        if best is None:
            yield parts[i]
            i += 1
        else:
            yield parts[i][0], parts[best - 1][1]
            i = best


def _in_shouted_sentence(text: str, sentences, offset: int, judged: dict[int, bool]) -> bool:
    """Whether the offset falls in a sentence written mostly in capitals: its capitals are
    no abbreviations. A sentence is judged when a word in it first asks (kept in `judged`)."""
    index = bisect_right(sentences, (offset, float("inf"))) - 1
    if index < 0 or offset >= sentences[index][1]:
        return False
    if index not in judged:
        start, end = sentences[index]
        judged[index] = _shouted(text[start:end])
    return judged[index]


def _shouted(sentence: str) -> bool:
    """At least three words of two or more letters, most of them in capitals."""
    if sentence.isascii():
        # Counted in bytes first: each word in capitals has two, so a sentence with no
        # more capitals than words is not shouted (the usual case).
        data = sentence.encode()
        words = (b" " + data.translate(_LETTERS_AS_X)).count(b" xx")
        if words < 3 or len(data.translate(None, _ALL_BUT_CAPITALS)) <= words:
            return False
        found = _ASCII_LETTERS2.findall(sentence)
    else:
        found = _LETTERS2.findall(sentence)
    return len(found) >= 3 and sum(map(str.isupper, found)) * 2 > len(found)


_ASCII_LETTERS2 = re.compile(r"[A-Za-z]{2,}")  # _LETTERS2 in ASCII, faster
_LETTERS_AS_X = bytes(ord("x") if chr(byte).isascii() and chr(byte).isalpha() else ord(" ") for byte in range(256))
_ALL_BUT_CAPITALS = bytes(byte for byte in range(256) if not (65 <= byte <= 90))
