"""The command line: thin wrappers over ruleset, runner and output.

Exit codes: 0 nothing at or above --fail-on; 1 something was; 2 a usage,
configuration or rule error (or a file that could not be linted).
"""
from __future__ import annotations

import gc
import os
import sys

import click

from .model import SEVERITIES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _names(values) -> tuple[str, ...]:
    """Flatten repeated and comma-separated option values."""
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


def _load_ruleset(extra_rules):
    """The built-in rules and those of extra folders, for `rules` and `explain`."""
    from .ruleset import RuleError, load_ruleset

    try:
        return load_ruleset(extra_rules)
    except RuleError as error:
        click.echo(f"healthlint: rule error: {error}", err=True)
        sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="healthlint")
def main() -> None:
    """healthlint: find risky claims, unsupported evidence and stigmatizing language in health writing."""


_FORMATS = ("text", "json", "jsonl", "sarif", "github", "junit", "rdjson")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(_FORMATS), default="text", show_default=True,
              help="Output format: text for people; json, jsonl, sarif, github, junit, rdjson for tools.")
@click.option("--select", multiple=True, help="Only these rules or categories (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rules or categories (comma-separated, repeatable).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a finding at or above this severity is found  [default: warning].")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="An extra folder of rule files (repeatable).")
@click.option("--stdin-filename", help="With '-': the file name to report and to pick the format by.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this configuration file instead of looking for .healthlint.yaml or pyproject.toml.")
@click.option("--isolated", is_flag=True, help="Ignore configuration files.")
@click.option("--fix", is_flag=True, help="Apply safe fixes to the files.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--baseline", type=click.Path(dir_okay=False), help="Report only findings not in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Record today's findings in this file.")
@click.option("--statistics", is_flag=True, help="Also print how many findings each rule raised.")
@click.option("--report-unused-disables", is_flag=True, help="Report healthlint-disable comments that suppress nothing.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes  [default: the number of cores].")
@click.option("--no-cache", is_flag=True, help="Lint every file again instead of reusing cached results.")
def check(paths, output_format, select, ignore, fail_on, extra_rules, stdin_filename, config_path, isolated, fix,
          unsafe_fixes, diff, baseline, write_baseline, statistics, report_unused_disables, jobs, no_cache) -> None:
    """Lint files and folders (.md, .markdown, .txt, .html, .htm), or '-' for standard input."""
    from .check import CheckOptions, UsageError, printable_writer, run_check

    # A document's analyses make many long-lived objects: with the default
    # thresholds the cycle collector ran every 700 allocations and took about
    # a fifth of the CPU time of a run (1 MB file and 150 articles, measured).
    gc.set_threshold(20_000, 10, 10)
    if unsafe_fixes and not (fix or diff):
        raise click.UsageError("--unsafe-fixes goes with --fix or --diff")
    options = CheckOptions(
        paths=tuple(paths), output_format=output_format, select=_names(select), ignore=_names(ignore),
        fail_on=fail_on, extra_rules=tuple(extra_rules), stdin_filename=stdin_filename, config=config_path,
        isolated=isolated, fix=fix, unsafe_fixes=unsafe_fixes, diff=diff, baseline=baseline,
        write_baseline=write_baseline, statistics=statistics, report_unused_disables=report_unused_disables,
        jobs=jobs or os.cpu_count() or 1, cache=not no_cache,
        color=output_format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ,
    )
    stdin = sys.stdin.buffer.read() if list(paths) == ["-"] else None
    try:
        # The report is written as the files are linted, not gathered first.
        outcome = run_check(options, stdin, write=printable_writer(sys.stdout))
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    sys.stdout.flush()
    for line in outcome.stderr:
        click.echo(line, err=True)
    sys.exit(outcome.exit_code)


_STARTER_CONFIG = """\
# healthlint configuration. Every key is optional; `healthlint check` finds this
# file by walking up from the paths it lints. Docs: `healthlint explain RULE`.

# Extra folders of rule files (YAML, one rule per file), relative to this file.
# rules: [house-rules/]

# Rules or categories to run (empty: all) and to leave out.
# select: [safety-claim, efficacy-claim, evidence, hype, stigma, disclaimer]
# ignore: [readability]

# Severity per rule id or category: error, warning or info.
# severity:
#   hype: info

# Options of a rule's kind, per rule id (see `healthlint explain RULE`).
# options:
#   stuffed-phrase:
#     keyphrases: {"kratom capsules": "3%"}

# Which files a folder walk lints (globs relative to this file).
# include: ["content/**"]
# exclude: ["content/archive/**"]

# The lowest severity that makes `check` exit with status 1.
fail-on: warning

# Settings for some paths only, applied in order.
# overrides:
#   - files: ["legal/**"]
#     ignore: [disclaimer]
"""


@main.command()
def init() -> None:
    """Write a commented starter .healthlint.yaml in the current folder."""
    from .config import CONFIG_FILE

    if os.path.exists(CONFIG_FILE):
        click.echo(f"healthlint: {CONFIG_FILE} already exists; nothing written", err=True)
        sys.exit(EXIT_ERROR)
    with open(CONFIG_FILE, "x", encoding="utf-8") as handle:
        handle.write(_STARTER_CONFIG)
    click.echo(f"wrote {CONFIG_FILE}")


@main.command("server")
def server_command() -> None:
    """Run the language server (LSP) over standard input and output; alias: lsp."""
    from .server import serve

    serve()


main.add_command(server_command, name="lsp")


@main.command("rules")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="An extra folder of rule files (repeatable).")
def list_rules(extra_rules) -> None:
    """List the rules: id, category, severity and what each flags."""
    ruleset = _load_ruleset(extra_rules)
    width = max((len(rule.id) for rule in ruleset.rules), default=10)
    for rule in sorted(ruleset.rules, key=lambda r: (r.category, r.id)):
        summary = " ".join(rule.description.split())
        summary = summary.split(". ")[0].rstrip(".")
        opt_in = " (opt-in: runs when selected by id)" if rule.opt_in else ""
        click.echo(f"{rule.id:<{width}}  {rule.category:<16} {rule.severity:<8} {summary}{opt_in}")


@main.command()
@click.argument("rule_id")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="An extra folder of rule files (repeatable).")
def explain(rule_id, extra_rules) -> None:
    """Explain a rule: what it flags, why, the authority, the fix and examples."""
    from .explain import explain_rule

    ruleset = _load_ruleset(extra_rules)
    rule = ruleset.by_id(rule_id)
    if rule is None:
        raise click.BadParameter(f"no rule named {rule_id!r}; `healthlint rules` lists them", param_hint="RULE")
    click.echo(explain_rule(rule))


@main.command("glossary")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--stdin-filename", help="With '-': the file name to report and to pick the format by.")
@click.option("--all", "every", is_flag=True, help="Also list pairings whose letters do not fit the expansion.")
def glossary_command(paths, output_format, stdin_filename, every) -> None:
    """List each document's abbreviations: expansion, where defined, how often used."""
    from .glossary import collect, render_json, render_text

    paths = list(paths) or ["."]
    if "-" in paths and paths != ["-"]:
        raise click.UsageError("'-' (standard input) cannot be mixed with other paths")
    stdin = sys.stdin.buffer.read() if paths == ["-"] else None
    results, problems = collect(paths, stdin_filename, stdin, every)
    for problem in problems:
        click.echo(f"healthlint: {problem}", err=True)
    sys.stdout.write(render_json(results) if output_format == "json" else render_text(results))
    sys.stdout.flush()
    sys.exit(EXIT_ERROR if problems else EXIT_CLEAN)


if __name__ == "__main__":  # pragma: no cover
    main()
