"""Linting many files: worker processes and the result cache.

`--jobs N` lints in N processes (forked, so the loaded rules are shared, not
rebuilt); results come back in the order of the files, so the output is the
same as a single-process run. The cache keeps each file's findings under a key
made of the file's bytes, the effective rules and settings, and healthlint's
version: an unchanged file is not linted again. Entries are JSON written to a
temporary file and renamed into place, so concurrent runs never see half an
entry.
"""
from __future__ import annotations

import collections
import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import tempfile
from collections.abc import Iterator

from .cache import code_fingerprint
from .files import decode, read_bytes
from .model import Edit, FileResult, Finding, Fix, Span

CACHE_FOLDER = ".healthlint_cache"
_worker_state: dict = {}


def lint_paths(linter, files: list[str], options) -> list[FileResult]:
    return list(iter_results(linter, files, options))


def iter_results(linter, files: list[str], options) -> Iterator[FileResult]:
    """Each file's result, in the order of `files`, as soon as it and those before it are done."""
    cache = ResultCache(os.path.join(linter.config.root if linter.config.path else os.getcwd(), CACHE_FOLDER)) \
        if options.cache else None
    unused = options.report_unused_disables
    keep_source = options.output_format == "text"
    jobs = max(1, options.jobs)
    if jobs == 1 or len(files) < 2 * jobs or "fork" not in multiprocessing.get_all_start_methods():
        for path in files:
            result = lint_one(linter, cache, path, unused)
            yield result if keep_source or result.source is None else FileResult(result.path, result.findings,
                                                                                 result.errors)
        return
    _worker_state.update(linter=linter, cache=cache, unused=unused, keep_source=keep_source)
    # The loaded rules, word lists and compiled patterns are shared with the
    # workers by fork; frozen, the collector never writes to (and so never
    # copies) their pages.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            chunk = max(1, min(16, len(files) // (jobs * 16)))
            chunks = [files[start:start + chunk] for start in range(0, len(files), chunk)]
            # At most a few chunks per worker in flight: the results wait here
            # only until those before them are done, never the whole run.
            pending: collections.deque = collections.deque()
            submitted = 0
            while submitted < len(chunks) or pending:
                while submitted < len(chunks) and len(pending) < 4 * jobs:
                    pending.append(pool.apply_async(_lint_in_worker, (chunks[submitted],)))
                    submitted += 1
                yield from pending.popleft().get()
    finally:
        _worker_state.clear()
        gc.unfreeze()


def _lint_in_worker(paths: list[str]) -> list[FileResult]:
    results = []
    for path in paths:
        result = lint_one(_worker_state["linter"], _worker_state["cache"], path, _worker_state["unused"])
        # Only the text format shows source lines; other formats need not pay for
        # sending every file's text back from the worker.
        results.append(result if _worker_state["keep_source"] else FileResult(result.path, result.findings,
                                                                               result.errors))
    return results


def lint_one(linter, cache, path: str, report_unused_disables: bool) -> FileResult:
    raw, notices = read_bytes(path)
    if raw is None:
        return FileResult(path, errors=notices)
    source = decode(raw, path)
    if source.text is None:
        return FileResult(path, errors=source.notices)
    key = None
    if cache is not None:
        key = cache.key(raw, path, linter.engine_for(path).fingerprint, report_unused_disables)
        cached = cache.get(key)
        if cached is not None:
            return FileResult(path, cached, source.notices, source.text.removeprefix("\ufeff"))
    try:
        result = linter.lint_text(source.text, path, report_unused_disables)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop a run over thousands
        return FileResult(path, errors=source.notices + (
            f"{path}: internal error while linting ({type(error).__name__}: {error}); please report it",))
    if cache is not None and key is not None:
        cache.put(key, result.findings)
    return FileResult(path, result.findings, source.notices + result.errors, result.source)


class ResultCache:
    def __init__(self, folder: str):
        self.folder = folder

    @staticmethod
    def key(raw: bytes, path: str, rules_fingerprint: str, unused: bool) -> str:
        digest = hashlib.sha256()
        for part in (code_fingerprint(), rules_fingerprint, os.path.splitext(path)[1].lower(), str(unused)):
            digest.update(part.encode() + b"\0")
        digest.update(raw)
        return digest.hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key[2:] + ".json")

    def get(self, key: str) -> tuple[Finding, ...] | None:
        try:
            with open(self._path(key), encoding="utf-8") as handle:
                return tuple(_finding_from(item) for item in json.load(handle))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a missing or damaged entry is a miss

    def put(self, key: str, findings: tuple[Finding, ...]) -> None:
        target = self._path(key)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if not os.path.exists(os.path.join(self.folder, ".gitignore")):
                with open(os.path.join(self.folder, ".gitignore"), "w", encoding="utf-8") as handle:
                    handle.write("*\n")
            descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp")
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump([_finding_to(f) for f in findings], handle, ensure_ascii=False)
            os.replace(temporary, target)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temporary)  # a cache that cannot be written only costs speed


def _span_to(span: Span) -> list:
    return [span.line, span.column, span.end_line, span.end_column, span.start_offset, span.end_offset]


def _finding_to(f: Finding) -> dict:
    return {
        "rule": f.rule, "category": f.category, "severity": f.severity, "message": f.message,
        "span": _span_to(f.span), "match": f.match, "suggestions": list(f.suggestions),
        "fix": None if f.fix is None else [f.fix.applicability, [[_span_to(e.span), e.replacement]
                                                                 for e in f.fix.edits]],
        "link": f.link, "related": [_span_to(s) for s in f.related],
    }


def _finding_from(d: dict) -> Finding:
    fix = None
    if d["fix"] is not None:
        applicability, edits = d["fix"]
        fix = Fix(applicability, tuple(Edit(Span(*span), text) for span, text in edits))
    return Finding(d["rule"], d["category"], d["severity"], d["message"], Span(*d["span"]), d["match"],
                   tuple(d["suggestions"]), fix, d["link"], tuple(Span(*s) for s in d["related"]))
