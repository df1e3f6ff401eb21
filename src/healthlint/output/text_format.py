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


_LINE_END = ("\n", "")


class Writer:
    def __init__(self, write, rules, color: bool, problems: tuple[str, ...]):
        self.write = write
        self.color = color
        self.problems = problems
        self._console = None

    def start(self) -> None:
        pass

    def file(self, result) -> None:
        if not result.findings and not result.errors:
            return
        lines: list[list[tuple[str, str]]] = [[(result.path, "path")]]  # each line: (text, style) pieces
        for error in result.errors:
            lines.append([("  ", ""), (error, "error")])
        source_lines = (result.source or "").splitlines()
        for finding in result.findings:
            lines.extend(_finding_lines(result.path, finding, source_lines))
        lines.append([])
        self._emit(lines)

    def finish(self, tally) -> None:
        self._emit([[(problem, "error")] for problem in self.problems] + [[(_summary(tally), "")]])

    def _emit(self, lines) -> None:
        if not self.color:
            self.write("".join([text for line in lines for text, _ in (*line, _LINE_END)]))
            return
        if self._console is None:
            self._console = _console(self.write)
        _print_colored(self._console, lines)


def render(report: Report) -> str:
    from . import render as render_format

    return render_format("text", report)


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


def _summary(tally) -> str:
    counts = tally.counts_by_severity()
    total = tally.finding_count
    files = tally.files
    if not total:
        summary = f"No problems found in {files} file{'s' if files != 1 else ''}."
    else:
        parts = ", ".join(f"{n} {name}{'s' if n != 1 and name != 'info' else ''}" for name, n in counts.items() if n)
        summary = (f"Found {total} problem{'s' if total != 1 else ''} ({parts}) in {tally.files_with_findings} of "
                   f"{files} file{'s' if files != 1 else ''}.")
    unreadable = tally.files_with_errors + len(tally.problems)
    if unreadable:
        summary += f" {unreadable} file{'s' if unreadable != 1 else ''} had errors."
    return summary


class _Forward:
    """A file-like object for rich that hands each write on."""

    def __init__(self, write):
        self.write = write

    def flush(self) -> None:
        pass


def _console(write):
    from rich.console import Console

    return Console(file=_Forward(write), force_terminal=True, color_system="standard", width=10_000, highlight=False)


def _print_colored(console, lines) -> None:
    from rich.text import Text

    for line in lines:
        text = Text()
        for piece, style in line:
            text.append(piece, style=_STYLES.get(style, ""))
        console.print(text, soft_wrap=True)
