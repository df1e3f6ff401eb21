"""The word lists shipped in healthlint/data, read once per process.

- english_words.txt: English words (SCOWL size 50, lower-case entries), for
  telling a misspelling from an ordinary word and a name from a common word.
- medical_terms.txt: drug, botanical and condition names for the `spelling`
  kind; users add their own through that kind's options.
- places.txt: city names (GeoNames, made by tools/make_places.py) for the
  `query_places` option of the `repetition` kind.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from . import pattern_cache
from .cache import remembered

_WORD_PART = pattern_cache.compile(r"\p{L}+")


@lru_cache(maxsize=1)
def english_words() -> EnglishWords:
    # Kept on disk (keyed by this code and its data files), in parts that are read
    # only when a word of theirs is looked up: building the whole set of 64,000 words
    # was a tenth of a one-file run, which looks up a few hundred.
    parts = remembered("english_words", "", lambda: _by_prefix(_entries(data_file_text("english_words.txt"))))
    return EnglishWords(parts)


_PREFIX_LENGTH = 3  # a word's part of the list is the entries that start with its first letters


def _by_prefix(entries: list[str]) -> dict[str, str]:
    """The entries by their first letters, each part as one string of lines."""
    parts: dict[str, list[str]] = {}
    for entry in entries:
        parts.setdefault(entry[:_PREFIX_LENGTH], []).append(entry)
    return {prefix: "\n".join(words) for prefix, words in parts.items()}


class EnglishWords:
    """english_words.txt as a set whose parts (the entries that share their first
    letters) are made the first time a word of theirs is looked up. Splitting a
    part's string and adding its words costs less than marshal's building of the
    same set, and a run over one article needs a tenth of the parts."""

    def __init__(self, parts: dict[str, str]):
        self._unread = dict(parts)  # the parts whose words are not in _words yet, by prefix
        self._words: set[str] = set()

    def __len__(self) -> int:
        return len(self._words) + sum(part.count("\n") + 1 for part in self._unread.values())

    def __contains__(self, word: str) -> bool:
        if word in self._words:
            return True
        part = self._unread.pop(word[:_PREFIX_LENGTH], None)
        if part is None:  # read already, or no entry starts that way
            return False
        self._words.update(part.split("\n"))
        return word in self._words


@lru_cache(maxsize=1)
def medical_terms() -> tuple[str, ...]:
    return tuple(_entries(data_file_text("medical_terms.txt")))


@lru_cache(maxsize=1)
def places() -> tuple[str, ...]:
    return tuple(_entries(data_file_text("places.txt")))


def read_terms(path: str | Path) -> tuple[str, ...]:
    """Terms from a user's vocabulary file: one per line, `#` comments."""
    return tuple(_entries(Path(path).read_text(encoding="utf-8")))


def term_words(term: str) -> list[str]:
    """The words a term contributes: "Mitragyna speciosa" gives two,
    "7-hydroxymitragynine" gives "hydroxymitragynine"."""
    return _WORD_PART.findall(term)


def data_file_text(name: str) -> str:
    """A file of src/healthlint/data, as text."""
    # Beside this module, as cache.builtin_rules_folder finds the rules (importlib.resources
    # would add its own imports to every run's start).
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", name), encoding="utf-8") as handle:
        return handle.read()


def _entries(text: str) -> list[str]:
    """The lines without comments and spaces, empty ones left out. The lists have
    comments on a few lines at the top only: the others are just stripped."""
    lines = text.splitlines()
    if "#" in text:
        lines = [line.split("#", 1)[0] if "#" in line else line for line in lines]
    return list(filter(None, map(str.strip, lines)))
