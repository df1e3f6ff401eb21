"""The built-in rules against 72 articles in the genre of the seed articles.

tests/fixtures/genre/expected.yaml says, per article, what a careful linter
must report, should report and must not report (the format of the seeds'
expected.yaml; see its header). These tests score the built-in rule pack the
way shared/tools/score_findings.py does: an entry is met by a finding of one
of its categories whose span overlaps an occurrence of its text on its line.

Every `forbid` entry must stay clear, and every `must` entry must be met but
for the few listed in KNOWN_MISSES, each with the reason it is missed; a miss
that is fixed must leave the list, so that the list stays true.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from healthlint.documents import parse_document
from healthlint.engine import Engine
from healthlint.ruleset import load_ruleset

FOLDER = Path(__file__).parent / "fixtures" / "genre"
EXPECTED = yaml.safe_load((FOLDER / "expected.yaml").read_text(encoding="utf-8"))["documents"]

# (document, category, text): must entries the built-in rules do not meet, and why.
KNOWN_MISSES = {
    ("h02_kratom_opioid_withdrawal_timeline.txt", "acronym", "OWD"):
        # "Opioid Withdrawal Syndrome (OWD)": every word gives a letter (the D from inside
        # "Syndrome"), as in "alanine aminotransferase (ALT)", so it passes as a loose fit.
        "a loose fit that letters alone cannot tell from a real one",
    ("m03_best-kratom-strains-withdrawal.txt", "acronym", "OWD"):
        "the same loose fit, in lower case: opioid withdrawal syndrome (OWD)",
    ("m01_kratom-restless-legs.txt", "keyword-stuffing", "kratom for restless legs opiate withdrawal"):
        # No query word, no heading, no name in lower case: it reads like the article's topic.
        "a pasted phrase with no search-query word is read as a topic (docs/keyword-stuffing.md, Limits)",
    ("m11_blue-lotus-tea-for-opiate-withdrawal.txt", "keyword-stuffing", "blue lotus tea for opiate withdrawal"):
        "the same: the article's own subject pasted as a search phrase",
    ("n01_kratom_opioid_withdrawal_at_home.txt", "keyword-stuffing", "kratom home detox protocol"):
        "the same: no query word, no heading, no lower-cased name",
    ("n05_kratom_and_sleep.txt", "acronym", "SLO"):
        # "sleep onset latency (SLO)": S and L from "sleep", O from "onset"; the usual form is SOL.
        "a tight fit by the letters, though not the form people use",
    ("n10_magnesium_threonate_withdrawal_insomnia.txt", "regulatory", "has approved it as a treatment"):
        # "... and the FDA has approved it as a treatment": "it" is the supplement of the sentence
        # before; the rule looks for a supplement, botanical or product in the same sentence.
        "the product is named only in an earlier sentence",
    ("p01_kratom_opioid_withdrawal_guide.txt", "acronym", "AWS"):
        # "the acute withdrawal phase (AWS)": the S from inside "phase", every word giving one.
        "a loose fit that letters alone cannot tell from a real one",
    ("p06_kratom_legality_and_recalls.txt", "acronym", "KPA"):
        # "Kratom Consumer Protection Act (KPA)": a word may give no letter in a tight fit, as
        # "and Prevention" in "Centers for Disease Control and Prevention (CDC)".
        "a tight fit that skips a word",
    ("p06_kratom_legality_and_recalls.txt", "acronym", "GMP"):
        # "vendors must follow GMP standards", never spelled out: GMP (good manufacturing
        # practice) is in acronym-undefined's list of abbreviations readers know, as NSF and USP are.
        "in the known list, so not reported as undefined",
    ("q05_kratom_taper_plan.txt", "acronym", "(KTP)"):
        # "Kratom Tapering Method (KTP)": K from "Kratom", T and P from "Tapering", "Method"
        # giving none, is a tight fit by the letters, as "... and Prevention (CDC)" is.
        "a tight fit that skips a word",
    ("q06_kratom_vs_suboxone.txt", "regulatory/safety-claim", "consistent, quality-controlled product"):
        "a quality promise with no absolute word in it",
}


@pytest.fixture(scope="module")
def reports() -> dict[str, tuple[list[str], list[dict]]]:
    engine = Engine(load_ruleset().selected())  # the default selection, as `healthlint check` runs
    out = {}
    for name in EXPECTED:
        source = (FOLDER / name).read_text(encoding="utf-8")
        findings = engine.lint(parse_document(source, name))
        found = [
            {
                "category": f.category,
                "line": f.span.line,
                "column": f.span.column,
                "end_line": f.span.end_line,
                "end_column": f.span.end_column,
            }
            for f in findings
        ]
        out[name] = (source.splitlines(), found)
    return out


def _categories(entry) -> set[str] | None:
    category = entry["category"]
    if category == "any":
        return None
    return set(category) if isinstance(category, list) else {category}


def _occurrences(lines: list[str], text: str, line: int | None):
    rows = [line] if line else range(1, len(lines) + 1)
    needle = text.lower()
    for row in rows:
        haystack = lines[row - 1].lower()
        start = haystack.find(needle)
        while start >= 0:
            yield row, start + 1, start + 1 + len(needle)
            start = haystack.find(needle, start + 1)


def _overlaps(finding: dict, row: int, start: int, end: int) -> bool:
    return (finding["line"], finding["column"]) < (row, end) and (row, start) < (
        finding["end_line"],
        finding["end_column"],
    )


def met(entry: dict, lines: list[str], findings: list[dict]) -> bool:
    categories = _categories(entry)
    pool = [f for f in findings if categories is None or f["category"] in categories]
    text, line = entry.get("text"), entry.get("line")
    if text is None:
        return any(line is None or f["line"] == line for f in pool)
    return any(_overlaps(f, *where) for where in _occurrences(lines, text, line) for f in pool)


def _key(name: str, entry: dict) -> tuple[str, str, str]:
    category = entry["category"]
    return name, "/".join(category) if isinstance(category, list) else category, entry.get("text") or ""


def test_no_forbidden_finding(reports):
    hits = [
        _key(name, entry)
        for name, spec in EXPECTED.items()
        for entry in spec.get("forbid") or []
        if met(entry, *reports[name])
    ]
    assert hits == []


def test_every_must_is_met_but_the_known_misses(reports):
    missed = {
        _key(name, entry)
        for name, spec in EXPECTED.items()
        for entry in spec.get("must") or []
        if not met(entry, *reports[name])
    }
    assert missed - KNOWN_MISSES.keys() == set(), "new misses"
    assert KNOWN_MISSES.keys() - missed == set(), "fixed: take them off KNOWN_MISSES"


def test_the_scorer_here_reads_entries_as_the_shared_one_does():
    lines = ["Kratom is 100% safe.", "Studies show it works."]
    findings = [{"category": "safety-claim", "line": 1, "column": 11, "end_line": 1, "end_column": 20}]
    assert met({"category": "safety-claim", "line": 1, "text": "100% safe"}, lines, findings)
    assert met({"category": ["hype", "safety-claim"], "text": "safe"}, lines, findings)
    assert not met({"category": "safety-claim", "line": 2, "text": "works"}, lines, findings)
    assert not met({"category": "evidence", "line": 1, "text": "100% safe"}, lines, findings)
    assert met({"category": "safety-claim"}, lines, findings)  # document-level: category alone
    assert not met({"category": "safety-claim", "line": 1, "text": "Kratom"}, lines, findings)  # touches, no overlap
