"""Markdown: a line-oriented block scanner and one inline pass per block.

Speed decides the design. A CommonMark parser that builds a token tree
(markdown-it-py) spends 0.1 s per MB or more on tokens alone, and the whole
lint pipeline must stay above 10 MB/s; rules only need prose and where each
character of it came from. So this module reads the document line by line
with compiled regexes,
keeps the stack of open containers (blockquotes, list items) the way
CommonMark does, and hands each finished heading, paragraph or table cell to
an inline pass that removes or masks markup while the BlockBuilder records the
source offset of every character that is left.

Known approximations (the text rules see, not the HTML a renderer makes):
- Emphasis: every `*`, `_` or `~~` run that could open or close emphasis is
  removed, matched or not; intraword `_` stays (snake_case).
- Links: inline `[text](dest "title")`, full `[text][label]` and collapsed
  `[text][]` links keep their text and mask the rest; a shortcut `[text]` keeps
  its brackets, since without the definitions it cannot be told from a "[1]"
  citation.
- Inline HTML: formatting tags (b, em, span, a...) are removed so that
  "no <b>side</b> effects" reads on; other tags and comments are masked;
  <code>, <kbd>, <samp>, <script> and <style> are masked with their content.
- HTML blocks (CommonMark kinds 1-7) are skipped whole, prose inside included.
- Tables follow GFM, except that a row is split at every unescaped `|`.
- Nesting deeper than _MAX_NESTING containers reads further `>` as prefixes
  and further list markers as text, so hostile input stays linear.
- Reference definitions are skipped only when they fit on one line.
- Front matter: only top-level `title` and `description`, as plain, quoted or
  block scalars; "\n" escapes read as spaces.

Regexes are the standard library's: the `regex` module's match() looks ahead
for a required literal (`[ ]*=` scans the whole rest of the text), which
turns repeated matches quadratic.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from html import unescape
from html.entities import html5 as _HTML5_ENTITIES
from itertools import accumulate, count
from operator import add

from ..model import MASK, Block, new_block, new_source_map
from . import BlockBuilder
from .sentences import split_sentences

# A container on the stack is either a blockquote or a list item, the latter
# stored as the column where its content starts.
_QUOTE = -1
_MAX_NESTING = 100


class _CompiledOnFirstUse:
    """A pattern of the standard library's `re`, compiled when first used: for
    the constructs most documents lack (HTML, tables, entities, reference
    definitions, front matter). Compiling one costs 10-150
    microseconds; compiled at import, they cost every process about 11 M
    instructions (a one-file run: 780 M). The attributes of the compiled pattern
    asked for (match, search...) are then kept on the instance. (Reading one
    from it still costs about 50 ns more a call than from a compiled pattern:
    the patterns that each line or inline mark of plain prose may need are
    compiled at import.)"""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        # Called only for names the instance does not hold yet.
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self._compiled = re.compile(*self._source)
        value = getattr(compiled, name)
        setattr(self, name, value)
        return value


_LINE_BREAK = _CompiledOnFirstUse(r"\r\n|\r|\n")

# ---- block level ----------------------------------------------------------------

# First characters of a line that may start something other than paragraph text.
_BLOCK_START_CHARS = frozenset(" \t#>-*+_=|:~`<[0123456789") | {""}
_BULLETS = ("- ", "* ", "+ ")
_VERBATIM_LEAVES = ("fence", "html")  # leaves whose lines are not read as Markdown
_INDENT = re.compile(r"[ \t]*")
_SPACE_OR_TAB = (" ", "\t")
_ATX_HEADING = re.compile(r"#{1,6}(?=[ \t]|\Z)")
_FENCE_OPEN = re.compile(r"(`{3,})[^`]*\Z|~{3,}")
_FENCE_CLOSE = re.compile(r"(`{3,}|~{3,})[ \t]*\Z")
_THEMATIC_BREAK = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})\Z")
_SETEXT_UNDERLINE = re.compile(r"(?:=+|-+)[ \t]*\Z")
_LIST_MARKER = re.compile(r"(?:[-*+]|(\d{1,9})[.)])(?=[ \t]|\Z)")
_TABLE_DELIMITER_ROW = _CompiledOnFirstUse(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*\Z")
_TABLE_CELL_SEPARATOR = _CompiledOnFirstUse(r"\\.|\|")
_REFERENCE_DEFINITION = _CompiledOnFirstUse(
    r"\[(?:[^\\\[\]]|\\.){1,999}\]:[ \t]*(?:<[^<>]*>|\S+)"
    r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*\Z"
)

# Each character of a tag can be read one way only, so a failing match backtracks linearly.
_HTML_ATTRIBUTES = r"""(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*"""


# HTML block starts: (start, end) pairs for CommonMark kinds 1-5, which end on
# the line that holds the end marker; then the starts of kinds 6 and 7, which
# end at a blank line.
_HTML_BLOCKS_WITH_END_MARKER = (
    (_CompiledOnFirstUse(r"<(?:script|pre|style|textarea)(?=[ \t>]|\Z)", re.IGNORECASE),
     _CompiledOnFirstUse(r"</(?:script|pre|style|textarea)>", re.IGNORECASE)),
    (_CompiledOnFirstUse(r"<!--"), _CompiledOnFirstUse(r"-->")),
    (_CompiledOnFirstUse(r"<\?"), _CompiledOnFirstUse(r"\?>")),
    (_CompiledOnFirstUse(r"<![A-Za-z]"), _CompiledOnFirstUse(r">")),
    (_CompiledOnFirstUse(r"<!\[CDATA\["), _CompiledOnFirstUse(r"\]\]>")),
)
_HTML_BLOCK_KNOWN_TAG = _CompiledOnFirstUse(
    r"</?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    r"details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    r"h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|"
    r"optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|"
    r"track|ul)(?=[ \t>]|/>|\Z)",
    re.IGNORECASE,
)
_HTML_BLOCK_ANY_TAG = _CompiledOnFirstUse(
    rf"(?:<[A-Za-z][A-Za-z0-9-]*{_HTML_ATTRIBUTES}[ \t]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t]*>)[ \t]*\Z"
)

# ---- front matter ---------------------------------------------------------------

_FRONT_MATTER_OPEN = _CompiledOnFirstUse(r"---[ \t]*\Z")
_FRONT_MATTER_CLOSE = _CompiledOnFirstUse(r"(?:---|\.\.\.)[ \t]*\Z")
_FRONT_MATTER_KEY = _CompiledOnFirstUse(r"(title|description)[ \t]*:(?=[ \t]|\Z)[ \t]*")
_YAML_COMMENT = _CompiledOnFirstUse(r"(?:^|(?<=[ \t]))#")
_YAML_BLOCK_SCALAR = _CompiledOnFirstUse(r"[|>][1-9+-]{0,2}[ \t]*(?:#.*)?\Z")
_YAML_NESTED = _CompiledOnFirstUse(r"[ \t]+(?:-[ \t]|[^\s:#]+:(?:[ \t]|\Z))")
_YAML_DOUBLE_QUOTED_PART = _CompiledOnFirstUse(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.?)|\"")
_YAML_SINGLE_QUOTED_PART = _CompiledOnFirstUse(r"''|'")
# Escapes that are not the character after the backslash; line breaks and
# tabs read as spaces in prose.
_YAML_ESCAPES = {"n": " ", "t": " ", "_": "\xa0", "N": "\x85", "L": "\u2028", "P": "\u2029", "0": ""}

# ---- inline ---------------------------------------------------------------------

# Characters that may start inline markup. Bare URLs are found apart, with
# str.find: in one alternation they made the scan six times slower.
_INLINE_SPECIAL = re.compile(r"[\\`*_~<&!\[\]]")
# An ASCII text in bytes with each of those characters (and NUL) as NUL: the
# engine's scan for a class costs five times that of the translation and a
# search for one byte, which tell most texts (plain prose) at once.
_INLINE_SPECIAL_AS_NUL = bytes(0 if chr(byte) in "\\`*_~<&![]\0" else byte for byte in range(256))
_URL_START = re.compile(r"(?<![\w/.])(?:https?://|www\.)(?=[\w-])")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_BACKTICKS = re.compile(r"`+")
_DELIMITER_RUN = {char: re.compile(re.escape(char) + "+") for char in "*_~"}
_ENTITY = _CompiledOnFirstUse(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|([A-Za-z][A-Za-z0-9]{1,31}));")
_AUTOLINK = _CompiledOnFirstUse(
    r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>"
)
_INLINE_TAG = _CompiledOnFirstUse(rf"<(/?)([A-Za-z][A-Za-z0-9-]*){_HTML_ATTRIBUTES}\s*/?>")
_BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<>\[\]\ufffc]*")
_URL_TRAILING_PUNCTUATION = "?!.,:*_~'\";"
# One character at a time, each readable one way only: no backtracking blow-up.
_LINK_DESTINATION = re.compile(
    r"""\(\s*(?:<[^<>\n\\]*>|(?:[^\s()<>\\]|\\.|\((?:[^\s()<>\\]|\\.)*\))*)"""
    r"""(?:\s+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?\s*\)"""
)
_LINK_LABEL = _CompiledOnFirstUse(r"\[(?:[^\[\]\\]|\\.){0,999}\]")
# Inline tags that only format the words they wrap; removing them joins the
# text the way a browser shows it. Every other tag separates words.
_FORMATTING_TAGS = frozenset(
    "a abbr b bdi bdo big cite data del dfn em font i ins mark nobr q s small span strike "
    "strong time tt u var wbr".split()
)
# Inline elements whose content is code, not prose.
_CODE_TAGS = frozenset("code kbd samp script style".split())
# Comments, processing instructions and CDATA: (opening, closer), None for
# the empty comments that close themselves.
_COMMENT_LIKE = (("<!-->", None), ("<!--->", None), ("<!--", "-->"), ("<?", "?>"), ("<![CDATA[", "]]>"))
_CODE_TAG_CLOSE = {name: _CompiledOnFirstUse(rf"</{name}\s*>", re.IGNORECASE) for name in _CODE_TAGS}


def parse_blocks(source: str) -> list[Block]:
    scanner = _BlockScanner()
    scanner.scan(source)
    return scanner.blocks


class _BlockScanner:
    """Reads lines, keeps the open containers and the open leaf block, emits blocks."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.containers: list[int] = []  # outermost first: _QUOTE or a content column
        self.leaf: str | None = None  # "paragraph", "table", "fence", "html" or None
        self.paragraph: list[tuple[str, int]] = []  # (line text, source offset)
        self.paragraph_kind = "paragraph"
        self.fence = ""  # the opening fence of an open fenced code block
        self.table_columns = 0  # cells beyond the header's count are not shown
        self.indented_line = -1  # source offset of the last paragraph line indented 4+ columns
        # The innermost container is a list item whose line held only its
        # marker: a blank line next ends it (an item starts with at most one).
        self.empty_item = False
        self.html_end: _CompiledOnFirstUse | None = None  # None: a blank line ends the HTML block

    def scan(self, source: str) -> None:
        if "\r" in source:
            lines = _LINE_BREAK.split(source)
            starts = [0]
            starts.extend(match.end() for match in _LINE_BREAK.finditer(source))
        else:
            lines = source.split("\n")
            # Line n starts after the n - 1 lines before it and their n - 1 line breaks.
            starts = [0, *map(add, accumulate(map(len, lines[:-1])), range(1, len(lines)))]
        number = self._front_matter(lines, starts)
        paragraph = self.paragraph
        block_start_chars = _BLOCK_START_CHARS
        for number in range(number, len(lines)):
            line = lines[number]
            # Most lines of most documents are paragraph text or blank, at the
            # top level; they skip container matching and block-start tests.
            if not self.containers and self.leaf in (None, "paragraph"):
                if line[:1] not in block_start_chars:
                    if self.leaf is None:
                        self._open_paragraph()
                    paragraph.append((line.rstrip(), starts[number]))
                    continue
                if not line:
                    self._close_leaf()
                    continue
            # A bullet item of plain text or an ATX heading at the left margin
            # ends every open block but a top-level fence or HTML block: the
            # usual list items and headings skip container matching too.
            if self.containers or self.leaf not in _VERBATIM_LEAVES:
                if line[:2] in _BULLETS and line[2:3] not in block_start_chars:
                    self._start_at_margin()
                    self.containers.append(2)  # the column after "- "
                    self._open_paragraph()
                    self._add_paragraph_line(line, 2, starts[number])
                    continue
                if line[:1] == "#" and _ATX_HEADING.match(line):
                    self._start_at_margin()
                    self._atx_heading(line, 0, starts[number])
                    continue
            self._line(line, starts[number])
        self._close_leaf()

    def _start_at_margin(self) -> None:
        """Close the open leaf and containers before a block that starts at the left margin."""
        self._close_leaf()
        self.containers.clear()
        self.empty_item = False

    def _front_matter(self, lines: list[str], starts: list[int]) -> int:
        """Emit the front matter's title and description; return the first line after it."""
        if not lines or not _FRONT_MATTER_OPEN.match(lines[0]):
            return 0
        end = next((n for n in range(1, len(lines)) if _FRONT_MATTER_CLOSE.match(lines[n])), None)
        if end is None:
            return 0
        number = 1
        while number < end:
            key = _FRONT_MATTER_KEY.match(lines[number])
            if not key:
                number += 1
                continue
            line, value_start = lines[number], key.end()
            quote = line[value_start : value_start + 1]
            if quote in ("'", '"'):
                pieces, edits, number = _quoted_scalar(lines, starts, number, value_start, end)
            elif _YAML_BLOCK_SCALAR.match(line, value_start):
                pieces, edits, number = _indented_lines(lines, starts, number + 1, end), [], number + 1
            else:
                value = line[value_start:]
                comment = _YAML_COMMENT.search(value)
                value = (value[: comment.start()] if comment else value).rstrip()
                pieces = [(value, starts[number] + value_start)] if value else []
                pieces += _indented_lines(lines, starts, number + 1, end, plain=True)
                edits = []
                number += 1
            if pieces:
                self._emit(pieces, key.group(1), edits=edits)
        return end + 1

    # ---- one line -----------------------------------------------------------------

    def _line(self, line: str, offset: int) -> None:
        containers = self.containers
        length = len(line)
        pos = col = 0
        matched = 0
        if not line.strip(" \t"):
            # A blank line continues every list item and ends the first blockquote.
            matched = containers.index(_QUOTE) if _QUOTE in containers else len(containers)
            if self.empty_item and matched == len(containers):
                matched -= 1
            self.empty_item = False
            pos = length
        else:
            self.empty_item = False
            for container in containers:
                start, start_col = _skip_indent(line, pos, col)
                if container == _QUOTE:
                    if start_col - col > 3 or start == length or line[start] != ">":
                        break
                    pos, col = _after_quote_marker(line, start, start_col)
                elif start_col >= container:
                    pos, col = _advance_to_column(line, pos, col, container)
                else:
                    break
                matched += 1

        if matched == len(containers):
            if self.leaf == "fence":
                start, start_col = _skip_indent(line, pos, col)
                closing = _FENCE_CLOSE.match(line, start) if start_col - col <= 3 else None
                if closing and closing.group(1)[0] == self.fence[0] and len(closing.group(1)) >= len(self.fence):
                    self.leaf = None
                return
            if self.leaf == "html":
                if self.html_end is None:
                    if not line[pos:].strip():
                        self.leaf = None
                elif self.html_end.search(line, pos):
                    self.leaf = None
                return
        else:
            if self.leaf == "paragraph" and not _starts_block(line, pos, col):
                start, start_col = _skip_indent(line, pos, col)
                self._add_paragraph_line(line, start, offset, start_col - col >= 4)  # a lazy continuation
                return
            self._close_leaf()
            del containers[matched:]

        pos, col = self._open_containers(line, pos, col)
        self._leaf_line(line, pos, col, offset)

    def _open_containers(self, line: str, pos: int, col: int) -> tuple[int, int]:
        containers = self.containers
        length = len(line)
        while True:
            start, start_col = _skip_indent(line, pos, col)
            if start_col - col >= 4 or start == length:
                return pos, col
            char = line[start]
            if char == ">":
                self._close_leaf()
                if len(containers) < _MAX_NESTING:
                    containers.append(_QUOTE)
                pos, col = _after_quote_marker(line, start, start_col)
                continue
            if char not in "-*+0123456789" or (char in "-*" and _THEMATIC_BREAK.match(line, start)):
                return pos, col
            marker = _LIST_MARKER.match(line, start)
            if not marker or len(containers) >= _MAX_NESTING:
                return pos, col
            marker_end_col = start_col + marker.end() - start
            content, content_col = _skip_indent(line, marker.end(), marker_end_col)
            empty_item = content == length
            number = marker.group(1)
            if self.leaf == "paragraph" and (empty_item or (number is not None and int(number) != 1)):
                return pos, col  # such an item cannot interrupt a paragraph
            self._close_leaf()
            if empty_item or content_col - marker_end_col > 4:
                # The content starts one column after the marker (and may be indented code).
                self.empty_item = empty_item
                containers.append(marker_end_col + 1)
                pos, col = _advance_to_column(line, marker.end(), marker_end_col, marker_end_col + 1)
            else:
                containers.append(content_col)
                pos, col = content, content_col

    def _leaf_line(self, line: str, pos: int, col: int, offset: int) -> None:
        start, start_col = _skip_indent(line, pos, col)
        if start == len(line):
            self._close_leaf()
            return
        leaf = self.leaf
        if start_col - col >= 4:
            if leaf == "paragraph":
                self._add_paragraph_line(line, start, offset, indented=True)
            else:
                self._close_leaf()  # indented code, which also ends a table
            return
        char = line[start]
        if char == "#" and _ATX_HEADING.match(line, start):
            self._close_leaf()
            self._atx_heading(line, start, offset)
            return
        if char in "`~":
            fence = _FENCE_OPEN.match(line, start)
            if fence:
                self._close_leaf()
                self.leaf, self.fence = "fence", fence.group(1) or fence.group()
                return
        if char == "<":
            html_end = _html_block_start(line, start, leaf == "paragraph")
            if html_end is not False:
                self._close_leaf()
                self.leaf, self.html_end = "html", html_end
                if html_end is not None and html_end.search(line, start + 2):
                    self.leaf = None
                return
        if leaf == "paragraph" and char in "|:-" and "|" in line and self._start_table(line, start, offset):
            return
        if leaf == "paragraph" and char in "=-" and _SETEXT_UNDERLINE.match(line, start):
            self._emit(self.paragraph, "heading", 1 if char == "=" else 2)
            self.paragraph.clear()
            self.leaf = None
            return
        if char in "-*_" and _THEMATIC_BREAK.match(line, start):
            self._close_leaf()
            return
        if char == "[" and leaf != "paragraph" and _REFERENCE_DEFINITION.match(line, start):
            self._close_leaf()
            return
        if leaf == "table":
            self._table_row(line, start, offset)
            return
        if leaf != "paragraph":
            self._close_leaf()
            self._open_paragraph()
        self._add_paragraph_line(line, start, offset)

    # ---- leaves -------------------------------------------------------------------

    def _open_paragraph(self) -> None:
        self.leaf = "paragraph"
        if not self.containers:
            self.paragraph_kind = "paragraph"
        else:
            self.paragraph_kind = "blockquote" if self.containers[-1] == _QUOTE else "list-item"

    def _add_paragraph_line(self, line: str, start: int, offset: int, indented: bool = False) -> None:
        content = line[start:].lstrip()
        if content:
            self.paragraph.append((content.rstrip(), offset + len(line) - len(content)))
            if indented:
                self.indented_line = self.paragraph[-1][1]

    def _close_leaf(self) -> None:
        if self.leaf == "paragraph" and self.paragraph:
            self._emit(self.paragraph, self.paragraph_kind)
            self.paragraph.clear()
        self.leaf = None

    def _atx_heading(self, line: str, start: int, offset: int) -> None:
        hashes = _ATX_HEADING.match(line, start).end()
        rest = line[hashes:]
        content = rest.strip()
        content_start = hashes + len(rest) - len(rest.lstrip())
        # A closing run of #s goes when a space precedes it (or it is all there is).
        end = len(content.rstrip("#"))
        if end == 0 or content[end - 1] in " \t":
            content = content[:end].rstrip()
        if content:
            self._emit([(content, offset + content_start)], "heading", hashes - start)

    def _start_table(self, line: str, start: int, offset: int) -> bool:
        """Turn the paragraph's last line into a table header if this line is a delimiter row."""
        if not _TABLE_DELIMITER_ROW.match(line, start):
            return False
        header_text, header_offset = self.paragraph[-1]
        if header_offset == self.indented_line:
            return False  # a header row indented like code is paragraph text
        header_cells = _table_cells(header_text, header_offset)
        if len(header_cells) != len(_table_cells(line[start:], offset + start)):
            return False
        if len(self.paragraph) > 1:
            self._emit(self.paragraph[:-1], self.paragraph_kind)
        self.paragraph.clear()
        for cell in header_cells:
            self._emit([cell], "table-cell")
        self.leaf, self.table_columns = "table", len(header_cells)
        return True

    def _table_row(self, line: str, start: int, offset: int) -> None:
        for cell in _table_cells(line[start:].rstrip(), offset + start)[: self.table_columns]:
            self._emit([cell], "table-cell")

    def _emit(self, pieces: list[tuple[str, int]], kind: str, level: int = 0, edits=None) -> None:
        """Make a block of the pieces (lines joined by a space), markup handled by the inline pass."""
        text = pieces[0][0] if len(pieces) == 1 else "\n".join(piece for piece, _ in pieces)
        if edits is None:
            edits = _inline_edits(text)
        if not edits:
            # No markup (most blocks): the text is the pieces verbatim, joined
            # by spaces that stand for the line ends, as a BlockBuilder would
            # make it, without its bookkeeping.
            if text.strip():
                if len(pieces) == 1:
                    runs: tuple[tuple[int, int], ...] = ((0, pieces[0][1]),)
                else:
                    text = text.replace("\n", " ")
                    runs = _verbatim_runs(pieces)
                self.blocks.append(new_block(kind, text, new_source_map(runs), split_sentences(text), level,
                                             len(self.blocks)))
            return
        builder = BlockBuilder()
        _build_text(builder, text, pieces, edits)
        # Markup removed or masked may leave no words (a paragraph that is one URL).
        words = "".join(builder.parts).replace(MASK, " ") if edits else text
        if words.strip():
            self.blocks.append(builder.build(kind, len(self.blocks), level))


def _verbatim_runs(pieces: list[tuple[str, int]]) -> tuple[tuple[int, int], ...]:
    """The source map runs of pieces joined by spaces: each piece, then the
    space standing for its line end (made up, so a run of its own)."""
    runs = []
    position = 0
    for piece, offset in pieces:
        if piece:  # (a line of white space beyond spaces and tabs is left empty)
            runs.append((position, offset))
            position += len(piece)
        runs.append((position, offset + len(piece)))
        position += 1
    runs.pop()  # the last piece has no line end after it
    return tuple(runs)


# ---- block helpers ----------------------------------------------------------------


def _skip_indent(line: str, pos: int, col: int) -> tuple[int, int]:
    """Position and column after the spaces and tabs at pos (tabs stop every 4 columns)."""
    if line[pos : pos + 1] not in _SPACE_OR_TAB:
        return pos, col  # most lines: no indentation
    end = _INDENT.match(line, pos).end()
    for char in line[pos:end]:
        col = col + 4 - col % 4 if char == "\t" else col + 1
    return end, col


def _advance_to_column(line: str, pos: int, col: int, target: int) -> tuple[int, int]:
    """Consume indentation up to the target column. A tab that would pass it
    is left in place with the column moved on: tab stops are absolute, so the
    next indentation count from there gives exactly the rest of the tab."""
    length = len(line)
    while col < target and pos < length and line[pos] in " \t":
        if line[pos] == "\t":
            tab_stop = col + 4 - col % 4
            if tab_stop > target:
                return pos, target
            col = tab_stop
        else:
            col += 1
        pos += 1
    return pos, col


def _after_quote_marker(line: str, marker: int, marker_col: int) -> tuple[int, int]:
    """Position and column after `>` and the one optional column of space that belongs to it."""
    pos, col = marker + 1, marker_col + 1
    if pos < len(line) and line[pos] in " \t":
        return _advance_to_column(line, pos, col, col + 1)
    return pos, col


def _starts_block(line: str, pos: int, col: int) -> bool:
    """Does the rest of a line that left some containers start a block of its
    own, rather than continue the open paragraph lazily? (Any list marker
    does: the rule that "2." cannot interrupt a paragraph holds only inside
    the paragraph's own container.)"""
    start, start_col = _skip_indent(line, pos, col)
    if start == len(line):
        return True
    if start_col - col >= 4:
        return False
    char = line[start]
    if char == ">":
        return True
    if char == "#":
        return bool(_ATX_HEADING.match(line, start))
    if char in "`~":
        return bool(_FENCE_OPEN.match(line, start))
    if char in "-*_" and _THEMATIC_BREAK.match(line, start):
        return True
    if char in "-*+0123456789" and _LIST_MARKER.match(line, start):
        return True
    if char == "<":
        return _html_block_start(line, start, True) is not False
    return False


def _html_block_start(line: str, start: int, in_paragraph: bool):
    """The end condition of an HTML block starting here (None: a blank line), or False."""
    for opening, end in _HTML_BLOCKS_WITH_END_MARKER:
        if opening.match(line, start):
            return end
    if _HTML_BLOCK_KNOWN_TAG.match(line, start):
        return None
    if not in_paragraph and _HTML_BLOCK_ANY_TAG.match(line, start):
        return None
    return False


def _table_cells(row: str, offset: int) -> list[tuple[str, int]]:
    """(cell text, source offset) of each cell of a table row; `\\|` does not split."""
    bounds = [-1]
    if "\\" in row:
        bounds.extend(m.start() for m in _TABLE_CELL_SEPARATOR.finditer(row) if m.group() == "|")
    else:
        # Every pipe splits: the k-th (from 0) follows the k + 1 cells before it and k pipes.
        bounds.extend(map(add, accumulate(map(len, row.split("|")[:-1])), count()))
    bounds.append(len(row))
    cells = []
    for number in range(len(bounds) - 1):
        raw = row[bounds[number] + 1 : bounds[number + 1]]
        if not raw.strip() and number in (0, len(bounds) - 2):
            continue  # the outer side of a leading or trailing pipe
        text = raw.strip()
        cells.append((text, offset + bounds[number] + 1 + len(raw) - len(raw.lstrip())))
    return cells


# ---- front matter helpers ---------------------------------------------------------


def _indented_lines(lines, starts, number, end, plain=False) -> list[tuple[str, int]]:
    """The stripped, non-blank lines of an indented continuation (block or plain scalar)."""
    pieces = []
    while number < end:
        line = lines[number]
        if line.strip() and line[:1] not in " \t":
            break
        if plain and (not line.strip() or _YAML_NESTED.match(line)):
            break
        text = line.strip()
        if text:
            pieces.append((text, starts[number] + len(line) - len(line.lstrip())))
        number += 1
    return pieces


def _quoted_scalar(lines, starts, number, value_start, end):
    """A single- or double-quoted YAML scalar, possibly over several lines, with its escapes decoded."""
    quote = lines[number][value_start]
    part = _YAML_DOUBLE_QUOTED_PART if quote == '"' else _YAML_SINGLE_QUOTED_PART
    pieces: list[tuple[str, int]] = []
    edits: list[tuple[int, int, str]] = []
    text_offset = 0  # where this line starts in the pieces joined by "\n"
    line, start = lines[number], value_start + 1
    while True:
        closed = None
        line_edits = []
        for found in part.finditer(line, start):
            token = found.group()
            if token == quote:
                closed = found.start()
                break
            replacement = "" if token == "''" else _yaml_escape(token)
            line_edits.append((found.start() - start, found.end() - start - (token == "''"), replacement))
        segment = line[start:closed] if closed is not None else line[start:].rstrip()
        edits.extend((text_offset + s, text_offset + e, r) for s, e, r in line_edits if e <= len(segment))
        pieces.append((segment, starts[number] + start))
        number += 1
        if closed is not None or number >= end:
            return pieces, edits, number
        text_offset += len(segment) + 1
        line = lines[number]
        start = len(line) - len(line.lstrip())


def _yaml_escape(escape: str) -> str:
    code = escape[1:2]
    if code in ("x", "u", "U"):
        point = int(escape[2:], 16)
        # A lone surrogate could not be written out as UTF-8.
        return "\ufffd" if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF else chr(point)
    return _YAML_ESCAPES.get(code, code)


# ---- inline -------------------------------------------------------------------------


def _inline_edits(text: str) -> list[tuple[int, int, str]]:
    """What to do with the markup of one block's text: (start, end, replacement) sorted.

    A replacement of "" removes the markup (emphasis, escapes, brackets of a
    link); MASK hides code and URLs; other replacements are decoded entities.
    Every search moves forward and failed searches for a closer are remembered,
    so that no input makes this quadratic.
    """
    search = _INLINE_SPECIAL.search
    # (The int 0, not b"\0": `in` takes a bytes operand for an int first, and
    # raises and clears a TypeError, which costs more than the search.)
    if text.isascii() and 0 not in text.encode("ascii").translate(_INLINE_SPECIAL_AS_NUL):
        special = None
    else:
        special = search(text)
    if special is None and "http" not in text and "www." not in text:
        return []  # plain prose, the common case
    edits: list[tuple[int, int, str]] = []
    openers: list[tuple[int, int]] = []  # (position, length) of "[" or "!["
    backtick_runs: dict[int, list[int]] | None = None
    missing: dict[object, int] = {}  # closer -> position from which it is known to be absent
    linked = False
    length = len(text)
    next_url = _UrlFinder(text)
    url = next_url(0)
    pos = 0
    while True:
        if special is not None and special.start() < pos:  # handled: look for the next one
            special = search(text, pos)
        if url < pos:  # inside markup handled since (a code span, a link destination)
            url = next_url(pos)
        if url < (special.start() if special else length):
            pos = _bare_url_end(text, url)
            edits.append((url, pos, MASK))
            url = next_url(pos)
            continue
        if special is None:
            break
        start = special.start()
        char = text[start]
        if char == "\\":
            following = text[start + 1 : start + 2]
            if following and following in _ASCII_PUNCTUATION:
                edits.append((start, start + 1, ""))
                pos = start + 2
            elif following == "\n":  # a hard line break
                edits.append((start, start + 1, ""))
                pos = start + 1
            else:
                pos = start + 1
        elif char == "`":
            run_end = _BACKTICKS.match(text, start).end()
            if backtick_runs is None:
                backtick_runs = {}
                for run in _BACKTICKS.finditer(text):
                    backtick_runs.setdefault(run.end() - run.start(), []).append(run.start())
            closers = backtick_runs.get(run_end - start, ())
            index = bisect_right(closers, start)
            if index < len(closers):
                pos = closers[index] + run_end - start
                edits.append((start, pos, MASK))
            else:
                pos = run_end  # no closer: the backticks are literal
        elif char in "*_~":
            run_end = _DELIMITER_RUN[char].match(text, start).end()
            if _removable_delimiter(text, start, run_end, char):
                edits.append((start, run_end, ""))
            pos = run_end
        elif char == "<":
            pos = _inline_angle(text, start, edits, missing)
        elif char == "&":
            entity = _ENTITY.match(text, start)
            name = entity.group(1) if entity else None
            if entity and (name is None or name + ";" in _HTML5_ENTITIES):
                edits.append((start, entity.end(), unescape(entity.group())))
                pos = entity.end()
            else:
                pos = start + 1
        elif char == "!":
            if text.startswith("[", start + 1):
                openers.append((start, 2))
                pos = start + 2
            else:
                pos = start + 1
        elif char == "[":
            openers.append((start, 1))
            pos = start + 1
        elif char == "]":
            pos = start + 1
            if openers:
                opener, opener_length = openers.pop()
                tail = None
                if text.startswith("(", pos):
                    tail = _LINK_DESTINATION.match(text, pos)
                elif text.startswith("[", pos):
                    tail = _LINK_LABEL.match(text, pos)
                if tail:
                    edits.append((opener, opener + opener_length, ""))
                    edits.append((start, tail.end(), MASK))
                    linked = True
                    pos = tail.end()
    if linked:
        edits.sort()
    return edits


def _removable_delimiter(text: str, start: int, end: int, char: str) -> bool:
    """Could this run of *, _ or ~ open or close emphasis (CommonMark's flanking rules)?"""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    before_space, after_space = before.isspace(), after.isspace()
    before_punctuation = _is_punctuation(before)
    after_punctuation = _is_punctuation(after)
    left = not after_space and (not after_punctuation or before_space or before_punctuation)
    right = not before_space and (not before_punctuation or after_space or after_punctuation)
    if char == "*":
        return left or right
    if char == "_":
        return (left and (not right or before_punctuation)) or (right and (not left or after_punctuation))
    return end - start == 2 and (left or right)  # a single ~ means "about", not strikethrough


def _is_punctuation(char: str) -> bool:
    """Unicode punctuation or symbol, as CommonMark's flanking rules count it."""
    if char in _ASCII_PUNCTUATION:
        return True
    return char > "\x7f" and unicodedata.category(char)[0] in "PS"


def _inline_angle(text: str, start: int, edits: list, missing: dict) -> int:
    """Handle the `<` at start: autolink, comment or other HTML, or a literal `<`."""
    autolink = _AUTOLINK.match(text, start)
    if autolink:
        edits.append((start, autolink.end(), MASK))
        return autolink.end()
    for opening, closer in _COMMENT_LIKE:
        if text.startswith(opening, start):
            if closer is None:
                end = start + len(opening)
            else:
                found = _find_forward(text, closer, start + len(opening), missing)
                if found < 0:
                    return start + 1
                end = found + len(closer)
            edits.append((start, end, MASK))
            return end
    if text.startswith("<!", start) and text[start + 2 : start + 3].isalpha():
        found = _find_forward(text, ">", start + 2, missing)
        if found >= 0:
            edits.append((start, found + 1, MASK))
            return found + 1
        return start + 1
    tag = _INLINE_TAG.match(text, start)
    if not tag:
        return start + 1
    closing, name = tag.group(1), tag.group(2).lower()
    end = tag.end()
    if name in _FORMATTING_TAGS:
        edits.append((start, end, ""))
        return end
    if name in _CODE_TAGS and not closing:
        found = _search_forward(text, _CODE_TAG_CLOSE[name], end, missing)
        if found is not None:
            end = found.end()
    edits.append((start, end, MASK))
    return end


def _find_forward(text: str, needle: str, start: int, missing: dict) -> int:
    """text.find(needle, start), answering at once when an earlier search from
    no later than start already failed (scans only move forward)."""
    if missing.get(needle, len(text) + 1) <= start:
        return -1
    found = text.find(needle, start)
    if found < 0:
        missing[needle] = start
    return found


def _search_forward(text: str, pattern: _CompiledOnFirstUse, start: int, missing: dict):
    """pattern.search(text, start), remembering failures like _find_forward."""
    if missing.get(pattern.pattern, len(text) + 1) <= start:
        return None
    found = pattern.search(text, start)
    if found is None:
        missing[pattern.pattern] = start
    return found


class _UrlFinder:
    """Start of the next bare URL at or after a position (len(text) if none).

    Each needle's next occurrence is kept, so that the text is searched once
    for each however many times it is asked."""

    __slots__ = ("text", "found")

    def __init__(self, text: str) -> None:
        self.text = text
        self.found = {"http": text.find("http"), "www.": text.find("www.")}

    def __call__(self, pos: int) -> int:
        text, found = self.text, self.found
        while True:
            for needle, at in found.items():
                if 0 <= at < pos:
                    found[needle] = text.find(needle, pos)
            candidates = [at for at in found.values() if at >= 0]
            if not candidates:
                return len(text)
            start = min(candidates)
            if _URL_START.match(text, start):
                return start
            pos = start + 1


def _bare_url_end(text: str, start: int) -> int:
    """End of the bare URL at start, without trailing punctuation or an unbalanced `)`."""
    end = _BARE_URL.match(text, start).end()
    while True:
        while end > start and text[end - 1] in _URL_TRAILING_PUNCTUATION:
            end -= 1
        if end > start and text[end - 1] == ")" and text.count("(", start, end) < text.count(")", start, end):
            end -= 1
            continue
        return end


def _build_text(builder: BlockBuilder, text: str, pieces: list[tuple[str, int]], edits) -> None:
    """Feed the builder the text of pieces joined by "\\n" with the edits applied.

    Each "\\n" between two pieces becomes a synthetic space; everything else
    that no edit touches is copied with its exact source offset.
    """
    if len(pieces) == 1:
        offset = pieces[0][1]
        cursor = 0
        for start, end, replacement in edits:
            if start > cursor:
                builder.add(text[cursor:start], offset + cursor)
            if replacement:
                builder.add_synthetic(replacement, offset + start, offset + end)
            cursor = end
        builder.add(text[cursor:], offset + cursor)
        return
    line_starts = []  # where each piece starts in text
    position = 0
    for piece, _ in pieces:
        line_starts.append(position)
        position += len(piece) + 1

    def source(position: int) -> int:
        line = bisect_right(line_starts, position) - 1
        return pieces[line][1] + position - line_starts[line]

    def verbatim(start: int, end: int) -> None:
        line = bisect_right(line_starts, start) - 1
        while start < end:
            line_end = line_starts[line] + len(pieces[line][0])
            piece_offset = pieces[line][1] - line_starts[line]
            if end <= line_end:
                builder.add(text[start:end], piece_offset + start)
                return
            builder.add(text[start:line_end], piece_offset + start)
            builder.add_synthetic(" ", piece_offset + line_end)  # the line break
            line += 1
            start = line_end + 1

    cursor = 0
    for start, end, replacement in edits:
        verbatim(cursor, start)
        if replacement:
            builder.add_synthetic(replacement, source(start), source(end - 1) + 1)
        cursor = end
    verbatim(cursor, len(text))
