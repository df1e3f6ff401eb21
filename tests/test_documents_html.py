"""The HTML parser: visible text of the title and body, alt text, and nothing else."""
from __future__ import annotations

import time

import pytest

from healthlint.documents import parse_document
from healthlint.model import MASK

import document_helpers
from document_helpers import assert_verbatim_characters_map_home, source_of


def parse(source: str):
    return parse_document(source, "page.html")


def blocks(source: str) -> list[tuple[str, str]]:
    return document_helpers.blocks(source, "page.html")


def texts(source: str) -> list[str]:
    return document_helpers.texts(source, "page.html")


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="description" content="harmless">
  <title>Kratom &amp; You</title>
  <style>p::before { content: "no side effects"; }</style>
  <script>var claim = "<p>harmless</p>";</script>
</head>
<body>
  <h1>Is kratom <em>completely</em> safe?</h1>
  <p>Our tea has no <b>side</b>
     effects.<br>Second line.</p>
  <div>Loose text in a div
    <p>then a paragraph</p>
    and more loose text</div>
  <ul><li>first item<li>second <a href="https://example.com/harmless">item</a></ul>
  <blockquote><p>A quote.</p></blockquote>
  <table><tr><th>Claim<td>Evidence</tr></table>
  <h3>Sub <small>heading</small></h3>
  <img src="leaf.png" alt="A harmless leaf">
  <pre>no side effects</pre>
  <p>Inline <code>harmless()</code> code and <!-- harmless --> comments.</p>
  <template><p>harmless</p></template>
  <noscript>harmless</noscript>
  <svg><text>harmless</text><title>harmless</title></svg>
</body>
</html>
"""


def test_a_page_gives_its_title_and_visible_text_and_nothing_else():
    document = parse(PAGE)
    assert [(b.kind, b.level, b.text) for b in document.blocks] == [
        ("title", 0, "Kratom & You"),
        ("heading", 1, "Is kratom completely safe?"),
        ("paragraph", 0, "Our tea has no side effects. Second line."),
        ("paragraph", 0, "Loose text in a div"),
        ("paragraph", 0, "then a paragraph"),
        ("paragraph", 0, "and more loose text"),
        ("list-item", 0, "first item"),
        ("list-item", 0, "second item"),
        ("blockquote", 0, "A quote."),
        ("table-cell", 0, "Claim"),
        ("table-cell", 0, "Evidence"),
        ("heading", 3, "Sub heading"),
        ("alt-text", 0, "A harmless leaf"),
        ("paragraph", 0, f"Inline {MASK} code and {MASK} comments."),
    ]
    assert_verbatim_characters_map_home(document)


def test_white_space_collapses_but_the_span_covers_the_source():
    document = parse("<p>no <b>side</b>\n     effects</p>")
    (block,) = document.blocks
    assert block.text == "no side effects"
    assert source_of(document, block, 0, len(block.text)) == "no <b>side</b>\n     effects"


def test_alt_text_has_the_exact_offsets_of_the_attribute_value():
    document = parse("<p>Look: <img class=x alt='A &quot;harmless&quot; leaf' src=y>here</p>")
    paragraph, alt = document.blocks
    assert (paragraph.kind, paragraph.text) == ("paragraph", "Look: here")
    assert (alt.kind, alt.text) == ("alt-text", 'A "harmless" leaf')
    start = alt.text.index("harmless")
    assert source_of(document, alt, start, start + 8) == "harmless"
    assert source_of(document, alt, 0, len(alt.text)) == "A &quot;harmless&quot; leaf"


def test_an_attribute_that_mentions_alt_is_not_the_alt():
    assert blocks('<img title="alt=no" data-alt="x" alt=real>') == [("alt-text", "real")]


def test_character_references_decode_and_map_to_their_whole_source():
    document = parse("<p>caf&eacute; &copy 2024 &#233;&#xE9; R&D &bogus; &lt;b&gt;</p>")
    (block,) = document.blocks
    assert block.text == "café © 2024 éé R&D &bogus; <b>"
    assert source_of(document, block, 0, 4) == "caf&eacute;"
    assert_verbatim_characters_map_home(document)


def test_implied_end_tags_close_list_items_cells_and_headings():
    source = "<ul><li>one<li>two<ul><li>inner</ul>after inner</ul><table><tr><td>a<td>b<tr><td>c</table>"
    assert blocks(source) == [
        ("list-item", "one"),
        ("list-item", "two"),
        ("list-item", "inner"),
        ("list-item", "after inner"),
        ("table-cell", "a"),
        ("table-cell", "b"),
        ("table-cell", "c"),
    ]


def test_text_after_a_list_is_a_paragraph_again():
    assert blocks("<ul><li>item</ul>After the list.") == [("list-item", "item"), ("paragraph", "After the list.")]


def test_a_document_without_head_or_body_is_read_as_body():
    assert blocks("Just text with <i>markup</i>.") == [("paragraph", "Just text with markup.")]


def test_head_text_is_never_linted_but_the_title_is():
    assert blocks("<head><title>T</title>stray head text<meta x></head><p>Body</p>") == [
        ("title", "T"),
        ("paragraph", "Body"),
    ]


def test_a_body_tag_ends_an_unclosed_head():
    assert texts("<head><title>T</title><body><p>Body</p>") == ["T", "Body"]


def test_raw_text_elements_end_only_at_their_own_end_tag():
    source = "<p>a <script>if (a</b) { '</p>harmless' }</script> b</p><style>p{}</style >c"
    assert texts(source) == [f"a {MASK} b", "c"]


def test_a_literal_less_than_sign_is_text():
    assert texts("<p>dose < 5 mg and 3<4</p>") == ["dose < 5 mg and 3<4"]


def test_malformed_tags_follow_the_html5_tokenizer():
    # A quote in an attribute name, an empty value, "<" inside an unquoted value.
    source = "<p a\"b=1 c= d=x<y>one</p><p e=>two</p><p/>three"
    assert texts(source) == ["one", "two", "three"]


def test_unclosed_constructs_run_to_the_end():
    assert texts("<p>kept</p><!-- no side effects") == ["kept"]
    assert texts("<p>kept</p><p title='no side effects>more") == ["kept"]
    assert texts("<p>kept</p><script>harmless") == ["kept"]


def test_bogus_comments_doctype_and_cdata_are_not_text():
    assert texts("<!DOCTYPE html><?xml x?><![CDATA[harmless]]></ x><p>text</p>") == ["text"]


HOSTILE = {
    "unclosed comments": "<p>a " + "<!--" * 50_000,
    "unclosed tags": "<a" * 50_000,
    "unclosed end tags": "</a" * 50_000,
    "bogus character references": "<p>" + "&#;&#x;&" * 30_000,
    "unclosed attribute quotes": "<a b='" * 30_000,
    "deep nesting": "<div><ul><li>x" * 30_000 + "</span>" * 30_000,
    "unclosed code": "<p>a <code>b" * 30_000,
}


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_parses_in_linear_time(source):
    started = time.perf_counter()
    document = parse(source)
    assert time.perf_counter() - started < 5
    assert_verbatim_characters_map_home(document)
