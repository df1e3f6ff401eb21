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
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import regex

from .model import Block, Document

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
_NAME_AFTER = regex.compile(
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
_SYMBOL = regex.compile(r"\p{Lu}{2,}\d[\p{Lu}\d]*")
# Words before a symbol that make it a name: "a gene called GJB2".
_NAME_BEFORE = regex.compile(
    r"\b(?:genes?|proteins?|called|named|acronym|abbreviation|abbreviated(?:\s+as)?|known\s+as|referred\s+to\s+as)"
    r"\s+\(?$",
    regex.IGNORECASE,
)
# Not abbreviations: an author's initials in a reference ("Siegel JD, Rhinehart E"),
# phone numbers ("1-800-CDC-INFO") and identifiers ("NCT00004992").
_SURNAME_BEFORE = regex.compile(r"\p{Lu}[\p{Ll}'’-]+\s$")
_INITIALS_AFTER = regex.compile(r"[,.]|\s+et\s+al\b")
_IDENTIFIER = regex.compile(r"\d+-\d{3}|.*\d{5}")
_LIST_GLUE = regex.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)")

# Roman numerals, with the letter of a stage or type ("stage IIIB", "type IIa"), and
# sex-chromosome karyotypes ("XXY"): not abbreviations.
_PLAIN_WORD = regex.compile(r"\p{Lu}?\p{Ll}{2,}")
_ROMAN = regex.compile(r"[IVX]+[A-Ea-e]?|[XY]{2,}")
# A pronunciation guide in brackets: "(ah-RITH-me-ahs)", "(to-MOG-rah-fee)".
_PRONUNCIATION = regex.compile(
    r"\((?=[^()]*\p{Ll}-|[^()]*-\p{Ll})[A-Za-z]+(?:-[A-Za-z]+)+(?:[ ,]+[A-Za-z]+(?:-[A-Za-z]+)*)*\)"
)
_WORD = regex.compile(
    r"(?<![\p{L}\p{N}])(?:\p{L}\.){2,}(?!\p{L})|(?<![\p{L}\p{N}])\p{L}(?:\.\p{L})+(?![\p{L}\p{N}])"
    r"|[\p{L}\p{N}]+(?:[-‐‑][\p{L}\p{N}]+)*(?:['’]s\b)?"
)
_SPACE_TOKEN = regex.compile(r"\S+")
_HYPHEN = regex.compile(r"[-‐‑]")
_HYPHEN_PIECE = regex.compile(r"[^-‐‑]+")
_LETTER = regex.compile(r"\p{L}")
_LETTERS2 = regex.compile(r"\p{L}{2,}")
_ITEM_NUMBER = regex.compile(r"[IVX]+|\p{Lu}|\d+")
_SMALL_ROMAN = regex.compile(r"[ivx]+")
_CAPITAL_OR_DIGIT = regex.compile(r"[\p{Lu}\p{N}]")
_TWO_CAPITALS = regex.compile(r"\p{Lu}.*\p{Lu}")
_TWO_SMALL = regex.compile(r"\p{Ll}{2}|\p{Lu}{5}")
_VOWEL = regex.compile(r"[aeiouy]")
_APOSTROPHE = regex.compile(r"['’′]")
_NON_ALNUM = regex.compile(r"[^\p{L}\p{N}]+")
_QUOTES = "\"'“”‘’«»"
_CLAUSE_BREAK = set(",;:—–()[]")


# ---- records ---------------------------------------------------------------------


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Analysis:
    definitions: tuple[Definition, ...]  # in document order
    uses: tuple[Use, ...]  # in document order; definitions excluded
    explained: frozenset[str]  # keys paired in brackets with words that are no expansion ("a test (CBC)")
    names: frozenset[str]  # keys used as names: "the CFTR gene", "CHARGE syndrome"
    symbols: frozenset[str] = frozenset()  # keys shaped like gene symbols: "BRCA1", "FSHD1"

    @property
    def defined_keys(self) -> frozenset[str]:
        return frozenset(d.key for d in self.definitions)


# ---- short forms -------------------------------------------------------------------


def short_form_key(short: str) -> str:
    """What every spelling of one abbreviation shares: "O.P.M.S." and "OPMS" -> "OPMS",
    "NSAIDs" -> "NSAID", "COVID-19" -> "COVID19", "HbA1c" -> "HBA1C"."""
    core = singular(short)
    return "".join(char for char in core if char.isalnum()).upper()


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


def singular(short: str) -> str:
    """The short form without a plural or possessive ending ("NSAIDs", "PMN's")."""
    if len(short) > 2 and short[-2:] in ("'s", "’s"):
        short = short[:-2]
    if len(short) > 2 and short[-1] == "s" and (short[-2].isupper() or short[-2].isdigit()):
        if sum(char.isupper() for char in short) >= 2:
            short = short[:-1]
    return short


def looks_like_abbreviation(word: str) -> bool:
    """Two or more capitals and no more small letters than capitals: "OPMS", "HbA1c",
    "mRNA", "NSAIDs", "7-OH", "O.P.M.S."; not "McCain", "PubMed", "B12" or "II"."""
    core = singular(word)
    upper = sum(char.isupper() for char in core)
    lower = sum(char.islower() for char in core)
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


def _letters(short: str) -> str:
    """The characters of a short form that a long form must supply, lower-cased."""
    return "".join(char for char in singular(short).translate(_GREEK).lower() if char.isalnum())


def _segments(long: str) -> tuple[tuple[str, int], ...]:
    """The long form's word pieces (split at spaces, hyphens, slashes...), each with the
    number of the space-separated word it belongs to; apostrophes are dropped."""
    pieces = []
    for word_number, word in enumerate(long.lower().split()):
        word = _APOSTROPHE.sub("", word)
        pieces.extend((piece, word_number) for piece in _NON_ALNUM.split(word) if piece)
    return tuple(pieces)


def fit(short: str, long: str) -> str:
    """How the short form fits the long form: FIT_TIGHT, FIT_LOOSE or FIT_NONE."""
    return fit_details(short, long)[0]


def fit_details(short: str, long: str) -> tuple[str, int]:
    """The fit, and for a tight fit the number of words that give letters (the more,
    the better the long form: "thyroid transcription factor 1 (TTF-1)" beats
    "transcription factor 1")."""
    letters = _letters(short)
    segments = _segments(long)
    if not letters or not segments:
        return FIT_NONE, 0
    result = _fit_letters(letters, segments)
    if result[0] == FIT_NONE:
        # A number at the end of a name need not be spelled out: "multidrug resistance
        # protein (MRP1)", "transcription termination factor (TTF-I)".
        bare = _numbered.fullmatch(singular(short))
        if bare and len(_letters(bare.group(1))) >= 2:
            quality, groups = _fit_letters(_letters(bare.group(1)), segments)
            if quality == FIT_TIGHT:
                return FIT_NUMBERED, groups
    return result


# A name's closing number: digits ("MRP1", "HIV-1"), or a Roman numeral after a hyphen
# or a space ("TTF-I", "Pol II") or glued to capitals ("CATIII").
_numbered = regex.compile(
    r"(.*?\p{L})(?:[-‐‑ ]?\d+|[-‐‑ ](?:X{0,3})(?:IX|IV|V?I{0,3})|(?<=\p{Lu})(?:III|II|IV|VI{1,3}|IX|XI{1,3}))"
)


def _fit_letters(letters: str, segments) -> tuple[str, int]:
    firsts = _first_pieces(segments)
    groups = _tight_groups(letters, tuple(s for s, _ in segments), firsts)
    if groups > 0:
        return FIT_TIGHT, groups
    for first in firsts:
        word = segments[first][0]
        if word[0] != letters[0]:
            continue
        rest = iter(word[1:] + "".join(s for s, _ in segments[first + 1 :]))
        if all(char in rest for char in letters[1:]):
            return FIT_LOOSE, 0
    return FIT_NONE, 0


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

    budget = [_FIT_BUDGET]

    @lru_cache(maxsize=None)
    def best(i: int, s: int) -> int:
        if i == len(letters):
            return 0
        budget[0] -= 1
        if budget[0] < 0:
            return -1  # a pathological short form: give up rather than take long
        result = -1
        for t in range(s, len(segments)):
            for word in _spellings(segments[t]):
                offset = _run_start(letters[i], word)
                if offset is not None:
                    result = max(result, _runs(i, word, offset, t))
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
    for first in firsts:
        for word in _spellings(segments[first]):
            offset = _run_start(letters[0], word)
            if offset == 0 or offset is not None and (letters[0] == "x" or letters[0].isdigit() and word[0].isdigit()):
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


@dataclass(frozen=True)
class _Found:
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
    sentence_starts = [start for start, _ in sentences] or [0]
    found: list[_Found] = []
    explained: list[tuple[str, int, int]] = []
    for open_, close in _brackets(text):
        sentence_start = sentence_starts[max(bisect_right(sentence_starts, open_) - 1, 0)]
        result = _long_first(text, open_, close, sentence_start)
        if not isinstance(result, _Found):
            other = _short_first(text, open_, close, sentence_start)
            if isinstance(other, _Found) or result is None:
                result = other
        if isinstance(result, _Found):
            found.append(result)
        elif isinstance(result, tuple):
            explained.append(result)
    for match in _SAID_AFTER.finditer(text):
        # "Nonalcoholic steatohepatitis, or NASH,": the long form before, a tight fit only.
        sentence_start = sentence_starts[max(bisect_right(sentence_starts, match.start()) - 1, 0)]
        short = match.group("short")
        if looks_like_abbreviation(short) and _short_form_candidate(short):
            result = _long_form_before(text, short, match.start("short"), match.end("short"), sentence_start,
                                       match.start(), bracketed=False)
            if result is not None and result.fit == FIT_TIGHT:
                found.append(result)
    for match in _STANDS_FOR.finditer(text):
        # "DASH stands for Dietary Approaches to Stop Hypertension."
        short = match.group("short")
        if looks_like_abbreviation(short):
            parts = [_trim(text, match.end(), _clause_end(text, match.end()))]
            result = _short_first_at(text, match.start("short"), match.end("short"), parts, bracketed=False)
            if isinstance(result, _Found) and result.fit == FIT_TIGHT and _PLAIN_WORD.match(result.long):
                found.append(result)
    found.sort(key=lambda item: item.short_start)
    return found, explained


_ABBREVIATION_TOKEN = r"(?P<short>(?:\p{L}\.){2,12}|[\p{L}\p{N}][\p{L}\p{N}\-]{0,20}[\p{L}\p{N}])"
_SAID_AFTER = regex.compile(
    r"(?:,\s*or|[,(]?\s*(?:also\s+(?:called|known\s+as)|known\s+as|(?:commonly\s+)?referred\s+to\s+as|"
    r"abbreviated(?:\s+as)?))\s+"
    + _ABBREVIATION_TOKEN + r"(?=[\s,.;:)\]]|$)"
)
_STANDS_FOR = regex.compile(
    r"(?<![\p{L}\p{N}\-.])" + _ABBREVIATION_TOKEN
    + r"(?:,?\s+(?:stands\s+for|is\s+short\s+for|is\s+an\s+abbreviation\s+for)|,\s+or)\s+(?:the\s+)?"
)


_CLAUSE_END = regex.compile(r"[.;:()\[\]]|,\s")


def _clause_end(text: str, start: int) -> int:
    end = min(len(text), start + _LONGEST_BRACKET)
    match = _CLAUSE_END.search(text, start, end)
    return match.start() if match else end


def _brackets(text: str):
    """(open, close) offsets of every matched pair of () or [], innermost first."""
    stack: list[tuple[str, int]] = []
    pairs = {")": "(", "]": "["}
    for position, char in enumerate(text):
        if char in "([":
            stack.append((char, position))
        elif char in pairs:
            while stack and stack[-1][0] != pairs[char]:
                stack.pop()
            if stack:
                yield stack.pop()[1], position


_LONGEST_BRACKET = 300  # characters; more is a remark, not a definition, and is not read


def _parts(text: str, start: int, end: int, separators: str) -> list[tuple[int, int]]:
    """Spans of the bracketed text up to each top-level separator (followed by a space)
    and up to the end, trimmed of spaces and quotes: "ALL; also called..." -> "ALL", "ALL; also..."."""
    if end - start > _LONGEST_BRACKET:
        return [(start, start)]
    depth = 0
    spans = []
    for position in range(start, end):
        char = text[position]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and char in separators and (position + 1 == end or text[position + 1].isspace()):
            spans.append(_trim(text, start, position))
    spans.append(_trim(text, start, end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in _QUOTES):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _QUOTES):
        end -= 1
    return start, end


_LOOK_BACK = 600  # characters: more than any long form of at most 24 words needs


def _words_before(text: str, start: int, end: int, count: int) -> list[tuple[int, int]]:
    """Spans of the last `count` space-separated words in text[start:end], looking back
    a bounded stretch so that a sentence without end costs no more than a short one."""
    begin = max(start, end - _LOOK_BACK)
    words = [m.span() for m in _SPACE_TOKEN.finditer(text, begin, end)]
    if words and begin > start and not text[begin - 1].isspace():
        words = words[1:]  # cut in the middle of a word
    return words[-count:]


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
    letters = _letters(short)
    words = _words_before(text, sentence_start, limit, _window(letters))
    if not words:
        return None
    long_end = _trim_end(text, words[-1][0], words[-1][1])
    best, best_key = None, None
    for index in range(len(words) - 1, -1, -1):
        word_start, word_end = words[index]
        word = text[word_start:word_end]
        opens = word.startswith(("(", "[")) and not (")" in word or "]" in word)
        closes = ")" in word and "(" not in word or "]" in word and "[" not in word
        if word.startswith(("(", "[")) and not opens or closes:
            break  # an earlier remark in brackets ends the long form
        if _is_short_form_itself(letters, word):
            break  # "H-Ras (Ras)", "RVS167p (RVS167)": a name, not an expansion
        for fit_start, long_start, penalty in _starts(text, word_start, word_end):
            if long_start >= long_end or text[long_start:word_end].strip(".,;:") in STOPWORDS:
                continue  # "the", "of"; but "WAS protein (WASP)", "The Scripps Research Institute (TSRI)"
            long = text[long_start:long_end]
            if long.count("(") != long.count(")") or long.count("[") != long.count("]") or not _has_word(long):
                continue
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
    long_end = _trim_trailing_phrase(text, short, fit_start, long_end, quality)
    return _Found(short, text[long_start:long_end], short_start, short_end, long_start, long_end, LONG_FIRST,
                  quality, bracketed)


def _is_name(word: str) -> bool:
    """A symbol with digits or capitals inside: "HKIII", "Cla4p"."""
    if any(char in word for char in "()[]"):
        return False
    return any(char.isdigit() for char in word) or sum(char.isupper() for char in word) >= 2


_RANK = {FIT_TIGHT: 3, FIT_NUMBERED: 2, FIT_LOOSE: 1}


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
    for position in range(first + 1, end - 1):
        if text[position] in "-/‐‑" and text[position + 1].isalpha() and text[position - 1].isalnum():
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
    half of the letters (at least two). Only for short forms in capitals ("O.P.M.S."):
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
        if _initials_in_order(letters, initials) >= need:
            return _Found(short, long, short_start, short_end, long_start, long_end, LONG_FIRST, FIT_NONE)
    return (short, short_start, short_end)


_LEADING_FILLER = regex.compile(r"(?:for|i\.?e\.?,?|or|also|aka|short for|stands for)\s+", regex.IGNORECASE)


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


def _is_short_form_itself(letters: str, word: str) -> bool:
    """The word is the short form, one of its pieces is, or (for a short form with
    digits) it starts with it: "TAND", "H-Ras" for Ras, "RVS167p" for RVS167."""
    pieces = _segments(word)
    if any(piece == letters for piece, _ in pieces):
        return True
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
    budget = _LONG_FORM_BUDGET
    for block in document.blocks:
        text = block.text
        words = [m.span() for m in _SPACE_TOKEN.finditer(text)]
        for index, span in enumerate(words):
            start = _word_start(text, *span)
            if start is None or text[start].lower() not in pending:
                continue
            for short, letters in list(pending[text[start].lower()]):
                budget -= len(letters) + 2
                if budget < 0:
                    return found
                phrase = _phrase_for(text, words, index, start, short, letters)
                if phrase is not None:
                    found[short] = (block, start, phrase)
                    pending[letters[0]].remove((short, letters))
    return found


def _phrase_for(text: str, words, index: int, start: int, short: str, letters: str) -> Optional[int]:
    """The end of the phrase starting at `start` that spells out `short`, or None."""
    for count in range(1, min(len(letters) + 2, len(words) - index) + 1):
        last_start, last_end = words[index + count - 1]
        end = _trim_end(text, last_start, last_end)
        if end <= start or any(char in text[start:end] for char in ".;:()[]"):
            return None
        long = text[start:end]
        if looks_like_abbreviation(text[last_start:last_end]) or _is_short_form_itself(letters, long):
            return None  # "OPMS kratom": the abbreviation itself, not its words
        quality, groups = fit_details(short, long)
        content = sum(1 for word in long.lower().split() if word not in STOPWORDS)
        if quality == FIT_TIGHT and groups >= content and long.split()[-1].lower() not in STOPWORDS:
            return end
    return None


# ---- the document -----------------------------------------------------------------------


_last: tuple[Optional[Document], Optional[Analysis]] = (None, None)


def analyse(document: Document) -> Analysis:
    """Definitions and uses of abbreviations in the document.

    Every acronym rule asks for this; the analysis of the last document is kept so
    that it runs once per document, not once per rule. The cache holds the document
    itself, so its id cannot be reused while it is cached.
    """
    global _last
    cached_document, cached = _last
    if cached_document is document and cached is not None:
        return cached
    analysis = _analyse(document)
    _last = (document, analysis)
    return analysis


def _analyse(document: Document) -> Analysis:
    definitions: list[Definition] = []
    explained: set[str] = set()
    taken: dict[int, list[tuple[int, int]]] = {}  # block index -> spans of definitions' short forms
    for block in document.blocks:
        found, glosses = find_definitions(block.text, block.sentences)
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
    defined = {d.key for d in definitions}
    forms = {singular(d.short) for d in definitions}
    uses: list[Use] = []
    names: set[str] = set()
    symbols: set[str] = set()
    for block in document.blocks:
        uses.extend(_uses(block, defined | explained, forms, taken.get(block.index, ()), names, symbols))
    return Analysis(tuple(definitions), tuple(uses), frozenset(explained), frozenset(names), frozenset(symbols))


def _uses(block: Block, known: set[str], forms: set[str], taken, names: set[str], symbols: set[str]) -> list[Use]:
    """Words of the block that are abbreviations, in order; names (by their context) go
    to `names`, symbols shaped like gene names to `symbols`."""
    text = block.text
    shouted = _shouted_sentences(text, block.sentences)
    taken = sorted(list(taken) + [m.span() for m in _PRONUNCIATION.finditer(text)])
    found: list[Use] = []
    chain: list[Use] = []  # symbols joined by "," / "and" / "or": "the BRCA1 and BRCA2 genes"
    chain_named = False
    for match in _WORD.finditer(text):
        if not _TWO_CAPITALS.search(match.group()) and (not forms or singular(match.group()) not in forms):
            continue  # the common case, decided cheaply: no abbreviation here
        if _IDENTIFIER.match(match.group()):
            continue
        for start, end in _pieces(text, match.start(), match.end(), known):
            if _inside(taken, start):
                continue
            word = text[start:end]
            key = short_form_key(word)
            if not key:
                continue
            if singular(word) not in forms:
                # Not a form the text defines: it must look like an abbreviation
                # ("ALL" is one; "All" and "all" are not).
                if not looks_like_abbreviation(word) or key in EMPHASIS and key not in known:
                    continue
                if _inside(shouted, start):
                    continue
                if len(word) <= 3 and word.isupper() and _SURNAME_BEFORE.search(text, max(0, start - 30), start) \
                        and _INITIALS_AFTER.match(text, end):
                    continue
            use = Use(word, key, block, start, end)
            if chain and not _LIST_GLUE.fullmatch(text, chain[-1].end, start):
                chain, chain_named = [], False
            chain.append(use)
            if _SYMBOL.fullmatch(word):
                symbols.add(key)
            if chain_named or _NAME_AFTER.match(text, end) or _NAME_BEFORE.search(text, max(0, start - 30), start) \
                    or _in_gene_list(text, start):
                names.update(u.key for u in chain)
                chain_named = True
            found.append(use)
    return found


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


def _shouted_sentences(text: str, sentences) -> list[tuple[int, int]]:
    """Sentences written mostly in capitals: their capitals are no abbreviations."""
    shouted = []
    for start, end in sentences:
        words = [w for w in _LETTERS2.findall(text, start, end)]
        if len(words) >= 3 and sum(w.isupper() for w in words) * 2 > len(words):
            shouted.append((start, end))
    return shouted
