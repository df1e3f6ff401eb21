"""Applying fixes to text: edits sorted, overlapping ones skipped, suggestions never applied."""
from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
import time
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
    """What fixing one file did: its text before and after, and whether it was written."""

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
    from .files import read_bytes

    raw, problems = read_bytes(path)  # regular files only: never blocks on a FIFO
    if raw is None:
        return FixOutcome(path, "", "", 0, error=problems[0])
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


TEMPORARY_PREFIX, TEMPORARY_SUFFIX = ".healthlint-", ".tmp"
STALE_TEMPORARY_SECONDS = 600  # no write takes this long: older temporaries are left from a killed run
_swept_folders: set[str] = set()


def write_atomically(path: str, expected: bytes, content: bytes) -> str | None:
    """Replace the file's content; returns an error message, or None when written.

    The new content goes to a temporary file in the same folder, is flushed to
    the disk, given the file's mode (and owner, where allowed), and renamed over
    the file in one step: whenever the process stops, the file holds either
    its old or its new content, never a part. A process killed before the
    rename leaves only a hidden `.healthlint-*.tmp` behind, which a later fix
    in that folder removes. A symbolic link is followed, so the file it points
    to is fixed and the link kept; a file without write permission is left
    alone, even for root.
    """
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    try:
        with open(target, "rb") as handle:
            if handle.read() != expected:
                return f"{path}: not fixed: the file changed on disk while it was being linted"
        info = os.stat(target)
        mode = stat.S_IMODE(info.st_mode)
        if not os.access(target, os.W_OK) or not mode & 0o222:
            return f"{path}: not fixed: the file is not writable"
        _remove_stale_temporaries(folder)
        descriptor, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX, dir=folder)
    except OSError as error:
        return f"{path}: not fixed: {error.strerror or error}"
    replaced = False
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(temporary, info.st_uid, info.st_gid)
        os.replace(temporary, target)
        replaced = True
    except OSError as error:
        return f"{path}: not fixed: {error.strerror or error}; the file is unchanged"
    finally:
        if not replaced:  # an error, or an interrupt such as Ctrl-C
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    _sync_folder(folder)
    return None


def _sync_folder(folder: str) -> None:
    """Make the rename itself survive a power cut (where folders can be synced)."""
    with contextlib.suppress(OSError):  # Windows cannot open a folder this way
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _remove_stale_temporaries(folder: str) -> None:
    """Remove what killed runs left in the folder, once per folder and process."""
    if folder in _swept_folders:
        return
    _swept_folders.add(folder)
    cutoff = time.time() - STALE_TEMPORARY_SECONDS
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not (entry.name.startswith(TEMPORARY_PREFIX) and entry.name.endswith(TEMPORARY_SUFFIX)):
                continue
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)


def unified_diff(path: str, original: str, fixed: str) -> str:
    lines = difflib.unified_diff(original.splitlines(keepends=True), fixed.splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
                   for line in lines)
