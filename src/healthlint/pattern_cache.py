"""Compiled regexes kept on disk between runs.

The `regex` module parses a pattern in Python: about half a millisecond for
one of our rule patterns, so a one-file run spent a third of its time
compiling the few hundred it needs (healthlint's own modules compile their
constant patterns here too: a few dozen, at import). The module can also
rebuild a pattern from its compiled form without parsing it again (that is
how it unpickles a pattern). That compiled form is kept here, as plain data
read back with marshal (reading it runs no code), in one file per version of
Python and of `regex`, under the user's cache folder. Patterns compiled for
the first time are added when the process ends.

Like every cache of healthlint this only saves time: an entry that is
missing, damaged or does not rebuild is compiled as if it were not there.
"""
from __future__ import annotations

import atexit
import copyreg
import marshal
import os
import sys

import regex

from .cache import cache_home, read_plain, write_quietly

# How `regex` pickles a pattern (it registers this with copyreg): a function
# that rebuilds a pattern and the compiled form to rebuild it from. Asked of
# copyreg rather than imported from regex's private module.
_REDUCE = copyreg.dispatch_table[regex.Pattern]
_REBUILD = _REDUCE(regex.compile("x"))[0]
_LIMIT = 20_000  # entries on disk: far above the built-in pack's needs, a bound for users' packs

_on_disk: dict | None = None
_in_memory: dict[tuple[str, int], regex.Pattern] = {}
_new: dict[tuple[str, int], tuple] = {}


def compile(pattern: str, flags: int = 0) -> regex.Pattern:  # noqa: A001 - the regex module's own name for it
    """regex.compile(pattern, flags), from the disk cache when it is there."""
    key = (pattern, int(flags))
    compiled = _in_memory.get(key)
    if compiled is not None:
        return compiled
    stored = _on_disk if _on_disk is not None else _load()
    compiled = _rebuilt(stored.get(key))
    if compiled is None:
        compiled = regex.compile(pattern, flags)
        data = _REDUCE(compiled)[1]
        if len(stored) + len(_new) < _LIMIT and _marshalable(data):
            if not _new:
                atexit.register(save)
            _new[key] = data
    if len(_in_memory) < _LIMIT:
        _in_memory[key] = compiled
    return compiled


def _rebuilt(data) -> regex.Pattern | None:
    if type(data) is not tuple:
        return None
    try:
        return _REBUILD(*data)
    except Exception:  # noqa: BLE001 - a damaged entry is the same as none
        return None


def _marshalable(data) -> bool:
    try:
        marshal.dumps(data)
    except ValueError:
        return False
    return True


def _path() -> str:
    return os.path.join(cache_home(), f"regex-{regex.__version__}-{sys.implementation.cache_tag}.marshal")


def _load() -> dict:
    global _on_disk
    data = read_plain(_path())
    _on_disk = data if type(data) is dict else {}
    return _on_disk


def save() -> None:
    """Add this process's new patterns to the file (read again first: other
    runs may have added theirs since; the last writer wins, losing at worst
    some entries, never damaging the file)."""
    if not _new:
        return
    merged = dict(_load())
    for key, data in _new.items():
        if len(merged) >= _LIMIT:
            break
        merged[key] = data
    _new.clear()
    write_quietly(_path(), marshal.dumps(merged))
