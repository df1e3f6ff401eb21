"""Linting files and texts: the one entry point the CLI, the tests and editors use."""
from __future__ import annotations

from .documents import parse_document
from .engine import Engine
from .files import read_source
from .model import FileResult


def lint_text(engine: Engine, text: str, path: str = "<text>", format: str | None = None) -> FileResult:
    document = parse_document(text, path, format)
    return FileResult(path=path, findings=engine.lint(document), source=document.source)


def lint_file(engine: Engine, path: str, format: str | None = None) -> FileResult:
    source = read_source(path)
    if source.text is None:
        return FileResult(path=path, errors=source.notices)
    result = lint_text(engine, source.text, path, format)
    if source.notices:
        return FileResult(path, result.findings, source.notices, result.source)
    return result


def lint_files(engine: Engine, paths: list[str]) -> list[FileResult]:
    return [lint_file(engine, path) for path in paths]
