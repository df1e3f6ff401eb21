"""Finding every rule's patterns in a document in one pass per block.

Two scanners give the same hits:

- HyperscanScanner (when the `hyperscan` package is installed, as it is on
  x86-64 Linux, macOS and Windows): all patterns go into one Hyperscan
  database compiled in prefilter mode, which reports, for each block, which
  patterns *may* match there, at tens of MB/s. Only those patterns are then
  run, with the `regex` module, on only those blocks: the `regex` module stays
  the one judge of what matches, Hyperscan only rules text out. A check's
  `lazy_patterns` are not run at all: the check gets one unconfirmed hit per
  block that may hold them, and runs them itself if it needs their hits. The
  checks' `context_patterns` (a rule's exceptions, `unless`, `when`) go into
  a second database, which tells which of them may match in a block, and
  then in the stretch (sentence, say) a check is about to search: a check
  searches near its hits only for those (Hit.prefilter). It scans only the
  blocks where checks that have context patterns may have hits (most blocks
  have none), one after the other once the document's own scan is done (the
  two databases do not fit in the processor's caches together: scanning
  block by block with both cost four times as much), and any other block
  when a check first asks about it.
- RegexGateScanner everywhere else.

Both give each regex operation a time limit that grows with the text; a
pattern that runs out of time is reported and its rule left out for that
document.
"""
from __future__ import annotations

import codecs
import hashlib
import os
from collections import defaultdict
from functools import partial

import regex

from . import pattern_cache
from .cache import cache_home, code_fingerprint, write_quietly
from .kinds.base import ContextPrefilter, Hit, time_limit
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
        gate = self.gate
        for block in document.blocks:
            block_hits = None
            if gate is not None:
                try:
                    block_hits = self._scan_block(block, gate, timed_out)
                except TimeoutError:
                    # The alternation ran out of time. That makes no one pattern slow (an
                    # alternation loses the shortcuts each pattern has alone, such as a
                    # required literal), so from here on each pattern runs alone, under
                    # its own limit, and only those still too slow are left out.
                    gate = None
            if block_hits is None:
                block_hits = self._scan_each(block, timed_out)
            for check_index, hit in block_hits:
                hits[check_index].append(hit)
        return hits, timed_out

    def _scan_block(self, block, gate, skipped: set[int]) -> list[tuple[int, Hit]]:
        entries, buckets, anywhere = self.entries, self.buckets, self.anywhere
        text = block.text
        limit = time_limit(len(text))
        found_hits = []
        for candidate in gate.finditer(text, overlapped=True, timeout=limit):
            position = candidate.start()
            for entry_index in (*buckets.get(text[position].lower(), ()), *anywhere):
                check_index, pattern_index, compiled = entries[entry_index]
                if check_index in skipped:
                    continue
                found = compiled.match(text, position, timeout=limit)
                if found and found.end() > position:
                    found_hits.append((check_index, Hit(pattern_index, block, position, found.end())))
        return found_hits

    def _scan_each(self, block, timed_out: set[int]) -> list[tuple[int, Hit]]:
        """The hits _scan_block finds, one pattern at a time; a check whose pattern
        runs out of time joins `timed_out`."""
        text = block.text
        limit = time_limit(len(text))
        found_hits = []
        for check_index, pattern_index, compiled in self.entries:
            if check_index in timed_out:
                continue
            try:
                spans = [found.span() for found in compiled.finditer(text, overlapped=True, timeout=limit)]
            except TimeoutError:
                timed_out.add(check_index)
                continue
            found_hits.extend((check_index, Hit(pattern_index, block, start, end))
                              for start, end in spans if end > start)
        found_hits.sort(key=lambda item: item[1].start)  # in text order, as the gate finds them
        return found_hits


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
    """Hyperscan rules blocks out; patterns it cannot read are run on every block.

    A user's pattern may use syntax of the `regex` module that Hyperscan does
    not have (fuzzy matching, \\m, \\N{...}, set operations...) or reads another
    way, or may be too big for it: such a pattern never goes into the
    database, where it would stop the run or, worse, hide real matches; it is
    run with the `regex` module on every block, as the portable scanner would.
    """

    def __init__(self, ruleset: RuleSet):
        import hyperscan

        # (check index, pattern index, pattern, flags); each compiled by the
        # `regex` module only when Hyperscan first says it may match: one file
        # needs a few dozen of the pack's patterns, and compiling all of them
        # would be most of its run.
        self.entries = [
            (check_index, pattern_index, pattern, 0 if check.case_sensitive else regex.IGNORECASE)
            for check_index, check in enumerate(ruleset.checks)
            for pattern_index, pattern in enumerate(check.patterns)
        ]
        self._compiled: list = [None] * len(self.entries)

        def expressions():
            return {
                index: (_ascii_pattern(pattern), bool(flags & regex.IGNORECASE))
                for index, (_, _, pattern, flags) in enumerate(self.entries)
                if not _beyond_hyperscan(pattern)
            }

        written = [(pattern, flags) for _, _, pattern, flags in self.entries]
        self.database, accepted = _hyperscan_database(hyperscan, "rules", written, expressions)
        self.everywhere = [index for index in range(len(self.entries)) if index not in accepted]
        context_patterns = [pattern for check in ruleset.checks for pattern in check.context_patterns]

        def context_expressions():
            found = {}
            for index, pattern in enumerate(context_patterns):
                expression = _context_expression(pattern)
                if expression is not None:
                    found[index] = expression
            return found

        written = [(pattern.pattern, pattern.flags) for pattern in context_patterns]
        # Rules often repeat a context pattern but for its assertions, which the expressions leave out
        # (the pack's 139 make 77 expressions): each expression is scanned for once.
        self.context_database, accepted = _hyperscan_database(hyperscan, "context", written, context_expressions,
                                                              share_identical=True)
        # id() of each context pattern Hyperscan took -> the id its expression is reported by
        # (the checks keep the patterns alive).
        self.context_ids = {id(pattern): accepted[index] for index, pattern in enumerate(context_patterns)
                            if index in accepted}
        self.context_scratch = hyperscan.Scratch(self.context_database) if self.context_database else None
        self.context_ids_of_terms: dict = {}  # ContextPrefilter's, kept across documents
        # The entries of the checks that have context patterns: the blocks that may
        # hold one are scanned for context together, after the document's own scan.
        self.context_entries = {index for index, (check_index, _, _, _) in enumerate(self.entries)
                                if ruleset.checks[check_index].context_patterns}
        # Patterns the check confirms itself when it needs them (Check.lazy_patterns).
        self.lazy = {index for index, (check_index, pattern_index, _, _) in enumerate(self.entries)
                     if pattern_index in getattr(ruleset.checks[check_index], "lazy_patterns", ())}
        self.scratch = hyperscan.Scratch(self.database) if self.database is not None else None

    def scan(self, document: Document, check_count: int) -> tuple[list[list[Hit]], set[int]]:
        hits: list[list[Hit]] = [[] for _ in range(check_count)]
        timed_out: set[int] = set()
        if not self.entries:
            return hits, timed_out
        candidates: list[int] = []
        entries, compiled_entries, lazy, everywhere = self.entries, self._compiled, self.lazy, self.everywhere
        prefilter = (ContextPrefilter(self.context_ids, self._context_candidates, self.context_ids_of_terms)
                     if self.context_ids else None)
        context_blocks = []

        def on_match(pattern_id, start, end, flags, context):
            candidates.append(pattern_id)

        for block in document.blocks:
            text = block.text
            candidates.clear()
            if self.database is not None:
                # Positional arguments (data, handler, flags, context, scratch): the binding looks
                # each keyword up by name in every call, which cost about as much as a short block's scan.
                self.database.scan(_ascii_bytes(text), on_match, 0, None, self.scratch)
            if not candidates and not everywhere:
                continue
            if prefilter is not None and not self.context_entries.isdisjoint(candidates):
                context_blocks.append(block)
            # Each pattern is reported at most once per block (HS_FLAG_SINGLEMATCH): sorting is
            # enough to run them in the order of the checks and their patterns.
            if everywhere:
                to_run = sorted(set(candidates).union(everywhere))
            else:
                to_run = candidates
                to_run.sort()
            limit = time_limit(len(text))
            for entry_index in to_run:
                check_index, pattern_index, pattern, flags = entries[entry_index]
                if check_index in timed_out:
                    continue
                check_hits = hits[check_index]
                if entry_index in lazy:
                    check_hits.append(_new_hit((pattern_index, block, -1, -1, prefilter)))
                    continue
                compiled = compiled_entries[entry_index]
                if compiled is None:
                    compiled = compiled_entries[entry_index] = pattern_cache.compile(pattern, flags)
                try:
                    # finditer(text, overlapped=True, timeout=limit), with the arguments in the order
                    # the `regex` module's own finditer() passes them (string, pos, endpos, overlapped,
                    # concurrent, partial, timeout): parsing keywords cost more than many confirmations.
                    for found in compiled.finditer(text, None, None, True, None, False, limit):
                        start, end = found.span()
                        if end > start:
                            check_hits.append(_new_hit((pattern_index, block, start, end, prefilter)))
                except TimeoutError:
                    timed_out.add(check_index)
        for block in context_blocks:
            prefilter.look_at(block)
        return hits, timed_out

    def _context_candidates(self, text: str) -> set[int]:
        """The ids of the context patterns that may match in the text (a block's, or a stretch of it)."""
        found: set[int] = set()

        def on_match(pattern_id, start, end, flags, context):
            found.add(pattern_id)

        self.context_database.scan(_ascii_bytes(text), on_match, 0, None, self.context_scratch)  # see scan()
        return found


# A Hit from its fields as one tuple, without the Python-level __new__ a NamedTuple
# call runs: the scan builds one per match.
_new_hit = partial(tuple.__new__, Hit)


# Syntax of the `regex` module that Hyperscan lacks or reads otherwise: \m \M
# \L<...> \N{...} \X \G \R, braces that are not a plain repeat (fuzzy
# matching: "{e<=1}"), branch reset "(?|", and flag groups other than i, m, s
# and x ("(?V1)", "(?r)", "(?f)", "(?w)", recursion "(?R)"), and negated sets
# that the text's mapping to ASCII would not keep a superset. Found anywhere,
# even where they mean something else ("\{json\}"): a false alarm only costs speed.
_BEYOND_HYPERSCAN = pattern_cache.compile(
    r"\\[mMLNXGR]|\{(?![\d,\s]*\})[^{}]*\}|\(\?\||\(\?(?=[-a-zA-Z0-9]+[:)])(?![-imsx]+[:)])"
    # A negated set that holds a letter or a digit, or \w \d \p \P (see _AsciiMap).
    r"|\[\^(?:\\[^wdpP]|[^\]\\A-Za-z0-9])*(?:[A-Za-z0-9]|\\[wdpP])"
)


def _beyond_hyperscan(pattern: str) -> bool:
    return bool(_BEYOND_HYPERSCAN.search(pattern))


# Hyperscan reads bytes; block text is mapped to ASCII one character for one
# byte, so that byte offsets stay character offsets, and so that whatever the
# `regex` module matches, Hyperscan matches in the mapped text: white space
# becomes a space; a word character (as the `regex` module's \w has it) a
# digit "0" if it is a decimal digit, the ASCII letter it matches ignoring case
# if there is one ("ſ" is "s", the Kelvin sign "k"), else "x"; anything else
# DEL (neither word nor space). Patterns get the same mapping for their
# literal characters. The one place where this is not a superset is a
# negated set that holds a letter or digit ("[^a-z]" takes "é", not the "x"
# it becomes): such patterns are left to the `regex` module (_BEYOND_HYPERSCAN).
# (Curly quotes, dashes and the ellipsis were once mapped to their ASCII
# look-alikes: "[^.!?;]" then missed the "…" that the `regex` module passes.)
_WORD_CHARACTER = pattern_cache.compile(r"\w")
_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class _AsciiMap(dict):
    def __missing__(self, code: int) -> int:
        char = chr(code)
        if char.isspace():
            mapped = " "
        elif _WORD_CHARACTER.match(char):
            mapped = "0" if char.isdecimal() else _ascii_fold(char)
        else:
            mapped = "\x7f"
        self[code] = ord(mapped)
        return self[code]


def _ascii_fold(char: str) -> str:
    for letter in _ASCII_LETTERS:
        if regex.fullmatch(letter, char, regex.IGNORECASE):
            return letter
    return "x"


_ASCII_MAP = _AsciiMap({code: code for code in range(128)})


def _ascii_replacement(error: UnicodeEncodeError) -> tuple[str, int]:
    """The mapping of a run of non-ASCII characters, for str.encode: a text is mostly ASCII, which
    encode copies as it is, where str.translate would look each character up in _ASCII_MAP."""
    return error.object[error.start : error.end].translate(_ASCII_MAP), error.end


codecs.register_error("healthlint.ascii", _ascii_replacement)


def _ascii_bytes(text: str) -> bytes:
    return text.encode("ascii", "healthlint.ascii")


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
        if mapped.isalnum():
            # A letter or digit stands for itself; a backslash before it would
            # make another thing of it ("\\s", "\\0"): drop one that escaped the original.
            if escaped:
                out.pop()
            out.append(mapped)
        else:
            out.append(mapped if escaped else "\\" + mapped)  # DEL or a space, escaped once
        escaped = False
    return "".join(out)


def _context_expression(pattern) -> tuple[str, bool] | None:
    """A context pattern (TimedPattern) as a Hyperscan expression and whether it is caseless,
    or None when this cannot make one that never misses.

    A check searches a stretch of a block, and the `regex` module reads the
    end of that stretch as the end of the text: `\\bpill\\b` matches in "pill|s"
    when the stretch ends at "|". The expression is scanned on the whole block
    or on the stretch alone, so it leaves out the assertions that may look
    outside a match (\\b, \\B, $, \\Z, \\z, lookarounds): without them it matches
    wherever the pattern matches, in any stretch. Leaving out an assertion
    only widens a pattern, as long as nothing can fail on its account: so the
    lookarounds go whole, and a pattern with atomic groups or possessive
    repeats is not read. (The anchors that remain, ^ and \\A, match at least as
    often in a stretch alone.)
    """
    source, flags = pattern.pattern, pattern.flags
    if flags & ~(regex.IGNORECASE | regex.UNICODE | regex.VERSION0):
        return None
    source = _context_source(source)
    if source is None or _beyond_hyperscan(source):
        return None
    return _ascii_pattern(source), bool(flags & regex.IGNORECASE)


_DROPPED_ESCAPES = ("b", "B", "Z", "z")  # the assertions on what follows
_QUANTIFIERS = ("*", "+", "?", "{")


# Compiled once: the translation below runs over every context pattern of the
# pack in each run (it names the cached database).
_VERBOSE_OR_POSSESSIVE = pattern_cache.compile(r"\(\?[a-zA-Z-]*x|[*+?}]\+")
_UNICODE_ESCAPE = pattern_cache.compile(r"\\u[0-9a-fA-F]{4}")


def _context_source(pattern: str) -> str | None:
    """The pattern without the assertions that may look at what follows, with \\p{L}
    and \\uXXXX in terms Hyperscan reads (as _ascii_bytes maps text); None where
    this reading does not follow the pattern (a conditional, verbose mode, an
    atomic group or possessive repeat, a nested set, \\p{L} in a negated set,
    \\uXXXX in a set, a repeated lookaround)."""
    if "(?(" in pattern or "(?>" in pattern or _VERBOSE_OR_POSSESSIVE.search(pattern):
        return None
    out = []
    position, set_start = 0, None  # set_start: where the set being read starts, if any
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            pair = pattern[position : position + 2]
            if pattern.startswith(r"\p{L}", position):
                if set_start is not None and pattern[set_start + 1 : set_start + 2] == "^":
                    return None  # "not a letter" would lose what the mapping makes "x"
                # Every letter is an ASCII letter or "x" once mapped.
                out.append("A-Za-z" if set_start is not None else "[A-Za-z]")
                position += 5
            elif _UNICODE_ESCAPE.match(pattern, position):
                if set_start is not None:
                    return None  # a range's characters need not map to a range
                out.append(f"\\x{_ASCII_MAP[int(pattern[position + 2 : position + 6], 16)]:02x}")
                position += 6
            else:
                if set_start is not None or pair[1:] not in _DROPPED_ESCAPES:
                    out.append(pair)
                position += 2
            continue
        if set_start is not None:
            if char == "[":
                return None
            if char == "]":
                set_start = None
        elif char == "[":
            set_start = position
            # A "]" first in the set (after any "^") is a literal.
            skip = 2 if pattern[position + 1 : position + 2] == "^" else 1
            if pattern[position + skip : position + skip + 1] == "]":
                out.append(pattern[position : position + skip + 1])
                position += skip + 1
                continue
        elif char == "$":
            position += 1
            continue
        elif pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), position):
            position = _group_end(pattern, position)
            if position is None or pattern[position : position + 1] in _QUANTIFIERS:
                return None
            continue
        out.append(char)
        position += 1
    return "".join(out) if set_start is None else None


def _group_end(pattern: str, start: int) -> int | None:
    """The position after the group that opens at `start`, or None if it does not close."""
    depth, position, in_set = 0, start, False
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position += 2
            continue
        if in_set:
            in_set = char != "]"
        elif char == "[":
            in_set = True
            if pattern[position + 1 : position + 2] == "^":
                position += 1
            if pattern[position + 1 : position + 2] == "]":
                position += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return None


def _hyperscan_database(hyperscan, name: str, written: list, make_expressions, share_identical: bool = False):
    """One prefilter database for the patterns Hyperscan accepts, and for each of them
    the id Hyperscan reports it by: its own, or with `share_identical`, that of the first
    pattern with the same expression, which the database then holds once.

    The database is kept on disk (compiling takes a second), named by the
    patterns as the rules write them and by this code's fingerprint, so that a
    run that finds it translates no pattern (`make_expressions` gives the
    translations, {id: (expression, caseless)}, and is called only when the file
    is missing: translating the pack took ~15 ms of a one-file run). When
    Hyperscan refuses a pattern (a construct it lacks, a bounded repeat too
    large), each pattern is tried alone and the refused ones are left out.
    """
    if not written:
        return None, {}
    key = hashlib.sha256(repr((getattr(hyperscan, "__version__", ""), code_fingerprint(), name, written)).encode())
    cache_file = os.path.join(cache_home(), f"hyperscan-{key.hexdigest()[:32]}.db")
    try:
        with open(cache_file + ".ids", encoding="ascii") as handle:
            # "index" or "index:reported id"
            reported_as = {int(index): int(reported or index)
                           for index, _, reported in (item.partition(":") for item in handle.read().split())}
        with open(cache_file, "rb") as handle:
            return hyperscan.loadb(handle.read(), hyperscan.HS_MODE_BLOCK), reported_as
    except (OSError, ValueError, hyperscan.error):
        pass
    expressions = make_expressions()
    if not expressions:
        return None, {}
    first_with: dict = {}
    reported_as = {index: first_with.setdefault(expression, index) if share_identical else index
                   for index, expression in expressions.items()}
    expressions = {index: expression for index, expression in expressions.items() if reported_as[index] == index}
    try:
        database = _compile(hyperscan, expressions)
        accepted = set(expressions)
    except hyperscan.error:
        accepted = set()
        for index, expression in expressions.items():
            try:
                _compile(hyperscan, {index: expression})
                accepted.add(index)
            except hyperscan.error:
                pass
        if not accepted:
            return None, {}
        database = _compile(hyperscan, {index: expressions[index] for index in accepted})
    reported_as = {index: reported for index, reported in reported_as.items() if reported in accepted}
    write_quietly(cache_file, hyperscan.dumpb(database))
    write_quietly(cache_file + ".ids", " ".join(str(index) if reported == index else f"{index}:{reported}"
                                                for index, reported in sorted(reported_as.items())).encode("ascii"))
    return database, reported_as


def _compile(hyperscan, expressions: dict[int, tuple[str, bool]]):
    ids = list(expressions)
    flags = [hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH |
             (hyperscan.HS_FLAG_CASELESS if expressions[i][1] else 0) for i in ids]
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[expressions[i][0].encode("ascii") for i in ids], ids=ids, elements=len(ids),
                     flags=flags)
    return database
