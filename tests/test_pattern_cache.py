"""The on-disk cache of compiled regexes gives the same patterns as compiling them."""
from __future__ import annotations

import marshal
import os
import subprocess
import sys

import pytest
import regex

from healthlint import pattern_cache

SAMPLES = [
    (r"\b(?:no|zero)\s+(?:side\s+effects?|risks?)\b", regex.IGNORECASE),
    (r"(?<=\p{L})\p{Lu}", 0),
    (r"“[^“”]*”|\"[^\"]*\"", 0),
    (r"(?P<word>\w+)\s+(?P=word)", regex.IGNORECASE),
]
TEXT = "No side effects, ZERO risk; “quoted” the the words in camelCase and Risks."


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache folder, and the module's state as in a new process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(pattern_cache, "_on_disk", None)
    monkeypatch.setattr(pattern_cache, "_in_memory", {})
    monkeypatch.setattr(pattern_cache, "_new", {})
    return tmp_path


def _forget_memory(monkeypatch):
    monkeypatch.setattr(pattern_cache, "_on_disk", None)
    monkeypatch.setattr(pattern_cache, "_in_memory", {})


def _found(compiled) -> list:
    return [(m.span(), m.groupdict()) for m in compiled.finditer(TEXT, overlapped=True)]


def test_rebuilt_patterns_match_as_compiled_ones(fresh_cache, monkeypatch):
    first = [pattern_cache.compile(p, f) for p, f in SAMPLES]
    pattern_cache.save()
    assert os.path.exists(pattern_cache._path())
    _forget_memory(monkeypatch)
    rebuilt = [pattern_cache.compile(p, f) for p, f in SAMPLES]
    assert not pattern_cache._new  # every one came from the file
    for (source, flags), one, other in zip(SAMPLES, first, rebuilt):
        expected = regex.compile(source, flags)
        assert _found(one) == _found(other) == _found(expected)
        assert other.pattern == source and other.flags == expected.flags


def test_a_damaged_file_is_the_same_as_none(fresh_cache, monkeypatch):
    os.makedirs(os.path.dirname(pattern_cache._path()), exist_ok=True)
    with open(pattern_cache._path(), "wb") as handle:
        handle.write(b"\x00not marshal at all")
    compiled = pattern_cache.compile(*SAMPLES[0])
    assert _found(compiled) == _found(regex.compile(*SAMPLES[0]))
    pattern_cache.save()
    with open(pattern_cache._path(), "rb") as handle:
        assert (SAMPLES[0][0], int(SAMPLES[0][1])) in marshal.loads(handle.read())


def test_an_entry_that_does_not_rebuild_is_compiled_again(fresh_cache, monkeypatch):
    source, flags = SAMPLES[1]
    os.makedirs(os.path.dirname(pattern_cache._path()), exist_ok=True)
    with open(pattern_cache._path(), "wb") as handle:
        handle.write(marshal.dumps({(source, flags): ("garbage",)}))
    assert _found(pattern_cache.compile(source, flags)) == _found(regex.compile(source, flags))


def test_a_bad_pattern_still_raises(fresh_cache):
    with pytest.raises(regex.error):
        pattern_cache.compile("(unclosed")


def test_a_new_process_reads_what_an_earlier_one_wrote(tmp_path):
    """The file is written when the process ends, and read by the next one."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    program = (
        "from healthlint import pattern_cache\n"
        "pattern_cache.compile(r'\\bcures?\\b', 2)\n"
        "print(len(pattern_cache._new))\n"
    )
    first = subprocess.run([sys.executable, "-c", program], env=environment, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", program], env=environment, capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["1"] and second.stdout.split() == ["0"]


def test_remembered_values_are_computed_once_and_survive_damage(tmp_path, monkeypatch):
    from healthlint.cache import remembered

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return {("end", "near me", True), ("start", "best", False)}

    first = remembered("test-needs", "key", compute)
    assert remembered("test-needs", "key", compute) == first and len(calls) == 1
    assert remembered("test-needs", "other key", compute) == first and len(calls) == 2
    for path in (tmp_path / "healthlint" / "derived").iterdir():
        path.write_bytes(b"\x00damaged")
    assert remembered("test-needs", "key", compute) == first and len(calls) == 3
    assert remembered("test-unmarshalable", "key", lambda: object) is object  # computed, not kept
