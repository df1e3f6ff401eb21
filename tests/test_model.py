"""The core records' fast constructors give the very objects the dataclasses give."""
from __future__ import annotations

import dataclasses
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthlint.model import Edit, Finding, Fix, Span, new_finding, new_span

numbers = st.integers(min_value=0, max_value=10**9)
spans = st.tuples(numbers, numbers, numbers, numbers, numbers, numbers)
texts = st.text(max_size=20)


@given(spans)
def test_new_span_is_a_span(values):
    made, expected = new_span(*values), Span(*values)
    assert type(made) is Span
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert pickle.loads(pickle.dumps(made)) == expected
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.line = 0


@given(texts, texts, texts, spans, texts, st.lists(texts, max_size=3), st.booleans(), st.lists(spans, max_size=2))
def test_new_finding_is_a_finding(rule, message, match, span, link, suggestions, fixed, related):
    values = (rule, "hype", "warning", message, Span(*span), match, tuple(suggestions),
              Fix("safe", (Edit(Span(*span), match),)) if fixed else None, link, tuple(Span(*s) for s in related))
    made, expected = new_finding(*values), Finding(*values)
    assert type(made) is Finding
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert dataclasses.astuple(made) == dataclasses.astuple(expected)
    assert pickle.loads(pickle.dumps(made)) == expected
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.rule = "other"


def test_the_fast_constructors_know_every_field():
    # A field added to one of these records must be added to its fast constructor too.
    assert [f.name for f in dataclasses.fields(Span)] == list(new_span.__code__.co_varnames[:6])
    assert [f.name for f in dataclasses.fields(Finding)] == list(new_finding.__code__.co_varnames[:10])
    from healthlint.model import Block, SourceMap, new_block, new_source_map

    assert [f.name for f in dataclasses.fields(Block)] == list(new_block.__code__.co_varnames[:6])
    assert [f.name for f in dataclasses.fields(SourceMap)] == list(new_source_map.__code__.co_varnames[:2])


@given(st.text(max_size=30), st.lists(st.tuples(numbers, numbers), max_size=3), st.integers(0, 6), numbers)
def test_new_block_and_new_source_map_are_what_the_dataclasses_give(text, runs, level, index):
    from healthlint.model import Block, SourceMap, new_block, new_source_map

    stand_ins = tuple((a, b, a + b) for a, b in runs)
    made_map, expected_map = new_source_map(tuple(runs), stand_ins), SourceMap(tuple(runs), stand_ins)
    assert type(made_map) is SourceMap and made_map == expected_map and hash(made_map) == hash(expected_map)
    assert new_source_map(tuple(runs)) == SourceMap(tuple(runs))
    sentences = ((0, len(text)),)
    made, expected = new_block("paragraph", text, made_map, sentences, level, index), \
        Block("paragraph", text, expected_map, sentences, level, index)
    assert type(made) is Block and made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert vars(made) == vars(expected)
    assert pickle.loads(pickle.dumps(made)) == expected
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.text = ""
