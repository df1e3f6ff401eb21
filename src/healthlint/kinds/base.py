"""What every rule kind shares: option specs, term compilation and the Check base.

A kind is a module with `OPTIONS` (the keys it adds to a rule file),
`MESSAGE_FIELDS` (the names its message template may use) and
`compile(rule) -> Check`. A Check hands the engine the regexes it wants found
(`patterns`); the engine scans each block once for the patterns of every rule
together and gives each Check the hits of its own patterns.
"""
from __future__ import annotations

import contextvars

from dataclasses import dataclass
from typing import Any, Callable, Iterable, NamedTuple

import regex

from .. import pattern_cache
from ..model import Block, Document, Edit, Finding, Fix, Rule, Span, new_finding


class OptionError(ValueError):
    """A bad option value; `key` names the nested key when there is one."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Option:
    """An option a rule kind takes: how its value is checked, its default, and its help."""

    check: Callable[[Any], Any]  # returns the cleaned value or raises OptionError
    default: Any = None
    required: bool = False
    help: str = ""


# ---- value checks -------------------------------------------------------------


def string(value):
    if not isinstance(value, str) or not value.strip():
        raise OptionError("must be a non-empty string")
    return value


def boolean(value):
    if not isinstance(value, bool):
        raise OptionError("must be true or false")
    return value


def integer(value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionError("must be a whole number")
    return value


def number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise OptionError("must be a number")
    return float(value)


def string_list(value):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise OptionError("must be a list of non-empty strings")
    return tuple(value)


def regex_list(value):
    patterns = string_list(value)
    for pattern in patterns:
        check_regex(pattern)
    return patterns


# Set while loading a rule file that this very code already validated in the
# same content (see ruleset.load_rule_file): its regexes are known to compile,
# so they are compiled when first used instead of all at start-up.
TRUSTED_PATTERNS: contextvars.ContextVar[bool] = contextvars.ContextVar("trusted_patterns", default=False)


def check_regex(pattern: str) -> str:
    if TRUSTED_PATTERNS.get():
        return pattern
    try:
        compiled = regex.compile(pattern, regex.IGNORECASE)
    except regex.error as error:
        raise OptionError(f"the regex {pattern!r} does not compile: {error}") from None
    if compiled.match(""):
        raise OptionError(f"the regex {pattern!r} matches empty text; it would match everywhere")
    return pattern


def string_map(value):
    if not isinstance(value, dict) or not value:
        raise OptionError("must be a mapping of strings to strings")
    for key, item in value.items():
        if not isinstance(item, str):
            raise OptionError("must map each term to a string", key=str(key))
    return tuple((str(key), item) for key, item in value.items())


def one_of(*choices: str):
    def check(value):
        if value not in choices:
            raise OptionError(f"must be one of {', '.join(choices)}")
        return value

    return check


def time_limit(length: int) -> float:
    """Seconds any one regex operation may take on a text of `length` characters: far more than
    any sane pattern needs (they run at megabytes per second), far less than a hang."""
    return 1.0 + length / 100_000


class TimedPattern:
    """A rule's own regex (exceptions, unless, when) with a time limit on every search.

    A pattern that backtracks without end raises TimeoutError, which the engine
    reports with the rule's id and file, leaving the rule out for that document,
    instead of hanging the run.
    """

    __slots__ = ("source", "flags", "_compiled")

    def __init__(self, source, flags: int = 0) -> None:
        # A compiled pattern, or its source and flags: then it is compiled at
        # its first use, since most documents never reach most rules' unless,
        # when and exceptions.
        if isinstance(source, str):
            self.source, self.flags, self._compiled = source, flags, None
        else:
            self.source, self.flags, self._compiled = source.pattern, source.flags, source

    @property
    def compiled(self):
        if self._compiled is None:
            self._compiled = pattern_cache.compile(self.source, self.flags)
        return self._compiled

    @property
    def pattern(self) -> str:
        return self.source

    # The `regex` module's arguments are passed by position, in the order its own module-level
    # functions pass them ([overlapped,] concurrent, partial, timeout): it looks keywords up by
    # name in every call, which costs more than many of these searches.

    def search(self, text: str, pos: int = 0, endpos: int | None = None):
        return self.compiled.search(text, pos, endpos, None, False, time_limit(len(text)))

    def match(self, text: str, pos: int = 0, endpos: int | None = None):
        return self.compiled.match(text, pos, endpos, None, False, time_limit(len(text)))

    def fullmatch(self, text: str, pos: int = 0, endpos: int | None = None):
        return self.compiled.fullmatch(text, pos, endpos, None, False, time_limit(len(text)))

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None, overlapped: bool = False):
        return self.compiled.finditer(text, pos, endpos, overlapped, None, False, time_limit(len(text)))


class Terms(NamedTuple):
    """Phrases and regexes that a rule looks for, as one list of regexes."""

    patterns: tuple[str, ...]

    def compiled(self, case_sensitive: bool = False) -> TimedPattern | None:
        if not self.patterns:
            return None
        return TimedPattern("|".join(f"(?:{p})" for p in self.patterns), _flags(case_sensitive))

    def each_compiled(self, case_sensitive: bool = False) -> tuple[TimedPattern, ...]:
        """Regexes that match somewhere in a stretch of text where `compiled()` does: one per term,
        or `compiled()` alone when a term reads another's groups or sets a flag for all of them.

        For a check that only asks whether the terms occur near a hit (`unless`, `when`): each
        term alone is searched faster than their alternation (one term with no literal to look for
        slows the alternation down at every position), the search stops at the first term found,
        and the context prefilter rules each term out on its own.
        """
        if len(self.patterns) > 1 and not any(_READS_OTHER_TERMS.search(p) for p in self.patterns):
            return tuple(TimedPattern(p, _flags(case_sensitive)) for p in self.patterns)
        compiled = self.compiled(case_sensitive)
        return (compiled,) if compiled else ()


# What makes a term mean something else once out of the alternation: a reference to a
# group by number or name (numbers count across the terms), a recursion, a conditional,
# or a flag group that applies to the whole pattern ("(?i)", "(?V1)"). Found anywhere, even
# where it means something else ("\\1"): a false alarm only costs speed.
_READS_OTHER_TERMS = pattern_cache.compile(r"\\[1-9]|\\g|\(\?P[=>]|\(\?&|\(\?\(|\(\?[-+\w]+\)")


def terms(value):
    """A mapping with `phrases` (literal) and/or `patterns` (regex) lists."""
    if not isinstance(value, dict):
        raise OptionError("must be a mapping with 'phrases' and/or 'patterns'")
    unknown = set(value) - {"phrases", "patterns"}
    if unknown:
        raise OptionError("unknown key", key=sorted(unknown)[0])
    phrases = string_list(value.get("phrases", []))
    patterns = regex_list(value.get("patterns", []))
    if not phrases and not patterns:
        raise OptionError("needs at least one phrase or pattern")
    return Terms(tuple(phrase_regex(p) for p in phrases) + patterns)


# Compiled once: regex.match(pattern_text, ...) looks the pattern up in the
# module's cache on every call, and a pack has hundreds of phrases.
_WORD_CHAR = pattern_cache.compile(r"\w")


def phrase_regex(phrase: str) -> str:
    """A literal phrase as a regex: word-bounded, any run of spaces between words,
    straight and curly apostrophes alike, hyphen or space alike."""
    words = phrase.strip().split()
    body = r"\s+".join([word.translate(_PHRASE_CHARS) for word in words])
    start = r"\b" if _WORD_CHAR.match(words[0]) else ""
    end = r"\b" if _WORD_CHAR.match(words[-1][-1]) else ""
    return f"{start}{body}{end}"


class _PhraseChars(dict):
    """Each character of a phrase as a regex, for str.translate: a pack's start-up
    translates thousands of characters, and each is worked out once."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in "'’":
            written = "['’]"
        elif char == "-":
            written = r"[-\s]?"
        else:
            written = regex.escape(char)
        self[code] = written
        return written


_PHRASE_CHARS = _PhraseChars()


def _flags(case_sensitive: bool) -> int:
    return 0 if case_sensitive else regex.IGNORECASE


# ---- hits and checks ----------------------------------------------------------


class ContextPrefilter:
    """Where the checks' context patterns (Check.context_patterns) may match.

    Given by a scanner that can tell this cheaply (Hyperscan's), on each hit
    (Hit.prefilter), so that a check need not search near a hit for an
    exception, `unless` or `when` that cannot occur there: most do not occur
    in most blocks, nor in most sentences of the blocks where they do. The
    answer may be a false "yes", never a false "no" (see
    scanning._context_expression). A pattern it was not told about may match
    anywhere.
    """

    __slots__ = ("_pattern_ids", "_candidates", "_found", "_found_in_stretch", "_ids_of_terms")

    def __init__(self, pattern_ids: dict[int, int], candidates: Callable[[str], set[int]],
                 ids_of_terms: dict | None = None) -> None:
        self._pattern_ids = pattern_ids  # id() of a context pattern -> its id
        self._candidates = candidates  # a text -> the ids of the patterns that may match in it
        # A tuple of patterns (a check's unless, when, or one pattern) -> the ids of them all, or
        # None when one of them has none (see _ids_of). Given by the scanner, which keeps it across
        # documents: a check asks about the same patterns in document after document.
        self._ids_of_terms = {} if ids_of_terms is None else ids_of_terms
        # id() of a block -> (the block, kept so that its id is not reused; its candidates)
        self._found: dict[int, tuple[Block, set[int]]] = {}
        # (id() of a block, start, end) -> the candidates of that stretch of its text
        self._found_in_stretch: dict[tuple[int, int, int], set[int]] = {}

    # may_match and possible are asked for nearly every hit of a rule that has exceptions, unless
    # or when, and the block alone most often answers "no": they look it up in place, where
    # calling look_at, _ids_of and _may_match_in cost more than the answer.

    def may_match(self, pattern, block: Block, start: int = 0, end: int | None = None) -> bool:
        """Whether a search for the pattern from `start` to `end` of the block's text may find it."""
        pattern_id = self._pattern_ids.get(id(pattern))
        if pattern_id is None:
            return True  # not told about it: it may match anywhere
        found = self._found.get(id(block))
        if pattern_id not in (self.look_at(block) if found is None else found[1]):
            return False
        return start == 0 and (end is None or end == len(block.text)) or \
            pattern_id in self._look_at_stretch(block, start, end)

    def possible(self, patterns: tuple, block: Block, start: int = 0, end: int | None = None) -> list:
        """The patterns that a search from `start` to `end` of the block's text may find:
        `may_match` for each, with the block and the stretch looked up once."""
        all_ids = self._ids_of_terms.get(patterns, _NOT_KNOWN)
        if all_ids is _NOT_KNOWN:
            all_ids = self._ids_of(patterns)
        found = self._found.get(id(block))
        kept = self._may_match_in(patterns, all_ids, self.look_at(block) if found is None else found[1])
        if not kept or start == 0 and (end is None or end == len(block.text)):
            return kept
        return self._may_match_in(kept, all_ids, self._look_at_stretch(block, start, end))

    def _may_match_in(self, patterns, all_ids: frozenset[int] | None, known: set[int]) -> list:
        """The patterns that may match where the candidates are `known`; `all_ids` holds
        (at least) their ids, or is None when one of them has none."""
        # Most often none of them may match (most blocks and sentences hold no exception, unless
        # or when of a rule that has a hit there): told by one set operation, not pattern by pattern.
        if all_ids is not None and all_ids.isdisjoint(known):
            return []
        pattern_ids = self._pattern_ids
        return [pattern for pattern in patterns
                if (pattern_id := pattern_ids.get(id(pattern))) is None or pattern_id in known]

    def _ids_of(self, patterns: tuple) -> frozenset[int] | None:
        """The ids of the patterns, or None when one has none (it may match anywhere)."""
        try:
            return self._ids_of_terms[patterns]
        except KeyError:
            pass
        ids = [self._pattern_ids.get(id(pattern)) for pattern in patterns]
        all_ids = None if None in ids else frozenset(ids)
        # Keyed by the tuple, which keeps its patterns alive, so that their id()s are not reused;
        # bounded, as the scanner keeps it across documents.
        if len(self._ids_of_terms) < _TERMS_KEPT:
            self._ids_of_terms[patterns] = all_ids
        return all_ids

    def _look_at_stretch(self, block: Block, start: int, end: int | None) -> set[int]:
        # The sentences of one block are asked about by rule after rule: each is scanned once.
        key = (id(block), start, end)
        found = self._found_in_stretch.get(key)
        if found is None:
            found = self._found_in_stretch[key] = self._candidates(block.text[start:end])
        return found

    def look_at(self, block: Block) -> set[int]:
        """The ids of the patterns that may match in the block."""
        known = self._found.get(id(block))
        if known is None:
            known = self._found[id(block)] = (block, self._candidates(block.text))
        return known[1]


_TERMS_KEPT = 10_000
_NOT_KNOWN = object()  # possible(): patterns whose ids are not worked out yet (None is an answer)


class Hit(NamedTuple):
    pattern: int  # index into the Check's patterns
    block: Block
    start: int  # offsets into block.text
    end: int
    prefilter: ContextPrefilter | None = None  # None: every context pattern may match anywhere


class Check:
    """A compiled rule. Subclasses set `patterns` and implement `check`."""

    patterns: tuple[str, ...] = ()
    case_sensitive: bool = False
    # Overlapping hits of one rule are one finding (the earliest, longest);
    # a kind that weighs every hit on its own turns this off.
    merge_overlaps: bool = True
    # Indexes of patterns whose hits the check often turns out not to need
    # (a `require` rule's triggers, where the required statement is found).
    # A scanner that can tell which blocks may hold a pattern (Hyperscan's)
    # hands the check one unconfirmed Hit per such block instead, with start
    # and end -1, and the check runs the pattern itself, through `confirmed`,
    # only if it needs the hits after all.
    lazy_patterns: frozenset[int] = frozenset()
    # The rule's own regexes (TimedPattern) that the check searches near its
    # hits: exceptions, `unless`, `when`. A scanner that can tell in which
    # blocks they may match says so on each hit (Hit.prefilter).
    context_patterns: tuple[TimedPattern, ...] = ()
    # A check that reports only at its hits: the engine does not call it on a
    # document where its patterns found nothing (most checks, on most documents).
    reports_at_hits_only: bool = False

    def __init__(self, rule: Rule):
        self.rule = rule
        # Read once here: `accepts` asks for them on every hit.
        self.skip_quoted = rule.option("skip_quoted", True)
        self.skip_negated = rule.option("skip_negated", True)
        # match -> the message and the suggestions it gives (see `finding`); bounded
        # (_TEXTS_KEPT), as it lives as long as the check, across files.
        self._texts_by_match: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._link = rule.link  # a property of the rule, asked for every finding

    def check(self, document: Document, hits: list[Hit]) -> Iterable[Finding]:
        raise NotImplementedError

    def confirmed(self, hits: list[Hit]) -> list[Hit]:
        """The hits with each unconfirmed one replaced by the matches it stands for,
        found as the scanner finds them (overlapping, empty ones left out)."""
        if all(hit.start >= 0 for hit in hits):
            return hits
        kept: list[Hit] = []
        for hit in hits:
            if hit.start >= 0:
                kept.append(hit)
                continue
            text = hit.block.text
            compiled = self._lazy_compiled(hit.pattern)
            for found in compiled.finditer(text, overlapped=True, timeout=time_limit(len(text))):
                if found.end() > found.start():
                    kept.append(Hit(hit.pattern, hit.block, found.start(), found.end()))
        return kept

    def any_confirmed(self, hits: list[Hit]) -> bool:
        """Whether any of the hits is, or stands for, a match: `bool(confirmed(hits))`,
        stopping at the first."""
        for hit in hits:
            if hit.start >= 0:
                return True
            text = hit.block.text
            for found in self._lazy_compiled(hit.pattern).finditer(text, overlapped=True,
                                                                   timeout=time_limit(len(text))):
                if found.end() > found.start():
                    return True
        return False

    def _lazy_compiled(self, index: int):
        cache = self.__dict__.setdefault("_lazy_patterns_compiled", {})
        if index not in cache:
            cache[index] = pattern_cache.compile(self.patterns[index], _flags(self.case_sensitive))
        return cache[index]

    # Helpers for subclasses.

    def finding(
        self,
        span: Span,
        match: str,
        fields: dict | None = None,
        replacement: str | None = None,
        related: tuple[Span, ...] = (),
        severity: str | None = None,
    ) -> Finding:
        rule = self.rule
        if fields:
            message, suggestions = self._texts({"match": match, **fields})
        else:
            # A rule's findings repeat a few matches ("studies show"): each one's texts are formatted once.
            known = self._texts_by_match.get(match)
            if known is None:
                known = self._texts({"match": match})
                if len(self._texts_by_match) < _TEXTS_KEPT:
                    self._texts_by_match[match] = known
            message, suggestions = known
        fix = None
        if replacement is not None and rule.fix_applicability:
            fix = Fix(rule.fix_applicability, (Edit(span, replacement),))
            suggestions = (f"Replace with “{replacement}”." if replacement else "Remove it.", *suggestions)
        return new_finding(rule.id, rule.category, severity or rule.severity, message, span, match, suggestions, fix,
                           self._link, related)

    def _texts(self, values: dict) -> tuple[str, tuple[str, ...]]:
        """The message and the suggestions of a finding without a fix (the rule's advice, if it
        has one), filled in with `values`."""
        rule = self.rule
        advice = (rule.fix_suggestion.format_map(_Fields(values)),) if rule.fix_suggestion else ()
        return rule.message.format_map(_Fields(values)), advice


_TEXTS_KEPT = 1_000


class _Fields(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def keep_case(original: str, replacement: str) -> str:
    """Give `replacement` the capitalisation of `original` (UPPER, Title or lower)."""
    if not replacement:
        return replacement
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement
