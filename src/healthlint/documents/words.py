"""The words of a block, found once and shared by every analysis that counts or looks them up.

A word is a run of letters or digits, with inner apostrophes and hyphens
("don't", "anti-inflammatory" are one word each). Readability counts them,
spelling looks each distinct one up, consistency compares their forms: finding
them is a pass over the text as costly as some of those analyses themselves,
so it is done once per block (`Block.words`, cached on the block) instead of
once per analysis.
"""
from __future__ import annotations

import re
from itertools import chain
from typing import NamedTuple

import regex

from .. import pattern_cache

WORD = pattern_cache.compile(r"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*")
# WORD for ASCII text, where it means exactly this; the standard library's
# engine runs such a plain class a third faster than the `regex` module.
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:['\-][A-Za-z0-9]+)*")


class Words(NamedTuple):
    all: tuple[str, ...]  # every word of the block, in text order
    per_sentence: tuple[int, ...]  # how many of them fall in each of the block's sentences


def find_words(text: str, sentences: tuple[tuple[int, int], ...]) -> Words:
    ascii_text = text.isascii()
    tiled = _tiled(text, sentences)
    if tiled and (ascii_text or not _UNCOMMON_CHARACTER.search(text) or not _NON_ASCII_WORD_CHARACTER.search(text)):
        # The sentences hold every word, whole, and every character beyond
        # ASCII (a MASK, a dash, a typographic quote) only parts words, as the
        # "?" that stands for it in the bytes does.
        return _plain_words(text.encode("ascii", "replace"), sentences)
    findall = _ASCII_WORD.findall if ascii_text else WORD.findall
    if tiled:
        # One pass per sentence gives both lists.
        found = [findall(text, start, end) for start, end in sentences]
        return Words(tuple(chain.from_iterable(found)), tuple(map(len, found)))
    return Words(tuple(findall(text)), tuple(len(findall(text, start, end)) for start, end in sentences))


# Characters beyond ASCII that WORD reads as part of a word.
_NON_ASCII_WORD_CHARACTER = pattern_cache.compile(r"[[\p{L}\p{N}’]--\p{ASCII}]", regex.V1)
# Any character but ASCII and the few others that parsed text often holds and
# that are no part of a word (MASK, no-break space, typographic quotes but ’,
# dashes, ellipsis, bullet): a text without one is told from the rest five
# times faster than by _NON_ASCII_WORD_CHARACTER.
_UNCOMMON_CHARACTER = re.compile("[^\x00-\x7f\ufffc\xa0\u2018\u201c\u201d\u2013\u2014\u2026\u2022]")
# ASCII bytes that are neither a letter, a digit, an apostrophe nor a hyphen, as spaces.
_SPACED = bytes(byte if chr(byte).isalnum() or chr(byte) in "'-" else 32 for byte in range(128)).ljust(256, b" ")
# An apostrophe, or a hyphen, that does not join two letters or digits, in a
# text spaced as above. (Both tests come after the mark, so that the engine
# skips ahead to the marks alone; one pattern for each mark, as the engine
# finds one character three times faster than either of two. Neither mark
# joins the other, so each is told the same once the other is a space.)
_LOOSE_APOSTROPHE = re.compile(rb"'(?:(?![A-Za-z0-9])|(?<![A-Za-z0-9].))")
_LOOSE_HYPHEN = re.compile(rb"-(?:(?![A-Za-z0-9])|(?<![A-Za-z0-9].))")
# The marks as byte values: `in` looks for an int in bytes at once, but takes a
# bytes operand for an int first, and raises and clears a TypeError.
_APOSTROPHE, _HYPHEN = b"'-"
# A spaced text's word characters as "a", so that a word starts at each " a".
_WORD_SHAPE = bytes.maketrans(b"'-" + bytes(range(48, 58)) + bytes(range(65, 91)) + bytes(range(97, 123)), b"a" * 64)


def _plain_words(plain: bytes, sentences: tuple[tuple[int, int], ...]) -> Words:
    """The words of a text in ASCII bytes, tiled by its sentences. Once
    everything but letters, digits and the apostrophes and hyphens that join
    them is a space, the words are what str.split finds, and each sentence
    holds as many as start in it: both are counted in C."""
    spaced = plain.translate(_SPACED)
    if _APOSTROPHE in spaced:
        spaced = _LOOSE_APOSTROPHE.sub(b" ", spaced)
    if _HYPHEN in spaced:
        spaced = _LOOSE_HYPHEN.sub(b" ", spaced)
    words = tuple(spaced.decode("ascii").split())
    if len(sentences) == 1:
        return Words(words, (len(words),))
    # A space before the text, so that its first word starts at a " a" too;
    # the word starting at text offset i is the " a" at i here.
    shape = b" " + spaced.translate(_WORD_SHAPE)
    count = shape.count
    return Words(words, tuple([count(b" a", start, end + 1) for start, end in sentences]))


def _tiled(text: str, sentences: tuple[tuple[int, int], ...]) -> bool:
    """Whether only white space lies outside the sentences, and at least one
    white-space character between two of them, so that no word crosses a
    sentence end. The parser's sentences always are; a hand-made block may not be."""
    if len(sentences) == 1 and sentences[0][0] == 0 and sentences[0][1] == len(text):
        return True  # one sentence, the whole text: most blocks
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
