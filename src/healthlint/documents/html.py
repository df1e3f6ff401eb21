"""HTML: the visible text of the title and the body, and the alt text of images.

The tokenizer is our own, a few regexes that follow the HTML5 tokenizer
states for text, tags, attributes, comments and raw-text elements. The
standard library's html.parser would be the obvious choice, but the one in
Python 3.11.7 is quadratic on hostile input (20,000 unclosed "<!--" take
1.7 s and twice as many 6.9 s) and, fed a whole document, turns everything
after a second "&#" that is not a character reference into text. Here every
search moves forward and an unclosed construct runs to the end of the
document, as the HTML5 tokenizer says, so the work is linear.

Blocks: the <title>, headings (with their level), and the text between any
two block-level tags, of kind list-item, blockquote or table-cell when the
innermost li/dt/dd, blockquote or td/th says so; each img alt is an alt-text
block. Whitespace runs read as one space; character references are decoded
and map to their whole source. Script, style, pre, code, template, noscript,
svg, math and the head (title apart) are never matched; inline ones leave a
MASK so that the words on either side stay apart.

Not modelled: CSS (display:none, the hidden attribute), <meta> descriptions,
and the tree repairs a browser makes beyond closing li, dt/dd, td/th and
headings implicitly.
"""
from __future__ import annotations

import re
from html import unescape
from html.entities import html5 as _HTML5_ENTITIES

from ..model import MASK, Block
from . import BlockBuilder

# A well-formed tag in one match. Names and unquoted values must end where
# the HTML5 tokenizer ends them (the lookaheads), so that no text can be read
# two ways and a failing match backtracks linearly; tags it refuses go
# through _scan_malformed_tag.
_TAG = re.compile(
    r"""<(/?)([A-Za-z][^\t\n\f\r />]*)(?=[\t\n\f\r />])"""
    r"""((?:[\t\n\f\r /]|[^\t\n\f\r />"'=<][^\t\n\f\r />=]*(?=[\t\n\f\r />=])"""
    r"""(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:"[^"]*"|'[^']*'|[^\t\n\f\r >"'=<`][^\t\n\f\r >]*(?=[\t\n\f\r >])))?)*)>"""
)
_TAG_NAME = re.compile(r"[A-Za-z][^\t\n\f\r />]*")
_ATTRIBUTE_GAP = re.compile(r"[\t\n\f\r /]*")
_ATTRIBUTE_NAME = re.compile(r"[^\t\n\f\r />][^\t\n\f\r />=]*")
_ATTRIBUTE_EQUALS = re.compile(r"[\t\n\f\r ]*=[\t\n\f\r ]*")
_UNQUOTED_VALUE = re.compile(r"[^\t\n\f\r >]*")
_CHARACTER_REFERENCE = re.compile(r"&(?:#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_LEADING_SPACE = re.compile(r"[ \t\n\r\f]*")
_COLLAPSIBLE_SPACE = re.compile(r"[ \t\n\r\f]{2,}|[\t\n\r\f]")
_HTML_SPACE = " \t\n\r\f"
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

# Elements whose content the tokenizer does not read as markup, with the
# end tag that closes each.
_RAW_TEXT_ELEMENTS = "script style xmp iframe noembed noframes noscript textarea title plaintext".split()
_RAW_TEXT_END = {
    name: re.compile(rf"</{name}(?=[\t\n\f\r />])", re.IGNORECASE) for name in _RAW_TEXT_ELEMENTS
}
_RAW_TEXT_END["plaintext"] = re.compile(r"(?!)")  # runs to the end of the document
_SKIPPED = frozenset("script style xmp iframe noembed noframes noscript textarea plaintext "
                     "pre code kbd samp template svg math select".split())
_BLOCK_LEVEL = frozenset(
    "address article aside blockquote body button caption center col colgroup dd details dialog dir "
    "div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header "
    "hgroup hr html iframe input legend li link main menu nav noframes noscript ol optgroup option p "
    "param pre search section select summary table tbody td textarea tfoot th thead title tr ul".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_HEAD_CONTENT = frozenset("title meta link style script base noscript template".split())
# Elements that decide the kind of the blocks inside them: (kind, level).
_CONTEXT = {
    "li": ("list-item", 0), "dt": ("list-item", 0), "dd": ("list-item", 0),
    "blockquote": ("blockquote", 0), "td": ("table-cell", 0), "th": ("table-cell", 0),
    **{f"h{level}": ("heading", level) for level in range(1, 7)},
}
# Elements kept on the open-element stack: those that give blocks their kind,
# those whose content is skipped, and the lists and tables that scope them.
_STACKED = frozenset(_CONTEXT) | (_SKIPPED - frozenset(_RAW_TEXT_ELEMENTS)) | frozenset(
    "ul ol dl menu table thead tbody tfoot tr".split()
)
# A start tag of the key implicitly closes an open element of the value
# when that element is the innermost one on the stack.
_IMPLIED_CLOSE = {
    "li": ("li",), "dt": ("dt", "dd"), "dd": ("dt", "dd"), "td": ("td", "th"), "th": ("td", "th"),
    "tr": ("td", "th", "tr"), **{f"h{level}": tuple(f"h{n}" for n in range(1, 7)) for level in range(1, 7)},
}


def parse_blocks(source: str) -> list[Block]:
    reader = _Reader(source)
    reader.read()
    return reader.blocks


class _Prose:
    """One block's text in the making: collapses white space and decodes references."""

    __slots__ = ("builder", "pending_space")

    def __init__(self) -> None:
        self.builder = BlockBuilder()
        self.pending_space: int | None = None  # source offset of white space not yet written

    def text(self, chunk: str, offset: int) -> None:
        """Add verbatim source text; character references must already be split out."""
        if chunk.isspace():  # most often the line breaks between two tags
            self.space(offset)
            return
        builder = self.builder
        first = _LEADING_SPACE.match(chunk).end()
        if first:
            self.space(offset)
        self._write_pending_space()
        last = len(chunk.rstrip(_HTML_SPACE))
        cursor = first
        for run in _COLLAPSIBLE_SPACE.finditer(chunk, first, last):
            builder.add(chunk[cursor : run.start()], offset + cursor)
            builder.add_synthetic(" ", offset + run.start())
            cursor = run.end()
        builder.add(chunk[cursor:last], offset + cursor)
        if last < len(chunk):
            self.space(offset + last)

    def text_with_references(self, text: str, offset: int) -> None:
        if "&" not in text:
            self.text(text, offset)
            return
        cursor = 0
        for reference in _CHARACTER_REFERENCE.finditer(text):
            decoded, length = _decode_reference(reference.group())
            if not length:
                continue
            if reference.start() > cursor:
                self.text(text[cursor : reference.start()], offset + cursor)
            start = offset + reference.start()
            if decoded.strip(_HTML_SPACE):
                self._write_pending_space()
                self.builder.add_synthetic(decoded, start, start + length)
            else:
                self.space(start)
            cursor = reference.start() + length
        if cursor < len(text):
            self.text(text[cursor:], offset + cursor)

    def space(self, offset: int) -> None:
        """White space (or something that separates words, like <br>) at offset."""
        if self.builder.length and self.pending_space is None:
            self.pending_space = offset

    def mask(self, start: int, end: int) -> None:
        """Something never matched (inline code, a comment) sits between words here."""
        if self.builder.length:
            self._write_pending_space()
            self.builder.add_synthetic(MASK, start, end)

    def _write_pending_space(self) -> None:
        if self.pending_space is not None:
            self.builder.add_synthetic(" ", self.pending_space)
            self.pending_space = None

    def has_words(self) -> bool:
        return bool("".join(self.builder.parts).replace(MASK, " ").strip())


def _decode_reference(reference: str) -> tuple[str, int]:
    """(decoded text, source length used) of a character reference; length 0 when it is none."""
    if reference[1] == "#":
        decoded = unescape(reference)
        return (decoded, len(reference)) if decoded != reference else ("", 0)
    name = reference[1:]
    if name in _HTML5_ENTITIES:  # a whole named reference: "&copy;", or a legacy one without ";"
        return _HTML5_ENTITIES[name], len(reference)
    # Else the longest legacy name that starts it ("&copya;" is "©" and then "a;"
    # as text: unescape would hand back "©a;" for the whole reference).
    for length in range(min(len(name), 32), 1, -1):
        if name[:length] in _HTML5_ENTITIES:
            return _HTML5_ENTITIES[name[:length]], length + 1
    return "", 0


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.blocks: list[Block] = []
        self.prose = _Prose()
        self.alt_texts: list[_Prose] = []  # alt text inside the block being read, emitted after it
        # Open elements that matter: (name, kind, level), kind and level being
        # those of the innermost context element at that depth.
        self.stack: list[tuple[str, str, int]] = []
        self.open_counts: dict[str, int] = {}
        self.skipping = 0  # open skipped elements
        self.in_head = False

    def read(self) -> None:
        source = self.source
        length = len(source)
        pos = 0
        while pos < length:
            markup = source.find("<", pos)
            if markup < 0:
                markup = length
            if markup > pos and not (self.skipping or self.in_head):
                self.prose.text_with_references(source[pos:markup], pos)
            if markup == length:
                break
            pos = self._markup(markup)
        self._flush()

    def _markup(self, start: int) -> int:
        """Handle the markup at start (a "<"); return where text resumes."""
        source = self.source
        following = source[start + 1 : start + 2]
        if following == "!":
            if source.startswith("<!--", start):
                end = _comment_end(source, start)
            else:  # doctype, CDATA and other bogus comments
                end = _find_end(source, ">", start + 2)
            self._mask(start, end)
            return end
        if following == "?":
            end = _find_end(source, ">", start + 2)
            self._mask(start, end)
            return end
        if following == "/" and source[start + 2 : start + 3] not in _ASCII_LETTERS:
            if source.startswith("</>", start):
                return start + 3
            return _find_end(source, ">", start + 2)  # a bogus comment
        if following not in _ASCII_LETTERS and following != "/":
            if not (self.skipping or self.in_head):
                self.prose.text("<", start)
            return start + 1
        tag = _TAG.match(source, start)
        if tag:
            closing, name, attributes_start, end = tag.group(1), tag.group(2), tag.start(3), tag.end()
        else:
            scanned = _scan_malformed_tag(source, start)
            if scanned is None:
                return len(source)  # the tag runs to the end of the document: it is dropped
            closing, name, attributes_start, end = scanned
        name = name.lower()
        if closing:
            self._end_tag(name, start)
            return end
        return self._start_tag(name, start, attributes_start, end)

    def _start_tag(self, name: str, start: int, attributes_start: int, end: int) -> int:
        source = self.source
        if self.in_head and name not in _HEAD_CONTENT:
            self.in_head = False
        if name == "head":
            self.in_head = True
            return end
        if name in _BLOCK_LEVEL:
            self._flush()
        elif name in ("br", "img"):
            self.prose.space(start)
        if name == "img" and not (self.skipping or self.in_head):
            self._alt_text(attributes_start, end - 1)
        if name in _RAW_TEXT_END:
            closing = _RAW_TEXT_END[name].search(source, end)
            content_end = closing.start() if closing else len(source)
            after = _find_end(source, ">", closing.end()) if closing else len(source)
            if name == "title" and not self.skipping:
                title = _Prose()
                title.text_with_references(source[end:content_end], end)
                self._append(title, "title")
            elif name in _SKIPPED:
                self._mask(start, after)
            return after
        if name in _VOID or (name in ("svg", "math") and source.startswith("/>", end - 2)):
            return end
        implied = _IMPLIED_CLOSE.get(name)
        while implied and self.stack and self.stack[-1][0] in implied:
            self._pop()
        if name in _STACKED:
            if name in _SKIPPED:
                self._mask(start, end)
                self.skipping += 1
            kind, level = _CONTEXT.get(name) or (self.stack[-1][1:] if self.stack else ("paragraph", 0))
            self.stack.append((name, kind, level))
            self.open_counts[name] = self.open_counts.get(name, 0) + 1
        return end

    def _end_tag(self, name: str, start: int) -> None:
        if name == "head":
            self.in_head = False
        if name in _BLOCK_LEVEL:
            self._flush()
        elif name == "br":
            self.prose.space(start)
        if self.open_counts.get(name):
            while self._pop() != name:
                pass

    def _mask(self, start: int, end: int) -> None:
        if not (self.skipping or self.in_head):
            self.prose.mask(start, end)

    def _pop(self) -> str:
        name = self.stack.pop()[0]
        self.open_counts[name] -= 1
        if name in _SKIPPED:
            self.skipping -= 1
        return name

    def _alt_text(self, attributes_start: int, attributes_end: int) -> None:
        source = self.source
        for name, value_start, value_end in _attributes(source, attributes_start, attributes_end):
            if name.lower() == "alt":
                alt = _Prose()
                alt.text_with_references(source[value_start:value_end], value_start)
                self.alt_texts.append(alt)
                return

    def _flush(self) -> None:
        if self.prose.builder.length:
            kind, level = self.stack[-1][1:] if self.stack else ("paragraph", 0)
            self._append(self.prose, kind, level)
            self.prose = _Prose()
        else:
            self.prose.pending_space = None
        for alt in self.alt_texts:
            self._append(alt, "alt-text")
        self.alt_texts.clear()

    def _append(self, prose: _Prose, kind: str, level: int = 0) -> None:
        if prose.builder.length and prose.has_words():
            self.blocks.append(prose.builder.build(kind, len(self.blocks), level))


def _comment_end(source: str, start: int) -> int:
    """End of the comment at start; "<!-->" and "<!--->" are complete, an unclosed one runs to the end."""
    for empty in ("<!-->", "<!--->"):
        if source.startswith(empty, start):
            return start + len(empty)
    close = source.find("-->", start + 4)
    bang_close = source.find("--!>", start + 4, close if close >= 0 else len(source))
    if bang_close >= 0:
        return bang_close + 4
    return close + 3 if close >= 0 else len(source)


def _find_end(source: str, marker: str, start: int) -> int:
    found = source.find(marker, start)
    return found + len(marker) if found >= 0 else len(source)


def _scan_malformed_tag(source: str, start: int):
    """Follow the HTML5 tag states through a tag the fast regex refused.

    Returns (closing slash, name, attributes start, end), or None when the tag
    runs to the end of the document.
    """
    closing = "/" if source.startswith("</", start) else ""
    name = _TAG_NAME.match(source, start + 1 + len(closing))
    pos = attributes_start = name.end()
    length = len(source)
    while True:
        pos = _ATTRIBUTE_GAP.match(source, pos).end()
        if pos >= length:
            return None
        if source[pos] == ">":
            return closing, name.group(), attributes_start, pos + 1
        pos = _ATTRIBUTE_NAME.match(source, pos).end()
        equals = _ATTRIBUTE_EQUALS.match(source, pos)
        if not equals:
            continue
        pos = equals.end()
        if pos >= length:
            return None
        quote = source[pos]
        if quote in "\"'":
            close = source.find(quote, pos + 1)
            if close < 0:
                return None
            pos = close + 1
        elif quote != ">":
            pos = _UNQUOTED_VALUE.match(source, pos).end()


def _attributes(source: str, pos: int, end: int):
    """(name, value start, value end) of each attribute between pos and the tag's final ">"."""
    while True:
        pos = _ATTRIBUTE_GAP.match(source, pos, end).end()
        if pos >= end:
            return
        name = _ATTRIBUTE_NAME.match(source, pos, end)
        pos = name.end()
        equals = _ATTRIBUTE_EQUALS.match(source, pos, end)
        if not equals:
            yield name.group(), pos, pos
            continue
        pos = equals.end()
        quote = source[pos : pos + 1]
        if quote and quote in "\"'":
            close = source.find(quote, pos + 1, end)
            close = end if close < 0 else close
            yield name.group(), pos + 1, close
            pos = close + 1
        else:
            value_end = _UNQUOTED_VALUE.match(source, pos, end).end()
            yield name.group(), pos, value_end
            pos = value_end
