"""Linting many files: the result cache and worker processes.

Results come out in the order of the files, one by one as they are ready, so
the report can be written while the run goes on and the output is the same as
a single-process run's. The main process looks every file up in the result
cache (cache.py) first; only the others are linted, in this process or, with
`--jobs N`, in N forked worker processes (forked, so the loaded rules are
shared, not rebuilt) that read, lint and send back one chunk of files at a
time. The cache is the main process's alone.
"""
from __future__ import annotations

import collections
import gc
import hashlib
import os
from collections.abc import Callable, Iterator

from .cache import ResultCache, entry_key, pack_findings, unpack_findings
from .files import decode, read_file
from .model import FileResult

CACHE_FOLDER = ".healthlint_cache"
_IN_FLIGHT_PER_WORKER = 4  # chunks per worker: enough to keep it busy, few enough to bound what waits
_worker_state: dict = {}


def lint_paths(linter, files: list[str], options) -> list[FileResult]:
    return list(iter_results(linter, files, options))


def iter_results(linter, files: list[str], options, cache: ResultCache | None = None,
                 config=None) -> Iterator[FileResult]:
    """Each file's result, in the order of `files`, as soon as it and those before it are done.

    `linter` is a Linter, or a function that makes one: it is only called when
    some file is not in the cache. With a cache, `config` gives each path's settings.
    """
    get_linter: Callable = linter if callable(linter) else (lambda: linter)
    run = _Run(get_linter, cache, config, options)
    jobs = max(1, options.jobs)
    if jobs == 1 or len(files) < 2 * jobs or not _can_fork():
        for path in files:
            result = run.cached(path)
            yield result if result is not None else run.finish(run.lint(path))
    else:
        yield from _in_workers(run, files, jobs)
    if cache is not None:
        cache.save()


def _can_fork() -> bool:
    import multiprocessing  # only a run over several files pays for importing it

    return "fork" in multiprocessing.get_all_start_methods()


class _Run:
    def __init__(self, get_linter: Callable, cache: ResultCache | None, config, options):
        self.get_linter = get_linter
        self.cache = cache
        self.config = config
        self.unused = options.report_unused_disables
        self.keep_source = options.output_format == "text"  # only the text format shows source lines
        self._settings: dict[str, str] = {}

    def cached(self, path: str) -> FileResult | None:
        """The cached result of `path`, or None when it has to be linted."""
        cache = self.cache
        if cache is None:
            return None
        recalled = cache.recall(path)
        if recalled is not None:
            findings, notices = recalled
            source = None
            if self.keep_source and findings:
                source = _source_of(path)
            return FileResult(path, findings, notices, source)
        if not cache.has_entries(path):
            return None  # nothing cached near it: read the file once, to lint it
        raw, notices, info = read_file(path)
        if raw is None:
            return None  # linting it reports why
        digest = hashlib.sha256(raw).digest()
        key = self.entry_key(path, digest)
        findings = cache.get(path, key)
        if findings is None:
            return None
        source = decode(raw, path)
        if source.text is None:
            return None
        cache.remember(path, info, digest, key, source.notices)
        return FileResult(path, findings, source.notices,
                          source.text.removeprefix("\ufeff") if self.keep_source else None)

    def entry_key(self, path: str, digest: bytes) -> bytes:
        return entry_key(digest, self.settings_of(path), os.path.splitext(path)[1].lower())

    def settings_of(self, path: str) -> str:
        config = self.config
        if not config.overrides:
            path = ""  # the same settings everywhere
        settings = self._settings.get(path)
        if settings is None:
            settings = self._settings[path] = repr(config.settings_for(path) if path else config.settings)
        return settings

    def lint(self, path: str) -> tuple:
        return lint_read(self.get_linter(), path, self.unused, self.keep_source)

    def finish(self, linted: tuple) -> FileResult:
        """Record a freshly linted file in the cache; its result."""
        result, digest, info, notices, *packed = linted
        if self.cache is not None and digest is not None:
            clean = result.errors == notices  # a rule that failed or ran out of time is tried again next run
            self.cache.remember(result.path, info, digest, self.entry_key(result.path, digest), notices,
                                result.findings if clean else None, packed[0] if clean and packed else None)
        return result


def _source_of(path: str) -> str | None:
    raw, _, _ = read_file(path)
    if raw is None:
        return None
    text = decode(raw, path).text
    return None if text is None else text.removeprefix("\ufeff")


def lint_read(linter, path: str, unused: bool, keep_source: bool = True) -> tuple:
    """Read and lint one file: its result, and the digest, stat and decoding notices of the bytes linted."""
    raw, notices, info = read_file(path)
    if raw is None:
        return FileResult(path, errors=notices), None, None, ()
    source = decode(raw, path)
    if source.text is None:
        return FileResult(path, errors=source.notices), None, None, ()
    digest = hashlib.sha256(raw).digest()
    del raw
    try:
        result = linter.lint_text(source.text, path, unused)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop a run over thousands
        return FileResult(path, errors=source.notices + (
            f"{path}: internal error while linting ({type(error).__name__}: {error}); please report it",)), \
            None, None, ()
    result = FileResult(path, result.findings, source.notices + result.errors,
                        result.source if keep_source else None)
    return result, digest, info, source.notices


def lint_one(linter, cache, path: str, report_unused_disables: bool) -> FileResult:
    """One file's result, linted now (the cache is not consulted)."""
    return lint_read(linter, path, report_unused_disables)[0]


def _in_workers(run: _Run, files: list[str], jobs: int) -> Iterator[FileResult]:
    """Cached files come from the cache here; the others are linted in chunks by
    the workers. What waits for its turn is bounded: a few chunks per worker,
    and at most `waiting` results."""
    chunk_size = max(1, min(16, len(files) // (jobs * 16)))
    most_in_flight = _IN_FLIGHT_PER_WORKER * jobs
    waiting = max(256, 2 * chunk_size * most_in_flight)
    order: collections.deque = collections.deque()  # each a FileResult, or (chunk, index in the chunk)
    chunk = _Chunk()
    in_flight = 0
    pool = None

    def submit():
        nonlocal pool, in_flight, chunk
        if pool is None:
            linter = run.get_linter()
            _warm_up(linter)
            _worker_state.update(linter=linter, unused=run.unused, keep_source=run.keep_source)
            # The loaded rules, word lists and compiled patterns are shared with
            # the workers by fork; frozen, the collector never writes to (and so
            # never copies) their pages.
            gc.freeze()
            import multiprocessing

            pool = multiprocessing.get_context("fork").Pool(jobs)
        chunk.future = pool.apply_async(_lint_in_worker, (chunk.paths,))
        chunk = _Chunk()
        in_flight += 1

    def ready(block: bool):
        """The results at the head of the queue that are done; with `block`, wait for the first."""
        nonlocal in_flight
        while order:
            head = order[0]
            if not isinstance(head, FileResult):
                done, index = head
                if done.results is None:
                    if done.future is None or not (block or done.future.ready()):
                        return
                    done.results = done.future.get()
                    done.paths = None
                    in_flight -= 1
                head = run.finish(_unpack(done.results[index]))
                done.results[index] = None  # the result is on its way out: do not hold it
            order.popleft()
            yield head
            block = False

    try:
        for path in files:
            result = run.cached(path)
            if result is not None:
                order.append(result)
            else:
                order.append((chunk, len(chunk.paths)))
                chunk.paths.append(path)
                if len(chunk.paths) >= chunk_size:
                    submit()
            while in_flight >= most_in_flight or len(order) > waiting:
                if order and not isinstance(order[0], FileResult) and order[0][0].future is None:
                    submit()  # the head waits for the chunk being filled: send it as it is
                yield from ready(True)
            yield from ready(False)
        if chunk.paths:
            submit()
        while order:
            yield from ready(True)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
            _worker_state.clear()
            gc.unfreeze()


def _warm_up(linter) -> None:
    """Lint the rules' own examples once before forking: the patterns, word
    lists and indexes built at first use are then built once, here, and shared
    by the workers, instead of once in each."""
    examples = [example.text for rule in linter.main_ruleset.rules for example in rule.bad_examples]
    try:
        linter.lint_text("\n\n".join(examples), "warm-up.md")
        linter.lint_text("\n\n".join(examples), "warm-up.txt")
    except Exception:  # noqa: BLE001 - only a head start; the real files report their own failures
        pass


class _Chunk:
    __slots__ = ("paths", "future", "results")

    def __init__(self):
        self.paths: list[str] = []
        self.future = None
        self.results: list | None = None


def _lint_in_worker(paths: list[str]) -> list[tuple]:
    state = _worker_state
    return [_pack(lint_read(state["linter"], path, state["unused"], state["keep_source"])) for path in paths]


# Findings travel from a worker as the cache stores them (marshal): about half
# the cost of pickling the dataclasses there and back, and the main process
# keeps the bytes for the cache instead of encoding the findings again.

def _pack(linted: tuple) -> tuple:
    result, digest, info, notices = linted
    try:
        payload = pack_findings(result.findings)
    except ValueError:
        return linted  # something marshal cannot hold: sent as it is
    return (result.path, payload, result.errors, result.source), digest, info, notices


def _unpack(linted: tuple) -> tuple:
    sent, digest, info, notices = linted
    if isinstance(sent, FileResult):
        return linted
    path, payload, errors, source = sent
    return FileResult(path, unpack_findings(payload), errors, source), digest, info, notices, payload
