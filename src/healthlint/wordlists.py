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
def english_words() -> frozenset[str]:
    # Kept on disk as a marshalled set (keyed by this code and its data files): reading
    # the 64,000 lines and building the set was a tenth of a one-file run; marshal
    # builds it in half the time.
    return remembered("english_words", "", lambda: frozenset(_entries(data_file_text("english_words.txt"))))


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
