"""Incremental linting (healthlint/incremental.py) gives exactly what a fresh full lint gives.

The language server lints every edit of a buffer with `BlockReuse`, which
keeps each block's hits and block-local findings and moves them to the
block's new place. Whatever the edits, the findings (positions, fixes,
messages, order) and the notices must be those of linting the same text from
scratch: that is what these tests check, on random edit sequences of a
Markdown document built to trip many rules of every kind.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthlint.check import Linter
from healthlint.config import Config, RuleSettings
from healthlint.documents import parse_document
from healthlint.incremental import BlockReuse, block_locality
from healthlint.ruleset import load_ruleset

FIXTURES = Path(__file__).parent / "fixtures"
PATH = "article.md"

# The fixture page (front matter, headings, a list, a quote, a table, code), a
# stuffed page, and paragraphs for the acronym, consistency, spelling and
# readability rules; the same paragraph twice, so that a block occurs at two places.
EXTRA = """
## Acronyms and Spellings

Medication for opioid use disorder (MOUD) works. Ask about MOUD and about NRT.
Some write e-cigarette, others e cigarette or ecigarette; buprenorphin helps too.

Talk to your doctor before you change a dose. Talk to your doctor.

Talk to your doctor before you change a dose. Talk to your doctor.

Notwithstanding the multifactorial pharmacokinetic considerations characterising
contemporaneous buprenorphine-naloxone administration, practitioners' individualised
titration methodologies demonstrate considerable heterogeneity, necessitating
comprehensive interdisciplinary evaluation, documentation and longitudinal monitoring
throughout the considerably protracted maintenance, consolidation and discontinuation phases
experienced by institutionalised populations.

- Addicts deserve care.
- This supplement is a miracle cure with zero side effects.
"""
BASE = ((FIXTURES / "documents" / "supplement-page.md").read_text(encoding="utf-8") + EXTRA
        + "\n" + (FIXTURES / "stuffing_built_around.md").read_text(encoding="utf-8"))

# What an edit inserts: markup that changes block kinds and containers, phrases
# the rules look for, line ends of every kind, and characters outside the BMP.
PIECES = ["x", " ", "\n", "\n\n", "\r\n", "# ", "## ", "- ", "1. ", "> ", "| a | b |\n", "```\n", "    ",
          "clinically proven", "miracle cure", "100% safe", "addicts", "no side effects", "FDA", "(WHO)",
          "World Health Organization (WHO)", "buprenorphin", "e cigarette", "**", "`", "[a](http://x.org)",
          "<!-- healthlint-disable-next-line -->\n", "---\n", "é😀", "Studies show it cures insomnia. "]


@pytest.fixture(scope="module")
def linters():
    base = load_ruleset()
    reusing = Linter(Config(), base, RuleSettings())
    reusing.engine_for(PATH).block_reuse = BlockReuse()
    return reusing, Linter(Config(), base, RuleSettings())


def lint_both(linters, text: str):
    reusing, fresh = linters
    return reusing.lint_text(text, PATH), fresh.lint_text(text, PATH)


def assert_same(linters, text: str):
    incremental, full = lint_both(linters, text)
    assert incremental.findings == full.findings
    assert incremental.errors == full.errors
    return incremental


def apply(text: str, edit) -> str:
    where, removed, piece = edit
    start = int(where * len(text))
    return text[:start] + piece + text[start + removed:]


edits = st.tuples(st.floats(min_value=0, max_value=1), st.integers(min_value=0, max_value=40),
                  st.sampled_from(PIECES) | st.text(max_size=6))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(edits, min_size=1, max_size=8))
def test_random_edit_sequences_give_the_findings_of_a_full_lint(linters, sequence):
    text = BASE
    assert_same(linters, text)
    for edit in sequence:
        text = apply(text, edit)
        assert_same(linters, text)


HTML_PIECES = ["<p>", "</p>", "<h2>", "</h2>", "<li>", "<img alt='miracle cure'>", "<!--", "-->", "&amp;",
               "<title>", "<script>", "addicts", "100% safe", "\n", "x"]


@pytest.mark.parametrize("fixture, path, pieces", [
    ("clinic-page.html", "page.html", HTML_PIECES),
    ("recovery-blog.txt", "blog.txt", PIECES),
])
def test_random_edits_of_html_and_plain_text(fixture, path, pieces):
    base = load_ruleset()
    reusing, fresh = Linter(Config(), base, RuleSettings()), Linter(Config(), base, RuleSettings())
    reusing.engine_for(path).block_reuse = BlockReuse()
    original = (FIXTURES / "documents" / fixture).read_text(encoding="utf-8")

    @settings(max_examples=25, deadline=None)
    @given(st.lists(st.tuples(st.floats(min_value=0, max_value=1), st.integers(min_value=0, max_value=30),
                              st.sampled_from(pieces)), min_size=1, max_size=6))
    def check(sequence):
        text = original
        for edit in [(0.0, 0, "")] + sequence:
            text = apply(text, edit)
            incremental, full = reusing.lint_text(text, path), fresh.lint_text(text, path)
            assert incremental.findings == full.findings and incremental.errors == full.errors

    check()


def test_the_document_trips_rules_of_the_reused_and_the_whole_document_kinds(linters):
    result = assert_same(linters, BASE)
    rules = {finding.rule for finding in result.findings}
    assert {"clinically-proven", "person-first-labels", "reading-grade", "medical-term-spelling"} <= rules
    assert {"stuffed-phrase", "term-variants", "acronym-undefined"} & rules
    engine = linters[0].engine_for(PATH)
    kinds = {check.rule.kind: block_locality(check) for check in engine.ruleset.checks}
    assert kinds["pattern"] == "hits" and kinds["spelling"] == "blocks" and kinds["repetition"] is None


def test_an_edit_reuses_the_unchanged_blocks_and_moves_them(linters):
    engine = linters[0].engine_for(PATH)
    assert_same(linters, BASE)
    edited = BASE.replace("# CBD Gummies for Sleep and Pain", "# CBD Gummies for\nSleep and Pain\n\nNew text.")
    result = assert_same(linters, edited)
    reuse = engine.block_reuse
    blocks = len(parse_document(edited, PATH).blocks)
    assert blocks - 4 <= reuse.reused < blocks  # all but the edited heading's blocks came from the cache
    assert result.findings and reuse.fallbacks == 0


def test_a_block_at_two_places_gets_the_findings_of_each(linters):
    paragraph = "Addicts deserve care; this miracle cure is clinically proven.\n\n"
    text = "# Title\n\n" + paragraph * 3
    result = assert_same(linters, text)
    assert len([f for f in result.findings if f.rule == "person-first-labels"]) == 3
    assert_same(linters, "Intro.\n\n" + text)  # every copy moves
    assert_same(linters, text.replace(paragraph, "", 1))  # one copy goes, the others move up


@pytest.mark.parametrize("text", [
    "\ufeffAddicts deserve care.\r\nThis is 100% safe.\r\n",  # BOM and CRLF
    "Addicts deserve care.\rThis is 100% safe.\r",  # CR alone
    "",
    "no newline at the end: addicts",
    "| addicts | 100% safe |\n| --- | --- |\n| addicts | 100% safe |\n| addicts | 100% safe |\n",  # repeated cells
])
def test_line_ends_bom_empty_text_and_tables(linters, text):
    assert_same(linters, text)
    assert_same(linters, "x" + text)
    assert_same(linters, text + "\naddicts again\n")


def test_a_check_that_fails_makes_the_run_a_full_one_with_its_notice(linters, monkeypatch):
    engine = linters[0].engine_for(PATH)
    check = next(c for c in engine.ruleset.checks if c.rule.id == "person-first-labels")

    def broken(document, hits):
        raise RuntimeError("boom")

    monkeypatch.setattr(check, "check", broken)
    fallbacks = engine.block_reuse.fallbacks
    result = assert_same(linters, BASE + "\nNew block with addicts.\n")
    assert any("person-first-labels" in notice and "boom" in notice for notice in result.errors)
    assert engine.block_reuse.fallbacks > fallbacks
