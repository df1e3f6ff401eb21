"""Properties every lint must have, on generated text, Markdown and HTML.

For any input healthlint reads:

1. Nothing raises: parsing, every built-in rule and a few broad test rules,
   suppressions, fixes.
2. Every finding's span (and every related span) lies inside the document:
   1 <= line <= number of lines, 1 <= column <= length of the line + 1 (the
   line end itself is a valid end), start before end, and the offsets agree
   with the line and column.
3. The span's text is the finding's `match`. Precisely: for a finding on one
   line, `visible(source[start_offset:end_offset])` equals `visible(match)`,
   where `visible` (below) removes the inline markup of the document's format
   (emphasis, link brackets and destinations, tags, escapes), decodes
   character references, reads code and URLs as one MASK, and folds runs of
   white space into one space. On plain text no markup is removed: the cut
   equals `match` exactly. This exact form is checked on generated documents
   whose markup is well formed; on free-form junk, and for findings over
   several lines, the weaker form holds: the characters of `match` (white
   space and MASKs aside) appear in that order in the cut. (An
   `unused-disable` finding marks a whole comment and has no match.)
4. The same input gives the same findings whatever else is linted before it,
   in whatever order, and with any number of worker processes.

The strategies and `check_findings` are shared with bench/fuzz.py, which runs
them for minutes instead of seconds.
"""
from __future__ import annotations

import html
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthlint.check import CheckOptions, Linter
from healthlint.config import Config, RuleSettings
from healthlint.documents import parse_document
from healthlint.fixes import apply_fixes
from healthlint.model import MASK, Document, Finding, Span
from healthlint.ruleset import load_ruleset

# ---- the rules --------------------------------------------------------------------

# Broad rules that fire on almost any text, so that spans are checked in every
# kind of block and across every kind of markup, not only where a built-in
# claim happens to be written.
TEST_RULES = {
    "prop-claim": {"phrases": ["harmless", "no side effects", "100% safe", "miracle cure", "wonderpill"],
                   "fix": {"applicability": "safe", "replacement": "pill"}},
    "prop-pair": {"patterns": [r"\w+\W{1,4}\w+"]},  # two words and what sits between them
    "prop-span": {"patterns": [r"\w+(?:\W+\w+){3,8}"], "scope": ["heading", "paragraph", "list-item",
                                                                 "blockquote", "table-cell", "alt-text",
                                                                 "title", "description"]},
}


def write_test_rules(folder: Path) -> Path:
    """The test rules as files in `folder`; returns it."""
    import yaml

    for rule_id, options in TEST_RULES.items():
        data = {"id": rule_id, "category": "hype", "severity": "info", "message": "{match}",
                "description": "test", "rationale": "test", "references": [{"title": "test"}],
                "kind": "pattern", "skip_quoted": False, "skip_negated": False,
                "examples": {"bad": ["x", "y"], "good": ["x", "y"]}, **options}
        (folder / f"{rule_id}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


@lru_cache(maxsize=None)
def linter() -> Linter:
    """Every built-in rule and the test rules, no configuration file (shared by all examples)."""
    with tempfile.TemporaryDirectory(prefix="healthlint-prop-rules-") as folder:
        return Linter(Config(), load_ruleset([write_test_rules(Path(folder))]), RuleSettings())


@lru_cache(maxsize=None)
def builtin_sentences() -> tuple[str, ...]:
    """The bad examples of the built-in rules: text the built-in rules fire on."""
    return tuple(example.text for rule in load_ruleset().rules for example in rule.bad_examples
                 if example.format == "text" and "\n" not in example.text)


# ---- text ----------------------------------------------------------------------

WORDS = (
    "the", "a", "of", "and", "pill", "pills", "dose", "patients", "doctor", "harmless", "safe", "100%",
    "no", "side", "effects", "miracle", "cure", "wonderpill", "Kratom", "CBD", "COVID-19", "mg", "HIV",
    "Café", "naïve", "users’", "it's", "don’t", "e\u0301", "ﬁne", "Straße", "İstanbul", "ǅemal",
    "日本語", "مرحبا", "עברית", "😀", "👩‍⚕️", "x\u200by", "\u00a0", "snake_case", "e.g.", "Dr.",
    "3.5",
    "(see", "below)", "“quoted”", "—", "–", "…", "?", "!", ".", ",", ";", ":",
)
word = st.sampled_from(WORDS)
plain_words = st.lists(word, min_size=1, max_size=12).map(" ".join)


@st.composite
def sentence(draw) -> str:
    if draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(builtin_sentences()))
    text = draw(plain_words)
    return text[:1].upper() + text[1:] + draw(st.sampled_from(".!?"))


prose_line = st.lists(sentence(), min_size=1, max_size=3).map(" ".join)

# Arbitrary Unicode, surrogates aside (they cannot come out of decoding a file),
# with the characters that break lines and shift columns made likely.
any_char = st.one_of(
    st.characters(blacklist_categories=("Cs",)),
    st.sampled_from("\n\r\t \u2028\u2029\x85\x0b\x0c\ufeff\ufffc\ufffd\u200d\u0301"),
)
unicode_text = st.one_of(
    st.text(any_char, max_size=200),
    st.lists(st.one_of(word, st.text(any_char, max_size=5), st.sampled_from(["\n", "\r\n", "\r", "\n\n"])),
             max_size=40).map(" ".join),
)

# ---- Markdown --------------------------------------------------------------------

# Inline markup, each piece well formed (for the exact property) ...
solid_word = word.filter(lambda w: not any(char.isspace() for char in w))  # "* *" is no emphasis
md_inline_piece = st.one_of(
    word, word, word,
    solid_word.map(lambda w: f"**{w}**"), solid_word.map(lambda w: f"*{w}*"), solid_word.map(lambda w: f"_{w}_"),
    solid_word.map(lambda w: f"~~{w}~~"), word.map(lambda w: f"`{w}`"),
    plain_words.map(lambda w: f"[{w}](https://example.org/page)"),
    plain_words.map(lambda w: f'[{w}](<a b> "title")'), plain_words.map(lambda w: f"![{w}](img.png)"),
    st.sampled_from(["&amp;", "&eacute;", "&#233;", "&#x1F600;", "&nbsp;", "&copy;"]),
    word.map(lambda w: f"<b>{w}</b>"), word.map(lambda w: f'<span class="x">{w}</span>'),
    word.map(lambda w: f"<code>{w}</code>"), st.sampled_from([r"\*", r"\_", r"\[", r"\#", r"\&", "<br>"]),
    st.sampled_from(["https://example.org/a/b", "<https://example.org>", "<!-- note -->"]),
    st.sampled_from(["harmless", "no side effects", "100% safe", "miracle cure", "wonderpill"]),
)
md_inline = st.one_of(
    st.lists(md_inline_piece, min_size=1, max_size=14).map(" ".join),
    prose_line,
)
# ... and junk made of the characters Markdown gives meaning to.
md_junk_char = st.one_of(st.sampled_from("*_~`[]()<>!&#;\\|-+=:>.0123456789 \t\n\r\"'/"), any_char,
                         st.sampled_from("ab c"))
md_junk = st.lists(st.one_of(st.text(md_junk_char, max_size=8), word), max_size=30).map("".join)


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join((first if i == 0 else rest) + line if line or i == 0 else line for i, line in enumerate(lines))


def md_blocks(inline, junk=False):
    leaf = st.one_of(
        st.lists(inline, min_size=1, max_size=3).map("\n".join),  # a paragraph
        st.tuples(st.integers(1, 7), inline, st.booleans()).map(
            lambda t: "#" * t[0] + " " + t[1] + (" " + "#" * t[0] if t[2] else "")),
        st.tuples(inline, st.sampled_from(["===", "---"])).map("\n".join),  # setext heading
        st.tuples(st.sampled_from(["```", "~~~", "````"]), st.lists(inline, max_size=3), st.booleans()).map(
            lambda t: t[0] + "python\n" + "\n".join(t[1]) + ("\n" + t[0] if t[2] else "")),  # maybe unclosed
        inline.map(lambda line: "    " + line),  # indented code
        st.tuples(st.lists(inline.map(lambda c: c.replace("|", "\\|")), min_size=1, max_size=3),
                  st.integers(0, 3)).map(
            lambda t: "| " + " | ".join(t[0]) + " |\n|" + "---|" * len(t[0])
            + "".join("\n| " + " | ".join(t[0]) + " |" for _ in range(t[1]))),  # a table
        inline.map(lambda line: f"<div>\n{line}\n</div>"),  # an HTML block
        st.sampled_from(["---", "***", "* * *", "[ref]: https://example.org \"Title\"",
                         "<!-- healthlint-disable -->", "<!-- healthlint-enable -->",
                         "<!-- healthlint-disable-next-line prop-pair -->", ""]),
    )
    if junk:
        leaf = st.one_of(leaf, md_junk)

    def containers(children):
        block_list = st.lists(children, min_size=1, max_size=3).map("\n\n".join)
        return st.one_of(
            block_list.map(lambda text: _indent(text, "> ", "> ")),  # blockquote
            block_list.map(lambda text: _indent(text, ">", ">")),
            st.lists(block_list, min_size=1, max_size=3).map(
                lambda items: "\n".join(_indent(item, "- ", "  ") for item in items)),  # bullet list
            st.lists(block_list, min_size=1, max_size=3).map(
                lambda items: "\n".join(_indent(item, f"{n}. ", "   ") for n, item in enumerate(items, 1))),
            block_list.map(lambda text: _indent(text, "* > ", "  > ")),
        )

    return st.recursive(leaf, containers, max_leaves=12)


def _front_matter(values):
    """Front matter holds YAML, not Markdown: its values are read as plain text."""
    return st.one_of(
        st.just(""),
        st.tuples(values, values, st.sampled_from(["''", "’"])).map(  # '' reads as ': exact in junk only
            lambda t: "---\ntitle: '" + t[0].replace("'", t[2]) + "'\ndescription: >\n  " + t[1]
            + "\ntags: [a, b]\n---\n"),
        st.tuples(values, values).map(lambda t: f"---\ntitle: |\n  {t[0]}\ndescription: >-\n  {t[1]}\n...\n"),
        st.just("---\ntitle: unclosed front matter\n"),
    )


@st.composite
def markdown_document(draw, junk=False) -> str:
    body = "\n\n".join(draw(st.lists(md_blocks(md_inline, junk), max_size=6)))
    values = md_inline if junk else prose_line.map(lambda text: text.replace("'", "’"))
    return _finish(draw, draw(_front_matter(values)) + body)


# ---- HTML ------------------------------------------------------------------------

html_inline_piece = st.one_of(
    word, word, word,
    word.map(lambda w: f"<b>{w}</b>"), word.map(lambda w: f"<em>{w}</em>"),
    word.map(lambda w: f'<a href="https://example.org/?a=1&amp;b=2">{w}</a>'),
    word.map(lambda w: f"<code>{w}</code>"), word.map(lambda w: f'<img src="x.png" alt="{w} pill">'),
    st.sampled_from(["&amp;", "&eacute;", "&#233;", "&#x1F600;", "&nbsp;", "&lt;", "&copy;", "<br>",
                     "<!-- note -->", "\n", "  "]),
    st.sampled_from(["harmless", "no side effects", "100% safe", "miracle cure", "wonderpill"]),
)
html_inline = st.one_of(st.lists(html_inline_piece, min_size=1, max_size=14).map(" ".join), prose_line)
html_junk = st.lists(st.one_of(
    st.text(st.one_of(st.sampled_from("<>/=\"'&#;!-?[] \n\tabcpdiv"), any_char), max_size=10),
    st.sampled_from(["<p", "</p", "<!--", "-->", "<script>", "</script", "<style>", "<title>", "&", "&amp",
                     "&#", "&#x", "<![CDATA[", "<?", "<a href='", "<table><tr><td>", "<li>", "<h1>", "</h"]),
    word,
), max_size=30).map("".join)


def html_elements(inline, junk=False):
    leaf = st.one_of(
        inline.map(lambda t: f"<p>{t}</p>"), inline.map(lambda t: f"<p>{t}"),  # maybe unclosed
        st.tuples(st.integers(1, 6), inline).map(lambda t: f"<h{t[0]}>{t[1]}</h{t[0]}>"),
        inline, st.sampled_from(["<hr>", "<br/>", "<!-- healthlint-disable -->", "<pre>harmless</pre>",
                                 "<script>var a = '<p>harmless';</script>", "<style>p { color: red }</style>"]),
        inline.map(lambda t: f"<textarea>{t}</textarea>"),
    )
    if junk:
        leaf = st.one_of(leaf, html_junk)

    def containers(children):
        inner = st.lists(children, min_size=1, max_size=3).map("\n".join)
        return st.one_of(
            inner.map(lambda t: f"<div class=\"c\">\n{t}\n</div>"),
            inner.map(lambda t: f"<blockquote>{t}</blockquote>"),
            st.lists(inner, min_size=1, max_size=3).map(
                lambda items: "<ul>" + "".join(f"<li>{item}" for item in items) + "</ul>"),
            st.lists(inner, min_size=1, max_size=3).map(
                lambda cells: "<table><tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr></table>"),
        )

    return st.recursive(leaf, containers, max_leaves=10)


@st.composite
def html_document(draw, junk=False) -> str:
    # <title> holds text, not tags (a browser shows "<b>" there as written).
    title_text = st.one_of(html_inline, html_junk) if junk else prose_line
    title = draw(st.one_of(st.just(""), title_text.map(lambda t: f"<title>{t}</title>")))
    body = "\n".join(draw(st.lists(html_elements(html_inline, junk), max_size=6)))
    wrapped = draw(st.booleans())
    text = f"<!DOCTYPE html>\n<html><head>{title}</head>\n<body>\n{body}\n</body></html>" if wrapped else title + body
    return _finish(draw, text)


# ---- documents of any format -------------------------------------------------------


def _finish(draw, text: str) -> str:
    """The same document with another line end, a BOM, a missing final newline."""
    ending = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    if ending != "\n":
        text = text.replace("\n", ending)
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    return text + draw(st.sampled_from(["", ending]))


text_document = st.one_of(
    st.lists(prose_line, max_size=8).flatmap(
        lambda lines: st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n"]).map(lambda sep: sep.join(lines))),
    st.lists(st.one_of(prose_line, prose_line.map(lambda t: "- " + t), prose_line.map(lambda t: "  " + t)),
             max_size=8).map("\n".join),
)

# (text, path, exact): `exact` when its markup is well formed, so that property 3
# holds in its exact form.
well_formed_documents = st.one_of(
    text_document.map(lambda t: (t, "doc.txt", True)),
    markdown_document().map(lambda t: (t, "doc.md", True)),
    markdown_document().map(lambda t: (t, "doc.markdown", True)),
    html_document().map(lambda t: (t, "doc.html", True)),
    html_document().map(lambda t: (t, "doc.htm", True)),
)
junk_documents = st.one_of(
    st.tuples(unicode_text, st.sampled_from(["doc.txt", "doc.md", "doc.html"]), st.just(False)),
    markdown_document(junk=True).map(lambda t: (t, "doc.md", False)),
    st.tuples(md_junk, st.just("doc.md"), st.just(False)),
    html_document(junk=True).map(lambda t: (t, "doc.html", False)),
    st.tuples(html_junk, st.just("doc.html"), st.just(False)),
)
any_document = st.one_of(well_formed_documents, junk_documents)


# ---- the invariants -----------------------------------------------------------------

_FORMATTING_TAGS = ("a abbr b bdi bdo big cite data del dfn em font i ins mark nobr q s small span strike "
                    "strong time tt u var wbr").split()
_MARKDOWN_MARKUP = re.compile(
    r"""(?P<escape>\\[!-/:-@\[-`{-~])"""
    r"""|(?P<code>(?P<ticks>`+)[^`]+?(?<!`)(?P=ticks)(?!`))"""
    r"""|(?P<autolink><https?://[^\s<>]*>)"""
    r"""|(?P<comment><!--.*?-->)"""
    r"""|(?P<codetag><(?P<codename>code|kbd|samp)\b[^>]*>.*?</(?P=codename)\s*>)"""
    r"""|(?P<tag></?(?P<tagname>[A-Za-z][A-Za-z0-9-]*)\b[^<>]*>)"""
    r"""|(?P<tail>\]\((?:<[^<>\n]*>|[^\s()]*)(?:\s+"[^"]*")?\))"""
    r"""|(?P<opener>!?\[)"""
    r"""|(?P<url>(?:https?://|www\.)[^\s<>\[\]\ufffc]*[^\s<>\[\]\ufffc?!.,:*_~'";])"""
    r"""|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"""
    r"""|(?P<emphasis>\*+|~~|(?<![^\W_])_+|_+(?![^\W_]))""",
    re.DOTALL,
)
_HTML_MARKUP = re.compile(
    r"""(?P<comment><!--.*?-->)"""
    r"""|(?P<codetag><(?P<codename>code|kbd|samp|script|style|pre|textarea)\b[^>]*>.*?</(?P=codename)\s*>)"""
    r"""|(?P<tag></?(?P<tagname>[A-Za-z][A-Za-z0-9-]*)\b[^<>]*>)""",
    re.DOTALL,
)


def _markdown_piece(found: re.Match) -> tuple[str, int]:
    """What a piece of Markdown markup reads as, and where that comes from in it."""
    kind = found.lastgroup
    if kind == "escape":
        return found.group()[1], 1
    if kind == "tag":
        return ("" if found.group("tagname").lower() in _FORMATTING_TAGS else MASK), 0
    if kind in ("opener", "emphasis"):
        return "", 0
    if kind == "entity":
        return html.unescape(found.group()), 0
    return MASK, 0


def _html_piece(found: re.Match) -> tuple[str, int]:
    if found.lastgroup == "tag":
        return ("" if found.group("tagname").lower() in _FORMATTING_TAGS else " "), 0
    return MASK, 0


def visible(line: str, start: int, end: int, format: str) -> str:
    """What a reader of the rendered text sees of line[start:end] (see the module's docstring).

    The markup is found in the whole line, since whether a `_` is emphasis
    depends on what stands before it; a piece of markup counts when the
    character it reads as comes from inside the cut.
    """
    if format not in ("markdown", "html"):
        return fold(line[start:end])
    pattern, piece = (_MARKDOWN_MARKUP, _markdown_piece) if format == "markdown" else (_HTML_MARKUP, _html_piece)
    out, cursor = [], 0
    for found in pattern.finditer(line):
        if found.lastgroup == "tag" and found.start() < start and end < found.end():
            return fold(html.unescape(line[start:end]))  # an attribute's value: <img alt="...">
        out.append(line[max(cursor, start) : min(found.start(), end)])
        replacement, origin = piece(found)
        if start <= found.start() + origin < end:
            out.append(replacement)
        cursor = found.end()
    out.append(line[max(cursor, start) : end])
    text = "".join(out)
    return fold(html.unescape(text) if format == "html" else text)


def fold(text: str) -> str:
    return " ".join(text.replace(MASK, f" {MASK} ").split())


def _is_subsequence(needle: str, haystack: str) -> bool:
    characters = iter(haystack)
    return all(char in characters for char in needle)


def check_span(document: Document, span: Span, what: str) -> None:
    source, lines = document.source, len(document.line_starts)
    assert 0 <= span.start_offset <= span.end_offset <= len(source), f"{what}: offsets outside the document"
    assert 1 <= span.line <= span.end_line <= lines, f"{what}: lines outside the document"
    assert (span.line, span.column) <= (span.end_line, span.end_column), f"{what}: ends before it starts"
    assert 1 <= span.column <= len(document.line_text(span.line)) + 1, f"{what}: column outside its line"
    assert 1 <= span.end_column <= len(document.line_text(span.end_line)) + 1, f"{what}: end column outside"
    assert document.position(span.start_offset) == (span.line, span.column), f"{what}: offset and column differ"
    assert document.position(span.end_offset) == (span.end_line, span.end_column), f"{what}: end offset differs"


def check_findings(document: Document, findings: tuple[Finding, ...], exact: bool) -> None:
    """Properties 2 and 3 for every finding of one document."""
    for finding in findings:
        what = f"{finding.rule} at {finding.span.line}:{finding.span.column} ({finding.match!r})"
        check_span(document, finding.span, what)
        for related in finding.related:
            check_span(document, related, what + " (related)")
        cut = document.source[finding.span.start_offset : finding.span.end_offset]
        if finding.rule == "unused-disable":
            pass  # it marks a whole suppression comment; its match is empty by design
        elif document.format == "text" and finding.span.line == finding.span.end_line:
            assert cut == finding.match, f"{what}: the source says {cut!r}"
        elif exact and finding.span.line == finding.span.end_line:
            line_start = document.line_starts[finding.span.line - 1]
            line = document.source[line_start : line_start + len(document.line_text(finding.span.line))]
            seen = visible(line, finding.span.column - 1, finding.span.end_column - 1, document.format)
            assert seen == fold(finding.match), f"{what}: the source says {cut!r}"
        else:
            wanted = "".join(finding.match.replace(MASK, "").split())
            seen = "".join(cut.split())
            # Entities are decoded before the white space goes: "&#X" and a line break
            # followed by "a" are not the entity "&#Xa" of the text without spaces.
            assert _is_subsequence(wanted, seen) or _is_subsequence(wanted, "".join(html.unescape(cut).split())), (
                f"{what}: not found in the source {cut!r}")
        for edit in finding.fix.edits if finding.fix else ():
            check_span(document, edit.span, what + " (fix)")


def lint_and_check(text: str, path: str, exact: bool) -> tuple[Finding, ...]:
    """Lint as the CLI does (suppressions included), check every property, apply the fixes."""
    result = linter().lint_text(text, path, report_unused_disables=True)
    document = parse_document(text, path)
    assert result.source == document.source
    check_findings(document, result.findings, exact)
    assert list(result.findings) == sorted(result.findings, key=lambda f: f.sort_key)
    apply_fixes(document.source, result.findings, unsafe=True)  # must not raise
    return result.findings


# ---- the tests ---------------------------------------------------------------------

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.data_too_large])


@FAST
@given(well_formed_documents)
def test_findings_of_well_formed_documents_sit_on_their_text(case):
    text, path, exact = case
    lint_and_check(text, path, exact)


@FAST
@given(junk_documents)
def test_no_input_crashes_and_every_span_lies_inside_the_document(case):
    text, path, exact = case
    lint_and_check(text, path, exact)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(any_document)
def test_linting_twice_gives_the_same_findings(case):
    text, path, exact = case
    assert lint_and_check(text, path, exact) == lint_and_check(text, path, exact)


def test_the_exact_property_catches_a_shifted_span():
    """The check itself: a finding one character off is caught."""
    document = parse_document("It is **harmless** now.", "x.md")
    span = document.span(document.blocks[0], 6, 14)
    good = Finding("r", "hype", "info", "m", span, "harmless")
    check_findings(document, (good,), exact=True)
    shifted = Span(1, 10, 1, 18, 9, 17)
    with pytest.raises(AssertionError):
        check_findings(document, (Finding("r", "hype", "info", "m", shifted, "harmless"),), exact=True)


@pytest.mark.parametrize("text, path", [
    ("# Guide\n\nIt is **harmless** and has *no side effects*: see [our page](https://example.org).\n", "a.md"),
    ("> > - a harmless `code` dose &amp; a [miracle cure](x) *really*\n", "a.md"),
    ("<p>It is <b>harm</b>less &amp; has no&nbsp;side effects.</p><p>Miracle\n   cure</p>", "a.html"),
    ("Line one is harmless.\r\nLine two: 100% safe.\r\n", "a.txt"),
])
def test_examples_of_the_exact_property(text, path):
    findings = lint_and_check(text, path, exact=True)
    assert any(f.rule == "prop-claim" for f in findings)


# ---- order and processes -----------------------------------------------------------


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(any_document, min_size=4, max_size=7), st.randoms(use_true_random=False))
def test_findings_do_not_depend_on_the_order_of_files_or_on_jobs(tmp_path_factory, cases, random):
    from healthlint.parallel import lint_paths

    folder = tmp_path_factory.mktemp("order")
    paths = []
    for number, (text, path, _) in enumerate(cases):
        target = folder / f"{number}-{path}"
        target.write_bytes(text.encode("utf-8", "surrogatepass"))
        paths.append(str(target))

    def by_path(files, jobs):
        options = CheckOptions(jobs=jobs, cache=False, output_format="json")
        return {result.path: (result.findings, result.errors) for result in lint_paths(linter(), files, options)}

    alone = {path: by_path([path], 1)[path] for path in paths}
    shuffled = list(paths)
    random.shuffle(shuffled)
    assert by_path(shuffled, 1) == alone
    assert by_path(list(reversed(paths)), 2) == alone
