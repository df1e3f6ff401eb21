"""`spelling`: close misspellings of drug, botanical and condition names.

A word is reported when it is not in the vocabulary, not an English word, and
within a small edit distance of exactly one vocabulary term: one edit
(insertion, deletion, substitution or swap of two neighbours) for terms
shorter than `long_term` letters (10), two for longer ones. "mitraginin" is
two edits from "mitragynine" and is reported with "mitragynine" as the fix.

The vocabulary is healthlint/data/medical_terms.txt (`builtin_vocabulary`),
plus the rule's `terms` and the terms in `vocabulary_files` (one per line,
`#` comments; a relative path is read from the rule file's folder, or else
from the folder healthlint runs in). Adding a
term also stops its own spelling from being reported; words in `allow` are
never reported and never offered as a fix (words that lie close to a term but
are not misspellings of it: "cytosine" beside "cytisine").

Guards against reporting what is not a misspelling: words shorter than
`min_length` letters (6); words written in capitals or with capitals inside
(acronyms, gene names); English words (SCOWL size 50) and their plurals;
British spellings of a known word ("oestrogen"); a word whose first letter
differs from the term's; another form of the term ("anemic" for "anemia",
"psychotic" for "psychosis"); a word as close to two terms as to one.

Speed: the vocabulary is indexed by deletions (the SymSpell method): each term
is stored under every string made by deleting up to two of its letters, so a
word is looked up by its own deletions instead of being compared with every
term. Since a word and a term must share their first letter, the index is one
per first letter, over the rest of the term, and is built the first time a
word with that letter is looked up: a run that lints one file builds only the
few it needs.

Limits: a misspelling that is itself an English word ("heroine" for
"heroin") or that changes the first letter is not found; a correct medical
word missing from the vocabulary that lies close to a term is reported: add
it with `terms`.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import Iterable

import regex

from .. import pattern_cache
from ..cache import remembered
from ..documents.words import WORD
from ..model import Document, Finding, Rule
from ..wordlists import english_words, medical_terms, read_terms, term_words
from .base import Check, Hit, Option, OptionError, Terms, boolean, integer, keep_case, string_list
from .pattern import in_scope

OPTIONS = {
    "builtin_vocabulary": Option(boolean, True, help="use healthlint's list of medical terms"),
    "terms": Option(string_list, (), help="more terms (drug, product, botanical names)"),
    "vocabulary_files": Option(string_list, (), help="files of terms, one per line; relative to the rule file"),
    "allow": Option(string_list, (), help="words never reported and never offered as a fix"),
    "min_length": Option(integer, 6, help="shorter words are never reported"),
    "long_term": Option(integer, 10, help="terms of this many letters or more allow two edits, shorter ones one"),
}
MESSAGE_FIELDS = ("match", "term", "distance")

_TOKEN = WORD  # the words of Block.words
_LETTERS = pattern_cache.compile(r"\p{L}+")
_POSSESSIVE = pattern_cache.compile(r"['’]s$", regex.IGNORECASE)
_LONGEST_WORD = 40
_BRITISH_AE = pattern_cache.compile(r"ae(?=\p{L})")

# Endings that make another form of the same word, or another word from the
# same root: a word and a term that are equal once one of these is taken off
# each are different words, not a misspelling of one another ("anemic" and
# "anemia", "thrombolytic" and "thrombolysis", "hypertonia" and "hypersomnia"
# are not typos). Medical suffixes carry meaning: -emia is blood, -uria urine.
_ENDINGS = tuple(sorted(
    """
    ically ical ics ic ias ia ies y ous ally al isms ism ists ist ity ities ed ing ers er ive ion ions
    oids oid um us a i ae is idis ica icus icum in an on or ors
    emia emic uria uric asia asis osis oses otic itis itides itic oma omas pathy pathies
    lysis lyses lytic lytics esis etic etics esia etica atic asis tonia tonic somnia plasia plastic
    trophy trophic pathic phagia phasia phonia phoria phobia philia algia rrhea rrhoea ectomy otomy
    ostomy scopy cyte cytes cytosis blast blasts topia porosis petrosis genesis genic plasty
    penia penic sclerosis
    """.split(),
    key=len, reverse=True,
))

# Prefixes that make another word: hyper- and hypo- are opposites, not typos.
_PREFIX_FAMILIES = (("hyper", "hypo"), ("brady", "tachy"), ("micro", "macro"), ("nephr", "neur"),
                    ("arter", "arthr"), ("hyper", "hypno"))

# British spellings, tried as their US form: anaemia, oestrogen, sulphate.
_BRITISH = (("ae", "e"), ("oe", "e"), ("ph", "f"), ("our", "or"), ("isation", "ization"),
            ("ise", "ize"), ("yse", "yze"), ("tre", "ter"), ("ll", "l"))


class Vocabulary:
    """Known words, with their written form, and a deletion index over them."""

    def __init__(self, terms: tuple[str, ...], min_length: int, long_term: int):
        self.spelling: dict[str, str] = {}
        for term in terms:
            for word in term_words(term):
                self.spelling.setdefault(word.lower(), word)
        self.min_length = min_length
        self.long_term = long_term
        # The terms a word may misspell, by their first letter; each letter's index is
        # built when a word with that letter is first looked up.
        self._by_initial: dict[str, list[str]] = {}
        for term in self.spelling:
            if len(term) >= min_length:
                self._by_initial.setdefault(term[0], []).append(term)
        self._indexes: dict[str, dict[str, list[str]]] = {}

    def __contains__(self, word: str) -> bool:
        return word in self.spelling

    def max_edits(self, term: str) -> int:
        return 2 if len(term) >= self.long_term else 1

    def _index(self, initial: str) -> dict[str, list[str]]:
        """The terms starting with `initial`, under the deletions of the rest of them."""
        index = self._indexes.get(initial)
        if index is None:
            terms = self._by_initial.get(initial, [])
            # Kept on disk, keyed by the terms and their edit limits: building a letter's
            # index (tens of thousands of deletions) cost more than reading it back, in
            # each process, for each letter a run meets.
            key = hashlib.sha256(repr((terms, self.long_term)).encode()).hexdigest()
            index = self._indexes[initial] = remembered("spelling-index", key, lambda: self._built_index(terms))
        return index

    def _built_index(self, terms: list[str]) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for term in terms:
            for key in _deletions(term[1:], self.max_edits(term)):
                index.setdefault(key, []).append(term)
        return index

    def nearest(self, word: str) -> tuple[str, int] | None:
        """The one term within its edit limit of `word`, or None (none, or a tie)."""
        index = self._index(word[0])
        best: dict[str, int] = {}
        # The keys both have, found in C; the order they come in does not matter,
        # since a tie between two terms gives no answer.
        # Only terms with the word's first letter are wanted, and for two words that
        # share their first letter, the deletions that make them equal can always
        # leave that letter alone: the rest of the word is looked up in the index of
        # the rest of the terms with its first letter.
        # A term allowed one edit shares a key of at most one deletion with every
        # word one edit away. A term allowed two (long_term letters or more) is
        # indexed under keys of long_term - 3 letters or more, which a word
        # reaches with two deletions only when it has long_term letters itself.
        depth = 2 if len(word) >= self.long_term else 1
        for key in index.keys() & _deletions(word[1:], depth):
            for term in index[key]:
                if term in best:
                    continue
                limit = self.max_edits(term)
                if abs(len(term) - len(word)) > limit:
                    continue
                distance = edit_distance(word, term, limit)
                if distance <= limit:
                    best[term] = distance
        if not best:
            return None
        closest = min(best.values())
        terms = [term for term, distance in best.items() if distance == closest]
        return (terms[0], closest) if len(terms) == 1 else None


@lru_cache(maxsize=16)
def vocabulary(terms: tuple[str, ...], min_length: int, long_term: int) -> Vocabulary:
    return Vocabulary(terms, min_length, long_term)


def _deletions(word: str, depth: int) -> set[str]:
    """The word and every string made by deleting one (`depth` 1) or up to two
    (`depth` 2) of its letters."""
    ones = [word[:i] + word[i + 1 :] for i in range(len(word))]
    found = {word, *ones}
    if depth >= 2:
        # The second deletion at or after the first, in the string the first left:
        # each pair once, one slice joined instead of two.
        found.update([one[:j] + one[j + 1 :] for i, one in enumerate(ones) for j in range(i, len(one))])
    return found


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein without repeated
    edits of one substring), or limit + 1 when it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    # A common start and end cost nothing and change no distance: only the letters
    # between them are compared, a few for a typo ("corticoster|io|d", "|oi|").
    start, a_end, b_end = 0, len(a), len(b)
    shorter = min(a_end, b_end)
    while start < shorter and a[start] == b[start]:
        start += 1
    while a_end > start and b_end > start and a[a_end - 1] == b[b_end - 1]:
        a_end -= 1
        b_end -= 1
    a, b = a[start:a_end], b[start:b_end]
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[len(b)], limit + 1)


def _stems(word: str) -> set[str]:
    """The word and what is left of it once an ending is taken off."""
    stems = {word}
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stems.add(word[: -len(ending)])
    return stems


def another_word(word: str, term: str) -> bool:
    """Whether `word` is another word built on `term`'s root (or the other way
    round) rather than a misspelling of it."""
    word, term = _BRITISH_AE.sub("e", word), _BRITISH_AE.sub("e", term)  # hyperuricaemic
    word_stems, term_stems = _stems(word), _stems(term)
    # A silent final e goes before an ending: perimenopause, perimenopausal.
    if term.endswith("e") and len(word) > len(term):
        term_stems.add(term[:-1])
    if word.endswith("e") and len(term) > len(word):
        word_stems.add(word[:-1])
    if word_stems & term_stems:
        return True
    for family in _PREFIX_FAMILIES:
        word_prefix = next((p for p in family if word.startswith(p)), None)
        term_prefix = next((p for p in family if term.startswith(p)), None)
        if word_prefix and term_prefix and word_prefix != term_prefix:
            return True
    return False


def _plural_stems(word: str) -> list[str]:
    stems = []
    if word.endswith("ies"):
        stems.append(word[:-3] + "y")
    if word.endswith("es"):
        stems.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        stems.append(word[:-1])
    return stems


class SpellingCheck(Check):
    def __init__(self, rule: Rule):
        super().__init__(rule)
        terms = medical_terms() if rule.option("builtin_vocabulary") else ()
        terms += tuple(rule.option("terms"))
        folder = Path(rule.path).parent if rule.path else Path.cwd()
        for name in rule.option("vocabulary_files"):
            path = Path(name).expanduser()
            if not path.is_absolute():
                # Beside the rule file; failing that (options set in a configuration
                # file apply to a built-in rule), where healthlint runs.
                path = folder / path if (folder / path).exists() or not path.exists() else path
            try:
                terms += read_terms(path)
            except (OSError, UnicodeDecodeError) as error:
                raise OptionError(f"cannot read the vocabulary file {str(path)!r}: {error}",
                                  key="vocabulary_files") from None
        if not terms:
            raise OptionError("the rule has no terms: keep builtin_vocabulary or add terms", key="terms")
        min_length, long_term = rule.option("min_length"), rule.option("long_term")
        if min_length < 3 or long_term < 3:
            raise OptionError("must be at least 3", key="min_length" if min_length < 3 else "long_term")
        self.vocabulary = vocabulary(terms, min_length, long_term)
        self.english = english_words()
        self.allowed = frozenset(word.lower() for word in rule.option("allow"))
        self.exceptions = Terms(rule.exceptions).compiled()
        self._verdicts: dict[str, tuple[str, int] | None] = {}
        self._long_enough = min_length.__le__  # a token this long may be a suspect
        self._clean_tokens: set[str] = set()

    def check(self, document: Document, hits: list[Hit]) -> Iterable[Finding]:
        blocks = [block for block in document.blocks if in_scope(self.rule.scope, block.kind)]
        # Nearly every word is known: judge each distinct word form of the
        # document once (cached across documents), and walk positions only in
        # the rare block that holds a suspect. Words shorter than min_length
        # are never suspects, and are dropped unseen.
        unseen = set().union(*[block.words.all for block in blocks])  # _TOKEN's words, shared
        unseen -= self._clean_tokens  # in C: most words were judged before
        unseen = list(unseen)
        unseen = compress(unseen, map(self._long_enough, map(len, unseen)))
        suspects = set(filter(self._suspicious, unseen))
        if not suspects:
            return
        for block in blocks:
            if suspects.isdisjoint(block.words.all):
                continue
            text = block.text
            for token in _TOKEN.finditer(text):
                if token.group() not in suspects:
                    continue
                word = _POSSESSIVE.sub("", token.group())
                for part in _LETTERS.finditer(word):
                    verdict = self._misspelling(part.group())
                    if verdict is None:
                        continue
                    start, end = token.start() + part.start(), token.start() + part.end()
                    if self._excepted(text, start, end):
                        continue
                    term, distance = verdict
                    match = text[start:end]
                    yield self.finding(
                        document.span(block, start, end),
                        match,
                        fields={"term": term, "distance": distance},
                        replacement=term,
                    )

    def _suspicious(self, token: str) -> bool:
        """Whether any letter run of the token is a misspelling; clean tokens are remembered."""
        word = _POSSESSIVE.sub("", token) if "'" in token or "’" in token else token
        lower = word.lower()
        # An English word in ASCII letters is its only letter run, and _judge knows it: most
        # tokens are such words, and are cleared without the runs being read.
        verdict = len(word) >= self.vocabulary.min_length and lower not in self.vocabulary \
            and not (lower in self.english and word.isascii() and word.isalpha()) \
            and any(self._misspelling(part) is not None for part in _LETTERS.findall(word))
        if not verdict and len(self._clean_tokens) < 500_000:
            self._clean_tokens.add(token)
        return verdict

    def _misspelling(self, word: str) -> tuple[str, int] | None:
        """(the term it misspells, edits) or None; cached per word form."""
        if word in self._verdicts:
            return self._verdicts[word]
        verdict = self._judge(word)
        if len(self._verdicts) < 100_000:
            self._verdicts[word] = verdict
        return verdict

    def _judge(self, word: str) -> tuple[str, int] | None:
        vocabulary = self.vocabulary
        if not vocabulary.min_length <= len(word) <= _LONGEST_WORD or any(map(str.isupper, word[1:])):
            return None
        lower = word.lower()
        if self._known(lower):
            return None
        found, plural = vocabulary.nearest(lower), ""
        if lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > vocabulary.min_length:
            # A plural is a misspelling of the term's plural: corticosteriods.
            singular = vocabulary.nearest(lower[:-1])
            if singular is not None and (found is None or singular[1] <= found[1]):
                found, plural = singular, "s"
        if found is None:
            return None
        term, distance = found
        if another_word(lower[: len(lower) - len(plural)], term):
            return None
        written = vocabulary.spelling[term]
        if written == term:  # a lower-case term takes the word's capitals
            written = keep_case(word, term)
        return written + plural, distance

    def _known(self, lower: str) -> bool:
        known = self.vocabulary
        english = self.english
        if lower in known or lower in english or lower in self.allowed:
            return True
        if any(stem in known or stem in english or stem in self.allowed for stem in _plural_stems(lower)):
            return True
        for british, american in _BRITISH:
            if british in lower:
                us = lower.replace(british, american)
                if us in known or us in english:
                    return True
        return False

    def _excepted(self, text: str, start: int, end: int) -> bool:
        if self.exceptions is None:
            return False
        return any(
            match.start() < end and start < match.end()
            for match in self.exceptions.finditer(text, max(0, start - 200), min(len(text), end + 200))
        )


def compile(rule: Rule) -> SpellingCheck:
    return SpellingCheck(rule)
