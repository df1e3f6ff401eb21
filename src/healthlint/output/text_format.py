"""Text output for people: grouped by file, the source line with the span marked.

Colour comes from rich, and only when the report asks for it (a terminal,
NO_COLOR unset); otherwise rich is never imported.
"""
from __future__ import annotations

from ..model import Finding
from . import Report

_CONTEXT = 60  # characters shown on either side of a span in a long line
_LONGEST_MARK = 80  # a span longer than this (a whole paragraph) is marked by its start only
_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan", "path": "bold underline", "mark": "bold red",
           "dim": "dim", "rule": "magenta", "suggestion": "green"}


def render(report: Report) -> str:
    lines: list[list[tuple[str, str]]] = []  # each line: (text, style) pieces
    for result in report.results:
        if not result.findings and not result.errors:
            continue
        lines.append([(result.path, "path")])
        for error in result.errors:
            lines.append([("  ", ""), (error, "error")])
        source_lines = (result.source or "").splitlines()
        for finding in result.findings:
            lines.extend(_finding_lines(result.path, finding, source_lines))
        lines.append([])
    for problem in report.problems:
        lines.append([(problem, "error")])
    lines.append([(_summary(report), "")])
    if not report.color:
        return "\n".join("".join(text for text, _ in line) for line in lines) + "\n"
    return _colored(lines)


def _finding_lines(path: str, finding: Finding, source_lines: list[str]) -> list[list[tuple[str, str]]]:
    span = finding.span
    out = [[
        (f"{path}:{span.line}:{span.column}: ", "dim"),
        (finding.severity, finding.severity),
        (" ", ""),
        (f"[{finding.rule}]", "rule"),
        (f" {finding.message}", ""),
    ]]
    if 0 < span.line <= len(source_lines):
        text = source_lines[span.line - 1].replace("\t", " ")
        start = span.column - 1
        end = span.end_column - 1 if span.end_line == span.line else len(text)
        end = max(end, start + 1)
        clipped = end - start > _LONGEST_MARK
        if clipped:
            end = start + _LONGEST_MARK
        left = max(0, start - _CONTEXT)
        right = min(len(text), end + _CONTEXT)
        prefix = "…" if left > 0 else ""
        suffix = "…" if right < len(text) else ""
        gutter = f"  {span.line:>5} | "
        out.append([(gutter, "dim"), (prefix + text[left:start], ""), (text[start:end], "mark"),
                    (text[end:right] + suffix, "")])
        out.append([(" " * (len(gutter) - 2) + "| ", "dim"),
                    (" " * (len(prefix) + start - left) + "^" * (end - start) + ("…" if clipped else ""), "mark")])
    for suggestion in finding.suggestions:
        out.append([("  suggestion: ", "suggestion"), (suggestion, "")])
    return out


def _summary(report: Report) -> str:
    counts = report.counts_by_severity()
    total = report.finding_count
    files_with = sum(1 for result in report.results if result.findings)
    if not total:
        summary = f"No problems found in {len(report.results)} file{'s' if len(report.results) != 1 else ''}."
    else:
        parts = ", ".join(f"{n} {name}{'s' if n != 1 and name != 'info' else ''}" for name, n in counts.items() if n)
        summary = (f"Found {total} problem{'s' if total != 1 else ''} ({parts}) in {files_with} of "
                   f"{len(report.results)} file{'s' if len(report.results) != 1 else ''}.")
    unreadable = sum(1 for result in report.results if result.errors) + len(report.problems)
    if unreadable:
        summary += f" {unreadable} file{'s' if unreadable != 1 else ''} had errors."
    return summary


def _colored(lines) -> str:
    from io import StringIO

    from rich.console import Console
    from rich.text import Text

    buffer = StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=10_000, highlight=False)
    for line in lines:
        text = Text()
        for piece, style in line:
            text.append(piece, style=_STYLES.get(style, ""))
        console.print(text, soft_wrap=True)
    return buffer.getvalue()
