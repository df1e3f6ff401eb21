"""Applying fixes to text: edits sorted, overlapping ones skipped, suggestions never applied."""
from __future__ import annotations

from typing import Iterable

from .model import Edit, Finding


def applicable_edits(findings: Iterable[Finding], unsafe: bool = False) -> list[Edit]:
    allowed = {"safe", "unsafe"} if unsafe else {"safe"}
    return [edit for f in findings if f.fix and f.fix.applicability in allowed for edit in f.fix.edits]


def apply_edits(source: str, edits: list[Edit]) -> tuple[str, int]:
    """Apply non-overlapping edits (source offsets); returns the text and how many were applied."""
    pieces, position, applied = [], 0, 0
    for edit in sorted(edits, key=lambda e: (e.span.start_offset, e.span.end_offset)):
        if edit.span.start_offset < position:
            continue  # overlaps an edit already taken; the next pass can redo it
        pieces.append(source[position : edit.span.start_offset])
        pieces.append(edit.replacement)
        position = edit.span.end_offset
        applied += 1
    pieces.append(source[position:])
    return "".join(pieces), applied


def apply_fixes(text: str, findings: Iterable[Finding], unsafe: bool = False) -> str:
    """Text with the fixes of `findings` applied; a leading BOM is kept."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    fixed, _ = apply_edits(text[len(bom):], applicable_edits(findings, unsafe))
    return bom + fixed
