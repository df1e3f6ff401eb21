"""Linting a text: the one entry point the CLI (through check.py), the tests and editors use."""
from __future__ import annotations

from .documents import parse_document
from .engine import Engine
from .model import FileResult


def lint_text(engine: Engine, text: str, path: str = "<text>", format: str | None = None) -> FileResult:
    document = parse_document(text, path, format)
    findings, notices = engine.run(document)
    return FileResult(path=path, findings=findings, errors=notices, source=document.source)
