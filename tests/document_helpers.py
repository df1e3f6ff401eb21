"""Helpers the document and position tests share."""
from __future__ import annotations

from healthlint.documents import parse_document
from healthlint.model import MASK


def blocks(source: str, name: str) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in parse_document(source, name).blocks]


def texts(source: str, name: str) -> list[str]:
    return [block.text for block in parse_document(source, name).blocks]


def source_of(document, block, start: int, end: int) -> str:
    span = document.span(block, start, end)
    return document.source[span.start_offset : span.end_offset]


def source_map_problems(document) -> list[str]:
    """Each run of a block's source map must be copied text equal to its
    source, or one made-up piece (a space, a MASK, a decoded reference or
    escape); runs move forward through the source."""
    source, problems = document.source, []
    for block in document.blocks:
        runs = block.source_map.runs
        previous_end = 0
        for number, (text_start, source_start) in enumerate(runs):
            text_end = runs[number + 1][0] if number + 1 < len(runs) else len(block.text)
            piece = block.text[text_start:text_end]
            if not previous_end <= source_start < len(source):
                problems.append(f"run {piece!r} of {block.text!r} maps to {source_start}")
            elif piece == source[source_start : source_start + len(piece)]:
                previous_end = source_start + len(piece)
            elif len(piece) <= 2 and (piece in (" ", MASK) or source[source_start] in "&\\"):
                previous_end = source_start + 1
            else:
                problems.append(f"run {piece!r} of {block.text!r} is not {source[source_start:][:len(piece)]!r}")
        span = document.span(block, 0, len(block.text))
        if not (1 <= span.line <= span.end_line <= len(document.line_starts) and span.start_offset <= span.end_offset):
            problems.append(f"block {block.text!r} spans {span}")
    return problems


def assert_verbatim_characters_map_home(document) -> None:
    assert not source_map_problems(document)
