"""The Markdown parser: which prose becomes which block, and what markup leaves behind.

Positions of findings are tested in test_positions.py; here the source map is
checked block by block: every character that was copied from the source maps
back to the same character.
"""
from __future__ import annotations

import time

import pytest

from healthlint.documents import parse_document
from healthlint.model import MASK

import document_helpers
from document_helpers import assert_verbatim_characters_map_home, source_of


def parse(source: str):
    return parse_document(source, "page.md")


def blocks(source: str) -> list[tuple[str, str]]:
    return document_helpers.blocks(source, "page.md")


def texts(source: str) -> list[str]:
    return document_helpers.texts(source, "page.md")


# ---- front matter -------------------------------------------------------------------


def test_front_matter_title_and_description_are_blocks_and_the_rest_is_not_linted():
    source = (
        "---\n"
        "title: Kratom is completely safe\n"
        "author: Harmless Person\n"
        "tags: [no side effects]\n"
        "description: 'It''s harmless'  # a comment\n"
        "---\n"
        "Body text.\n"
    )
    document = parse(source)
    assert [(b.kind, b.text) for b in document.blocks] == [
        ("title", "Kratom is completely safe"),
        ("description", "It's harmless"),
        ("paragraph", "Body text."),
    ]
    title = document.blocks[0]
    assert source_of(document, title, 0, len(title.text)) == "Kratom is completely safe"
    description = document.blocks[1]
    assert source_of(document, description, 5, 13) == "harmless"
    assert_verbatim_characters_map_home(document)


def test_front_matter_double_quoted_value_decodes_escapes_with_exact_offsets():
    document = parse('---\ntitle: "Say \\"no side effects\\""\n---\n')
    (title,) = document.blocks
    assert title.text == 'Say "no side effects"'
    start = title.text.index("no side")
    assert source_of(document, title, start, start + len("no side effects")) == "no side effects"


def test_front_matter_block_and_multi_line_scalars_join_their_lines():
    source = (
        "---\n"
        "description: >-\n"
        "  Kratom has no\n"
        "  side effects.\n"
        "title:\n"
        "  A plain title\n"
        "  on two lines\n"
        "---\n"
    )
    assert blocks(source) == [
        ("description", "Kratom has no side effects."),
        ("title", "A plain title on two lines"),
    ]


def test_front_matter_needs_its_closing_fence():
    assert blocks("---\ntitle: Not front matter\n") == [("paragraph", "title: Not front matter")]


def test_front_matter_only_at_the_very_top():
    assert blocks("Intro\n\n---\ntitle: x\n---\n")[0] == ("paragraph", "Intro")


# ---- headings, paragraphs, thematic breaks ----------------------------------------------


def test_atx_headings_keep_their_level_and_drop_closing_hashes():
    document = parse("# One\n## Two ##\n###### Six #######\n#hashtag is text\n####### seven\n")
    assert [(b.kind, b.level, b.text) for b in document.blocks] == [
        ("heading", 1, "One"),
        ("heading", 2, "Two"),
        ("heading", 6, "Six"),
        ("paragraph", 0, "#hashtag is text ####### seven"),
    ]


def test_a_hash_without_a_space_before_it_stays_in_the_heading():
    assert texts("# C# and F#\n# Done \\#\n") == ["C# and F#", "Done #"]


def test_setext_headings():
    document = parse("Title line\n===\n\nSubtitle\n---\n")
    assert [(b.kind, b.level, b.text) for b in document.blocks] == [
        ("heading", 1, "Title line"),
        ("heading", 2, "Subtitle"),
    ]


def test_paragraph_lines_are_joined_by_one_space():
    document = parse("Kratom has no side\n   effects at all.  \n\nNext paragraph.")
    assert [b.text for b in document.blocks] == ["Kratom has no side effects at all.", "Next paragraph."]
    first = document.blocks[0]
    assert source_of(document, first, 11, 26) == "no side\n   effects"


def test_thematic_breaks_separate_paragraphs():
    assert texts("One\n\n***\nTwo\n- - -\nThree") == ["One", "Two", "Three"]


# ---- lists ----------------------------------------------------------------------------


def test_list_items_of_every_marker():
    source = "- dash\n* star\n+ plus\n1. one\n2) two\n"
    assert blocks(source) == [("list-item", t) for t in ("dash", "star", "plus", "one", "two")]


def test_list_items_nest_continue_and_continue_lazily():
    source = (
        "- outer item\n"
        "  continued here\n"
        "  - inner item\n"
        "lazy continuation\n"
        "\n"
        "  second paragraph of the outer item\n"
        "\n"
        "Not in the list.\n"
    )
    assert blocks(source) == [
        ("list-item", "outer item continued here"),
        ("list-item", "inner item lazy continuation"),
        ("list-item", "second paragraph of the outer item"),
        ("paragraph", "Not in the list."),
    ]


def test_a_number_other_than_one_does_not_interrupt_a_paragraph():
    assert blocks("The dose was raised in\n2019. It worked.\n") == [
        ("paragraph", "The dose was raised in 2019. It worked.")
    ]


def test_an_item_that_starts_empty_ends_at_a_blank_line():
    assert blocks("-\n  in the item\n\n-\n\n  not in the item\n") == [
        ("list-item", "in the item"),
        ("paragraph", "not in the item"),
    ]


def test_a_tab_after_a_marker_is_partly_indentation():
    # The space after ">" takes one column of the tab; the rest (3) plus one
    # space make indented code. Spec examples 6 and 7 work the same way.
    assert blocks(">>\t   code\n\n>\tquoted\n- item\n\n\t  code in the item\n") == [
        ("blockquote", "quoted"),
        ("list-item", "item"),
    ]


def test_headings_and_code_inside_list_items():
    source = "- # Heading in item\n-     indented code in item\n- ```\n  fenced code\n  ```\n- text\n"
    assert blocks(source) == [("heading", "Heading in item"), ("list-item", "text")]


# ---- blockquotes ------------------------------------------------------------------------


def test_blockquotes_nest_and_keep_the_kind_of_what_they_hold():
    source = (
        "> quoted paragraph\n"
        "continued lazily\n"
        ">\n"
        "> > nested **quote**\n"
        "> > - list in quote\n"
        "> # heading in quote\n"
    )
    assert blocks(source) == [
        ("blockquote", "quoted paragraph continued lazily"),
        ("blockquote", "nested quote"),
        ("list-item", "list in quote"),
        ("heading", "heading in quote"),
    ]


def test_an_indented_line_after_a_quoted_paragraph_continues_it_lazily():
    # CommonMark spec example 238: indented code cannot interrupt a paragraph.
    assert blocks("> foo\n    - bar\n") == [("blockquote", "foo - bar")]


def test_blockquote_prefixes_are_stripped_but_positions_stay_exact():
    document = parse(">\t> no side effects\n")
    (block,) = document.blocks
    assert block.text == "no side effects"
    assert source_of(document, block, 0, len(block.text)) == "no side effects"


# ---- tables -----------------------------------------------------------------------------


def test_table_cells_are_blocks_and_the_delimiter_row_is_skipped():
    source = "Intro line\n| Claim | Source |\n|:------|-------:|\n| no side effects | a \\| b |\nlast|row\n\nAfter.\n"
    assert blocks(source) == [
        ("paragraph", "Intro line"),
        ("table-cell", "Claim"),
        ("table-cell", "Source"),
        ("table-cell", "no side effects"),
        ("table-cell", "a | b"),
        ("table-cell", "last"),
        ("table-cell", "row"),
        ("paragraph", "After."),
    ]


def test_cells_beyond_the_header_are_dropped_and_indented_lines_end_the_table():
    assert texts("| a | b |\n|---|---|\n| c | d | extra |\n    code\nafter\n") == ["a", "b", "c", "d", "after"]


def test_a_header_row_indented_like_code_is_paragraph_text():
    assert texts("Text\n    | a | b |\n|---|---|\n") == ["Text | a | b | |---|---|"]


def test_a_delimiter_row_with_another_cell_count_is_not_a_table():
    assert blocks("a | b\n|---|\n") == [("paragraph", "a | b |---|")]


# ---- code and HTML -----------------------------------------------------------------------


def test_fenced_and_indented_code_are_never_blocks():
    source = (
        "Before.\n\n"
        "```python\nno side effects\n```\n"
        "~~~~\nharmless\n~~~\nstill code\n~~~~\n"
        "\n    indented harmless code\n\n"
        "After.\n"
    )
    assert texts(source) == ["Before.", "After."]


def test_an_unclosed_fence_runs_to_the_end():
    assert texts("Text.\n```\nno side effects\n\nmore code\n") == ["Text."]


def test_indented_lines_continue_a_paragraph_instead_of_starting_code():
    assert texts("Paragraph\n    still paragraph\n") == ["Paragraph still paragraph"]


def test_html_blocks_and_multi_line_comments_are_skipped():
    source = (
        "<div class=\"ad\">\nharmless\n</div>\n\n"
        "<!--\nno side effects\n-->\n"
        "<script>\nvar harmless = 1;\n\n</script>\n"
        "Visible.\n"
    )
    assert texts(source) == ["Visible."]


# ---- inline markup -------------------------------------------------------------------------


def test_code_spans_are_masked():
    document = parse("Run `no side effects` and ``a ` b`` now.")
    (block,) = document.blocks
    assert block.text == f"Run {MASK} and {MASK} now."
    start = block.text.index(MASK)
    assert source_of(document, block, start, start + 1) == "`no side effects`"


def test_an_unclosed_code_span_is_literal():
    assert texts("a `b c") == ["a `b c"]


def test_urls_autolinks_and_link_destinations_are_masked_but_link_text_stays():
    source = (
        'See [the study](https://example.com/a_(b) "Title") and <https://x.org/harmless>, '
        "https://harmless.example/path. Also www.harmless.com, mail <a@b.co> and ![a leaf](leaf.png)."
    )
    (text,) = texts(source)
    assert text == (
        f"See the study{MASK} and {MASK}, {MASK}. Also {MASK}, mail {MASK} and a leaf{MASK}."
    )


def test_reference_links_and_definitions():
    source = "A [full][ref] link, a [collapsed][] one and a [1] citation.\n\n[ref]: https://example.com \"T\"\n"
    assert texts(source) == [f"A full{MASK} link, a collapsed{MASK} one and a [1] citation."]


def test_emphasis_markers_are_removed_and_positions_stay_exact():
    document = parse("It has no **side** effects, _really_ ~~none~~ at all; snake_case stays; 2 * 3 too.")
    (block,) = document.blocks
    assert block.text == "It has no side effects, really none at all; snake_case stays; 2 * 3 too."
    start = block.text.index("no side effects")
    assert source_of(document, block, start, start + 15) == "no **side** effects"
    assert_verbatim_characters_map_home(document)


def test_a_single_tilde_means_about():
    assert texts("Take ~5 mg.") == ["Take ~5 mg."]


def test_inline_html_formatting_tags_go_other_tags_and_comments_are_masked():
    (text,) = texts("No <b>side</b> effects<br>here <!-- harmless --> and <code>harmless</code> code.")
    assert text == f"No side effects{MASK}here {MASK} and {MASK} code."


def test_backslash_escapes_and_entities():
    document = parse(r"Not \*emphasis\*, caf&eacute; &amp; R&D &#x1F600; &bogus; \a")
    (block,) = document.blocks
    assert block.text == "Not *emphasis*, café & R&D 😀 &bogus; \\a"
    start = block.text.index("café")
    # A span ending on a decoded entity ends where the entity does.
    assert source_of(document, block, start, start + 4) == "caf&eacute;"
    assert_verbatim_characters_map_home(document)


def test_a_paragraph_of_markup_only_makes_no_block():
    assert texts("<!-- a -->\n\n`code`\n\nhttps://example.com\n") == []


# ---- robustness ------------------------------------------------------------------------------

HOSTILE = {
    "10,000 nested quotes": ">" * 10_000 + " deep\n" + ("> " * 5_000 + "x\n") * 20,
    "a 1 MB line": "word **bold** `code` [link](url) " * 30_000,
    "unclosed fences": "```\n~~~\n" * 20_000,
    "unclosed code spans": "`a ``b " * 50_000,
    "unclosed comments": "x <!-- a " * 50_000 + "\n\n" + "<!--\n" * 10_000,
    "unclosed brackets and links": "[](" * 50_000 + '[a](b "' * 20_000,
    "unclosed tags": "<a b='" * 30_000 + "<a b c d " * 30_000,
    "deep lists and blank lines": "- " * 5_000 + "x\n" + "\n" * 30_000,
    "delimiter runs": "*a_ " * 100_000,
    "tabs": "\t" * 500_000 + "x\n",
}


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_parses_in_linear_time(source):
    # A quadratic step would take minutes on inputs this size.
    started = time.perf_counter()
    document = parse(source)
    assert time.perf_counter() - started < 5
    assert_verbatim_characters_map_home(document)
