"""The command line: thin wrappers over ruleset, runner and output.

Exit codes: 0 nothing at or above --fail-on; 1 something was; 2 a usage,
configuration or rule error (or a file that could not be linted).
"""
from __future__ import annotations

import os
import sys

import click

from .model import SEVERITIES, SEVERITY_RANK, CATEGORIES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _names(values) -> tuple[str, ...]:
    """Flatten repeated and comma-separated option values."""
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


def _load_ruleset(extra_rules, select=(), ignore=()):
    from .ruleset import RuleError, load_ruleset

    try:
        ruleset = load_ruleset(extra_rules)
    except RuleError as error:
        click.echo(f"healthlint: rule error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    known = {rule.id for rule in ruleset.rules} | set(CATEGORIES)
    for option, names in (("--select", select), ("--ignore", ignore)):
        for name in names:
            if name not in known:
                raise click.BadParameter(f"no rule or category named {name!r}", param_hint=option)
    return ruleset.selected(select, ignore)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="healthlint")
def main() -> None:
    """healthlint: find risky claims, unsupported evidence and stigmatizing language in health writing."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--select", multiple=True, help="Only these rules or categories (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rules or categories (comma-separated, repeatable).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="warning", show_default=True,
              help="Exit 1 when a finding at or above this severity is found.")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="An extra folder of rule files (repeatable).")
@click.option("--stdin-filename", help="With '-': the file name to report and to pick the format by.")
def check(paths, output_format, select, ignore, fail_on, extra_rules, stdin_filename) -> None:
    """Lint files and folders (.md, .markdown, .txt, .html, .htm), or '-' for standard input."""
    from .engine import Engine
    from .files import decode, discover
    from .output import Report, render
    from .runner import lint_files, lint_text

    ruleset = _load_ruleset(extra_rules, _names(select), _names(ignore))
    engine = Engine(ruleset)
    paths = list(paths) or ["."]
    results = []
    problems: list[str] = []
    if "-" in paths:
        if paths != ["-"]:
            raise click.UsageError("'-' (standard input) cannot be mixed with other paths")
        name = stdin_filename or "<stdin>"
        source = decode(sys.stdin.buffer.read(), name)
        if source.text is None:
            problems.extend(source.notices)
        else:
            result = lint_text(engine, source.text, name)
            results.append(result if not source.notices else
                           type(result)(result.path, result.findings, source.notices, result.source))
    else:
        files, problems = discover(paths)
        results = lint_files(engine, files)

    color = output_format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    report = Report(tuple(results), ruleset.rules, color=color, problems=tuple(problems))
    sys.stdout.write(render(output_format, report))
    sys.stdout.flush()
    sys.exit(exit_code(report, fail_on))


def exit_code(report, fail_on: str) -> int:
    if report.problems or any(result.errors and result.source is None for result in report.results):
        return EXIT_ERROR
    threshold = SEVERITY_RANK[fail_on]
    failing = any(SEVERITY_RANK[f.severity] >= threshold for r in report.results for f in r.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


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
        click.echo(f"{rule.id:<{width}}  {rule.category:<16} {rule.severity:<8} {summary}")


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


if __name__ == "__main__":  # pragma: no cover
    main()
