"""`structure`: the outline of headings that content farms leave behind.

`check` picks one of three tests over the document's headings:

- `empty-section`: a heading followed directly by a heading of the same or a
  higher level (h2 then h2, h3 then h2), or by the end of the text. A heading
  followed by a deeper one (h2 then h3) opens a section and is fine.
- `duplicate-heading`: a heading whose text (case, punctuation and spacing
  aside) repeats an earlier heading of the same level under the same parent;
  "Symptoms" under two different conditions is fine. The finding points back
  to the first one.
- `skipped-level`: a heading more than one level deeper than the heading
  before it (h2 then h4). Markdown and HTML only: plain-text headings have no
  level of their own.

In plain text, where headings are guessed from short lines, a run of three
or more such lines is an unmarked list rather than empty sections, a short
line that runs on into a list ("Common symptoms include") is text, and a
short last line is not reported (it is as often a caption or a link).

A table of contents pasted above the text is fine once. As a bullet list it
is made of list items, not headings; as bare lines (which the plain-text
parser takes for headings), a run of headings that comes back later in the
same order is taken for a table of contents: it is not an empty section, and
the real headings are not duplicates of it.
"""
from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from operator import attrgetter
from typing import Iterable

from .. import pattern_cache
from ..model import Block, Document, Finding, Rule, once_per_document
from .base import Check, Hit, Option, one_of

OPTIONS = {
    "check": Option(one_of("empty-section", "duplicate-heading", "skipped-level"), required=True,
                    help="which test of the outline to run"),
}
MESSAGE_FIELDS = ("match", "level", "previous", "expected", "line")

# Content blocks that never stand for a section's text.
_NOT_CONTENT = ("title", "description")
_NON_WORD = pattern_cache.compile(r"[\W_]+")
_SHORTEST_UNMARKED_LIST = 3
# Words a line ends with when it runs on into a list: "symptoms include", "such as".
_LEAD_IN_ENDINGS = frozenset(
    "are is include includes including by of to and or with for the a an as such following these if that when"
    .split()
)
_INDEX = attrgetter("index")
_KIND = attrgetter("kind")
_LONGEST_TOC = 60  # headings; bounds the work on a text made of nothing but short lines


@lru_cache(maxsize=1 << 12)
def heading_key(text: str) -> str:
    """Heading text compared without case, punctuation or spacing. Kept for the
    recent headings: two rules ask for every heading's key, and headings
    ("Symptoms", "Side effects") recur from text to text."""
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def table_of_contents(blocks: tuple[Block, ...]) -> set[int]:
    """Indexes of heading blocks that form a table of contents: a run of two or
    more adjacent headings whose texts come back later, in order, as headings."""
    headings = [(position, heading_key(block.text)) for position, block in enumerate(blocks) if block.kind == "heading"]
    where: dict[str, list[int]] = {}
    for position, key in headings:
        where.setdefault(key, []).append(position)
    toc: set[int] = set()
    if len(where) == len(headings):
        return toc  # no heading's text comes back (most texts): there is no run to try
    run: list[tuple[int, str]] = []

    def close_run() -> None:
        # The run may end with the first real heading: try the longest prefix first.
        for length in range(min(len(run), _LONGEST_TOC), 1, -1):
            if _comes_back(run[:length], where):
                toc.update(blocks[position].index for position, _ in run[:length])
                break
        run.clear()

    for position, key in headings:
        if run and not all(blocks[between].kind in _NOT_CONTENT for between in range(run[-1][0] + 1, position)):
            close_run()
        run.append((position, key))
    close_run()
    return toc


@once_per_document
def _contents_of(blocks: tuple[Block, ...]) -> frozenset[int]:
    """table_of_contents, kept for the last document: two rules ask for it."""
    return frozenset(table_of_contents(blocks))


@once_per_document
def _outline_of(blocks: tuple[Block, ...]) -> tuple[tuple[Block, ...], tuple[Block, ...]]:
    """The blocks in document order and the headings among them, kept for the
    last document: the three rules ask for them. A text without headings (most
    plain texts) is not put in order: no rule reads its blocks."""
    if "heading" not in map(_KIND, blocks):
        return blocks, ()
    ordered = _ordered(blocks)
    return ordered, tuple([block for block in ordered if block.kind == "heading"])


def _lead_in(blocks: tuple[Block, ...], position: int) -> bool:
    """Plain text: a short line the parser took for a heading but that opens a
    list ("The most common symptoms are") is text, not a heading."""
    words = blocks[position].text.split()
    if words and words[-1] in _LEAD_IN_ENDINGS:
        return True
    return position + 1 < len(blocks) and blocks[position + 1].kind == "list-item"


def unmarked_lists(blocks: tuple[Block, ...]) -> set[int]:
    """Plain text only: indexes of headings in runs of three or more adjacent
    ones. Those are list items written without markers (one per line, as text
    exported from a web page often has them), not sections left empty."""
    found: set[int] = set()
    run: list[Block] = []
    for block in (*blocks, None):
        if block is not None and block.kind == "heading":
            run.append(block)
            continue
        if block is not None and block.kind in _NOT_CONTENT:
            continue
        if len(run) >= _SHORTEST_UNMARKED_LIST:
            found.update(heading.index for heading in run)
        run = []
    return found


def _comes_back(run: list[tuple[int, str]], where: dict[str, list[int]]) -> bool:
    """Each heading of the run occurs again after the run, in the same order
    (other headings may come between)."""
    after = run[-1][0]
    for _, key in run:
        positions = where[key]
        later = bisect_right(positions, after)
        if later == len(positions):
            return False
        after = positions[later]
    return True


class StructureCheck(Check):
    def __init__(self, rule: Rule):
        super().__init__(rule)
        self.test = {
            "empty-section": self._empty_sections,
            "duplicate-heading": self._duplicates,
            "skipped-level": self._skipped_levels,
        }[rule.option("check")]

    def check(self, document: Document, hits: list[Hit]) -> Iterable[Finding]:
        # Not a generator: a text without headings (most plain texts) gets no
        # generator of its own for each of the three rules.
        blocks, headings = _outline_of(document.blocks)
        if not headings:
            return ()
        return self.test(document, blocks, headings)

    def _heading_finding(self, document: Document, heading: Block, fields: dict, related=()) -> Finding:
        text = heading.text.rstrip()
        return self.finding(document.span(heading, 0, len(text)), text, fields=fields, related=related)

    def _empty_sections(self, document, blocks, headings) -> Iterable[Finding]:
        skip = _contents_of(blocks)
        plain = document.format == "text"
        if plain:
            skip = skip | unmarked_lists(blocks)
        for position, block in enumerate(blocks):
            if block.kind != "heading" or block.index in skip:
                continue
            after = next((p for p in range(position + 1, len(blocks)) if blocks[p].kind not in _NOT_CONTENT), None)
            if after is None:
                if not plain:  # a short last line of plain text is as often a caption or a link
                    yield self._heading_finding(document, block, {"level": block.level})
                continue
            following = blocks[after]
            if following.kind == "heading" and following.level <= block.level:
                if plain and _lead_in(blocks, after):
                    continue
                yield self._heading_finding(document, block, {"level": block.level})

    def _duplicates(self, document, blocks, headings) -> Iterable[Finding]:
        toc = _contents_of(blocks)
        first_seen: dict[tuple, Block] = {}
        parents: list[Block] = []  # the open headings, shallowest first
        for heading in headings:
            while parents and parents[-1].level >= heading.level:
                parents.pop()
            parent = parents[-1].index if parents else None
            parents.append(heading)
            key = heading_key(heading.text)
            if heading.index in toc or not key:
                continue
            slot = (parent, heading.level, key)
            first = first_seen.get(slot)
            if first is None:
                first_seen[slot] = heading
                continue
            first_span = document.span(first, 0, len(first.text.rstrip()))
            yield self._heading_finding(
                document, heading, {"level": heading.level, "line": first_span.line}, related=(first_span,)
            )

    def _skipped_levels(self, document, blocks, headings) -> Iterable[Finding]:
        if document.format == "text":
            return
        previous = None
        for heading in headings:
            if previous is not None and heading.level > previous.level + 1:
                yield self._heading_finding(
                    document,
                    heading,
                    {"level": heading.level, "previous": previous.level, "expected": previous.level + 1},
                )
            previous = heading


def _ordered(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Blocks in document order; parsers number them so, this only makes sure."""
    if list(map(_INDEX, blocks)) == list(range(len(blocks))):
        return blocks
    return tuple(sorted(blocks, key=lambda block: block.index))


def compile(rule: Rule) -> StructureCheck:
    return StructureCheck(rule)
