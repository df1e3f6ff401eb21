"""Sentence splitting that survives abbreviations and dotted acronyms.

A sentence ends at `.`, `!` or `?` (with any closing quotes or brackets) that
is followed by white space and then something that can open a sentence. The
period does not end a sentence after a known abbreviation ("Dr.", "e.g.",
"et al."), after a single capital ("J. Smith"), or after a dotted acronym
("U.S.", "O.P.M.S.") unless the next word is one that usually opens a sentence
("in the U.S. The study...").
"""
from __future__ import annotations

import regex

# Abbreviations after which a period never ends a sentence (compared lower-cased,
# without the final period).
_ABBREVIATIONS = frozenset(
    """
    dr mr mrs ms prof sr jr st mt vs etc e.g i.e al cf approx fig figs no nos vol
    pp ed eds inc ltd co corp dept univ est min max mg ml kg mcg wk wks hr hrs mo
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

# A word (from its start, so that the scan stays linear), the closing
# punctuation, any closing quotes or brackets, then white space and the next
# character.
_CANDIDATE = regex.compile(r"(?<!\S)(\S*?)([.!?]+)[\"'”’)\]]*(?=\s+(\S))")
_FOLLOWING_WORD = regex.compile(r"\s+([\p{L}']+)")
_DOTTED_ACRONYM = regex.compile(r"^(?:\p{L}\.){2,}$")
_OPENING = regex.compile(r"[\p{Lu}\p{N}\"'“‘(\[¿¡*_#-]")


def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Return (start, end) offsets of the sentences of `text`, trimmed of white space."""
    spans = []
    start = 0
    for candidate in _CANDIDATE.finditer(text):
        if not _OPENING.match(candidate.group(3)):
            continue
        if candidate.group(2)[0] == "." and not _period_ends_sentence(text, candidate):
            continue
        end = candidate.end()
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return tuple(_trim(text, s, e) for s, e in spans if not text[s:e].isspace() and e > s)


def _period_ends_sentence(text: str, candidate) -> bool:
    word = candidate.group(1).lstrip("(\"'“‘[")
    if not word:
        return True
    if word.lower() in _ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. Smith"
    if _DOTTED_ACRONYM.match(word + "."):
        following = _FOLLOWING_WORD.match(text, candidate.end())
        return bool(following) and following.group(1).lower() in _OPENERS
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
