"""The plain-text parser: paragraphs, list items and the headings of exported articles."""
from __future__ import annotations

from pathlib import Path

import pytest

from healthlint.documents import parse_document

SEEDS = Path("/work/shared/seeds")


def blocks(source: str) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in parse_document(source, "article.txt").blocks]


def test_blank_lines_separate_paragraphs_and_lines_within_one_are_joined():
    assert blocks("Kratom has no side\neffects at all.\n\nSecond paragraph, which is long enough.\n") == [
        ("paragraph", "Kratom has no side effects at all."),
        ("paragraph", "Second paragraph, which is long enough."),
    ]


def test_a_text_without_blank_lines_has_one_paragraph_per_line():
    source = "First paragraph of the article.\nSecond paragraph of the article.\n"
    assert blocks(source) == [
        ("paragraph", "First paragraph of the article."),
        ("paragraph", "Second paragraph of the article."),
    ]


def test_list_items_with_each_marker():
    source = "Intro paragraph here.\n\n- dash item\n* star item\n1. numbered item\n\nOutro paragraph here."
    assert blocks(source) == [
        ("paragraph", "Intro paragraph here."),
        ("list-item", "dash item"),
        ("list-item", "star item"),
        ("list-item", "numbered item"),
        ("paragraph", "Outro paragraph here."),
    ]


def test_a_short_line_without_closing_punctuation_between_blocks_is_a_heading():
    source = "Intro paragraph, ending in a period.\nHow Kratom Works\nA paragraph follows it.\n"
    assert blocks(source) == [
        ("paragraph", "Intro paragraph, ending in a period."),
        ("heading", "How Kratom Works"),
        ("paragraph", "A paragraph follows it."),
    ]


@pytest.mark.parametrize(
    "line",
    ["A sentence that ends with a period.", "lower-case start means prose", "Two sentences. In one line"],
)
def test_lines_that_read_as_prose_are_not_headings(line):
    assert blocks(f"Before it.\n{line}\nAfter it.\n")[1][0] == "paragraph"


def test_list_item_text_starts_after_the_marker():
    document = parse_document("  - no side effects\n", "a.txt")
    (block,) = document.blocks
    span = document.span(block, 0, len(block.text))
    assert (span.line, span.column, span.end_column) == (1, 5, 20)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not available")
def test_the_seed_articles_have_headings_lists_and_paragraphs():
    for path in sorted(SEEDS.glob("*.txt")):
        kinds = {block.kind for block in parse_document(path.read_text(encoding="utf-8"), path.name).blocks}
        assert kinds == {"paragraph", "heading", "list-item"}, path.name
