"""`healthlint server`: a Language Server Protocol server over stdio, built on pygls.

It lints the editor's unsaved buffer, not the file on disk: diagnostics follow
every change (at once, coalesced while a lint runs, see QUIET_SECONDS), code actions apply a rule's fix or
add a disable-next-line comment, and hovering a finding shows the rule's
documentation. The project configuration is found from each document's path,
as `healthlint check` finds it, and reloaded when it changes; a broken
configuration is reported and the last good rules keep serving.

Positions: healthlint counts code points; LSP counts the code units of the
encoding agreed at initialization (UTF-16 unless the client offers another).
`LineIndex` converts both ways, for every range that crosses the wire.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import threading
import time
import traceback
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import regex
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path

from . import __version__, pattern_cache
from .check import Linter
from .config import CONFIG_FILE, PYPROJECT, Config, ConfigError, RuleSettings, find_config, load_config
from .documents import format_for_path, line_starts
from .explain import explain_rule
from .fixes import applicable_edits
from .incremental import BlockReuse
from .model import Finding
from .ruleset import RuleError, load_ruleset, rule_files
from .yamlsafe import YamlError

logger = logging.getLogger("healthlint.server")

SOURCE = "healthlint"
FIX_ALL = "source.fixAll.healthlint"  # the code action kind of "apply all safe fixes"
# A change is linted at once: after BATCH_SECONDS, to take in the rest of a
# burst of notifications sent together. Changes that come while a lint runs
# are gathered, and the newest text is linted as soon as that lint ends (a
# lint cannot be stopped once it runs); only the newest text's findings are
# published. Linting an edited document reuses the work of its unchanged blocks
# (incremental.py), so a lint after a keystroke is a fraction of a first lint.
# QUIET_SECONDS (the `debounceMs` option) makes the server wait instead until
# the text has been quiet that long, for those who would rather spend less CPU.
QUIET_SECONDS = 0.0
BATCH_SECONDS = 0.005
POLL_SECONDS = 2.0  # how often the configuration files' mtimes are compared

FORMAT_BY_LANGUAGE = {"markdown": "markdown", "html": "html", "plaintext": "text", "text": "text"}
_SUFFIX_BY_FORMAT = {"markdown": ".md", "html": ".html", "text": ".txt"}
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_LINE_END = pattern_cache.compile(r"\r\n|\r|\n")
_FRONT_MATTER_OPEN = pattern_cache.compile(r"---[ \t]*(?:\r\n|\r|\n)")
_FRONT_MATTER_CLOSE = pattern_cache.compile(r"(?:---|\.\.\.)[ \t]*\Z")
# Indentation, and in Markdown the blockquote markers, that a line above must repeat
# to stay inside the same container.
_MARKDOWN_PREFIX = pattern_cache.compile(r"(?:[ \t]*>[ \t]?)*[ \t]*")
_INDENT = pattern_cache.compile(r"[ \t]*")


# ---- positions ------------------------------------------------------------------------


class LineIndex:
    """Converts between code-point offsets in a text and LSP positions.

    Lines end at CRLF, CR or LF, as in LSP and in healthlint's own line index.
    `encoding` is the negotiated position encoding: "utf-16", "utf-8" or "utf-32".
    """

    def __init__(self, text: str, encoding: str = "utf-16"):
        self.text = text
        self.encoding = str(encoding)
        self.starts = line_starts(text)

    def units(self, chars: str) -> int:
        """How many code units of the encoding `chars` takes."""
        if self.encoding == "utf-32" or chars.isascii():
            return len(chars)
        if self.encoding == "utf-8":
            return len(chars.encode("utf-8", "surrogatepass"))
        return len(chars) + sum(1 for char in chars if ord(char) > 0xFFFF)

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        return types.Position(line=line, character=self.units(self.text[self.starts[line] : offset]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def line_text(self, line: int) -> str:
        """Line `line` (0-based) without its line end."""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return _LINE_END.sub("", self.text[start:end], count=1) if end > start else ""

    def offset(self, position: types.Position) -> int:
        """The offset of an LSP position; past the end of a line means its end, as LSP says."""
        if position.line < 0:
            return 0
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        line = self.line_text(position.line)
        wanted = max(position.character, 0)
        if self.encoding == "utf-32" or line.isascii():
            return start + min(wanted, len(line))
        counted = 0
        for column, char in enumerate(line):
            if counted >= wanted:
                return start + column
            counted += self.units(char)
        return start + len(line)


def apply_change(text: str, change, encoding: str) -> str:
    """The text after one `textDocument/didChange` content change (whole or ranged)."""
    if getattr(change, "range", None) is None:
        return change.text
    index = LineIndex(text, encoding)
    start, end = index.offset(change.range.start), index.offset(change.range.end)
    if end < start:
        start, end = end, start
    return text[:start] + change.text + text[end:]


# ---- configuration --------------------------------------------------------------------


@dataclass
class _Loaded:
    """The linter made from a workspace's configuration, or why none could be made."""

    linter: object | None  # check.Linter; None when nothing could ever be loaded
    signature: tuple
    error: YamlError | None = None


class Linters:
    """One `Linter` per configuration file, reloaded when the file or its rules change.

    Loading and linting happen in the lint thread only; the event loop reads
    the errors and asks about changed files under the lock. A configuration
    that fails to load keeps the last linter that loaded from it, or the
    built-in defaults when none did; its error stays in `errors` until the
    file loads again.
    """

    def __init__(self) -> None:
        self._loaded: dict[str | None, _Loaded] = {}
        self._defaults = None
        self._lock = threading.Lock()
        self.errors: dict[str | None, YamlError] = {}
        self._rule_dirs: set[str] = set()  # every rule folder a configuration named, for file events

    def linter_for(self, config_path: str | None):
        loaded = self._loaded.get(config_path)
        rule_dirs = _rule_dirs(loaded)
        signature = _signature(config_path, rule_dirs)
        if loaded is not None and loaded.signature == signature:
            return loaded.linter
        linter, error = self._load(config_path)
        if error is None:
            signature = _signature(config_path, linter.config.rule_dirs)
        elif loaded is not None and loaded.linter is not None:
            linter = loaded.linter  # the last good rules keep serving
        else:
            linter = self._default_linter()
        self._loaded[config_path] = _Loaded(linter, signature, error)
        with self._lock:
            self._rule_dirs.update(_rule_dirs(self._loaded[config_path]))
            if error is None:
                self.errors.pop(config_path, None)
            else:
                self.errors[config_path] = error
        return linter

    def stale(self) -> bool:
        """Whether a loaded configuration or its rule files changed on disk."""
        return any(_signature(path, _rule_dirs(loaded)) != loaded.signature
                   for path, loaded in list(self._loaded.items()))

    def concerns(self, path: str) -> bool:
        """Whether a changed file may change the rules: a configuration file or a file in a rule folder."""
        if os.path.basename(path) in (CONFIG_FILE, PYPROJECT):
            return True
        path = os.path.abspath(path)
        with self._lock:
            folders = list(self._rule_dirs)
        return any(path.startswith(os.path.join(os.path.abspath(folder), "")) for folder in folders)

    def forget(self) -> None:
        """Reload every configuration at its next use, keeping the linters as the last good ones."""
        for loaded in self._loaded.values():
            loaded.signature = ()

    def error_snapshot(self) -> dict[str | None, YamlError]:
        with self._lock:
            return dict(self.errors)

    def _load(self, config_path: str | None):
        try:
            config = load_config(config_path)
            base = load_ruleset(config.rule_dirs)
            return Linter(config, base, RuleSettings()), None
        except (ConfigError, RuleError) as error:
            return None, error

    def _default_linter(self):
        if self._defaults is None:
            try:
                self._defaults = Linter(Config(), load_ruleset(), RuleSettings())
            except RuleError as error:  # a broken built-in rule: nothing to lint with
                with self._lock:
                    self.errors[None] = error
                return None
        return self._defaults


def _rule_dirs(loaded: _Loaded | None) -> tuple[str, ...]:
    linter = loaded.linter if loaded else None
    config = getattr(linter, "config", None)
    return tuple(config.rule_dirs) if config else ()


def _signature(config_path: str | None, rule_dirs) -> tuple:
    """What decides whether a configuration must be reloaded: its file's and its rule files' stat."""
    paths = [config_path] if config_path else []
    for folder in rule_dirs:
        try:
            paths.extend(str(path) for path in rule_files(Path(folder)))
        except (OSError, YamlError):  # the folder is gone: the configuration will say so when reloaded
            paths.append(folder)
    return tuple((path, *_stat(path)) for path in paths)


def _stat(path: str) -> tuple[int, int]:
    try:
        status = os.stat(path)
    except OSError:
        return (-1, -1)
    return (status.st_mtime_ns, status.st_size)


# ---- documents ------------------------------------------------------------------------


@dataclass
class OpenDocument:
    """A document open in the editor, and what was last linted of it."""

    uri: str
    path: str | None  # None for a buffer that is not a file (untitled:...)
    format: str | None  # None: not prose healthlint reads; never linted
    text: str
    version: int | None
    revision: int = 0  # counts every change, to tell a lint's result is stale
    last_change: float = 0.0
    closed: bool = False
    task: asyncio.Task | None = None
    waiting: bool = False  # the task is still in its delay, not linting
    lint_seconds: float = 0.0  # how long the last lint of this document took
    settled: bool = False  # _settle_memory ran after its first lint
    linted: "_Linted | None" = None
    # id(finding) -> (finding, its diagnostic, its text) of the last lint, and the (encoding, BOM shift) they were
    # made for: an edit leaves most findings the very same objects (incremental.py). Lint thread only.
    made: dict = field(default_factory=dict)
    made_for: tuple = ()


@dataclass(frozen=True)
class _Linted:
    """The findings of one revision of an open document."""

    revision: int
    version: int | None
    findings: tuple[Finding, ...]
    diagnostics: tuple[types.Diagnostic, ...]
    index: LineIndex = field(compare=False)
    ruleset: object = field(default=None, compare=False)  # the RuleSet the document was linted with


# ---- the server -----------------------------------------------------------------------


class _Protocol(LanguageServerProtocol):
    """Keeps the open documents in healthlint's own store instead of pygls's workspace.

    pygls splits lines with str.splitlines, which also breaks at U+2028, form
    feeds and the like; LSP ends lines at CR, LF and CRLF only, so an edit
    after such a character would land in the wrong place.
    """

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        self._server.did_open(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        self._server.did_change(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        self._server.did_close(params)


class HealthlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("healthlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=_Protocol)
        self.documents: dict[str, OpenDocument] = {}
        self.linters = Linters()
        self.quiet = QUIET_SECONDS
        self.batch = BATCH_SECONDS
        self.poll = POLL_SECONDS
        self.root: str | None = None
        self._lint_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthlint-lint")
        self._reported_errors: dict[str | None, YamlError] = {}
        self._poller: asyncio.Task | None = None

    # -- helpers ----------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        try:
            return str(self.workspace.position_encoding or "utf-16")
        except RuntimeError:  # not initialized yet
            return "utf-16"

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        logger.log(logging.ERROR if kind == types.MessageType.Error else logging.INFO, "%s", message)
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # the connection is gone; the log above is all there is
            pass

    def log_exception(self, what: str) -> None:
        self.log(f"healthlint: {what} failed:\n{traceback.format_exc()}", types.MessageType.Error)

    # -- document synchronization -----------------------------------------------------

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        try:
            item = params.text_document
            path = _path_of(item.uri)
            document = OpenDocument(item.uri, path, _format_of(path, item.language_id), item.text, item.version,
                                    last_change=time.monotonic())
            old = self.documents.pop(item.uri, None)
            if old:
                _stop(old)
            self.documents[item.uri] = document
            self._schedule(document, 0.0)
        except Exception:
            self.log_exception("opening a document")

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        try:
            document = self.documents.get(params.text_document.uri)
            if document is None:
                return
            text = document.text
            for change in params.content_changes:
                text = apply_change(text, change, self.encoding)
            document.text = text
            document.version = params.text_document.version
            document.revision += 1
            document.last_change = time.monotonic()
            if document.task and not document.task.done():
                if document.waiting and self.quiet > 0:
                    self._schedule(document, self.quiet)  # the quiet period starts again
                # else: the waiting lint takes the newest text when it starts; or a lint is
                # running, and when it ends it sees the new revision and lints again at once
            else:
                self._schedule(document, max(self.batch, self.quiet))
        except Exception:
            self.log_exception("applying a change")

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        try:
            document = self.documents.pop(params.text_document.uri, None)
            if document:
                _stop(document)
                if document.format is not None:  # a configuration file keeps its error diagnostics
                    self._publish(document.uri, [], None)
        except Exception:
            self.log_exception("closing a document")

    # -- linting ----------------------------------------------------------------------

    def _schedule(self, document: OpenDocument, delay: float) -> None:
        if document.format is None:
            return
        if document.task and not document.task.done():
            document.task.cancel()
        document.task = asyncio.ensure_future(self._lint_later(document, delay))

    async def _lint_later(self, document: OpenDocument, delay: float) -> None:
        try:
            document.waiting = True
            await asyncio.sleep(delay)
            while not document.closed:
                document.waiting = False
                linted = await self.lint(document)
                if linted is None or document.closed or linted.revision == document.revision:
                    return
                # The text changed while it was being linted: lint the newest text now
                # (or once it has been quiet for the debounce period, when one is set).
                document.waiting = True
                await asyncio.sleep(max(0.0, document.last_change + self.quiet - time.monotonic()))
        except asyncio.CancelledError:
            raise
        except Exception:
            self.log_exception("linting")
        finally:
            document.waiting = False

    async def lint(self, document: OpenDocument) -> _Linted | None:
        """Lint the document's current text in the lint thread; publish if it is still current."""
        revision, version, text = document.revision, document.version, document.text
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        settle, document.settled = not document.settled, True
        try:
            linted = await loop.run_in_executor(self._lint_pool, self._lint_sync, document, text, revision, version)
            document.lint_seconds = time.monotonic() - started
            self._report_configuration_errors()
            if isinstance(linted, str):
                self.log(linted, types.MessageType.Error)
                return None
            if linted is not None and not document.closed and linted.revision == document.revision:
                document.linted = linted
                self._publish(document.uri, list(linted.diagnostics), linted.version)
            return linted
        finally:
            # The lint turned the garbage collector off (_lint_sync): collect once the
            # diagnostics are out, in the lint thread, before any next lint.
            try:
                self._lint_pool.submit(_settle_memory if settle else _collect_garbage)
            except RuntimeError:  # shut down
                gc.enable()

    async def current(self, document: OpenDocument) -> _Linted | None:
        """The findings of the document's current text, linting it now if they are stale."""
        if document.linted is not None and document.linted.revision == document.revision:
            return document.linted
        linted = await self.lint(document)
        return linted if linted is not None and linted.revision == document.revision else None

    async def linted_at(self, uri: str) -> tuple[OpenDocument | None, _Linted | None]:
        """The open, lintable document at `uri` and the findings of its current text;
        (None, None) when there is no such document, as code actions and hover ask."""
        document = self.documents.get(uri)
        if document is None or document.format is None:
            return None, None
        return document, await self.current(document)

    def _lint_sync(self, document: OpenDocument, text: str, revision: int, version: int | None):
        """Runs in the lint thread and never raises: returns a _Linted, or the error as text."""
        # No collections during a lint: the collector would walk the lint's young objects
        # dozens of times (5-10 ms a keystroke on a 2,000-line document); lint() has it run
        # once after the diagnostics are published.
        gc.disable()
        try:
            start = document.path or self.root or os.getcwd()
            linter = self.linters.linter_for(find_config(start))
            index = LineIndex(text, self.encoding)
            if linter is None or (document.path and not linter.config.wants(document.path)):
                # Nothing to lint with, or a file the configuration's include/exclude leaves out.
                return _Linted(revision, version, (), (), index, None)
            path = document.path or os.path.join(self.root or os.getcwd(), _untitled_name(document.uri))
            if format_for_path(path) != document.format:
                path += _SUFFIX_BY_FORMAT[document.format]  # the editor's language decides the format
            engine = linter.engine_for(path)
            if engine.block_reuse is None:  # lint again what an edit changed, reuse the rest
                engine.block_reuse = BlockReuse()
            result = linter.lint_text(text, path)
            shift = 1 if text.startswith("\ufeff") else 0  # healthlint's offsets leave the BOM out
            diagnostics = self._diagnostics(document, result.findings, index, shift)
            return _Linted(revision, version, result.findings, diagnostics, index, linter.engine_for(path).ruleset)
        except Exception:
            return f"healthlint: linting {document.uri} failed:\n{traceback.format_exc()}"

    def _diagnostics(self, document: OpenDocument, findings, index: LineIndex, shift: int) -> tuple:
        """The findings as diagnostics, reusing those of the findings the last lint gave too.

        A finding object that comes back is mostly one of a block that neither
        changed nor moved (incremental.py). Its diagnostic is reused only when the
        text from the start of its first line to its end is also the same, which is
        all its LSP range depends on (findings that point elsewhere too are made anew).
        """
        made = document.made if document.made_for == (index.encoding, shift) else {}
        text, starts = index.text, index.starts
        now, diagnostics = {}, []
        for finding in findings:
            span = finding.span
            known = made.get(id(finding))
            if finding.related or not 0 < span.line <= len(starts):
                found, seen = diagnostic(finding, index, document.uri, shift), None
            else:
                seen = text[starts[span.line - 1] : span.end_offset + shift]
                if known is not None and known[0] is finding and known[2] == seen:
                    found = known[1]
                else:
                    found = diagnostic(finding, index, document.uri, shift)
            now[id(finding)] = (finding, found, seen)
            diagnostics.append(found)
        document.made, document.made_for = now, (index.encoding, shift)
        return tuple(diagnostics)

    def _publish(self, uri: str, diagnostics: list, version: int | None) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    def relint_all(self) -> None:
        for document in list(self.documents.values()):
            document.linted = None
            self._schedule(document, self.batch)

    # -- configuration ----------------------------------------------------------------

    def _report_configuration_errors(self) -> None:
        """Show each new configuration or rule error once; clear the ones that are fixed."""
        errors = self.linters.error_snapshot()
        for key, error in errors.items():
            if self._reported_errors.get(key) is not None and str(self._reported_errors[key]) == str(error):
                continue
            old = self._reported_errors.get(key)
            if old is not None and old.path != error.path:
                self._publish(_uri_of(old.path), [], None)
            self._reported_errors[key] = error
            kind = "configuration" if key is not None and error.path == key else "rule"
            text = (f"healthlint: {kind} error: {error}; until it is fixed, healthlint lints with the last rules "
                    "that loaded (or the built-in ones)")
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=text))
            self._publish(_uri_of(error.path), [_error_diagnostic(error)], None)
        for key in [key for key in self._reported_errors if key not in errors]:
            fixed = self._reported_errors.pop(key)
            self._publish(_uri_of(fixed.path), [], None)
            self.log(f"healthlint: {fixed.path} loads again")

    async def _poll_configuration(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.poll)
            try:
                if self.documents and await loop.run_in_executor(self._lint_pool, self.linters.stale):
                    self.relint_all()
            except Exception:
                self.log_exception("checking the configuration")

    def configuration_changed(self, paths) -> None:
        if any(self.linters.concerns(path) for path in paths):
            self._lint_pool.submit(self.linters.forget)
            self.relint_all()


def _settle_memory() -> None:
    """After a document's first lint, in the lint thread: collect, then freeze what is left.

    The rules, word lists and the blocks kept for reuse are long-lived; left in
    the collector's oldest generation, each full collection walks them all again,
    which cost 15-20 ms a keystroke on a 2,000-line document. Frozen, they are
    no longer walked (they are still freed, by reference counting, when dropped;
    cycles among them wait for the next document's first lint, which unfreezes,
    collects everything and freezes again).
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.enable()


def _collect_garbage() -> None:
    """After a lint, in the lint thread: the one collection the lint put off."""
    gc.collect()
    gc.enable()


def _stop(document: OpenDocument) -> None:
    document.closed = True
    if document.task and not document.task.done():
        document.task.cancel()


def _path_of(uri: str) -> str | None:
    if not uri.startswith("file:"):
        return None
    try:
        return to_fs_path(uri)
    except Exception:
        return None


def _uri_of(path: str) -> str:
    return from_fs_path(os.path.abspath(path)) or path


def _untitled_name(uri: str) -> str:
    name = uri.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return name or "untitled"


def _format_of(path: str | None, language_id: str | None) -> str | None:
    """The file's extension decides, as in `healthlint check`; else the editor's language."""
    by_path = format_for_path(path) if path else None
    return by_path or FORMAT_BY_LANGUAGE.get((language_id or "").lower())


# ---- diagnostics, code actions, hover -------------------------------------------------


def diagnostic(finding: Finding, index: LineIndex, uri: str, shift: int = 0) -> types.Diagnostic:
    span = finding.span
    link = finding.link if finding.link.startswith(("http://", "https://")) else ""
    related = [types.DiagnosticRelatedInformation(
        location=types.Location(uri=uri, range=index.range(other.start_offset + shift, other.end_offset + shift)),
        message="related") for other in finding.related]
    return types.Diagnostic(
        range=index.range(span.start_offset + shift, span.end_offset + shift),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=types.CodeDescription(href=link) if link else None,
        source=SOURCE,
        related_information=related or None,
    )


def _error_diagnostic(error: YamlError) -> types.Diagnostic:
    line = max(error.line - 1, 0)
    what = f"key '{error.key}': " if error.key else ""
    return types.Diagnostic(
        range=types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line + 1, character=0)),
        message=f"{what}{error.detail}",
        severity=types.DiagnosticSeverity.Error,
        code=error.key or None,
        source=SOURCE,
    )


def _overlaps(linted: _Linted, wanted: types.Range, shift: int):
    """(finding, diagnostic) pairs whose range touches `wanted` (ends included)."""
    start, end = linted.index.offset(wanted.start), linted.index.offset(wanted.end)
    for finding, found in zip(linted.findings, linted.diagnostics):
        if finding.span.start_offset + shift <= end and start <= finding.span.end_offset + shift:
            yield finding, found


def code_actions(document: OpenDocument, linted: _Linted, params: types.CodeActionParams) -> list[types.CodeAction]:
    only = [str(kind) for kind in params.context.only or ()]
    wants_quickfix = not only or _requested(types.CodeActionKind.QuickFix.value, only)
    wants_fix_all = bool(only) and _requested(FIX_ALL, only)  # a source action only when asked for
    shift = 1 if linted.index.text.startswith("\ufeff") else 0
    actions: list[types.CodeAction] = []
    if wants_quickfix:
        fixes, disables, disabled_rules = [], [], set()
        for finding, found in _overlaps(linted, params.range, shift):
            fix = finding.fix
            if fix and fix.edits and fix.applicability in ("safe", "unsafe"):
                safe = fix.applicability == "safe"
                title = _fix_title(finding, linted.index.text, shift) + ("" if safe else " (unsafe)")
                edits = [types.TextEdit(range=linted.index.range(e.span.start_offset + shift, e.span.end_offset + shift),
                                        new_text=e.replacement) for e in fix.edits]
                fixes.append(types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[found],
                                              is_preferred=safe, edit=_workspace_edit(document, edits)))
            key = (finding.rule, finding.span.line)
            if key not in disabled_rules:
                disabled_rules.add(key)
                edit = disable_comment_edit(linted.index, finding, document.format or "text", shift)
                disables.append(types.CodeAction(
                    title=f"Disable {finding.rule} for this line", kind=types.CodeActionKind.QuickFix,
                    diagnostics=[found], edit=_workspace_edit(document, [edit])))
        actions += fixes + disables
    if wants_fix_all:
        edits = _all_safe_edits(linted, shift)
        if edits:
            actions.append(types.CodeAction(title="healthlint: apply all safe fixes",
                                            kind=FIX_ALL, edit=_workspace_edit(document, edits)))
    return actions


def _requested(kind: str, only: list[str]) -> bool:
    """Whether `kind` is one of the requested kinds or below one of them ("source" takes "source.fixAll")."""
    return any(not wanted or kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def _fix_title(finding: Finding, text: str, shift: int) -> str:
    edits = finding.fix.edits
    if len(edits) == 1:
        before = text[edits[0].span.start_offset + shift : edits[0].span.end_offset + shift]
        after = edits[0].replacement
        if before and after:
            return f"Replace “{_short(before)}” with “{_short(after)}”"
        if before and not after:
            return f"Remove “{_short(before)}”"
        if after and not before:
            return f"Insert “{_short(after)}”"
    return f"Fix {finding.rule}"


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _all_safe_edits(linted: _Linted, shift: int) -> list[types.TextEdit]:
    """One pass of the safe fixes, overlapping ones skipped, as `healthlint check --fix` does."""
    edits, position = [], -1
    for edit in sorted(applicable_edits(linted.findings), key=lambda e: (e.span.start_offset, e.span.end_offset)):
        if edit.span.start_offset < position:
            continue
        edits.append(types.TextEdit(range=linted.index.range(edit.span.start_offset + shift, edit.span.end_offset + shift),
                                    new_text=edit.replacement))
        position = edit.span.end_offset
    return edits


def disable_comment_edit(index: LineIndex, finding: Finding, format: str, shift: int = 0) -> types.TextEdit:
    """Insert `<!-- healthlint-disable-next-line RULE -->` on a line of its own above the finding's line."""
    line = index.position(finding.span.start_offset + shift).line
    text = index.line_text(line)
    if line == 0 and text.startswith("\ufeff"):
        text = text[1:]
    prefix_pattern = _MARKDOWN_PREFIX if format == "markdown" else _INDENT
    prefix = prefix_pattern.match(text).group(0)
    comment = f"<!-- healthlint-disable-next-line {finding.rule} -->"
    if format == "markdown" and _in_front_matter(index, line):
        comment = "# " + comment  # a YAML comment keeps the front matter valid; the directive still counts
    ending = _line_ending(index.text)
    at = types.Position(line=line, character=1 if line == 0 and index.text.startswith("\ufeff") else 0)
    return types.TextEdit(range=types.Range(start=at, end=at), new_text=f"{prefix}{comment}{ending}")


def _in_front_matter(index: LineIndex, line: int) -> bool:
    if line == 0 or not _FRONT_MATTER_OPEN.match(index.text.lstrip("\ufeff")):
        return False
    for number in range(1, len(index.starts)):
        if _FRONT_MATTER_CLOSE.match(index.line_text(number)):
            return line < number
    return False


def _line_ending(text: str) -> str:
    found = _LINE_END.search(text)
    return found.group(0) if found else "\n"


def _workspace_edit(document: OpenDocument, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={document.uri: edits})


def hover(linted: _Linted, position: types.Position, markdown: bool) -> types.Hover | None:
    shift = 1 if linted.index.text.startswith("\ufeff") else 0
    point = types.Range(start=position, end=position)
    found = list(_overlaps(linted, point, shift))
    if not found:
        return None
    parts = []
    for finding, _ in found:
        rule = linted.ruleset.by_id(finding.rule) if linted.ruleset is not None else None
        parts.append(hover_markdown(finding, rule) if markdown else hover_text(finding, rule))
    value = ("\n\n---\n\n" if markdown else "\n\n" + "-" * 40 + "\n\n").join(parts)
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    return types.Hover(contents=types.MarkupContent(kind=kind, value=value), range=found[0][1].range)


def hover_text(finding: Finding, rule) -> str:
    lines = [f"{finding.rule}: {finding.message}"] + [f"Suggestion: {s}" for s in finding.suggestions]
    if rule is not None:
        lines += ["", explain_rule(rule)]
    return "\n".join(lines)


_MARKDOWN_SPECIAL = pattern_cache.compile(r"([\\*_\[\]<>#|~])")
_AUTHORITY = pattern_cache.compile(r"- (.*?) <(\S+)>")


def _escape(text: str) -> str:
    """Escape Markdown in prose, but keep the `code spans` explain_rule writes."""
    pieces = regex.split(r"(`[^`\n]*`)", text)
    return "".join(piece if piece.startswith("`") and piece.endswith("`") and len(piece) > 1
                   else _MARKDOWN_SPECIAL.sub(r"\\\1", piece) for piece in pieces)


def _unwrap(lines: list[str]) -> str:
    """Join lines explain_rule wrapped; textwrap breaks after hyphens, so "risk-" + "free" joins tight."""
    text = ""
    for line in lines:
        tight = len(text) > 1 and text.endswith("-") and text[-2].isalpha()
        text += line if tight or not text else " " + line
    return text


def hover_markdown(finding: Finding, rule) -> str:
    """The finding, then explain_rule's sections as Markdown (the kind's options left out)."""
    out = [f"**healthlint** `{finding.rule}` · {finding.category} · {finding.severity}", "", _escape(finding.message)]
    for suggestion in finding.suggestions:
        out += ["", f"*Suggestion:* {_escape(suggestion)}"]
    if rule is None:
        return "\n".join(out)
    sections = explain_rule(rule).split("\n\n")
    for section in sections[1:]:
        lines = section.split("\n")
        heading, body = lines[0], [line[2:] if line.startswith("  ") else line for line in lines[1:]]
        if heading.startswith("Kind "):
            continue
        if heading.startswith("Defined in "):
            path = heading[len("Defined in "):]
            out += ["", f"*Defined in* [{_escape(os.path.basename(path))}]({_uri_of(path)})"]
            continue
        out += ["", f"**{_escape(heading)}**", ""]
        paragraph: list[str] = []
        for line in body:
            authority = _AUTHORITY.fullmatch(line)
            if authority:
                out.append(f"- [{_escape(authority.group(1))}]({authority.group(2)})")
            elif line.startswith(("- ", "✗ ", "✓ ")):
                out.append(f"- {_escape(line)}" if not line.startswith("- ") else f"- {_escape(line[2:])}")
            else:
                paragraph.append(line.strip())
        if paragraph:
            out.append(_escape(_unwrap(paragraph)))
    return "\n".join(out)


# ---- wiring ---------------------------------------------------------------------------


def create_server() -> HealthlintServer:
    server = HealthlintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: HealthlintServer, params: types.InitializeParams) -> None:
        try:
            options = params.initialization_options or {}
            if isinstance(options, dict):
                if isinstance(options.get("debounceMs"), (int, float)):
                    ls.quiet = max(float(options["debounceMs"]), 0.0) / 1000
                if isinstance(options.get("pollSeconds"), (int, float)):
                    ls.poll = max(float(options["pollSeconds"]), 0.1)
            folders = params.workspace_folders or []
            root_uri = folders[0].uri if folders else params.root_uri
            ls.root = _path_of(root_uri) if root_uri else params.root_path
        except Exception:
            ls.log_exception("reading the initialization options")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: HealthlintServer, params: types.InitializedParams) -> None:
        ls._poller = asyncio.ensure_future(ls._poll_configuration())
        if _client_supports(ls, "workspace.did_change_watched_files.dynamic_registration"):
            watchers = [types.FileSystemWatcher(glob_pattern=pattern) for pattern in
                        (f"**/{CONFIG_FILE}", f"**/{PYPROJECT}", "**/*.yaml", "**/*.yml")]
            registration = types.Registration(
                id="healthlint-configuration", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
            except Exception:
                ls.log_exception("registering the configuration file watcher")

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: HealthlintServer, params=None) -> None:
        for document in ls.documents.values():
            _stop(document)
        if ls._poller:
            ls._poller.cancel()
        ls._lint_pool.shutdown(wait=False, cancel_futures=True)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: HealthlintServer, params: types.DidSaveTextDocumentParams) -> None:
        try:  # saving a configuration or rule file in the editor reloads it
            path = _path_of(params.text_document.uri)
            if path:
                ls.configuration_changed([path])
        except Exception:
            ls.log_exception("reloading the configuration")

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: HealthlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        try:
            ls.configuration_changed([path for change in params.changes if (path := _path_of(change.uri))])
        except Exception:
            ls.log_exception("reloading the configuration")

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))
    async def code_action(ls: HealthlintServer, params: types.CodeActionParams):
        try:
            document, linted = await ls.linted_at(params.text_document.uri)
            return code_actions(document, linted, params) if linted else None
        except Exception:
            ls.log_exception("computing code actions")
            return None

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: HealthlintServer, params: types.HoverParams):
        try:
            _, linted = await ls.linted_at(params.text_document.uri)
            if linted is None:
                return None
            formats = _client_capability(ls, "text_document.hover.content_format") or [types.MarkupKind.Markdown]
            markdown = types.MarkupKind.Markdown in formats or "markdown" in formats
            return hover(linted, params.position, markdown)
        except Exception:
            ls.log_exception("hover")
            return None

    return server


def _client_capability(ls: HealthlintServer, dotted: str):
    node = ls.client_capabilities
    for name in dotted.split("."):
        node = getattr(node, name, None)
        if node is None:
            return None
    return node


def _client_supports(ls: HealthlintServer, dotted: str) -> bool:
    return bool(_client_capability(ls, dotted))


def serve(stdio: bool = True) -> None:
    """Run the language server on standard input and output until the client says exit."""
    if not stdio:
        raise ValueError("only stdio is supported")
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="healthlint server: %(message)s")
    # Standard output carries the protocol: a stray print() anywhere would corrupt it, so it goes to stderr.
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr
    create_server().start_io(sys.stdin.buffer, protocol_out)


if __name__ == "__main__":  # pragma: no cover
    serve()
