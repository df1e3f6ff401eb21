"""Finding the files to lint and reading them without losing anything.

Folders are walked recursively for the formats healthlint reads; hidden
folders and whatever a .gitignore on the way ignores are skipped. A file named
on the command line is always read, whatever its name says.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .documents import FORMAT_BY_EXTENSION


@dataclass(frozen=True)
class SourceText:
    """A file's decoded text and what reading it taught us."""

    text: str | None  # None when the file was skipped
    notices: tuple[str, ...] = ()  # problems worth telling, each naming the file
    skipped: bool = False


def discover(paths: list[str]) -> tuple[list[str], list[str]]:
    """Files to lint (sorted, unique) and problems with the paths given."""
    found: list[str] = []
    problems: list[str] = []
    visited: set[tuple[int, int]] = set()  # folders walked, shared so that a loop between roots ends too
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(_walk(path, problems, visited))
        elif path.exists() or path.is_symlink():
            found.append(given)  # a broken link is reported when it is read
        else:
            problems.append(f"{given}: no such file or folder")
    seen = set()
    unique = [p for p in found if not (p in seen or seen.add(p))]
    return sorted(unique), problems


def _walk(root: Path, problems: list[str], visited: set[tuple[int, int]]) -> list[str]:
    """Files to lint under root; a folder that cannot be read is added to `problems`,
    never skipped in silence (its files would go unchecked with a clean exit)."""
    import pathspec  # only folders need it

    results: list[str] = []
    # (folder, its gitignore spec) for every .gitignore between the root and here
    specs: list[tuple[Path, object]] = _parent_gitignores(root)

    def walk(folder: Path, specs: list) -> None:
        try:
            info = folder.stat()
        except OSError as error:
            problems.append(f"{folder}: cannot read the folder: {error.strerror or error}")
            return
        if (info.st_dev, info.st_ino) in visited:  # a symlink loop
            return
        visited.add((info.st_dev, info.st_ino))
        ignore_file = folder / ".gitignore"
        if ignore_file.is_file():
            try:
                lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
                specs = specs + [(folder, pathspec.GitIgnoreSpec.from_lines(lines))]
            except OSError:
                pass
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            problems.append(f"{folder}: cannot read the folder: {error.strerror or error}")
            return
        prefix = "" if str(folder) == "." else str(folder)  # str(Path(".") / name) is just the name
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False  # a symbolic link loop: reading it says so, instead of a silent skip
            # Plain strings for the common case: a Path per file was most of
            # the time of a run over 16,000 cached files.
            path = os.path.join(prefix, name) if prefix else name
            if specs and _ignored(Path(path), is_dir, specs):
                continue
            if is_dir:
                walk(Path(path), specs)
            elif os.path.splitext(name)[1].lower() in FORMAT_BY_EXTENSION:
                results.append(path)

    walk(root, specs)
    return results


def _parent_gitignores(root: Path) -> list:
    """Gitignore files above the root, up to the top of its git work tree."""
    import pathspec

    specs = []
    folder = root.resolve().parent
    chain = []
    while True:
        chain.append(folder)
        if (folder / ".git").exists() or folder.parent == folder:
            break
        folder = folder.parent
    if not (chain[-1] / ".git").exists():
        return []
    for folder in reversed(chain):
        ignore_file = folder / ".gitignore"
        if ignore_file.is_file():
            lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
            specs.append((folder, pathspec.GitIgnoreSpec.from_lines(lines)))
    return specs


def _ignored(path: Path, is_dir: bool, specs: list) -> bool:
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop
        resolved = path
    for folder, spec in specs:
        try:
            relative = resolved.relative_to(folder.resolve()).as_posix()
        except ValueError:
            try:
                relative = path.relative_to(folder).as_posix()
            except ValueError:
                continue
        if spec.match_file(relative + ("/" if is_dir else "")):
            return True
    return False


def decode(raw: bytes, path: str) -> SourceText:
    """Text of a file's bytes: binary files are skipped, invalid UTF-8 is replaced and reported."""
    if b"\x00" in raw[:8192] or b"\x00" in raw:
        return SourceText(None, (f"{path}: skipped: looks like a binary file (NUL bytes)",), skipped=True)
    try:
        return SourceText(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        text = raw.decode("utf-8", errors="replace")
        return SourceText(
            text,
            (f"{path}: invalid UTF-8 at byte offset {error.start}; linted with replacement characters",),
        )


def read_bytes(path: str) -> tuple[bytes | None, tuple[str, ...]]:
    """A file's bytes, or None and a message saying why it could not be read."""
    raw, notices, _ = read_file(path)
    return raw, notices


def read_file(path: str) -> tuple[bytes | None, tuple[str, ...], os.stat_result | None]:
    """A file's bytes, or None and a message saying why it could not be read;
    and the file's status as it was read (for the result cache).

    Only regular files are read: a FIFO named like a Markdown file would block
    the run forever and a link to /dev/zero would fill the memory. The file is
    opened without blocking and checked before a byte is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        if os.path.islink(path):
            return None, (f"{path}: a symbolic link to a file that does not exist",), None
        return None, (f"{path}: the file disappeared before it could be read",), None
    except IsADirectoryError:
        return None, (f"{path}: is a folder",), None
    except OSError as error:
        return None, (f"{path}: cannot read: {error.strerror or error}",), None
    with os.fdopen(descriptor, "rb") as handle:
        try:
            info = os.fstat(descriptor)
            if stat.S_ISDIR(info.st_mode):
                return None, (f"{path}: is a folder",), None
            if not stat.S_ISREG(info.st_mode):
                return None, (f"{path}: skipped: not a regular file (a pipe, socket or device)",), None
            return handle.read(), (), info
        except OSError as error:
            return None, (f"{path}: cannot read: {error.strerror or error}",), None


def read_source(path: str) -> SourceText:
    raw, notices = read_bytes(path)
    if raw is None:
        return SourceText(None, notices, skipped=True)
    return decode(raw, path)
