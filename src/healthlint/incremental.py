"""Linting an edited document again without redoing the work of its unchanged blocks.

An editor changes one or two blocks of a document per keystroke, and the
language server lints the whole text again. Most of that work is per block:
the scanner finds each block's hits from its text alone, and the checks of
the block-local kinds (pattern and substitution rules whose `unless`/`when`
do not look at the whole document, readability, spelling) report on a block
from that block alone. `BlockReuse` keeps both per block and hands them out
again, positions moved to where the block now is. The checks that look across
blocks (repetition, acronym, consistency, structure, require, a pattern rule
with `within: document`) run on the whole document every time, on the hits
put together from the blocks'.

Exactness: a block's findings depend on its kind, level, text, sentences and
source map, and, for lines and columns, on the source lines it covers. The
key holds all of them, the source map and the lines relative to the block's
first line: a block with the same key at another place gives the same findings
moved by as many characters and lines (columns are unchanged, since the
covered lines start at a line start and are the same text). Findings that
reach outside those lines are never stored. When a pattern runs out of time
or a check fails, the document is linted from scratch (`Engine.run_all`), so
that the notices are exactly the full run's too.

Parsing is not reused: it is a small share of the time, and Markdown's
containers make a block's parse depend on what comes before it.
"""
from __future__ import annotations

from bisect import bisect_right
from .model import Block, Document, Edit, Finding, Fix, Span

# The check classes whose findings for a block depend on that block alone.
# "hits": the check looks only at its hits (no hit in a block, no finding there);
# "blocks": it reads every block of the document it is given.
_BLOCK_LOCAL = {
    "healthlint.kinds.pattern.PatternCheck": "hits",
    "healthlint.kinds.substitution.SubstitutionCheck": "hits",
    "healthlint.kinds.readability.ReadabilityCheck": "blocks",
    "healthlint.kinds.spelling.SpellingCheck": "blocks",
}


def block_locality(check) -> str | None:
    """"hits" or "blocks" for a check whose findings on a block depend on that block alone; else None."""
    kind = type(check)
    how = _BLOCK_LOCAL.get(f"{kind.__module__}.{kind.__qualname__}")
    if how is None:
        return None
    for near in (getattr(check, "when", None), getattr(check, "unless", None)):
        if near is not None and near[1] == "document":  # looks at every block of the document
            return None
    return how


class _Fallback(Exception):
    """Something the per-block path does not reproduce exactly: lint from scratch."""


class _Entry:
    """What one block gave: its hits for every check, and its findings for the block-local checks.

    The findings are kept positioned for each place the block had in the last
    run that used it (a block may occur twice in a document: a repeated table
    row), so that a block that did not move costs nothing.
    """

    __slots__ = ("hits", "placed", "previous", "stamp", "words")

    def __init__(self, place: tuple[int, int], findings: dict, run: int) -> None:
        # check index -> ((pattern index, start, end), ...) in the scanner's order, for
        # the checks that run on the whole document
        self.hits: dict[int, tuple[tuple[int, int, int], ...]] = {}
        # (region start, its line) -> {check index: findings positioned there}
        self.placed: dict[tuple[int, int], dict[int, tuple[Finding, ...]]] = {place: findings}
        self.previous: dict[tuple[int, int], dict[int, tuple[Finding, ...]]] = {}
        self.stamp = run
        self.words = None  # the block's Block.words, once found

    def findings_at(self, place: tuple[int, int], run: int) -> dict[int, tuple[Finding, ...]]:
        if self.stamp != run:  # first use in this run: forget the places no longer used
            self.previous, self.placed, self.stamp = self.placed, {}, run
        found = self.placed.get(place)
        if found is None:
            found = self.previous.get(place)
            if found is None:
                (start, line), some = next(iter((self.placed or self.previous).items()))
                offset, lines = place[0] - start, place[1] - line
                found = {index: tuple(_moved(finding, offset, lines) for finding in findings)
                         for index, findings in some.items()}
            self.placed[place] = found
        return found


class BlockReuse:
    """Per-block hits and findings of the documents an engine linted lately (see the module's docstring).

    Used from one thread at a time (the language server's lint thread).
    """

    KEEP_RUNS = 8  # an entry not used in this many runs may be dropped...
    SPARE = 2_000  # ...once there are this many more entries than blocks in the document

    def __init__(self) -> None:
        self._entries: dict[tuple, _Entry] = {}
        self._run = 0
        self._locality: tuple | None = None  # per check index, for the engine's checks
        self._checks = None
        self.reused = 0  # blocks reused in the last run, for tests and benchmarks
        self.fallbacks = 0  # runs done from scratch

    def run(self, engine, document: Document) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
        try:
            return self._run_reusing(engine, document)
        except _Fallback:
            self.fallbacks += 1
            return engine.run_all(document)

    def _run_reusing(self, engine, document: Document):
        checks = engine.ruleset.checks
        if self._checks is not checks:
            self._checks = checks
            self._locality = tuple(block_locality(check) for check in checks)
            self._entries.clear()
        locality = self._locality
        self._run += 1
        run = self._run
        entries: list[_Entry] = []
        placed: list[dict] = []
        missing = []  # blocks not seen before: (block, entry, its findings, key, region start, region end)
        known = self._entries
        line_starts = document.line_starts
        for block in document.blocks:
            key, region_start, region_line, region_end = _block_key(document, block)
            entry = known.get(key)
            if entry is None:
                block_findings: dict[int, tuple[Finding, ...]] = {}  # _fill fills it
                entry = _Entry((region_start, region_line), block_findings, run)
                missing.append((block, entry, block_findings, key, region_start, region_end))
                placed.append(block_findings)
            else:
                placed.append(entry.findings_at((region_start, region_line), run))
                if entry.words is not None:
                    _carry_words(block, entry.words)
            entries.append(entry)
        self.reused = len(entries) - len(missing)
        if missing:
            self._fill(engine, document, missing, locality, line_starts)

        # The whole-document checks, on hits put together from the blocks'.
        from .engine import _longest_first
        from .kinds.base import Hit

        hits: dict[int, list] = {index: [] for index, how in enumerate(locality) if how is None}
        for block, entry in zip(document.blocks, entries):
            for index, found in entry.hits.items():
                hits[index].extend(Hit(pattern, block, start, end) for pattern, start, end in found)

        # The block-local checks' findings, check by check and block by block in
        # order, as the full run meets them (which matters when two are the same).
        local: dict[int, list] = {}
        for block_findings in placed:
            for index, found in block_findings.items():
                local.setdefault(index, []).append(found)
        findings: dict = {}
        for index, check in enumerate(checks):
            if locality[index] is not None:
                for found in local.get(index, ()):
                    for finding in found:
                        findings.setdefault((finding.rule, finding.span), finding)
                continue
            check_hits = hits[index]
            if check.merge_overlaps:
                check_hits = _longest_first(check_hits)
            try:
                for finding in check.check(document, check_hits):
                    findings.setdefault((finding.rule, finding.span), finding)
            except Exception as error:  # the full run reports it, with its notice
                raise _Fallback from error
        for block, entry in zip(document.blocks, entries):
            if entry.words is None:
                entry.words = getattr(block, "__dict__", {}).get("words")
        self._forget_old(len(entries))
        return tuple(sorted(findings.values(), key=lambda f: f.sort_key)), ()

    def _fill(self, engine, document: Document, missing, locality, line_starts) -> None:
        """Scan the blocks not seen before and run the block-local checks on them."""
        from .engine import _longest_first

        checks = engine.ruleset.checks
        blocks = tuple(block for block, *_ in missing)
        part = Document(document.path, document.format, document.source, blocks, line_starts)
        hits, timed_out = engine.scanner.scan(part, len(checks))
        if timed_out:
            raise _Fallback
        by_block: dict[int, dict[int, list]] = {id(block): {} for block in blocks}
        for index, check_hits in enumerate(hits):
            for hit in check_hits:
                by_block[id(hit.block)].setdefault(index, []).append(hit)
        local = [(index, how) for index, how in enumerate(locality) if how is not None]
        for block, entry, block_findings, key, region_start, region_end in missing:
            block_hits = by_block[id(block)]
            entry.hits = {index: tuple((hit.pattern, hit.start, hit.end) for hit in found)
                          for index, found in block_hits.items() if locality[index] is None}
            alone = Document(document.path, document.format, document.source, (block,), line_starts)
            storable = True
            for index, how in local:
                found = block_hits.get(index, [])
                if how == "hits" and not found:
                    continue
                check = checks[index]
                if check.merge_overlaps:
                    found = _longest_first(found)
                try:
                    results = tuple(check.check(alone, found))
                except Exception as error:  # the full run reports it, with its notice
                    raise _Fallback from error
                if results:
                    block_findings[index] = results
                    storable = storable and all(_within(finding, region_start, region_end)
                                                for finding in results)
            if storable:
                self._entries[key] = entry

    def _forget_old(self, block_count: int) -> None:
        if len(self._entries) <= block_count + self.SPARE:
            return
        oldest = self._run - self.KEEP_RUNS
        for key in [key for key, entry in self._entries.items() if entry.stamp <= oldest]:
            del self._entries[key]
        if len(self._entries) > 4 * (block_count + self.SPARE):  # many documents at once: start over
            current = self._run
            self._entries = {key: entry for key, entry in self._entries.items() if entry.stamp == current}


def _carry_words(block: Block, words) -> None:
    """Give a new block the words (Block.words, a cached property) its equal found before.

    Block.words depends on the block's text and sentences only, both in the key;
    the analyses that read it (consistency, readability, spelling) need not find
    the words of every unchanged block again.
    """
    state = getattr(block, "__dict__", None)
    if state is not None and "words" not in state:
        state["words"] = words


def _block_key(document: Document, block: Block):
    """(key, region start, its 0-based line, region end) of a block.

    The region is the whole lines of source the block's text comes from; the
    key holds the block's own fields, its source map relative to the region
    start, and the region's text.
    """
    source_map = block.source_map
    runs = source_map.runs
    stand_ins = source_map.stand_ins
    if len(runs) == 1:  # most blocks: one verbatim run
        low = runs[0][1]
        high = low + max(len(block.text) - runs[0][0], 1)
    else:
        low = min(source for _, source in runs)
        ends = [source + (end - start) for (start, source), (end, _) in zip(runs, runs[1:])]
        ends.append(runs[-1][1] + max(len(block.text) - runs[-1][0], 1))
        high = max(max(ends), low + 1)
    if stand_ins:
        high = max(high, max(source_end for _, _, source_end in stand_ins))
    line_starts = document.line_starts
    first_line = bisect_right(line_starts, low) - 1
    last_line = bisect_right(line_starts, high - 1) - 1 if high > low else first_line
    region_start = line_starts[first_line]
    region_end = line_starts[last_line + 1] if last_line + 1 < len(line_starts) else len(document.source)
    if len(runs) == 1:
        relative_runs = ((runs[0][0], runs[0][1] - region_start),)
    else:
        relative_runs = tuple((text_start, source_start - region_start) for text_start, source_start in runs)
    key = (
        block.kind, block.level, block.text, block.sentences, relative_runs,
        tuple((start, end, source_end - region_start) for start, end, source_end in stand_ins) if stand_ins else (),
        document.source[region_start:region_end],
    )
    return key, region_start, first_line, region_end


def _within(finding: Finding, start: int, end: int) -> bool:
    spans = [finding.span, *finding.related]
    if finding.fix is not None:
        spans.extend(edit.span for edit in finding.fix.edits)
    return all(start <= span.start_offset <= span.end_offset <= end for span in spans)


def _moved_span(span: Span, offset: int, lines: int) -> Span:
    return Span(span.line + lines, span.column, span.end_line + lines, span.end_column,
                span.start_offset + offset, span.end_offset + offset)


def _moved(finding: Finding, offset: int, lines: int) -> Finding:
    # Built field by field: dataclasses.replace costs several times as much, on
    # every finding after the edit.
    fix = finding.fix
    if fix is not None:
        fix = Fix(fix.applicability, tuple(Edit(_moved_span(edit.span, offset, lines), edit.replacement)
                                           for edit in fix.edits))
    related = tuple(_moved_span(span, offset, lines) for span in finding.related) if finding.related else ()
    return Finding(finding.rule, finding.category, finding.severity, finding.message,
                   _moved_span(finding.span, offset, lines), finding.match, finding.suggestions, fix,
                   finding.link, related)
