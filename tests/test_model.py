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
    # A field added to Span or Finding must be added to new_span or new_finding too.
    assert [f.name for f in dataclasses.fields(Span)] == list(new_span.__code__.co_varnames[:6])
    assert [f.name for f in dataclasses.fields(Finding)] == list(new_finding.__code__.co_varnames[:10])
