"""Plain text: paragraphs, list items and the headings content farms leave behind.

Paragraphs are separated by blank lines; a text with no blank line at all (as
exported articles often are) has one paragraph per line. A line that starts
with "- ", "* ", "• " or "1. " is a list item. A short line with no closing
punctuation, standing alone, is a heading, and so is a short question in title
case ("What Is Phenibut?").
"""
from __future__ import annotations

import re
from itertools import accumulate, count
from operator import add

import regex

from .. import pattern_cache
from ..model import Block
from . import BlockBuilder

_LINE = pattern_cache.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
# A line of white space only (\s here is str.isspace) with a line before and
# after it, in a text whose lines end with "\n": its final line end opens no line.
_INNER_BLANK_LINE = re.compile(r"\n[^\S\n]*\n(?!\Z)")
_LIST_MARKER = pattern_cache.compile(r"[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+(?=\S)")
# A line that is only an HTML comment: suppression directives live there.
_COMMENT_LINE = pattern_cache.compile(r"\s*<!--.*-->\s*$")
_CLOSING_PUNCTUATION = tuple(".!?:;,")
_CLOSING_BUT_QUESTION = tuple(".!:;,")
_SENTENCE_BREAK = pattern_cache.compile(r"[.!?]\s")
_HEADING_MAX_WORDS = 16
_ABBREVIATION_STOP = pattern_cache.compile(r"\b(?:vs|Dr|Mr|Mrs|Ms|St|Mt|Vol|Fig|approx|etc|e\.g|i\.e)\.", regex.IGNORECASE)
_HEADING_MAX_CHARS = 150
# Compiled here: regex.findall with a pattern string looks it up in the module's
# cache through a dozen Python steps (flag tests, an import) on every call.
_TITLE_WORD = pattern_cache.compile(r"\p{L}[\p{L}'’-]*")


def _lines(source: str) -> list[tuple[str, int]]:
    """(line text without its line end, offset of its first character)."""
    if "\r" not in source:
        # Only LF: split in C; line i starts after the lines before it and their i line ends.
        parts = source.split("\n")
        if len(parts) > 1 and not parts[-1]:
            parts.pop()  # the text's final line end opens no line
        return list(zip(parts, map(add, accumulate(map(len, parts), initial=0), count())))
    lines = []
    for match in _LINE.finditer(source):
        if match.start() == len(source) and lines:
            break
        lines.append((match.group(1), match.start()))
        if not match.group(2):
            break
    return lines


def looks_like_heading(text: str) -> bool:
    stripped = text.strip()
    if not stripped or len(stripped) > _HEADING_MAX_CHARS:
        return False
    if not (stripped[0].isupper() or stripped[0].isdigit()) or len(stripped.split()) > _HEADING_MAX_WORDS:
        return False
    if "?" in stripped and _title_case(stripped):
        return not stripped.endswith(_CLOSING_BUT_QUESTION)  # "What Is Phenibut?", "Can You Drink on Kratom? How the Two Interact"
    if stripped.endswith(_CLOSING_PUNCTUATION):
        return False
    # More than one sentence; the full stop of "vs." or "Dr." ends none ("Kratom vs. Suboxone: The Basics").
    # Most lines have no inner stop at all, and are not rewritten to find that out.
    return not (_SENTENCE_BREAK.search(stripped) and _SENTENCE_BREAK.search(_ABBREVIATION_STOP.sub("", stripped)))


def _title_case(text: str) -> bool:
    """Every word of four letters or more starts with a capital, as in a heading
    that asks a question ("What Is Phenibut?"); a sentence that asks one does not."""
    long_words = [word for word in _TITLE_WORD.findall(text) if len(word) >= 4]
    return bool(long_words) and all(word[0].isupper() for word in long_words)


def parse_blocks(source: str) -> list[Block]:
    lines = _lines(source)
    if "\r" in source:
        one_paragraph_per_line = not any(
            not text.strip() and 0 < number < len(lines) - 1 for number, (text, _) in enumerate(lines)
        )
    else:
        one_paragraph_per_line = not _INNER_BLANK_LINE.search(source)
    blocks: list[Block] = []
    group: list[tuple[str, int]] = []

    def flush() -> None:
        if group:
            blocks.extend(_group_blocks(group, len(blocks)))
            group.clear()

    for text, offset in lines:
        if not text.strip():
            flush()
            continue
        if "<!--" in text and _COMMENT_LINE.match(text):
            continue
        group.append((text, offset))
        if one_paragraph_per_line:
            flush()
    flush()
    return blocks


def _group_blocks(group: list[tuple[str, int]], first_index: int) -> list[Block]:
    """Blocks of a run of non-blank lines: list items, a heading, or one paragraph."""
    if len(group) == 1 and not _LIST_MARKER.match(group[0][0]) and looks_like_heading(group[0][0]):
        builder = BlockBuilder()
        _add_trimmed(builder, *group[0])
        return [builder.build("heading", first_index, level=2)]
    blocks: list[Block] = []
    builder: BlockBuilder | None = None
    kind = "paragraph"
    for text, offset in group:
        marker = _LIST_MARKER.match(text)
        if marker or builder is None:
            if builder is not None and not builder.empty:
                blocks.append(builder.build(kind, first_index + len(blocks)))
            builder = BlockBuilder()
            kind = "list-item" if marker else "paragraph"
        else:
            builder.add_synthetic(" ", offset - 1)  # the line break joining two lines
        skip = marker.end() if marker else 0
        _add_trimmed(builder, text[skip:], offset + skip)
    if builder is not None and not builder.empty:
        blocks.append(builder.build(kind, first_index + len(blocks)))
    return blocks


def _add_trimmed(builder: BlockBuilder, text: str, offset: int) -> None:
    stripped = text.lstrip()
    builder.add(stripped.rstrip(), offset + len(text) - len(stripped))
