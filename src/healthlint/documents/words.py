"""The words of a block, found once and shared by every analysis that counts or looks them up.

A word is a run of letters or digits, with inner apostrophes and hyphens
("don't", "anti-inflammatory" are one word each). Readability counts them,
spelling looks each distinct one up, consistency compares their forms: finding
them is a pass of the `regex` module over the text, as costly as some of those
analyses themselves, so it is done once per block (`Block.words`, cached on the
block) instead of once per analysis.
"""
from __future__ import annotations

import re
from itertools import chain
from typing import NamedTuple

import regex

WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*")
# WORD for ASCII text, where it means exactly this; the standard library's
# engine runs such a plain class a third faster than the `regex` module.
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:['\-][A-Za-z0-9]+)*")


class Words(NamedTuple):
    all: tuple[str, ...]  # every word of the block, in text order
    per_sentence: tuple[int, ...]  # how many of them fall in each of the block's sentences


def find_words(text: str, sentences: tuple[tuple[int, int], ...]) -> Words:
    ascii_text = text.isascii()
    findall = _ASCII_WORD.findall if ascii_text else WORD.findall
    if _tiled(text, sentences):
        # The sentences hold every word, whole: one pass per sentence gives both lists.
        if ascii_text:
            found = _ascii_words(text, sentences)
        else:
            found = [findall(text, start, end) for start, end in sentences]
        return Words(tuple(chain.from_iterable(found)), tuple(map(len, found)))
    return Words(tuple(findall(text)), tuple(len(findall(text, start, end)) for start, end in sentences))


# ASCII bytes that are neither a letter, a digit, an apostrophe nor a hyphen, as spaces.
_SPACED = bytes(byte if chr(byte).isalnum() or chr(byte) in "'-" else 32 for byte in range(128)).ljust(256, b" ")


def _ascii_words(text: str, sentences: tuple[tuple[int, int], ...]) -> list[list[str]]:
    """The words of each sentence of an ASCII text. Where a sentence holds no
    apostrophe or hyphen, its words are the runs of letters and digits, which
    str.split finds in C once everything else is a space."""
    spaced = text.encode("ascii").translate(_SPACED).decode("ascii")
    found = []
    for start, end in sentences:
        piece = spaced[start:end]
        found.append(_ASCII_WORD.findall(text, start, end) if "'" in piece or "-" in piece else piece.split())
    return found


def _tiled(text: str, sentences: tuple[tuple[int, int], ...]) -> bool:
    """Whether only white space lies outside the sentences, and at least one
    white-space character between two of them, so that no word crosses a
    sentence end. The parser's sentences always are; a hand-made block may not be."""
    if not sentences:
        return False
    previous = -1
    for start, end in sentences:
        if previous < 0:
            if start and not text[:start].isspace():
                return False
        elif start <= previous or not text[previous:start].isspace():
            return False
        if end < start:
            return False
        previous = end
    return previous == len(text) or text[previous:].isspace()
