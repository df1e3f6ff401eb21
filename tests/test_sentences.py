"""Sentence splitting: abbreviations and dotted acronyms do not end sentences."""
from __future__ import annotations

import time

import pytest
from hypothesis import example, given, strategies as st

from healthlint.documents.sentences import split_sentences
from healthlint.model import MASK


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dr. Smith said kratom works. It does not.", ["Dr. Smith said kratom works.", "It does not."]),
        ("Use herbs, e.g. kava or i.e. Valerian. Then rest.", ["Use herbs, e.g. kava or i.e. Valerian.", "Then rest."]),
        ("Sold in the U.S. since 2010. Not in the EU.", ["Sold in the U.S. since 2010.", "Not in the EU."]),
        ("Smith et al. found no effect. Jones disagreed.", ["Smith et al. found no effect.", "Jones disagreed."]),
        (
            "Opioid withdrawal management (O.P.M.S.) faces challenges. Kratom may help.",
            ["Opioid withdrawal management (O.P.M.S.) faces challenges.", "Kratom may help."],
        ),
        ("Safe O.P.M.S. Management matters. Ask.", ["Safe O.P.M.S. Management matters.", "Ask."]),
        ("J. Smith wrote it. Fine.", ["J. Smith wrote it.", "Fine."]),
        ("See Fig. 2 and approx. 5 cases. Done.", ["See Fig. 2 and approx. 5 cases.", "Done."]),
    ],
)
def test_abbreviations_and_acronyms_inside_a_sentence(text, expected):
    assert sentences(text) == expected


def test_a_dotted_acronym_ends_a_sentence_when_a_sentence_opener_follows():
    assert sentences("It is legal in the U.S. The FDA disagrees.") == ["It is legal in the U.S.", "The FDA disagrees."]


def test_a_unit_ends_a_sentence():
    assert sentences("Take 2.5 mg. Then wait 2 hrs. Repeat.") == ["Take 2.5 mg.", "Then wait 2 hrs.", "Repeat."]


def test_question_and_exclamation_marks_and_closing_quotes():
    assert sentences('Is it safe? Yes! He said "stop." Then he left.') == [
        "Is it safe?",
        "Yes!",
        'He said "stop."',
        "Then he left.",
    ]


def test_a_lower_case_word_after_a_period_does_not_start_a_sentence():
    assert sentences("The dose is 5 mg. daily for most adults.") == ["The dose is 5 mg. daily for most adults."]


def test_offsets_are_trimmed_of_white_space():
    assert split_sentences("  One.   Two.  ") == ((2, 6), (9, 13))
    assert split_sentences("   ") == ()


@pytest.mark.parametrize("text", ["." * 200_000, "a. " * 100_000 + "B", "Dr. " * 100_000, "x" * 200_000])
def test_splitting_is_linear(text):
    started = time.perf_counter()
    split_sentences(text)
    assert time.perf_counter() - started < 2


@given(st.lists(st.sampled_from(list("aZ0 .!?\"')]([*_#-\n\t,:") + ["e.g", "Dr", "U.S", "The", "J", "al"]), max_size=40)
       .map("".join).filter(str.strip))
def test_ascii_text_is_split_as_by_the_general_pattern(text):
    # An ASCII text takes a shortcut (the standard library's engine, on bytes
    # where every closing mark is a period); " é" after it takes the general
    # pattern, and can open no sentence of its own.
    ascii_spans, general_spans = split_sentences(text), split_sentences(text + " é")
    assert ascii_spans[:-1] == general_spans[:-1]
    assert ascii_spans[-1][0] == general_spans[-1][0]


_PIECES = st.lists(st.sampled_from(list("aZ0 .!?\"')]([*_#-\n\t,:") + [MASK, MASK, ". ", "? ", "e.g", "Dr", "U.S", "The"]),
                   max_size=20).map("".join)


@given(st.tuples(_PIECES, _PIECES).map(MASK.join).filter(str.strip))
@example(f"See the dose. {MASK} for details.")  # a MASK opens no sentence
@example(f"See the dose.{MASK} Then rest.")  # nor closes one
def test_a_text_with_masks_is_split_as_by_the_general_pattern(text):
    # A text whose only characters beyond ASCII are the parser's MASKs takes
    # the ASCII shortcut too, with NULs for the MASKs.
    masked_spans, general_spans = split_sentences(text), split_sentences(text + " é")
    assert masked_spans[:-1] == general_spans[:-1]
    assert masked_spans[-1][0] == general_spans[-1][0]
