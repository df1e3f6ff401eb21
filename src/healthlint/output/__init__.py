"""Output formats, written file by file as the results come in.

Each module has a `Writer(write, rules, color, problems)` with `start()`,
`file(result)` and `finish(tally)`; the CLI picks one by name and streams the
results through it, so a run over thousands of files never holds them all,
and never builds its whole report in memory. Formats whose header needs totals
(JUnit) spool their body to a temporary file. `render(format, report)` gives the
same bytes in one string, for callers that have every result already.

A Report (or a Tally, the running totals) carries everything a format may
need, so that formats never reach back into the engine.
"""
from __future__ import annotations

import importlib
import json
from json.encoder import encode_basestring
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import SEVERITIES, FileResult, Rule

FORMATS = ("text", "json", "jsonl", "sarif", "github", "junit", "rdjson")


class LineWriter:
    """A format with no header: it writes nothing before the first file (the
    findings of each file, then the run's errors, are the whole report)."""

    def __init__(self, write: Callable[[str], None], rules, color: bool, problems: tuple[str, ...]):
        self.write = write

    def start(self) -> None:
        pass


@dataclass(frozen=True)
class Report:
    """Every file's result and the rules that ran: what a formatter writes."""

    results: tuple[FileResult, ...]
    rules: tuple[Rule, ...]
    color: bool = False
    problems: tuple[str, ...] = ()  # paths that could not be linted at all

    @property
    def finding_count(self) -> int:
        return sum(len(result.findings) for result in self.results)

    @property
    def all_errors(self) -> list[str]:
        return list(self.problems) + [error for result in self.results for error in result.errors]

    def counts_by_severity(self) -> dict[str, int]:
        counts = {severity: 0 for severity in reversed(SEVERITIES)}
        for result in self.results:
            for finding in result.findings:
                counts[finding.severity] += 1
        return counts


class Tally:
    """The totals of a report, kept as the results stream past."""

    def __init__(self, problems: tuple[str, ...] = ()):
        self.problems = tuple(problems)
        self.files = 0
        self.finding_count = 0
        self.files_with_findings = 0
        self.files_with_errors = 0
        self.errors: list[str] = []  # the files' own errors, in order
        self._by_severity = {severity: 0 for severity in reversed(SEVERITIES)}

    def add(self, result: FileResult) -> None:
        self.files += 1
        if result.findings:
            self.files_with_findings += 1
            self.finding_count += len(result.findings)
            counts = self._by_severity
            for finding in result.findings:
                counts[finding.severity] += 1
        if result.errors:
            self.files_with_errors += 1
            self.errors.extend(result.errors)

    @property
    def all_errors(self) -> list[str]:
        return list(self.problems) + self.errors

    def counts_by_severity(self) -> dict[str, int]:
        return dict(self._by_severity)


def writer(format: str, write: Callable[[str], None], rules: Callable[[], tuple[Rule, ...]],
           color: bool = False, problems: tuple[str, ...] = ()):
    """The streaming writer of a format; `rules` is called only by formats that list the rules."""
    if format not in FORMATS:
        raise ValueError(f"unknown output format {format!r}")
    module = importlib.import_module(f"{__name__}.{format}_format")
    return module.Writer(write, rules, color, tuple(problems))


def stream(format: str, results: Iterable[FileResult], write: Callable[[str], None],
           rules: Callable[[], tuple[Rule, ...]] = tuple, color: bool = False,
           problems: tuple[str, ...] = ()) -> Tally:
    """Write the report of `results` piece by piece; the totals come back for the exit code."""
    out = writer(format, write, rules, color, problems)
    tally = Tally(problems)
    out.start()
    for result in results:
        tally.add(result)
        out.file(result)
    out.finish(tally)
    return tally


def render(format: str, report: Report) -> str:
    pieces: list[str] = []
    stream(format, report.results, pieces.append, lambda: report.rules, report.color, report.problems)
    return "".join(pieces)


_ITEMS = "\x00healthlint: the streamed items\x00"  # a string no report can hold


class JsonArrayWriter:
    """Writes `json.dumps(document, indent=..., ensure_ascii=False)` in pieces,
    one list of it item by item: the document is given with `[ITEMS]` in that
    list's place, once at the start (for what comes before the list) and once
    at the end (for what comes after, such as totals)."""

    ITEMS = _ITEMS

    def __init__(self, write: Callable[[str], None], indent: int):
        self.write = write
        self.indent = indent
        self.count = 0
        self.separator = "\n"

    def _dump(self, value) -> str:
        return dumps_indented(value, self.indent)

    def start(self, document) -> None:
        text = self._dump(document)
        head = text[:text.index(json.dumps(_ITEMS))]
        bracket = head.rindex("[")
        self.separator = head[bracket + 1:]  # a new line and the items' indentation
        self.write(head[:bracket + 1])

    def item(self, value) -> None:
        self.write(self.next_item() + self.dumped(value))

    def dumped(self, value) -> str:
        """The value's JSON at the items' indentation and depth."""
        # JSON strings never hold a raw line break, so re-indenting is a replace.
        return self._dump(value).replace("\n", self.separator)

    def next_item(self) -> str:
        """What comes before the next item (written by the caller, with the item)."""
        self.count += 1
        return ("," if self.count > 1 else "") + self.separator

    def finish(self, document) -> None:
        text = self._dump(document)
        mark = json.dumps(_ITEMS)
        tail = text[text.index(mark) + len(mark):]
        closing = tail.index("]")
        self.write((tail[:closing] if self.count else "") + tail[closing:] + "\n")


def dumps_indented(value, indent: int) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=indent)`, byte for byte, several
    times faster: the standard library encodes indented JSON in pure Python,
    one generator step per token, which was most of the time of a run whose
    results all came from the cache."""
    out: list[str] = []
    try:
        _encode(value, " " * indent, "\n", out)
    except _Unusual:
        return json.dumps(value, ensure_ascii=False, indent=indent)
    return "".join(out)


class _Unusual(Exception):
    """A value this encoder leaves to the json module (a float, a key that is not text...)."""


def _encode(value, indent: str, newline: str, out: list) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif type(value) is int:
        out.append(int.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + indent
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            out.append(separator + encode_basestring(key) + ": ")
            _encode(item, indent, inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + indent
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _encode(item, indent, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    else:
        raise _Unusual
