"""Every rule's own examples, run as tests.

A bad example must fire its rule (at the pinned positions, when given); a good
example must not; an expected fix must give exactly the expected text, and the
fixed text must then pass the rule.
"""
from __future__ import annotations

import pytest

from healthlint.engine import Engine
from healthlint.fixes import apply_fixes
from healthlint.runner import lint_text
from healthlint.ruleset import RuleSet, compile_rule, load_ruleset

_RULES = load_ruleset().rules
_FORMAT_SUFFIX = {"text": "example.txt", "markdown": "example.md", "html": "example.html"}


def _engine_for(rule) -> Engine:
    return Engine(RuleSet((rule,), (compile_rule(rule),)))


def _cases(group: str):
    for rule in _RULES:
        for number, example in enumerate(getattr(rule, f"{group}_examples"), 1):
            yield pytest.param(rule, example, id=f"{rule.id}-{group}{number}")


@pytest.mark.parametrize("rule, example", list(_cases("bad")))
def test_bad_example_fires(rule, example):
    result = lint_text(_engine_for(rule), example.text, _FORMAT_SUFFIX[example.format])
    assert result.findings, f"{rule.id} did not fire on: {example.text!r}"
    if example.positions:
        found = [(f.span.line, f.span.column, f.span.end_line, f.span.end_column) for f in result.findings]
        assert found == list(example.positions)
    for finding in result.findings:
        assert finding.rule == rule.id and finding.category == rule.category
    if example.fixed is not None:
        fixed = apply_fixes(example.text, result.findings, unsafe=True)
        assert fixed == example.fixed
        assert not lint_text(_engine_for(rule), fixed, _FORMAT_SUFFIX[example.format]).findings


@pytest.mark.parametrize("rule, example", list(_cases("good")))
def test_good_example_passes(rule, example):
    result = lint_text(_engine_for(rule), example.text, _FORMAT_SUFFIX[example.format])
    assert not result.findings, [f"{f.span.line}:{f.span.column} {f.match!r}" for f in result.findings]


def test_every_rule_cites_an_authority_and_has_examples():
    for rule in _RULES:
        assert rule.references, rule.id
        assert len(rule.bad_examples) >= 2 and len(rule.good_examples) >= 2, rule.id
