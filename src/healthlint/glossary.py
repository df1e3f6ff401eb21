"""`healthlint glossary`: each document's abbreviations, their expansions, where they
are defined and how often they are used.

One entry per distinct expansion of a short form, at the place it is first
given. Uses are counted for the expansion in force: a use belongs to the latest
definition before it (or to the first definition when the use comes before any).
By default only expansions whose letters fit the short form are listed (an
abbreviation definition as extractors understand one; bench/acronym_eval.py
scores exactly this list); `--all` adds the pairings that do not fit.
"""
from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass

from . import __version__
from .acronyms import FIT_LOOSE, FIT_NONE, FIT_NUMBERED, FIT_TIGHT, Analysis, Definition, analyse
from .documents import parse_document
from .files import decode, discover, read_source
from .model import Document, Span

# (path, entries, problems reading the file)
Result = tuple[str, list["Entry"], list[str]]


@dataclass(frozen=True)
class Entry:
    """One acronym of a document's glossary: its expansion, where it is first given, and its uses."""

    short: str
    long: str
    span: Span  # the short form where the expansion is first given
    uses: int
    fit: str  # acronyms.FIT_TIGHT, FIT_NUMBERED, FIT_LOOSE or FIT_NONE

    @property
    def fits(self) -> bool:
        """Every letter of the short form is found in the expansion (Schwartz & Hearst):
        an abbreviation definition, as a glossary or an extractor understands one."""
        return self.fit in (FIT_TIGHT, FIT_LOOSE)


def entries(document: Document, every: bool = False) -> list[Entry]:
    """The glossary of one document, in the order of the definitions: the abbreviations
    whose letters fit their expansion, or with `every` also the pairings that do not
    (what acronym-mismatch reports)."""
    found = glossary_entries(document, analyse(document))
    return found if every else [entry for entry in found if entry.fits]


def glossary_entries(document: Document, analysis: Analysis) -> list[Entry]:
    firsts: dict[tuple[str, str], Definition] = {}
    for definition in analysis.definitions:
        firsts.setdefault((definition.key, _same(definition.long)), definition)
    counts = {pair: 0 for pair in firsts}
    by_key: dict[str, list[Definition]] = {}
    for definition in analysis.definitions:
        by_key.setdefault(definition.key, []).append(definition)
    positions = {key: [d.position for d in found] for key, found in by_key.items()}
    for use in analysis.uses:
        definitions = by_key.get(use.key)
        if not definitions:
            continue
        index = max(bisect_right(positions[use.key], use.position) - 1, 0)
        current = definitions[index]
        counts[(current.key, _same(current.long))] += 1
    result = []
    for pair, definition in firsts.items():
        span = document.span(definition.block, definition.short_start, definition.short_end)
        result.append(Entry(definition.short, " ".join(definition.long.split()), span, counts[pair], definition.fit))
    return result


def collect(paths: list[str], stdin_filename: str | None = None, stdin: bytes | None = None, every: bool = False
            ) -> tuple[list[Result], list[str]]:
    """The glossary of every file under `paths` ('-': `stdin`), and problems with the paths."""
    if paths == ["-"]:
        name = stdin_filename or "<stdin>"
        source = decode(stdin or b"", name)
        if source.text is None:
            return [(name, [], list(source.notices))], list(source.notices)
        return [(name, entries(parse_document(source.text, name), every), list(source.notices))], []
    files, problems = discover(paths)
    results = []
    for path in files:
        source = read_source(path)
        if source.text is None:
            problems.extend(source.notices)  # skipped: binary, unreadable or gone
            results.append((path, [], list(source.notices)))
            continue
        results.append((path, entries(parse_document(source.text, path), every), list(source.notices)))
    return results, problems


def _same(long: str) -> str:
    return " ".join(long.lower().split())


def entry_dict(entry: Entry) -> dict:
    span = entry.span
    return {
        "short": entry.short,
        "long": entry.long,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "uses": entry.uses,
        "fits": entry.fits,
        "fit": entry.fit,
    }


_NOTES = {
    FIT_NONE: "  (its letters do not fit)",
    FIT_LOOSE: "  (its letters come from inside words)",
    FIT_NUMBERED: "  (its number is not spelled out)",
}


def render_json(results: list[Result]) -> str:
    files = [
        {"path": path, "abbreviations": [entry_dict(e) for e in found], "errors": list(errors)}
        for path, found, errors in results
    ]
    report = {"version": 1, "tool": {"name": "healthlint", "version": __version__}, "files": files}
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def render_text(results: list[Result]) -> str:
    out = []
    for path, found, errors in results:
        out.append(path)
        out.extend(f"  {error}" for error in errors)
        if not found and not errors:
            out.append("  no abbreviations defined")
        width = max((len(e.short) for e in found), default=0)
        for entry in found:
            uses = f"{entry.uses} use" + ("" if entry.uses == 1 else "s")
            note = _NOTES.get(entry.fit, "")
            out.append(f"  {entry.short:<{width}}  {entry.long}  [{entry.span.line}:{entry.span.column}, {uses}]{note}")
        out.append("")
    return "\n".join(out)
