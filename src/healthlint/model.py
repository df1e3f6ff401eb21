"""The core records: documents and their blocks, rules, findings and fixes.

Every record is a frozen dataclass so that a parsed document or a loaded rule
can be shared between rules (and processes) without anyone changing it.

Positions: a document keeps its decoded text (`source`, BOM removed, line ends
kept as they were) and the offset of every line start. Offsets are code-point
indexes into `source`; lines and columns are 1-based, columns count code points
and every range is end-exclusive.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, wraps
from typing import Optional

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

CATEGORIES = (
    "safety-claim",
    "efficacy-claim",
    "hype",
    "evidence",
    "keyword-stuffing",
    "acronym",
    "disclaimer",
    "stigma",
    "medical-advice",
    "consistency",
    "structure",
    "readability",
    "regulatory",
)

# Kinds of block a parser produces; a rule's `scope` names some of them.
BLOCK_KINDS = (
    "title",  # HTML <title>, front matter `title`
    "description",  # front matter `description`
    "heading",
    "paragraph",
    "list-item",
    "blockquote",  # a paragraph inside a blockquote
    "table-cell",
    "alt-text",  # HTML img alt
)

# A stand-in for text that rules must never see (inline code, URLs, comments):
# one character, so that the words on either side stay apart and no phrase can
# match across the hole.
MASK = "\ufffc"


@dataclass(frozen=True)
class SourceMap:
    """Maps offsets in a block's text to offsets in the document source.

    `runs` holds (text_offset, source_offset) pairs sorted by text offset: the
    text from one run start up to the next is a verbatim copy of the source at
    source_offset. Characters the parser made up (a space joining two lines, a
    MASK for a code span) get a run of their own.
    """

    runs: tuple[tuple[int, int], ...]
    # (text_start, text_end, source_end) of made-up characters that stand for
    # a longer stretch of source (an entity decoded to one character, a MASK
    # for a whole code span): a span that ends on them ends where it does.
    stand_ins: tuple[tuple[int, int, int], ...] = ()

    def to_source(self, offset: int) -> int:
        index = bisect_right(self.runs, (offset, float("inf"))) - 1
        text_start, source_start = self.runs[max(index, 0)]
        return source_start + (offset - text_start)

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets of the block text span [start, end)."""
        if end <= start:
            point = self.to_source(start)
            return point, point
        source_end = self.to_source(end - 1) + 1
        if self.stand_ins:
            index = bisect_right(self.stand_ins, (end - 1, float("inf"))) - 1
            if index >= 0 and end - 1 < self.stand_ins[index][1]:
                source_end = max(source_end, self.stand_ins[index][2])
        return self.to_source(start), source_end


class _kept:
    """functools.cached_property without its lock (Python < 3.12 takes one on
    every first use, which costs more than most blocks' words): the value is
    computed on first use and stored in the instance's __dict__, where later
    lookups find it before this descriptor. A frozen dataclass refuses
    setattr, not __dict__."""

    def __init__(self, compute):
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


def once_per_document(compute):
    """compute(value), kept for the last value it was given (told by identity: a
    document, or its blocks): several rules ask in turn for what one analysis finds
    in the document being linted, and the analysis runs once. The value is held
    while kept, so its id cannot be reused by another meanwhile."""
    last: tuple = (None, None)

    @wraps(compute)
    def kept(value):
        nonlocal last
        cached_value, result = last
        if cached_value is not value:
            result = compute(value)
            last = (value, result)
        return result

    return kept


@dataclass(frozen=True)
class Block:
    """A unit of prose: heading, paragraph, list item... with markup removed."""

    kind: str
    text: str
    source_map: SourceMap
    sentences: tuple[tuple[int, int], ...]
    level: int = 0  # heading level (1-6); 0 for other blocks
    index: int = 0  # position of the block in the document

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence that contains the text offset."""
        # Sentences are sorted (start, end) pairs: the last one starting at or
        # before the offset is found by bisecting on (offset, +inf).
        return max(bisect_right(self.sentences, (offset, float("inf"))) - 1, 0)

    @_kept
    def words(self):
        """The block's words and how many each sentence holds (documents/words.py):
        found on first use and kept, so that the analyses share one pass."""
        return _word_finder()(self.text, self.sentences)


@cache
def _word_finder():
    # Imported on first use (the documents package imports this module), and
    # once: an import statement in Block.words cost more than most blocks' words.
    from .documents.words import find_words

    return find_words


@dataclass(frozen=True)
class Document:
    """A parsed document: its source, its blocks of prose and where each line starts."""

    path: str
    format: str  # "text", "markdown" or "html"
    source: str
    blocks: tuple[Block, ...]
    line_starts: tuple[int, ...]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a source offset."""
        line_index = bisect_right(self.line_starts, offset) - 1
        return line_index + 1, offset - self.line_starts[line_index] + 1

    def span(self, block: Block, start: int, end: int) -> "Span":
        source_start, source_end = block.source_map.span_to_source(start, end)
        line, column = self.position(source_start)
        end_line, end_column = self.position(source_end)
        return new_span(line, column, end_line, end_column, source_start, source_end)

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.source)
        return self.source[start:end].rstrip("\r\n")

    @property
    def word_count(self) -> int:
        return sum(len(block.text.split()) for block in self.blocks)


@dataclass(frozen=True, slots=True)
class Span:
    """Where a finding is: 1-based lines and columns (end exclusive) and source offsets."""

    line: int
    column: int
    end_line: int
    end_column: int
    start_offset: int  # source offsets, for fixes
    end_offset: int


@dataclass(frozen=True, slots=True)
class Edit:
    """Text that replaces a span of the source."""

    span: Span
    replacement: str


FIX_APPLICABILITIES = ("safe", "unsafe", "suggestion")


@dataclass(frozen=True, slots=True)
class Fix:
    """The edits that fix one finding, and whether they may be applied unasked."""

    applicability: str  # safe, unsafe or suggestion (never applied)
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Reference:
    """An authority behind a rule: a title and, where there is one, a link."""

    title: str
    url: str = ""


@dataclass(frozen=True)
class Example:
    """A rule's good or bad example, run by the test suite."""

    text: str
    # Expected finding positions: (line, column, end_line, end_column); empty
    # when the example does not pin them.
    positions: tuple[tuple[int, int, int, int], ...] = ()
    fixed: Optional[str] = None  # expected text after applying the fix
    format: str = "text"


@dataclass(frozen=True)
class Rule:
    """A rule as loaded from YAML: the data every kind shares plus its options."""

    id: str
    category: str
    severity: str
    message: str
    description: str
    rationale: str
    references: tuple[Reference, ...]
    scope: tuple[str, ...]
    kind: str
    options: tuple[tuple[str, object], ...]  # the kind's parameters, validated by the kind
    exceptions: tuple[str, ...]
    fix_applicability: Optional[str]
    fix_replacement: Optional[str]  # template; None for a suggestion only
    fix_suggestion: Optional[str]
    bad_examples: tuple[Example, ...]
    good_examples: tuple[Example, ...]
    path: str
    # Runs only when selected by its id (a style check most texts need not pass).
    opt_in: bool = False

    def option(self, name: str, default=None):
        for key, value in self.options:
            if key == name:
                return value
        return default

    @property
    def link(self) -> str:
        return self.references[0].url if self.references else ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found: the rule, where it is, why it matters and how to fix it."""

    rule: str
    category: str
    severity: str
    message: str
    span: Span
    match: str
    suggestions: tuple[str, ...] = ()
    fix: Optional[Fix] = None
    link: str = ""
    related: tuple[Span, ...] = ()

    @property
    def sort_key(self):
        return (self.span.line, self.span.column, self.span.end_line, self.span.end_column, self.rule)


# ---- Blocks, source maps, spans and findings, built fast -------------------------------------------------------------
#
# A frozen dataclass's __init__ sets each field through object.__setattr__, a
# slow call per field: building the Span and the Finding of each of 120,000
# cached findings was a quarter of a run whose results all came from the
# cache. The functions below give the very same objects two to three times
# faster: for Span and Finding (slots, no __dict__) the fields are set as plain
# attributes on an object of a class with the same slots, whose class then
# becomes Span or Finding (Python allows that between classes of the same
# layout); Block and SourceMap get their __dict__ filled in. None of these
# classes has a __post_init__ to skip.
# tests/test_model.py holds them to the dataclasses' own constructors.


class _SpanSlots:
    __slots__ = Span.__slots__


class _FindingSlots:
    __slots__ = Finding.__slots__


def new_block(kind: str, text: str, source_map: SourceMap, sentences: tuple[tuple[int, int], ...], level: int,
              index: int) -> Block:
    """Block(...) with every field given, in order, built fast (see above): a
    Block keeps a __dict__ (for what is computed from it on first use), which
    is filled in at once."""
    block = object.__new__(Block)
    block.__dict__.update(kind=kind, text=text, source_map=source_map, sentences=sentences, level=level, index=index)
    return block


def new_source_map(runs: tuple[tuple[int, int], ...], stand_ins: tuple[tuple[int, int, int], ...] = ()) -> SourceMap:
    """SourceMap(runs, stand_ins), built fast (see above)."""
    source_map = object.__new__(SourceMap)
    source_map.__dict__.update(runs=runs, stand_ins=stand_ins)
    return source_map


def new_span(line: int, column: int, end_line: int, end_column: int, start_offset: int, end_offset: int) -> Span:
    """Span(line, column, end_line, end_column, start_offset, end_offset), built fast (see above)."""
    span = _SpanSlots()
    span.line = line
    span.column = column
    span.end_line = end_line
    span.end_column = end_column
    span.start_offset = start_offset
    span.end_offset = end_offset
    span.__class__ = Span
    return span


def new_finding(rule: str, category: str, severity: str, message: str, span: Span, match: str,
                suggestions: tuple[str, ...], fix: Optional[Fix], link: str, related: tuple[Span, ...]) -> Finding:
    """Finding(...) with every field given, in order, built fast (see above)."""
    finding = _FindingSlots()
    finding.rule = rule
    finding.category = category
    finding.severity = severity
    finding.message = message
    finding.span = span
    finding.match = match
    finding.suggestions = suggestions
    finding.fix = fix
    finding.link = link
    finding.related = related
    finding.__class__ = Finding
    return finding


@dataclass(frozen=True)
class FileResult:
    """What linting one file gave: its findings, and the problems met reading it."""

    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[str, ...] = ()  # problems reading this file; it was not (fully) linted
    source: Optional[str] = field(default=None, compare=False)
