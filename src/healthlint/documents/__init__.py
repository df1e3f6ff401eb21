"""Parsing documents into blocks of prose with a source map.

Each format has one module with a `parse_blocks(source) -> list[Block]`
function; `parse_document` picks it by file extension and adds what every
format shares (BOM removal, line index). Rules only ever see `Block.text`;
`Block.source_map` turns an offset in it back into a document position.
"""
from __future__ import annotations

import os
from functools import cache
from itertools import accumulate, count
from operator import add

from .. import pattern_cache
from ..model import Block, Document, new_block, new_source_map
from .sentences import split_sentences

FORMAT_BY_EXTENSION = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}

_LINE_BREAK = pattern_cache.compile(r"\r\n|\r|\n")


def format_for_path(path: str) -> str | None:
    return FORMAT_BY_EXTENSION.get(os.path.splitext(path)[1].lower())


def line_starts(source: str) -> tuple[int, ...]:
    """Offsets at which lines start; CRLF, CR and LF each end a line."""
    if "\r" not in source:
        # Only LF: line i starts after the lines before it and their i line ends.
        lines = source.split("\n")
        lines.pop()
        return tuple(map(add, accumulate(map(len, lines), initial=0), count()))
    return (0, *(match.end() for match in _LINE_BREAK.finditer(source)))


def parse_document(source: str, path: str = "<text>", format: str | None = None) -> Document:
    if source.startswith("\ufeff"):
        # Positions are counted in the text a reader sees, so the BOM goes; the
        # fixer puts it back when it writes.
        source = source[1:]
    format = format or format_for_path(path) or "text"
    parser = _parser(format)
    blocks = tuple(parser(source))
    return Document(path=path, format=format, source=source, blocks=blocks, line_starts=line_starts(source))


@cache
def _parser(format: str):
    # Imported lazily so that linting plain text never pays for the HTML
    # parser; once per format, not per file (an import statement costs more
    # than parsing some short files' lines).
    if format == "markdown":
        from .markdown import parse_blocks
    elif format == "html":
        from .html import parse_blocks
    elif format == "text":
        from .plaintext import parse_blocks
    else:
        raise ValueError(f"unknown document format {format!r}")
    return parse_blocks


class BlockBuilder:
    """Collects the pieces of one block's text together with their source offsets."""

    __slots__ = ("parts", "runs", "length", "stand_ins", "synthetic")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.runs: list[tuple[int, int]] = []
        self.length = 0
        self.stand_ins: list[tuple[int, int, int]] = []
        self.synthetic = False  # whether add_synthetic has left placeholders in runs

    def add(self, text: str, source_offset: int) -> None:
        """Append text copied verbatim from the source at source_offset."""
        if not text:
            return
        runs = self.runs
        if runs:
            # A new run unless this text follows the last one in the source too.
            text_start, source_start = runs[-1]
            if source_start < 0 or source_start + (self.length - text_start) != source_offset:
                runs.append((self.length, source_offset))
        else:
            runs.append((self.length, source_offset))
        self.parts.append(text)
        self.length += len(text)

    def add_synthetic(self, text: str, source_offset: int, source_end: int | None = None) -> None:
        """Append characters that stand for source at source_offset (a joining space, a MASK).

        source_end, when given, is where the source they replace ends (after
        "&amp;", after a whole code span), so that a span ending on them
        covers all of it.
        """
        if not text:
            return
        if source_end is not None and source_end > source_offset + len(text):
            self.stand_ins.append((self.length, self.length + len(text), source_end))
        self.runs.append((self.length, source_offset))
        self.parts.append(text)
        self.length += len(text)
        # The next verbatim piece needs a run of its own.
        self.runs.append((self.length, -1))
        self.synthetic = True

    @property
    def empty(self) -> bool:
        # Told part by part, without the join that build makes: the first part
        # of nearly every block holds a word.
        return not any(map(str.strip, self.parts))

    def build(self, kind: str, index: int, level: int = 0) -> Block:
        text = "".join(self.parts)
        # Verbatim pieces only: their runs start at distinct offsets, with no placeholder.
        runs = _drop_placeholders(self.runs) if self.synthetic or not self.runs else tuple(self.runs)
        return new_block(kind, text, new_source_map(runs, tuple(self.stand_ins)), split_sentences(text), level, index)


def _drop_placeholders(runs: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Remove the -1 markers that add_synthetic leaves when nothing verbatim followed."""
    kept: list[tuple[int, int]] = []
    for text_start, source_start in runs:
        if source_start < 0:
            continue
        if kept and kept[-1][0] == text_start:
            kept[-1] = (text_start, source_start)
        else:
            kept.append((text_start, source_start))
    return tuple(kept) or ((0, 0),)
