"""Sentence splitting that survives abbreviations and dotted acronyms.

A sentence ends at `.`, `!` or `?` (with any closing quotes or brackets) that
is followed by white space and then something that can open a sentence. The
period does not end a sentence after a known abbreviation ("Dr.", "e.g.",
"et al."), after a single capital ("J. Smith"), or after a dotted acronym
("U.S.", "O.P.M.S.") unless the next word is one that usually opens a sentence
("in the U.S. The study...").
"""
from __future__ import annotations

import re

import regex

from .. import pattern_cache
from ..model import MASK

# Abbreviations after which a period never ends a sentence (compared lower-cased,
# without the final period). Units (mg, ml, hrs...) are not among them: in
# health writing "Take 500 mg. Do not..." ends a sentence far more often than
# a unit takes a period of its own.
_ABBREVIATIONS = frozenset(
    """
    dr mr mrs ms prof sr jr st mt vs etc e.g i.e al cf approx fig figs no nos vol
    pp ed eds inc ltd co corp dept univ est min max
    jan feb mar apr jun jul aug sep sept oct nov dec ca viz resp
    """.split()
)

# Words that open a sentence; after a dotted acronym they tell that the period
# also ended the sentence.
_OPENERS = frozenset(
    """
    the this that these those it its a an in on at as if when while however but
    and or so yet also although though because since after before during due
    for from to with without by we you they he she there here some many most
    such each every both all one no not our your their his her my what which who
    how why where please always never do does did is are was were be can could
    may might should would will must consult talk ask
    """.split()
)

# The closing punctuation (taken whole from its first character, so that a
# long run of periods is not retried from inside), any closing quotes or
# brackets, the white space, and a character that can open a sentence. The
# engine finds these in one pass; only a period then needs a look at the word
# before it.
# (The look-behind sits after the first mark, where it reads "the mark is not
# preceded by another": the engine then skips ahead to the marks by their
# character class alone, a third faster than trying the look-behind everywhere.)
_CANDIDATE = pattern_cache.compile(r"([.!?](?<![.!?].)[.!?]*+[\"'”’)\]]*+)\s++(?=[\p{Lu}\p{N}\"'“‘(\[¿¡*_#-])")
# The same for ASCII text, where \s, \p{Lu} and \p{N} are exactly these
# classes: the standard library's engine finds the candidates twice as fast,
# and faster still in a copy of the text in bytes where every closing mark
# is a period (_AS_PERIODS), as it then looks for one character rather than
# any of three. (Without possessive quantifiers, which it lacks before Python
# 3.11: no part can give a character back to the next, which cannot start with it.)
_ASCII_CANDIDATE = re.compile(rb"""(\.(?<!\.\.)\.*["')\]]*)[ \t\n\r\f\v]+(?=[A-Z0-9"'(\[*_#-])""")
_AS_PERIODS = bytes.maketrans(b"!?", b"..")
_FOLLOWING_WORD = pattern_cache.compile(r"\s+([\p{L}']+)")
_DOTTED_ACRONYM = pattern_cache.compile(r"^(?:\p{L}\.){2,}$")
# Abbreviations are short: the word before a period is looked for this far back.
_WORD_WINDOW = 64


def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Return (start, end) offsets of the sentences of `text`, trimmed of white space."""
    if "." not in text and "!" not in text and "?" not in text:
        return _whole(text)  # no sentence end inside: headings, list items, cells
    spans = []
    append = spans.append
    start = 0
    abbreviations, word_window, rfind = _ABBREVIATIONS, _WORD_WINDOW, text.rfind
    # A text whose only characters beyond ASCII are the parser's MASKs (for code
    # and links) is read as ASCII too, with NULs for them: neither a MASK nor a
    # NUL is in any class of the pattern.
    plain = text if text.isascii() or MASK not in text else text.replace(MASK, "\0")
    if plain.isascii():
        ascii_text = plain.encode("ascii")
        # Most texts have periods only: two searches for a character cost a
        # tenth of the translation, which goes through every byte.
        if "!" in plain or "?" in plain:
            ascii_text = ascii_text.translate(_AS_PERIODS)
        candidates = _ASCII_CANDIDATE.finditer(ascii_text)
    else:
        candidates = _CANDIDATE.finditer(text)
    for candidate in candidates:
        mark = candidate.start()
        if text[mark] == ".":
            # Most periods follow a plain word of letters or digits after a
            # space, which ends a sentence unless it is a known abbreviation:
            # that much is told here; anything else goes to the full test.
            window = mark - word_window if mark > word_window else 0
            space = rfind(" ", window, mark)
            word = text[space + 1 if space >= 0 else window : mark]
            if not (word.isalnum() and len(word) > 1 and word.lower() not in abbreviations):
                if not _period_ends_sentence(text, candidate):
                    continue
        append((start, candidate.end(1)))
        start = candidate.end()
    if not spans:
        return _whole(text)
    spans.append((start, len(text)))
    # Each sentence holds its closing mark or the character after the white
    # space (never white space itself), so none is empty, and only the text's
    # own ends can need trimming.
    if text[0].isspace():
        spans[0] = _trim(text, 0, spans[0][1])
    if text[-1].isspace():
        spans[-1] = _trim(text, start, len(text))
    return tuple(spans)


def _whole(text: str) -> tuple[tuple[int, int], ...]:
    """The one sentence of a text with no sentence end inside: the text trimmed, if anything is left."""
    if text and not text[0].isspace() and not text[-1].isspace():
        return ((0, len(text)),)  # most such texts: nothing to trim
    span = _trim(text, 0, len(text))
    return (span,) if span[1] > span[0] else ()


def _period_ends_sentence(text: str, candidate) -> bool:
    period = candidate.start()
    window = max(0, period - _WORD_WINDOW)
    before = text[window:period].rsplit(None, 1)
    if not before or text[period - 1].isspace():
        return True
    if len(before) == 1 and window > 0 and not text[window - 1].isspace():
        return True  # a word this long is no abbreviation
    word = before[-1].lstrip("(\"'“‘[")
    if not word:
        return True
    if word.lower() in _ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. Smith"
    if "." in word and _DOTTED_ACRONYM.match(word + "."):
        following = _FOLLOWING_WORD.match(text, candidate.end(1))
        return bool(following) and following.group(1).lower() in _OPENERS
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    kept = piece.lstrip()  # str.strip drops exactly the characters str.isspace accepts
    start += len(piece) - len(kept)
    return start, start + len(kept.rstrip())
