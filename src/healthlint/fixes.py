"""Applying fixes to text: edits sorted, overlapping ones skipped, suggestions never applied."""
from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from dataclasses import dataclass
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


MAX_PASSES = 10  # fixes can uncover new findings; stop if they never settle


@dataclass(frozen=True)
class FixOutcome:
    path: str
    original: str  # decoded text as read (BOM removed)
    fixed: str
    applied: int  # edits applied over all passes
    written: bool = False
    error: str | None = None


def fix_text(text: str, lint, unsafe: bool = False) -> tuple[str, int]:
    """Apply fixes until nothing changes (at most MAX_PASSES); `lint(text)` returns findings."""
    applied = 0
    for _ in range(MAX_PASSES):
        edits = applicable_edits(lint(text), unsafe)
        if not edits:
            break
        text, count = apply_edits(text, edits)
        applied += count
        if not count:
            break
    return text, applied


def fix_file(path: str, lint, unsafe: bool = False, write: bool = True) -> FixOutcome:
    """Fix one file in place, atomically; nothing is written when nothing changes.

    The file is written only if its bytes on disk are still those that were
    read, through a temporary file in the same folder renamed over it, with
    the BOM, line ends and permission bits kept.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        return FixOutcome(path, "", "", 0, error=f"{path}: cannot read: {error.strerror or error}")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return FixOutcome(path, "", "", 0,
                          error=f"{path}: not fixed: invalid UTF-8 at byte offset {error.start} would not survive")
    bom = "\ufeff" if decoded.startswith("\ufeff") else ""
    original = decoded[len(bom):]
    fixed, applied = fix_text(original, lint, unsafe)
    if fixed == original or not write:
        return FixOutcome(path, original, fixed, applied)
    error = write_atomically(path, raw, (bom + fixed).encode("utf-8"))
    return FixOutcome(path, original, fixed if not error else original, applied, written=not error, error=error)


def write_atomically(path: str, expected: bytes, content: bytes) -> str | None:
    """Replace the file's content; returns an error message, or None when written."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        with open(path, "rb") as handle:
            if handle.read() != expected:
                return f"{path}: not fixed: the file changed on disk while it was being linted"
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if not os.access(path, os.W_OK):
            return f"{path}: not fixed: the file is not writable"
        descriptor, temporary = tempfile.mkstemp(prefix=".healthlint-", suffix=".tmp", dir=folder)
    except OSError as error:
        return f"{path}: not fixed: {error.strerror or error}"
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return f"{path}: not fixed: {error.strerror or error}; the file is unchanged"
    return None


def unified_diff(path: str, original: str, fixed: str) -> str:
    lines = difflib.unified_diff(original.splitlines(keepends=True), fixed.splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
                   for line in lines)
