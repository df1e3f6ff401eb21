"""What every on-disk cache of healthlint shares: where it lives, how it is
written, and the fingerprint of the code that wrote it.

Caches only ever save time: an entry that is missing, damaged or cannot be
written is the same as no cache.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile

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
