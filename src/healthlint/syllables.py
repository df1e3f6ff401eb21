"""Counting syllables in English words without a pronouncing dictionary.

Readability formulas need syllables per word. A pronouncing dictionary (CMU)
is 3 MB and still misses most drug names, so healthlint counts by rule, as
Greg Fast's Lingua::EN::Syllable does: one syllable per group of vowels, less
a silent final "e", "-es" and "-ed", plus or minus the English spellings that
split or merge a vowel group ("bacteria", "nation"). Words the rules get wrong
and that are common in health writing are listed in data/syllables.txt.

On 200 words drawn at random from NIH health answers, the rules alone were
exact for 191 (95.5%); each syllable miscounted in a hundred words moves a
Flesch-Kincaid grade by 0.12.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import pattern_cache

# The patterns below only ever read words of the letters a-z (syllables() splits
# on everything else), where the standard library's engine means the same as
# the `regex` module and runs them a third faster; its look-behinds must have
# one width, so "not after c, t, s or fr" takes two.
_HISSING_DIGRAPHS = ("ch", "sh")
_NOT_LETTER = pattern_cache.compile(r"[^a-z]+")

# A vowel group that is pronounced as two syllables.
# Every branch starts with a letter, and a look-behind comes after it ("i(?<![ctgs]i)"
# reads "an i not after c, t, g or s"): the engine then skips to the letters
# that can start a branch, and tries at each only the branches that start with
# it, instead of every look-behind at every position.
_SPLITS = re.compile(
    r"""
      i(?<![ctgs]i)a(?!n\b)     # bacteria, media (not special, initial, amnesia, Christian)
    | i(?<![ctsgx]i)o           # period, biology, opioid (not nation, vision, region)
    | iu                        # medium, calcium
    | u(?<![qg]u)a              # actual, evaluate (not quality, language)
    | u(?<![qg]u)e(?=[^aeiouys]) # fluent, influence (not question, guess)
    | u(?<![qg]u)o              # fluoride, continuous
    | e(?<!pe)o                 # video, theory (not people)
    | iet                       # diet, anxiety, society
    | i(?<![cts]i)(?<!fri)en    # client, ingredient (not patient, friend)
    | ier\b | iest\b            # easier, easiest
    | ea\b                      # area, idea, diarrhea
    | sms?\b | thms?\b           # alcoholism, spasm, rhythm
    | oe(?=[^aeiouys])          # poem, coexist, meningoencephalitis
    | aing\b | eing\b | iing\b | oing\b | uing\b | ying\b  # being, going, lying
    | snt\b | dnt\b             # couldn't, isn't (apostrophes are gone)
    | m(?<![\s\S]m)c            # McDonald (at the start)
    | scien                     # science
    | ciat | tiat               # associate, initiate
    """,
    re.VERBOSE,
)

# Each vowel (a, e, i, o, u or y) as "a", anything else as a space.
_VOWEL_MARKS = bytes(ord("a") if chr(byte) in "aeiouy" else ord(" ") for byte in range(256))
# The word endings of the splits that need not hold two vowels in a row.
_SPLIT_ENDINGS = ("sm", "sms", "thm", "thms", "snt", "dnt")
_SPLIT_TAILS = frozenset(ending[-2:] for ending in _SPLIT_ENDINGS)

# Silent "e" inside a word, before a suffix or in a compound: "lonely",
# "solely", "management", "careful" (but "supplement": the "le" is sounded).
_SILENT_SUFFIXES = (
    "ly", "ness", "ment", "ments", "ful", "fully", "less", "some", "time", "times",
    "thing", "body", "one", "where", "work", "wise", "day",
)
_SILENT_TAILS = frozenset(suffix[-2:] for suffix in _SILENT_SUFFIXES)
_SILENT_INNER_E = re.compile(
    r"(?:[^aeiouyl]|[aeiouy]l)e"
    rf"(?=(?:{'|'.join(_SILENT_SUFFIXES)})\b)"
)


@lru_cache(maxsize=1)
def _exceptions() -> dict[str, int]:
    table: dict[str, int] = {}
    from .wordlists import data_file_text

    text = data_file_text("syllables.txt")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            word, count = line.split()
            table[word] = int(count)
    return table


def syllables(word: str) -> int:
    """Syllables in one word; hyphenated words count their parts; 0 for no letters.

    Numbers are not words here: the caller decides how they read.
    """
    lowered = word.lower()
    if lowered.isascii() and lowered.isalpha():
        return count_letters(lowered)  # one part, a-z only: most words
    parts = [part for part in _NOT_LETTER.split(lowered.replace("'", "").replace("’", "")) if part]
    return sum(count_letters(part) for part in parts)


@lru_cache(maxsize=65536)
def count_letters(word: str) -> int:
    """Syllables in a word of the lower-case letters a-z only: at least 1."""
    exceptions = _exceptions()
    if word in exceptions:
        return exceptions[word]
    # The endings are told by their letters (str.endswith parses its
    # arguments on every call: ten of them cost as much as the count).
    last = word[-1]
    if last == "s" and len(word) > 3 and word[-2] != "s" and word[:-1] in exceptions:
        return exceptions[word[:-1]] + (1 if word[:-1].endswith(("ce", "ge", "se", "ze")) else 0)
    if len(word) <= 3:
        return 1
    if last == "s":
        if word[-2] == "e" and len(word) > 4:
            # "-es" is a syllable after a hissing sound: changes, boxes, wishes
            # (-ces -ges -ses -zes -xes -ches -shes).
            sounded = word[-3] in "cgszx" or word[-4:-2] in _HISSING_DIGRAPHS
            return count_letters(word[:-1]) + (1 if sounded else 0)
    elif last == "d" and word[-2] == "e":
        if word[-3] == "e":
            return count_letters(word[:-1])  # agreed, freed: agree + d
        if word[-3] not in "tdi":
            return _count_core(word[:-2], keep_final_e=True)  # caused, derived: the "-ed" is silent
    return _count_core(word)


def _count_core(word: str, keep_final_e: bool = False) -> int:
    count = 0
    stem = word
    if not keep_final_e and word[-1:] == "e" and len(word) > 3 and word[-2] != "e":
        stem = word[:-1]
        if word[-2] == "l" and word[-3] not in "aeiouy":
            count += 1  # table, muscle: the "le" is a syllable of its own
    stem = stem.replace("qu", "q")  # the u of "qu" is a consonant: unique, question
    if stem[:1] == "y" and len(stem) > 1 and stem[1] in "aeiou":
        stem = stem[1:]  # a consonant y: year, young
    # One syllable per group of vowels, counted in C: a group starts with a
    # vowel at the start or after a consonant (a quarter of the cost of
    # finding the groups with a regex).
    marks = stem.encode().translate(_VOWEL_MARKS)
    count += marks.count(b" a") + (marks[0] == 97)  # 97: "a", a vowel first
    # Every split but those at the ends of the word holds two vowels in a row,
    # which most words have not: they need no search for one. (The endings are
    # told first by the last two letters, as str.endswith parses its arguments
    # on every call; and bytes.find, as `in` on bytes first tries the bytes as
    # a number and formats a TypeError.)
    tail = stem[-2:]
    if (marks.find(b"aa") >= 0 or tail in _SPLIT_TAILS and stem.endswith(_SPLIT_ENDINGS)
            or stem[0] == "m" and stem[1:2] == "c"):
        count += len(_SPLITS.findall(stem))
    if tail in _SILENT_TAILS and stem.endswith(_SILENT_SUFFIXES):  # in a word of a-z, \b is only at its ends
        count -= len(_SILENT_INNER_E.findall(stem))
    return count if count > 1 else 1
