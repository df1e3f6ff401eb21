"""Finding the files to lint and reading them without losing anything.

Folders are walked recursively for the formats healthlint reads; hidden
folders and whatever a .gitignore on the way ignores are skipped. A file named
on the command line is always read, whatever its name says.
"""
from __future__ import annotations

import os
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
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(_walk(path))
        elif path.exists():
            found.append(given)
        else:
            problems.append(f"{given}: no such file or folder")
    seen = set()
    unique = [p for p in found if not (p in seen or seen.add(p))]
    return sorted(unique), problems


def _walk(root: Path) -> list[str]:
    import pathspec  # only folders need it

    results: list[str] = []
    # (folder, its gitignore spec) for every .gitignore between the root and here
    specs: list[tuple[Path, object]] = _parent_gitignores(root)
    visited: set[tuple[int, int]] = set()

    def walk(folder: Path, specs: list) -> None:
        try:
            stat = folder.stat()
        except OSError:
            return
        if (stat.st_dev, stat.st_ino) in visited:  # a symlink loop
            return
        visited.add((stat.st_dev, stat.st_ino))
        ignore_file = folder / ".gitignore"
        if ignore_file.is_file():
            try:
                lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
                specs = specs + [(folder, pathspec.GitIgnoreSpec.from_lines(lines))]
            except OSError:
                pass
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if _ignored(path, is_dir, specs):
                continue
            if is_dir:
                walk(path, specs)
            elif path.suffix.lower() in FORMAT_BY_EXTENSION:
                results.append(str(path))

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
    for folder, spec in specs:
        try:
            relative = path.resolve().relative_to(folder.resolve()).as_posix()
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
    try:
        with open(path, "rb") as handle:
            return handle.read(), ()
    except FileNotFoundError:
        return None, (f"{path}: the file disappeared before it could be read",)
    except IsADirectoryError:
        return None, (f"{path}: is a folder",)
    except OSError as error:
        return None, (f"{path}: cannot read: {error.strerror or error}",)


def read_source(path: str) -> SourceText:
    raw, notices = read_bytes(path)
    if raw is None:
        return SourceText(None, notices, skipped=True)
    return decode(raw, path)
