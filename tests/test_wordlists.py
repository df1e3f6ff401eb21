"""The English word list, read in parts on demand, answers as the whole set would."""
from __future__ import annotations

from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from healthlint.wordlists import EnglishWords, _by_prefix, _entries, data_file_text, english_words


@lru_cache(maxsize=1)
def plain_set() -> frozenset[str]:
    return frozenset(_entries(data_file_text("english_words.txt")))


@lru_cache(maxsize=1)
def parts() -> dict[str, str]:
    return _by_prefix(sorted(plain_set()))  # EnglishWords copies it before reading parts out


def near_misses(word: str) -> list[str]:
    """Strings one step from an entry: most share its part of the list."""
    return [word + "s", word + "x", word[:-1], word[1:], word.upper(), word.title(), word + "é", "é" + word,
            word.replace("e", "é"), word + " ", word + "-"]


def test_every_entry_and_its_near_misses_answer_as_in_the_whole_set():
    entries = plain_set()
    words = english_words()  # from the disk cache when it was written before
    assert len(EnglishWords(parts())) == len(entries) > 50_000
    short = ["", "a", "é", "ab", "zz", "x", "qq", "éa", "aé", "ß", "İ", "\n", "a\nb", "ma\ny"]
    candidates = [*entries, *short, *(miss for entry in entries for miss in near_misses(entry))]
    assert [word in words for word in candidates] == [word in entries for word in candidates]
    assert len(words) == len(entries)  # some parts read now, the others not


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abcdeéklmnoprstu\n-'", max_size=8), max_size=30))
def test_answers_do_not_depend_on_the_order_of_lookups(words):
    entries = plain_set()
    found = EnglishWords(parts())
    assert [word in found for word in words] == [word in entries for word in words]
    backwards = EnglishWords(parts())
    assert [word in backwards for word in reversed(words)] == [word in entries for word in reversed(words)]
