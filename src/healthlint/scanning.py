"""Finding every rule's patterns in a document in one pass per block.

Two scanners give the same hits:

- HyperscanScanner (when the `hyperscan` package is installed, as it is on
  x86-64 Linux, macOS and Windows): all patterns go into one Hyperscan
  database compiled in prefilter mode, which reports, for each block, which
  patterns *may* match there, at tens of MB/s. Only those patterns are then
  run, with the `regex` module, on only those blocks: the `regex` module stays
  the one judge of what matches, Hyperscan only rules text out.
- RegexGateScanner everywhere else.

Both give each regex operation a time limit that grows with the text; a
pattern that runs out of time is reported and its rule left out for that
document.
"""
from __future__ import annotations

import hashlib
import os
from collections import defaultdict

import regex

from .kinds.base import Hit
from .model import Document
from .ruleset import RuleSet


def make_scanner(ruleset: RuleSet):
    if os.environ.get("HEALTHLINT_SCANNER") != "regex":
        try:
            return HyperscanScanner(ruleset)
        except ImportError:
            pass
    return RegexGateScanner(ruleset)


def compiled_patterns(ruleset: RuleSet) -> list[tuple[int, int, object]]:
    """(check index, pattern index, compiled regex) for every pattern of every check."""
    entries = []
    for check_index, check in enumerate(ruleset.checks):
        flags = 0 if check.case_sensitive else regex.IGNORECASE
        for pattern_index, pattern in enumerate(check.patterns):
            entries.append((check_index, pattern_index, regex.compile(pattern, flags)))
    return entries


def time_limit(length: int) -> float:
    """Seconds any one regex operation may take on a text of `length` characters: far more than
    any sane pattern needs (they run at megabytes per second), far less than a hang."""
    return 1.0 + length / 100_000


class RegexGateScanner:
    """The portable scanner: every pattern in one `regex` alternation (the gate),
    run once per block in overlapped mode. Where the gate stops, the patterns that
    can start with that character are tried one by one, so that two rules matching
    at the same place are both found."""

    def __init__(self, ruleset: RuleSet):
        entries = compiled_patterns(ruleset)
        sources = [f"(?-i:{compiled.pattern})" if ruleset.checks[check_index].case_sensitive
                   else f"(?:{compiled.pattern})" for check_index, _, compiled in entries]
        self.entries = entries
        self.sources = sources
        self.gate = regex.compile("|".join(sources), regex.IGNORECASE) if sources else None
        # Patterns bucketed by the (lower-cased) character they must start with;
        # "" holds the ones that can start with anything.
        buckets: dict[str, list[int]] = defaultdict(list)
        for entry_index, (_, _, compiled) in enumerate(entries):
            buckets[_first_char(compiled.pattern)].append(entry_index)
        self.buckets = dict(buckets)
        self.anywhere = self.buckets.get("", [])

    def scan(self, document: Document, check_count: int) -> tuple[list[list[Hit]], set[int]]:
        """Hits per check, and the checks whose patterns ran out of time on this document."""
        hits: list[list[Hit]] = [[] for _ in range(check_count)]
        timed_out: set[int] = set()
        if self.gate is None:
            return hits, timed_out
        gate = self.gate
        for block in document.blocks:
            while True:
                try:
                    self._scan_block(block, gate, timed_out, hits)
                    break
                except TimeoutError:
                    slow = self._slow_checks(block.text) - timed_out
                    if not slow:
                        # Nothing is pathological on its own: the block is just big.
                        self._scan_block(block, gate, timed_out, hits, limited=False)
                        break
                    timed_out |= slow
                    gate = self._gate_without(timed_out)
                    if gate is None:
                        break
        return hits, timed_out

    def _scan_block(self, block, gate, skipped: set[int], hits, limited: bool = True) -> None:
        entries, buckets, anywhere = self.entries, self.buckets, self.anywhere
        text = block.text
        limit = time_limit(len(text)) if limited else None
        for candidate in gate.finditer(text, overlapped=True, timeout=limit):
            position = candidate.start()
            for entry_index in (*buckets.get(text[position].lower(), ()), *anywhere):
                check_index, pattern_index, compiled = entries[entry_index]
                if check_index in skipped:
                    continue
                found = compiled.match(text, position, timeout=limit)
                if found and found.end() > position:
                    hits[check_index].append(Hit(pattern_index, block, position, found.end()))

    def _slow_checks(self, text: str) -> set[int]:
        slow = set()
        for check_index, _, compiled in self.entries:
            try:
                for _ in compiled.finditer(text, overlapped=True, timeout=time_limit(len(text))):
                    pass
            except TimeoutError:
                slow.add(check_index)
        return slow

    def _gate_without(self, skipped: set[int]):
        sources = [source for (check_index, _, _), source in zip(self.entries, self.sources)
                   if check_index not in skipped]
        return regex.compile("|".join(sources), regex.IGNORECASE) if sources else None




def _first_char(pattern: str) -> str:
    """The lower-cased literal character every match must start with, or ""."""
    if _has_top_level_alternation(pattern):
        return ""
    body = pattern
    while body.startswith(r"\b"):
        body = body[2:]
    if len(body) >= 2 and body[0].isalnum() and body[1] not in "?*{":
        return body[0].lower()
    return ""


def _has_top_level_alternation(pattern: str) -> bool:
    depth, escaped, in_set = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_set:
            in_set = char != "]"
        elif char == "[":
            in_set = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


class HyperscanScanner:
    def __init__(self, ruleset: RuleSet):
        import hyperscan

        self.entries = compiled_patterns(ruleset)
        self.database = _hyperscan_database(hyperscan, [
            (_ascii_pattern(compiled.pattern), not ruleset.checks[check_index].case_sensitive)
            for check_index, _, compiled in self.entries
        ])
        self.scratch = hyperscan.Scratch(self.database) if self.entries else None

    def scan(self, document: Document, check_count: int) -> tuple[list[list[Hit]], set[int]]:
        hits: list[list[Hit]] = [[] for _ in range(check_count)]
        timed_out: set[int] = set()
        if not self.entries:
            return hits, timed_out
        candidates: list[int] = []

        def on_match(pattern_id, start, end, flags, context):
            candidates.append(pattern_id)

        for block in document.blocks:
            text = block.text
            candidates.clear()
            self.database.scan(_ascii_bytes(text), match_event_handler=on_match, scratch=self.scratch)
            if not candidates:
                continue
            limit = time_limit(len(text))
            for entry_index in sorted(set(candidates)):
                check_index, pattern_index, compiled = self.entries[entry_index]
                if check_index in timed_out:
                    continue
                try:
                    for found in compiled.finditer(text, overlapped=True, timeout=limit):
                        if found.end() > found.start():
                            hits[check_index].append(Hit(pattern_index, block, found.start(), found.end()))
                except TimeoutError:
                    timed_out.add(check_index)
        return hits, timed_out


# Hyperscan reads bytes; block text is mapped to ASCII one character for one
# byte, so that byte offsets stay character offsets and \w, \b and literal
# punctuation keep their meaning: curly quotes and dashes become their ASCII
# look-alikes, other letters and digits become "x" (a word character), the
# rest DEL (neither word nor space). Patterns get the same mapping for their
# literal characters. The result is a superset of the real matches, which the
# `regex` module then checks.
_LOOKALIKES = {
    "’": "'", "‘": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "″": '"',
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "…": ".", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
}


class _AsciiMap(dict):
    def __missing__(self, code: int) -> int:
        char = chr(code)
        if char in _LOOKALIKES:
            mapped = _LOOKALIKES[char]
        elif char.isspace():
            mapped = " "
        elif char.isalnum() or char == "_":
            mapped = "x"
        else:
            mapped = "\x7f"
        self[code] = ord(mapped)
        return self[code]


_ASCII_MAP = _AsciiMap({code: code for code in range(128)})


def _ascii_bytes(text: str) -> bytes:
    if text.isascii():
        return text.encode("ascii")
    return text.translate(_ASCII_MAP).encode("ascii")


def _ascii_pattern(pattern: str) -> str:
    """The pattern with each non-ASCII literal character replaced by its mapping."""
    if pattern.isascii():
        return pattern
    out = []
    escaped = False
    for char in pattern:
        if char.isascii():
            out.append(char)
            escaped = char == "\\" and not escaped
            continue
        mapped = chr(_ASCII_MAP[ord(char)])
        # Escape the look-alike (it may be "." or "-") unless a backslash already does.
        out.append(mapped if mapped == "x" or escaped else "\\" + mapped)
        escaped = False
    return "".join(out)


def _hyperscan_database(hyperscan, patterns: list[tuple[str, bool]]):
    """One prefilter database for all patterns, kept on disk by content (compiling takes a second)."""
    if not patterns:
        return None
    flags = [hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH |
             (hyperscan.HS_FLAG_CASELESS if caseless else 0) for _, caseless in patterns]
    expressions = [pattern.encode("ascii") for pattern, _ in patterns]
    key = hashlib.sha256(repr((getattr(hyperscan, "__version__", ""), expressions, flags)).encode()).hexdigest()
    cache_file = os.path.join(_cache_home(), f"hyperscan-{key[:32]}.db")
    try:
        with open(cache_file, "rb") as handle:
            return hyperscan.loadb(handle.read(), hyperscan.HS_MODE_BLOCK)
    except (OSError, hyperscan.error):
        pass
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions),
                     flags=flags)
    _write_quietly(cache_file, hyperscan.dumpb(database))
    return database


def _cache_home() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "healthlint")


def _write_quietly(path: str, data: bytes) -> None:
    """Write a cache file atomically; a cache that cannot be written only costs speed."""
    import tempfile

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        pass
