"""What every on-disk cache of healthlint shares: where it lives, how it is
written, and the fingerprint of the code that wrote it.

Caches only ever save time: an entry that is missing, damaged or cannot be
written is the same as no cache.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import zlib

from . import __version__

_CODE_FINGERPRINT: list[str] = []


def cache_home() -> str:
    """The per-user cache folder (compiled Hyperscan databases, validated rule files)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "healthlint")


def code_fingerprint() -> str:
    """healthlint's version and the size and time of every module and data file:
    results from other code (an upgrade, or a developer's edit) are never reused."""
    if not _CODE_FINGERPRINT:
        package = os.path.dirname(os.path.abspath(__file__))
        digest = hashlib.sha256(__version__.encode())
        for folder, _, names in sorted(os.walk(package)):
            for name in sorted(names):
                if name.endswith((".py", ".txt")):
                    info = os.stat(os.path.join(folder, name))
                    digest.update(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}".encode())
        _CODE_FINGERPRINT.append(digest.hexdigest())
    return _CODE_FINGERPRINT[0]


def write_quietly(path: str, data: bytes) -> None:
    """Write a cache file atomically (a temporary file renamed into place), or not at all."""
    import tempfile

    temporary = None
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def read_plain(path: str, default=None):
    """The plain data marshalled in a cache file (reading it runs no code), or
    `default` when the file is missing or does not read back."""
    import marshal

    try:
        with open(path, "rb") as handle:
            return marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):
        return default


_MISSING = object()


def remembered(name: str, key: str, compute):
    """compute(), kept on disk as marshal data, named by `name`, `key` and this
    code's fingerprint: for what start-up derives from fixed data at a cost.
    The value must be plain data marshal can hold; one it cannot is computed
    every time."""
    import marshal

    digest = hashlib.sha256(f"{code_fingerprint()}\0{name}\0{key}".encode()).hexdigest()
    path = os.path.join(cache_home(), "derived", digest[:40] + ".marshal")
    value = read_plain(path, _MISSING)
    if value is not _MISSING:
        return value
    value = compute()
    try:
        data = marshal.dumps(value)
    except ValueError:
        return value
    write_quietly(path, data)
    return value


def rules_fingerprint(folders) -> str:
    """A digest of every rule file (path and bytes) in these folders, read
    without loading a rule: what a rule pack or a result depends on."""
    digest = hashlib.sha256()
    for folder in folders:
        folder = os.fspath(folder)
        digest.update(b"folder\0" + os.fsencode(folder) + b"\0")
        if not os.path.isdir(folder):
            digest.update(b"missing\0")
            continue
        from pathlib import Path  # the same listing as ruleset.rule_files

        paths = sorted(str(path) for path in Path(folder).rglob("*")
                       if path.suffix in (".yaml", ".yml") and path.is_file())
        for path in paths:
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                data = b"\0unreadable\0"
            digest.update(os.fsencode(path) + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def builtin_rules_folder() -> str:
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules")


# ---- the result cache ---------------------------------------------------------------------------------------------

RESULTS_VERSION = 4
_STALE_SECONDS = 2.0  # a file changed this recently may change again within the same timestamp tick
_FORGET_SECONDS = 30 * 24 * 3600  # index files of other configurations unused this long are removed


class ResultCache:
    """Each file's findings, kept under its content, in a folder of index files
    per run configuration (`run_key`: healthlint's code, the rule files, the
    configuration and the options).

    The content digest decides: an entry is found by the SHA-256 of the file's
    bytes (with its per-path settings and extension). A file whose size, times,
    inode and device are those recorded when it was last read, more than two
    seconds after it was last written, is taken to have the same digest
    without reading it again: a write changes the change time (ctime), which
    no program can set back.

    The paths are spread over 16 index files by a hash of the path, so that a
    run over one file reads and writes one sixteenth of a site's cache. Each
    index is read when first needed, written once at the end if it changed (a
    temporary file renamed into place, so concurrent runs never see half of
    one: the last to finish wins) and holds only what some known path refers to.
    """

    def __init__(self, folder: str, run_key: str):
        self.folder = folder
        self.run_key = run_key
        self.home = os.path.join(folder, f"results-{run_key[:32]}")
        # Written only after a run that loaded and validated these very rules
        # and settings (check.py relies on it to load them lazily).
        self.existed = os.path.isdir(self.home)
        self._shards: dict[int, _Shard] = {}

    def _shard(self, path: str) -> _Shard:
        number = zlib.crc32(path.encode("utf-8", "surrogateescape")) % _SHARDS
        shard = self._shards.get(number)
        if shard is None:
            shard = self._shards[number] = _Shard(os.path.join(self.home, f"{number:02x}.index"), self.run_key,
                                                   self.existed)
        return shard

    # -- looking up

    def has_entries(self, path: str) -> bool:
        """Whether anything is cached where `path` would be: if not, there is no need to read it to look it up."""
        return bool(self._shard(path).entries)

    def recall(self, path: str) -> tuple[tuple, tuple[str, ...]] | None:
        """Findings (as stored) and decoding notices of a file unchanged since it was recorded, without reading it."""
        shard = self._shard(path)
        record = shard.records.get(path)
        if record is None or record[0] is None:
            return None
        try:
            info = os.stat(path)
        except OSError:
            return None
        if record[0] != _stat_key(info):
            return None
        payload = shard.entries.get(record[2])
        if payload is None:
            return None
        findings = _loads(payload)
        if findings is None:
            return None
        shard.seen.add(path)
        return findings, record[3]

    def get(self, path: str, entry_key: bytes):
        payload = self._shard(path).entries.get(entry_key)
        return None if payload is None else _loads(payload)

    # -- recording

    def remember(self, path: str, info, digest: bytes, entry_key: bytes, notices: tuple[str, ...],
                 findings=None, packed: bytes | None = None) -> None:
        """Record what was read of `path` (its stat when safe to trust), and its findings when given
        (`packed`: the same findings as pack_findings gives them)."""
        import time

        shard = self._shard(path)
        trusted = info is not None and time.time() - info.st_mtime > _STALE_SECONDS
        record = (_stat_key(info) if trusted else None, digest, entry_key, tuple(notices))
        shard.seen.add(path)
        if shard.records.get(path) != record:
            shard.records[path] = record
            shard.changed = True
        if findings is not None and entry_key not in shard.entries:
            shard.entries[entry_key] = packed if packed is not None else _dumps(findings)
            shard.changed = True

    def save(self) -> None:
        changed = [shard for shard in self._shards.values() if shard.changed]
        if not changed:
            if self.existed:
                with contextlib.suppress(OSError):
                    os.utime(self.home)  # in use: not one to forget
            return
        self._prepare_folder()
        for shard in changed:
            shard.save()
        self._forget_old_indexes()

    def _prepare_folder(self) -> None:
        try:
            os.makedirs(self.home, exist_ok=True)
            ignore = os.path.join(self.folder, ".gitignore")
            if not os.path.exists(ignore):
                write_quietly(ignore, b"*\n")
        except OSError:
            pass

    def _forget_old_indexes(self) -> None:
        """Remove the caches of other configurations unused for 30 days, and the old layout."""
        import shutil
        import string
        import time

        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if entry.name.startswith("results-") and entry.path != self.home:
                    with contextlib.suppress(OSError):
                        if time.time() - entry.stat().st_mtime > _FORGET_SECONDS or entry.name.endswith(".index"):
                            if entry.is_dir():
                                shutil.rmtree(entry.path, ignore_errors=True)
                            else:
                                os.unlink(entry.path)
                elif len(entry.name) == 2 and set(entry.name) <= set(string.hexdigits) and entry.is_dir():
                    shutil.rmtree(entry.path, ignore_errors=True)  # a JSON file per result: the old cache


_SHARDS = 16


class _Shard:
    """One index file: records of paths, and the entries they refer to."""

    def __init__(self, path: str, run_key: str, exists: bool):
        self.path = path
        self.run_key = run_key
        self.records: dict[str, tuple] = {}  # path: (stat, digest, entry key, notices)
        self.entries: dict[bytes, bytes] = {}  # entry key: marshalled findings
        self.changed = False
        self.seen: set[str] = set()
        if exists:
            self._load()

    def _load(self) -> None:
        import marshal

        try:
            with open(self.path, "rb") as handle:
                version, run_key, records, entries = marshal.loads(handle.read())
            if version != RESULTS_VERSION or run_key != self.run_key or not isinstance(records, dict) \
                    or not isinstance(entries, dict):
                return
        except (OSError, ValueError, EOFError, TypeError):
            return  # no index, or a damaged one: the same as an empty cache
        self.records, self.entries = records, entries

    def save(self) -> None:
        import marshal

        records = {path: record for path, record in self.records.items()
                   if path in self.seen or os.path.lexists(path)}
        wanted = {record[2] for record in records.values()}
        entries = {key: payload for key, payload in self.entries.items() if key in wanted}
        try:
            data = marshal.dumps((RESULTS_VERSION, self.run_key, records, entries))
        except ValueError:
            return  # something marshal cannot hold (it cannot happen for findings): no cache
        write_quietly(self.path, data)


def _stat_key(info) -> tuple:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def entry_key(digest: bytes, settings: str, extension: str) -> bytes:
    return hashlib.sha256(digest + b"\0" + settings.encode("utf-8", "surrogateescape") + b"\0"
                          + extension.encode("utf-8", "surrogateescape")).digest()[:20]


# Findings are stored as plain tuples (marshal holds nothing else, and reading
# it back runs no code).

def _span(span) -> tuple:
    return (span.line, span.column, span.end_line, span.end_column, span.start_offset, span.end_offset)


def _dumps(findings) -> bytes:
    import marshal

    # Not compressed: zlib halved the MedQuAD index but inflating it took 0.15-0.2 s
    # of a 1 s warm run; reading 16 MB more takes a few milliseconds.
    return marshal.dumps(tuple(
        (f.rule, f.category, f.severity, f.message, _span(f.span), f.match, tuple(f.suggestions),
         None if f.fix is None else (f.fix.applicability, tuple((_span(e.span), e.replacement) for e in f.fix.edits)),
         f.link, tuple(_span(s) for s in f.related))
        for f in findings))


def _loads(payload: bytes) -> tuple | None:
    try:
        return _findings(payload)
    except (ValueError, EOFError, TypeError):
        return None  # a damaged entry is a miss


def _findings(payload: bytes) -> tuple:
    import marshal

    from .model import Edit, Fix, new_finding, new_span

    findings = []
    for rule, category, severity, message, span, match, suggestions, fix, link, related in \
            marshal.loads(payload):
        if fix is not None:
            fix = Fix(fix[0], tuple([Edit(new_span(*s), text) for s, text in fix[1]]))
        findings.append(new_finding(rule, category, severity, message, new_span(*span), match, suggestions, fix,
                                    link, tuple([new_span(*s) for s in related]) if related else ()))
    return tuple(findings)


def pack_findings(findings) -> bytes:
    """Findings as plain data (marshal), as the cache keeps them; ValueError if something cannot be."""
    return _dumps(findings)


def unpack_findings(payload: bytes) -> tuple:
    return _findings(payload)
