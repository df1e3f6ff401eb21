"""Finding positions: 1-based lines and columns in code points, end exclusive.

Positions come from each parser's source map, never from searching the
source for the matched text, so a phrase that occurs twice on a line is
reported twice at its own columns. The tests use a rule of their own (a
pattern rule for a few phrases) so that edits to the built-in rules cannot
move them. The test oracle may search the source; the linter may not.
"""
from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from healthlint.documents import parse_document
from healthlint.engine import Engine
from healthlint.ruleset import RuleSet, compile_rule, load_rule_file

from document_helpers import source_map_problems
from healthlint.runner import lint_text

SUFFIX = {"text": "doc.txt", "markdown": "doc.md", "html": "doc.html"}
PHRASE = "no side effects"

PROBE_RULE = """\
id: probe-phrase
category: safety-claim
severity: error
message: "{match}"
description: Phrases for position tests.
rationale: Positions must be exact in every format.
references:
  - title: healthlint tests
    url: https://example.com
scope: sentence
kind: pattern
phrases: [no side effects, completely safe, naïve cure]
skip_quoted: false
skip_negated: false
examples:
  bad: ["It has no side effects.", "It is completely safe."]
  good: ["It has side effects.", "It is safe enough."]
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "probe-phrase.yaml"
    path.write_text(PROBE_RULE, encoding="utf-8")
    rule = load_rule_file(path)
    return Engine(RuleSet((rule,), (compile_rule(rule),)))


def found(engine, text: str, format: str) -> list[tuple[int, int, int, int]]:
    result = lint_text(engine, text, SUFFIX[format])
    return [(f.span.line, f.span.column, f.span.end_line, f.span.end_column) for f in result.findings]


def line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in re.finditer(r"\r\n|\r|\n", text)]


def position(text: str, offset: int) -> tuple[int, int]:
    starts = line_starts(text)
    line = max(number for number, start in enumerate(starts) if start <= offset)
    return line + 1, offset - starts[line] + 1


def expected_spans(text: str, needle: str) -> list[tuple[int, int, int, int]]:
    """Where each occurrence of needle is, by searching (the oracle's privilege)."""
    text = text.removeprefix("\ufeff")
    return [(*position(text, m.start()), *position(text, m.end())) for m in re.finditer(re.escape(needle), text)]


def cut(text: str, line: int, column: int, end_line: int, end_column: int) -> str:
    """The source between two positions, found from lines and columns alone."""
    text = text.removeprefix("\ufeff")
    starts = line_starts(text)
    return text[starts[line - 1] + column - 1 : starts[end_line - 1] + end_column - 1]


def without_markup(source: str) -> str:
    """What a reader sees of a stretch of source: tags, emphasis, quote markers
    and references resolved, white space collapsed."""
    source = re.sub(r"<[^>]*>", "", source)
    source = re.sub(r"(?m)^[ \t]*(?:>[ \t]?)+", "", source)
    source = html.unescape(re.sub(r"[*_]|~~", "", source))
    return " ".join(source.split())


# ---- explicit cases, every format ------------------------------------------------------


@pytest.mark.parametrize(
    "format, text, expected",
    [
        ("text", "First paragraph here.\r\n\r\nIt has no side effects.\r\n", [(3, 8, 3, 23)]),
        ("markdown", "# Title\r\n\r\nIt has no side effects.\r\n", [(3, 8, 3, 23)]),
        ("html", "<h1>Title</h1>\r\n<p>\r\nIt has no side effects.</p>\r\n", [(3, 8, 3, 23)]),
        ("text", "First paragraph here.\r\rIt has no side effects.\r", [(3, 8, 3, 23)]),
        ("markdown", "# Title\r\rIt has no side effects.\r", [(3, 8, 3, 23)]),
        ("html", "<h1>Title</h1>\r<p>\rIt has no side effects.</p>\r", [(3, 8, 3, 23)]),
    ],
    ids=["text-crlf", "markdown-crlf", "html-crlf", "text-cr", "markdown-cr", "html-cr"],
)
def test_crlf_and_cr_line_ends(probe, format, text, expected):
    assert found(probe, text, format) == expected


@pytest.mark.parametrize("format", SUFFIX)
def test_a_bom_is_not_a_column(probe, format):
    body = {"text": "No side effects here.", "markdown": "No side effects here.", "html": "No side effects here."}
    assert found(probe, "\ufeff" + body[format], format) == [(1, 1, 1, 16)]


@pytest.mark.parametrize(
    "format, text, expected",
    [
        ("text", "It\thas\tno side effects.", [(1, 8, 1, 23)]),
        ("markdown", "It\thas\tno side effects.\n\n-\tno side effects", [(1, 8, 1, 23), (3, 3, 3, 18)]),
        ("html", "<p>\tIt\thas\tno side effects.</p>", [(1, 12, 1, 27)]),
    ],
)
def test_a_tab_is_one_column(probe, format, text, expected):
    assert found(probe, text, format) == expected


@pytest.mark.parametrize("format", SUFFIX)
def test_columns_count_code_points_not_bytes_or_utf16_units(probe, format):
    line = "Café 漢字 😀 — no side effects, a naïve cure."
    text = f"<p>{line}</p>" if format == "html" else line
    shift = 3 if format == "html" else 0
    # "Café 漢字 😀 — " is 12 code points (18 UTF-8 bytes, 13 UTF-16 units).
    assert found(probe, text, format) == [(1, 13 + shift, 1, 28 + shift), (1, 32 + shift, 1, 42 + shift)]


@pytest.mark.parametrize(
    "format, text",
    [
        ("text", "- a list item with no side effects\n1. and a numbered one with no side effects\n"),
        ("markdown", "- outer\n  - inner item with no side effects\n    1. deeper, no side effects\n"),
        ("markdown", "> quoted, no side effects\n> > nested, no side effects\n> > > - deepest, no side effects\n"),
        ("markdown", "> - quoted list item with no side\n>   effects\n"),
        ("html", "<ul>\n  <li>item with no side effects\n  <li><ol><li>nested, no side effects</ol>\n</ul>\n"),
        ("html", "<blockquote><blockquote>\n\t<p>nested, no side\n\t   effects</p></blockquote></blockquote>"),
    ],
)
def test_text_inside_list_items_and_nested_blockquotes(probe, format, text):
    needle = PHRASE if PHRASE in text else "no side\n>   effects" if format == "markdown" else "no side\n\t   effects"
    assert found(probe, text, format) == expected_spans(text, needle)


@pytest.mark.parametrize("format", SUFFIX)
def test_a_phrase_twice_on_one_line_is_found_at_both_columns(probe, format):
    line = "No side effects here, and no side effects there."
    text = f"<p>{line}</p>" if format == "html" else line
    shift = 3 if format == "html" else 0
    assert found(probe, text, format) == [(1, 1 + shift, 1, 16 + shift), (1, 27 + shift, 1, 42 + shift)]


@pytest.mark.parametrize(
    "format, text",
    [
        ("markdown", "It has no **side** effects, no _side_\neffects and no `x` side effects."),
        ("markdown", "A [link with no side](https://x.org) effects, *no side effects*."),
        ("markdown", "| Claim |\n|---|\n| no <b>side</b> effects |\n"),
        ("markdown", "---\ntitle: 'It''s completely safe'\n---\n"),
        ("html", "<p>no <b>side</b>\n effects and no side&nbsp;effects, completely&#32;safe</p>"),
        ("html", '<img alt="a &quot;completely safe&quot; tea">'),
        ("text", "It has no side\neffects.\n\nA naïve cure."),
    ],
)
def test_each_span_cut_from_the_source_reads_as_its_match(probe, format, text):
    result = lint_text(probe, text, SUFFIX[format])
    assert result.findings
    for finding in result.findings:
        span = finding.span
        source = cut(text, span.line, span.column, span.end_line, span.end_column)
        assert source == text.removeprefix("\ufeff")[span.start_offset : span.end_offset]
        assert without_markup(source) == " ".join(finding.match.split())


def test_a_match_interrupted_by_masked_markup_is_not_found(probe):
    assert found(probe, "no `side` effects, no [side](u) effects, no side<!-- x -->effects", "markdown") == []


# ---- properties ---------------------------------------------------------------------------

FRAGMENTS = {
    "markdown": [
        "\n", "\r\n", "\r", " ", "\t", "    ", "#", "# ", ">", "> ", "- ", "* ", "+ ", "1. ", "2) ", "```", "~~~",
        "`", "``", "*", "**", "_", "~~", "[", "]", "(", ")", "![", "](", "][", "<", ">", "<b>", "</b>", "<!--",
        "-->", "<code>", "</code>", "<div>", "<br>", "&amp;", "&", "&#x1F600;", "&eacute;", "\\", "\\*", "|",
        "|---|", "---", "===", "http://a.b/c)", "www.x.y.", "<http://q.r>", "<a@b.co>", "title: ", "description: ",
        "'", '"', "a", "word", "é", "漢字", "😀", "\u00a0", "no side effects", "[x]: /u", ":",
    ],
    "html": [
        "<p>", "</p>", "<li>", "<ul>", "</ul>", "<td>", "<th>", "<tr>", "<table>", "<h2>", "</h2>", "<blockquote>",
        "<img alt='", "' src=x>", 'alt="', "<title>", "</title>", "<script>", "</script>", "<pre>", "</pre>",
        "<code>", "</code>", "<!--", "-->", "<!", "<?", "</", "<", ">", "/>", "&amp;", "&copy", "&#", "&#x41;", "&",
        ";", "=", "'", '"', " ", "\n", "\r\n", "\r", "\t", "a", "text", "é", "漢", "😀", "<svg>", "</svg>",
        "<head>", "</head>", "<body>", "<br>", "<img src=a alt=b>", "no side effects", "<a href=x>", "</a>",
    ],
}
FRAGMENTS["text"] = FRAGMENTS["markdown"]



def documents(format: str):
    return st.lists(st.sampled_from(FRAGMENTS[format]), max_size=60).map("".join)


@pytest.mark.parametrize("format", SUFFIX)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_document_parses_and_every_character_maps_into_the_source(format, data):
    text = data.draw(documents(format))
    bom = data.draw(st.booleans())
    document = parse_document(("\ufeff" if bom else "") + text, SUFFIX[format])
    assert source_map_problems(document) == []


WRAPPINGS = {
    "text": ["no side effects", "no  side\teffects"],
    "markdown": ["no side effects", "no **side** effects", "no _side_ effects", "no side\neffects",
                 "no <b>side</b> effects", "no side&#32;effects", "no\\\nside effects"],
    "html": ["no side effects", "no <b>side</b> effects", "no side\n  effects", "no side&nbsp;effects",
             "no side <i>eff</i>ects"],
}
CONTAINERS = {
    "text": ["", "- ", "1. "],
    "markdown": ["", "> ", "> > ", "- ", "1. ", "> - ", "- > ", "# ", "| a |\n|---|\n| "],
    "html": ["<p>", "<li>", "<blockquote><p>", "<table><td>", "<h2>", "<div>\n"],
}
# Blocks that end with their line: a phrase cannot run on to the next line.
SINGLE_LINE_CONTAINERS = {"# ", "| a |\n|---|\n| "}
WORDS = st.text(alphabet="abcdé漢😀 \t", max_size=12)


@pytest.mark.parametrize("format", SUFFIX)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_occurrence_is_found_where_it_is(probe, format, data):
    wrapping = data.draw(st.sampled_from(WRAPPINGS[format]))
    container = data.draw(st.sampled_from(CONTAINERS[format]))
    assume(not ("\n" in wrapping and container in SINGLE_LINE_CONTAINERS))
    line_end = data.draw(st.sampled_from(["\n", "\r\n", "\r"]))
    before, between = data.draw(WORDS), data.draw(WORDS)
    bom = "\ufeff" if data.draw(st.booleans()) else ""
    body = f"{container}x{before} {wrapping} and {between} {wrapping}."
    text = bom + body.replace("\n", line_end)
    expected = expected_spans(text, wrapping.replace("\n", line_end))
    assert len(expected) == 2
    assert found(probe, text, format) == expected
