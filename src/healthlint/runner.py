"""Linting files and texts: the one entry point the CLI, the tests and editors use.

A problem with one file (unreadable, binary, a bug of ours) is reported for
that file and never stops the others from being linted.
"""
from __future__ import annotations

import traceback

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
    try:
        result = lint_text(engine, source.text, path, format)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop a run over thousands
        where = traceback.extract_tb(error.__traceback__)[-1]
        message = (f"{path}: internal error while linting ({type(error).__name__}: {error} at "
                   f"{where.filename.rsplit('/', 1)[-1]}:{where.lineno}); please report it")
        return FileResult(path=path, errors=source.notices + (message,))
    if source.notices:
        return FileResult(path, result.findings, source.notices, result.source)
    return result


def lint_files(engine: Engine, paths: list[str]) -> list[FileResult]:
    return [lint_file(engine, path) for path in paths]
