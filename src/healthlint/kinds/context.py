"""Questions rules ask about the text around a match: quoted? negated? what is near?

A match is negated when a negator stands up to two words before it, perhaps
followed by auxiliaries and an article ("no treatment has been proven to",
"no supplement is a cure-all"); contractions count with or without their
apostrophe ("don't", "dont"), since scraped text often loses it.
"""
from __future__ import annotations

import regex

from .. import pattern_cache
from ..model import Block, Document
from .base import Hit

# Pairs of double quotes inside one sentence. Single quotes are left alone:
# ’ is far more often an apostrophe than a quote in the texts we lint.
_QUOTED = pattern_cache.compile(r"“[^“”]*”|\"[^\"]*\"|«[^«»]*»|„[^„“”]*[“”]")

# A negator up to two words before the match, then perhaps auxiliaries and an
# article: "is not risk-free", "isn't entirely safe", "never guaranteed", "no
# treatment has been proven to", "no supplement is a cure-all". Contractions
# may have lost their apostrophe ("dont stop"), as in text scraped from HTML.
_NEGATOR = (
    r"\b(?:not|no|none|never|no\s+longer|nor|neither|cannot|can['’]t|won['’]t|\w+n['’]t"
    r"|(?:do|does|did|is|are|was|were|should|would|could|must|has|have|had)nt)\s+"
)
_AUXILIARIES = r"(?:(?:has|have|had|is|are|was|were|be|been|yet|ever)\s+){0,3}(?:(?:a|an|the)\s+)?$"
# The words between stay in the negator's clause: "so they do not overlap, then
# take 50 mg" is not a negated instruction.
_NEGATED = pattern_cache.compile(_NEGATOR + r"(?:[^\s,;:]+\s+){0,2}" + _AUXILIARIES, regex.IGNORECASE)
# A match that is itself a "no ..." claim carries its own negation: "with no
# grogginess and no side effects" claims both, so the earlier "no" does not
# reach across "and" ("not safe or risk-free" still denies both).
_NEGATED_ACROSS_NO_AND = pattern_cache.compile(_NEGATOR + r"(?:(?!and\b)[^\s,;:]+\s+){0,2}" + _AUXILIARIES, regex.IGNORECASE)

# The shortest text _NEGATED (or _NEGATED_ACROSS_NO_AND) matches: "no" and one space.
_SHORTEST_NEGATION = 3

WINDOWS = ("sentence", "sentence-or-next", "paragraph", "document")


def sentence_bounds(block: Block, offset: int) -> tuple[int, int]:
    if not block.sentences:
        return 0, len(block.text)
    return block.sentences[block.sentence_at(offset)]


def in_quotes(block: Block, start: int, end: int, bounds: tuple[int, int] | None = None) -> bool:
    sentence_start, sentence_end = bounds or sentence_bounds(block, start)
    text = block.text
    if not ('"' in text or "“" in text or "«" in text or "„" in text):
        return False  # nothing _QUOTED could match: each of its matches starts with one of these
    for quoted in _QUOTED.finditer(text, sentence_start, max(sentence_end, end)):
        if quoted.start() < start and end < quoted.end():
            return True
    return False


def negated(block: Block, start: int, bounds: tuple[int, int] | None = None) -> bool:
    sentence_start, _ = bounds or sentence_bounds(block, start)
    if start - sentence_start < _SHORTEST_NEGATION:
        return False  # most often a match that starts its sentence: nothing before it to search
    # Every negator of _NEGATOR holds "no", "ne", "nt", "n'" or "n’", in any case ("not", "none",
    # "cannot", "never", "neither", "can't", "don’t", "dont"): most text before a match holds none
    # of them, which a few substring tests tell, where the regex would try each word.
    before = block.text[sentence_start:start].lower()
    if not ("no" in before or "ne" in before or "nt" in before or "n'" in before or "n’" in before):
        return False
    own_no = block.text[start : start + 3].lower() == "no "
    return bool((_NEGATED_ACROSS_NO_AND if own_no else _NEGATED).search(block.text, sentence_start, start))


def crosses_sentence(block: Block, start: int, end: int) -> bool:
    sentence_start, sentence_end = sentence_bounds(block, start)
    return end > sentence_end


def window_texts(document: Document, block: Block, start: int, within: str):
    """The (block, start, end) stretches of text that count as near the match."""
    if within == "document":
        return [(other, 0, len(other.text)) for other in document.blocks]
    if within == "paragraph":
        return [(block, 0, len(block.text))]
    index = block.sentence_at(start) if block.sentences else 0
    sentence_start, sentence_end = sentence_bounds(block, start)
    if within == "sentence-or-next" and index + 1 < len(block.sentences):
        sentence_end = block.sentences[index + 1][1]
    return [(block, sentence_start, sentence_end)]


def found_near(document: Document, hit: Hit, within: str, patterns) -> bool:
    """Whether any of the `patterns` matches in the `within` window around the hit,
    searching only where the hit's prefilter does not rule it out."""
    prefilter = hit.prefilter
    if prefilter is not None and within != "document" and not prefilter.possible(patterns, hit.block):
        return False  # the window lies in the hit's block, where none of the patterns can match
    for text_block, start, end in window_texts(document, hit.block, hit.start, within):
        searched = patterns if prefilter is None else prefilter.possible(patterns, text_block, start, end)
        if any(pattern.search(text_block.text, start, end) for pattern in searched):
            return True
    return False
