"""Baselines: record today's findings, then report only new ones.

A finding's fingerprint is built from what it is, not where it is: the
rule, the file, the matched text (lower-cased, white space folded) and how
many identical matches came before it in the same file. Adding lines above a
finding therefore keeps its fingerprint; fixing one of two identical claims
makes the other take over the first's place, which is what a reader expects.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter

from .model import FileResult, Finding

VERSION = 1


def _normal(path: str) -> str:
    return os.path.relpath(path).replace(os.sep, "/") if os.path.isabs(path) else path.replace(os.sep, "/")


def fingerprints(result: FileResult) -> list[str]:
    """One fingerprint per finding of the file, in the findings' order."""
    seen: Counter = Counter()
    prints = []
    path = _normal(result.path)
    for finding in result.findings:
        key = (finding.rule, path, " ".join(finding.match.lower().split()))
        prints.append(fingerprint(*key, seen[key]))
        seen[key] += 1
    return prints


def fingerprint(rule: str, path: str, match: str, occurrence: int) -> str:
    key = f"{rule}\0{path}\0{match}\0{occurrence}"
    # surrogateescape: a file name that is not valid UTF-8 still has a fingerprint
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def write_baseline(path: str, results: list[FileResult]) -> int:
    entries = []
    for result in results:
        for finding, print_ in zip(result.findings, fingerprints(result)):
            entries.append({"fingerprint": print_, "rule": finding.rule, "path": _normal(result.path),
                            "line": finding.span.line, "match": finding.match})
    # A file name that is not valid UTF-8 holds lone surrogates; backslashreplace
    # writes them as JSON's own \udcXX escapes, which read back the same.
    with open(path, "w", encoding="utf-8", errors="backslashreplace") as handle:
        json.dump({"version": VERSION, "findings": entries}, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return len(entries)


class BaselineError(ValueError):
    pass


def read_baseline(path: str) -> set[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return {entry["fingerprint"] for entry in data["findings"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BaselineError(f"{path}: not a healthlint baseline: {error}") from None


def only_new(result: FileResult, known: set[str]) -> FileResult:
    kept: list[Finding] = [f for f, p in zip(result.findings, fingerprints(result)) if p not in known]
    return FileResult(result.path, tuple(kept), result.errors, result.source)
