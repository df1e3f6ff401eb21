"""`healthlint check`, everything but the option parsing.

One function, `run_check`, takes the options and writes the report (or
returns it) with the exit code. It finds the configuration, loads the rules
once (or not at all when every file is in the result cache), builds one engine
per distinct per-path setting, lints (in parallel when asked, with a result
cache), applies suppressions, the baseline and fixes, and writes the report
file by file as the results come in.
"""
from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field, replace

from typing import TYPE_CHECKING

from .config import Config, ConfigError, RuleSettings, configured_ruleset, find_config, load_config
from .files import decode, discover
from .model import SEVERITY_RANK, FileResult, Finding
from .yamlsafe import YamlError

if TYPE_CHECKING:
    from .engine import Engine
    from .ruleset import RuleSet

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A mistake in how healthlint was called or configured; exit status 2."""


def load_ruleset(folders=()) -> RuleSet:
    # Imported when first needed: a run whose files are all in the result cache
    # never loads a rule (nor imports the engine, the kinds or regex).
    from .ruleset import load_ruleset as load

    return load(folders)


@dataclass(frozen=True)
class CheckOptions:
    """What `healthlint check` was asked to do (its command line, parsed)."""

    paths: tuple[str, ...] = ()
    output_format: str = "text"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None  # None: the configuration's, else warning
    extra_rules: tuple[str, ...] = ()
    stdin_filename: str | None = None
    config: str | None = None
    isolated: bool = False  # ignore configuration files
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    baseline: str | None = None
    write_baseline: str | None = None
    statistics: bool = False
    report_unused_disables: bool = False
    jobs: int = 1
    cache: bool = True
    color: bool = False


@dataclass
class Outcome:
    """What a check prints and the exit status it ends with."""

    stdout: str = ""
    stderr: list[str] = field(default_factory=list)
    exit_code: int = EXIT_CLEAN


class Linter:
    """The rules and configuration of one run; lints a text as a given path."""

    def __init__(self, config: Config, base: RuleSet, cli_settings: RuleSettings):
        self.config = config
        self.base = base
        self.cli_settings = cli_settings
        self._engines: dict[str, Engine] = {}
        self._main_engine: Engine | None = None
        self._main_engine = self.engine_for(None)  # validates the configuration now
        self.main_ruleset = self._main_engine.ruleset

    def engine_for(self, path: str | None) -> Engine:
        if self._main_engine is not None and not (path and self.config.overrides):
            return self._main_engine  # the run's settings, as every file has them when nothing overrides them
        settings = (self.config.settings_for(path) if path else self.config.settings).merged(self.cli_settings)
        key = repr(settings)  # option values may be lists and mappings, which do not hash
        engine = self._engines.get(key)
        if engine is None:
            from .engine import Engine

            engine = Engine(configured_ruleset(self.base, settings, self.config))
            self._engines[key] = engine
        return engine

    def lint_text(self, text: str, path: str, report_unused_disables: bool = False) -> FileResult:
        from .runner import lint_text

        engine = self.engine_for(path)
        result = lint_text(engine, text, path)
        source = result.source or ""
        if "healthlint-" not in source:
            return result  # no directive: no line index to build, nor the module that reads them
        from .suppressions import find_suppressions

        suppressions = find_suppressions(source, _positioner(source))
        if suppressions is None:
            return result
        kept, unused = suppressions.filter(result.findings)
        if report_unused_disables:
            kept = tuple(sorted(kept + tuple(_unused_finding(d, names) for d, names in unused),
                                key=lambda f: f.sort_key))
        return replace(result, findings=kept)


def _positioner(source: str):
    from .documents import line_starts
    from .model import Document

    document = Document("", "text", source, (), line_starts(source))
    return document.position


def _unused_finding(directive, names) -> Finding:
    what = ", ".join(names) if names else "every rule"
    return Finding(
        rule="unused-disable", category="consistency", severity="warning",
        message=f"This healthlint-{directive.action} comment suppresses nothing ({what}); remove it.",
        span=directive.span, match="", suggestions=("Remove the comment.",),
    )


def run_check(options: CheckOptions, stdin: bytes | None = None, write=None) -> Outcome:
    """Run a check. With `write`, the report goes to it piece by piece as the
    files are linted, as it is (the CLI passes `printable_writer(sys.stdout)`);
    without, it is gathered in `Outcome.stdout`."""
    pieces: list[str] = []
    outcome = _run_check(options, stdin, write or pieces.append)
    # A file name that is not valid UTF-8 reaches us with lone surrogates, which
    # a strict UTF-8 terminal or pipe refuses to print: show them as U+FFFD.
    outcome.stdout = _printable("".join(pieces))
    outcome.stderr = [_printable(line) for line in outcome.stderr]
    return outcome


def printable_writer(stream):
    """`stream.write`, with lone surrogates (file names that are not valid UTF-8)
    shown as U+FFFD, as `_printable` shows them. A text stream's own encoder does
    it, through an error handler, for the rare piece that holds one: checking
    every piece beforehand was one more UTF-8 encoding of the whole report, a
    seventh of a run whose results all come from the cache."""
    try:
        stream.reconfigure(errors=_LONE_SURROGATES_REPLACED)
    except (AttributeError, ValueError, OSError):  # not a TextIOWrapper
        return lambda text: stream.write(_printable(text))
    return stream.write


def _printable(text: str) -> str:
    if text.isascii():
        return text  # told without reading it: Python marks a text that is all ASCII
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _replace_lone_surrogates(error: UnicodeError) -> tuple[bytes, int]:
    """For str.encode: a run of escaped bytes (U+DC80-U+DCFF) becomes what
    `_printable` makes of it, encoded (the UTF-8 encoder takes nothing but ASCII
    from a handler as text); any other character the encoding lacks is an
    error, as it is for the strict handler."""
    if isinstance(error, UnicodeEncodeError):
        run = error.object[error.start:error.end]
        if all("\udc80" <= char <= "\udcff" for char in run):
            shown = run.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            try:
                return shown.encode(error.encoding), error.end
            except UnicodeEncodeError:
                pass
    raise error


_LONE_SURROGATES_REPLACED = "healthlint.lone-surrogates-replaced"
codecs.register_error(_LONE_SURROGATES_REPLACED, _replace_lone_surrogates)


def _run_check(options: CheckOptions, stdin: bytes | None, write) -> Outcome:
    outcome = Outcome()

    def failed(error: YamlError) -> Outcome:
        kind = "configuration" if isinstance(error, ConfigError) else "rule"
        outcome.stderr.append(f"healthlint: {kind} error: {error}")
        outcome.exit_code = EXIT_ERROR
        return outcome

    made: list[Linter] = []

    def get_linter() -> Linter:
        if not made:
            base = load_ruleset(config.rule_dirs + tuple(options.extra_rules))
            _check_names(base, options)
            made.append(Linter(config, base, RuleSettings(select=options.select, ignore=options.ignore)))
        return made[0]

    try:
        config = load_config(options.config) if options.config else (
            Config() if options.isolated else load_config(find_config(_config_start(options.paths))))
        linting_files = list(options.paths) != ["-"] and not (options.fix or options.diff)
        cache = _result_cache(config, options) if options.cache and linting_files else None
        # An index of cached results for these very rules, configuration and
        # options exists only if they were loaded and validated before: the
        # rules are loaded when a file is not in the cache, if ever.
        if cache is None or not cache.existed:
            get_linter()
    except YamlError as error:
        return failed(error)
    fail_on = options.fail_on or config.fail_on or "warning"

    problems: list[str] = []
    if list(options.paths) == ["-"]:
        name = options.stdin_filename or "<stdin>"
        source = decode(stdin or b"", name)
        results = []
        if source.text is None:
            problems.extend(source.notices)
        else:
            result = get_linter().lint_text(source.text, name, options.report_unused_disables)
            results.append(replace(result, errors=source.notices + result.errors))
            if options.fix or options.diff:
                outcome.stderr.append("healthlint: --fix and --diff need files, not standard input")
                outcome.exit_code = EXIT_ERROR
                return outcome
    else:
        if "-" in options.paths:
            raise UsageError("'-' (standard input) cannot be mixed with other paths")
        files, problems = discover(list(options.paths) or ["."])
        named = {os.path.normpath(p) for p in options.paths}
        if config.include or config.exclude:
            files = [f for f in files if os.path.normpath(f) in named or config.wants(f)]
        if options.fix or options.diff:
            results, diffs, fix_errors, notes = _fix_files(get_linter(), files, options)
            problems.extend(fix_errors)
            outcome.stderr.extend(notes)
            if options.diff:
                write("".join(diffs))
                outcome.exit_code = EXIT_FINDINGS if diffs else EXIT_CLEAN
                if fix_errors:
                    outcome.stderr.extend(fix_errors)
                    outcome.exit_code = EXIT_ERROR
                return outcome
        else:
            from .parallel import iter_results

            results = iter_results(get_linter, files, options, cache, config)

    known = None
    if options.baseline:
        from .baseline import BaselineError, read_baseline

        try:
            known = read_baseline(options.baseline)
        except BaselineError as error:
            if options.write_baseline:  # the baseline is written from every result, before filtering
                _write_baseline(options.write_baseline, list(results), outcome)
            outcome.stderr.append(f"healthlint: {error}")
            outcome.exit_code = EXIT_ERROR
            return outcome

    from collections import Counter

    from .output import stream

    recorded: list[FileResult] = []
    statistics: Counter = Counter()

    def reported():
        if known is not None:
            from .baseline import only_new

        for result in results:
            if options.write_baseline:
                recorded.append(FileResult(result.path, result.findings, result.errors))
            if known is not None:
                result = only_new(result, known)
            if options.statistics:
                statistics.update((f.rule, f.category, f.severity) for f in result.findings)
            yield result

    try:
        tally = stream(options.output_format, reported(), write, lambda: get_linter().main_ruleset.rules,
                       color=options.color, problems=tuple(problems))
    except YamlError as error:  # the rules changed since the cache was written, and no longer load
        return failed(error)
    if options.write_baseline:
        _write_baseline(options.write_baseline, recorded, outcome)
    if options.statistics:
        write(_statistics(statistics))
    outcome.exit_code = exit_code(tally, fail_on)
    return outcome


def _result_cache(config: Config, options: CheckOptions):
    """The result cache of this run: its key covers everything but the files themselves."""
    import hashlib
    import sys

    from .cache import ResultCache, builtin_rules_folder, code_fingerprint, rules_fingerprint
    from .parallel import CACHE_FOLDER

    folders = [builtin_rules_folder(), *config.rule_dirs, *options.extra_rules]
    parts = (code_fingerprint(), rules_fingerprint(folders), repr(config), repr(options.select),
             repr(options.ignore), repr(options.report_unused_disables), sys.version)
    key = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return ResultCache(os.path.join(config.root if config.path else os.getcwd(), CACHE_FOLDER), key)


def _write_baseline(path: str, results: list[FileResult], outcome: Outcome) -> None:
    from .baseline import write_baseline

    count = write_baseline(path, results)
    outcome.stderr.append(f"healthlint: wrote {count} findings to the baseline {path}")


def _check_names(ruleset: RuleSet, options: CheckOptions) -> None:
    from .model import CATEGORIES

    known = {rule.id for rule in ruleset.rules} | set(CATEGORIES)
    for option, names in (("--select", options.select), ("--ignore", options.ignore)):
        for name in names:
            if name not in known:
                raise UsageError(f"{option}: no rule or category named {name!r}; `healthlint rules` lists them")


def _config_start(paths) -> str:
    first = next((p for p in paths if p != "-"), None)
    return first or os.getcwd()


def exit_code(tally, fail_on: str) -> int:
    """2 when anything could not be linted, 1 when a finding is at or above `fail_on`."""
    if tally.all_errors:
        return EXIT_ERROR
    threshold = SEVERITY_RANK[fail_on]
    failing = any(count for severity, count in tally.counts_by_severity().items() if SEVERITY_RANK[severity] >= threshold)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _statistics(counts) -> str:
    lines = [f"{count:>6}  {rule:<32} {category:<16} {severity}"
             for (rule, category, severity), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return "".join(line + "\n" for line in lines)


def _fix_files(linter: Linter, files: list[str], options: CheckOptions):
    """Fix (or diff) each file, then lint what is left for the report.

    As in a plain run, one file that cannot be read, decoded, fixed or even
    linted (an internal error) is reported with that file and the others go on.
    """
    from .fixes import FixOutcome, fix_file, unified_diff
    from .parallel import lint_one

    results, diffs, errors, notes = [], [], [], []
    for path in files:
        def lint(text, path=path):
            return linter.lint_text(text, path).findings

        try:
            outcome = fix_file(path, lint, unsafe=options.unsafe_fixes, write=not options.diff)
        except Exception as error:  # noqa: BLE001 - one bad file must not stop the others' fixes
            outcome = FixOutcome(path, "", "", 0, error=(
                f"{path}: not fixed: internal error ({type(error).__name__}: {error}); please report it"))
        if options.diff:
            if outcome.error:
                errors.append(outcome.error)
            elif outcome.fixed != outcome.original:
                diffs.append(unified_diff(path, outcome.original, outcome.fixed))
            continue
        result = lint_one(linter, None, path, options.report_unused_disables)
        if outcome.error and outcome.error not in result.errors:
            result = replace(result, errors=(outcome.error,) + result.errors)
        results.append(result)
        if outcome.written:
            notes.append(f"healthlint: fixed {outcome.applied} problem{'s' if outcome.applied != 1 else ''} in {path}")
    return results, diffs, errors, notes
