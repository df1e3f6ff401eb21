#!/usr/bin/env python3
"""Latency of the language server: from a change notification to its diagnostics.

    python bench/lsp_latency.py [--lines 2000] [--edits 30] [--pause 0.4] [--wrap 0]
                                [--command "python -m healthlint server"]

Starts the server as an editor does (stdio, pygls's LanguageClient), opens a
Markdown document of `--lines` lines made of the speed corpus's articles
(bench/make_articles_corpus.py, same seed, so the same text every run), waits
for the first diagnostics, then makes `--edits` one-character edits, each
after a pause, and times each from sending `textDocument/didChange` to
receiving the `publishDiagnostics` of that version. Then the same for the last
edit of a burst of keystrokes 30 ms apart, which the server coalesces (changes
that come while a lint runs are linted together as soon as it ends, so the last
keystroke may wait for a lint of older text to finish). Prints median, p90 and
max, and for reference the time of a full lint alone in this process (what
`healthlint check` does; the server reuses the unchanged blocks' work, see
healthlint/incremental.py), so that the server's own overhead shows.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = [sys.executable, "-c", "from healthlint.server import serve; serve()"]


def document(lines: int, wrap: int = 0) -> str:
    """`lines` lines of Markdown: articles of the speed corpus, front matter only on the first."""
    sys.path.insert(0, HERE)
    from make_articles_corpus import article

    rng = random.Random(7)
    out: list[str] = []
    while len(out) < lines:
        text = article(rng)
        if out and text.startswith("---\n"):
            text = text[text.index("\n---\n", 4) + 5 :]
        for line in text.split("\n"):
            out.extend(_wrapped(line, wrap) if wrap else [line])
    return "\n".join(out[:lines]) + "\n"


def _wrapped(line: str, width: int) -> list[str]:
    if len(line) <= width or line.startswith(("#", "|", "-", "*", ">", "```")):
        return [line]
    import textwrap

    return textwrap.wrap(line, width) or [""]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Session:
    """A pygls LanguageClient that notes when the diagnostics of each document version arrive."""

    def __init__(self) -> None:
        self.client = LanguageClient("healthlint-bench", "1")
        self.arrived: dict[int, float] = {}
        self.counts: dict[int, int] = {}
        self.waiters: dict[int, asyncio.Future] = {}
        self.published: dict[int, list] = {}
        self.text = ""  # the document as the server should have it after the changes sent
        self.texts: dict[int, str] = {}  # the same, for every version sent

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(ls, params: types.PublishDiagnosticsParams) -> None:
            self._published(params)

    def _published(self, params: types.PublishDiagnosticsParams) -> None:
        if params.version is None:
            return
        self.arrived[params.version] = time.perf_counter()
        self.counts[params.version] = len(params.diagnostics)
        self.published[params.version] = params.diagnostics
        waiter = self.waiters.pop(params.version, None)
        if waiter and not waiter.done():
            waiter.set_result(None)

    async def diagnostics_of(self, version: int) -> float:
        """When the diagnostics of `version` arrived (perf_counter), waiting for them if need be."""
        if version not in self.arrived:
            self.waiters[version] = asyncio.get_running_loop().create_future()
            await asyncio.wait_for(self.waiters[version], timeout=120)
        return self.arrived[version]

    def change(self, uri: str, version: int, start: types.Position, end: types.Position, text: str) -> float:
        """Send one ranged change; the time it was sent."""
        from healthlint.server import apply_change

        change = types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text=text)
        self.text = apply_change(self.text, change, "utf-16")
        self.texts[version] = self.text
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]))
        return time.perf_counter()


async def measure(command: list[str], text: str, edits: int, pause: float, bursts: int, select=()) -> dict:
    session = Session()
    with tempfile.TemporaryDirectory(prefix="healthlint-lsp-bench-") as folder:
        if select:
            Path(folder, ".healthlint.yaml").write_text(f"select: [{', '.join(select)}]\n", encoding="utf-8")
        uri = (Path(folder) / "long-article.md").as_uri()
        client = session.client
        await client.start_io(*command, cwd=folder)
        await client.initialize_async(types.InitializeParams(
            process_id=os.getpid(), root_uri=Path(folder).as_uri(), capabilities=types.ClientCapabilities()))
        client.initialized(types.InitializedParams())

        session.text = session.texts[1] = text
        started = time.perf_counter()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
        first = await session.diagnostics_of(1) - started

        lines, rng, version = text.split("\n"), random.Random(1), 1
        single = []
        for _ in range(edits // 2):
            # Insert a character, then take it out again, so that the text stays the same size.
            line = rng.randrange(len(lines) - 1)
            start, end = types.Position(line=line, character=0), types.Position(line=line, character=1)
            for change in ((start, start, "x"), (start, end, "")):
                await asyncio.sleep(pause)
                version += 1
                sent = session.change(uri, version, *change)
                single.append(await session.diagnostics_of(version) - sent)

        burst = []
        for _ in range(bursts):
            await asyncio.sleep(pause)
            line = rng.randrange(len(lines) - 1)
            for key in range(5):
                if key:
                    await asyncio.sleep(0.03)
                version += 1
                at = types.Position(line=line, character=key)
                sent = session.change(uri, version, at, at, "y")
            burst.append(await session.diagnostics_of(version) - sent)

        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    exact = same_as_full_lint(session.published, session.texts, uri, select)
    return {"first": first, "single": single, "burst": burst, "findings": session.counts.get(1, 0), "exact": exact}


def same_as_full_lint(published: dict[int, list], texts: dict[int, str], uri: str, select=()) -> bool:
    """Whether the diagnostics published for every version are those of a full lint of its text,
    as `healthlint check` lints it (a fresh linter that reuses nothing)."""
    from healthlint.check import Linter
    from healthlint.config import Config, RuleSettings
    from healthlint.ruleset import load_ruleset
    from healthlint.server import LineIndex, diagnostic

    linter = Linter(Config(), load_ruleset(), RuleSettings(select=tuple(select)))
    expected: dict[str, list] = {}

    def key(found):
        return (found.range.start.line, found.range.start.character, found.range.end.line,
                found.range.end.character, found.code, found.message)

    for version, diagnostics in published.items():
        text = texts[version]
        if text not in expected:
            index = LineIndex(text)
            expected[text] = [key(diagnostic(finding, index, uri))
                              for finding in linter.lint_text(text, "long-article.md").findings]
        if [key(found) for found in diagnostics] != expected[text]:
            return False
    return True


def lint_alone(text: str, select=(), runs: int = 5) -> float:
    from healthlint.check import Linter
    from healthlint.config import Config, RuleSettings
    from healthlint.ruleset import load_ruleset

    linter = Linter(Config(), load_ruleset(), RuleSettings(select=tuple(select)))
    linter.lint_text(text, "long-article.md")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        linter.lint_text(text, "long-article.md")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=30, help="single edits, each after a pause (an even number)")
    parser.add_argument("--bursts", type=int, default=5, help="bursts of five keystrokes 30 ms apart")
    parser.add_argument("--pause", type=float, default=0.4, help="seconds between edits")
    parser.add_argument("--wrap", type=int, default=0, help="hard-wrap paragraphs at this width (0: one line each)")
    parser.add_argument("--select", default="", help="only these rules or categories (comma-separated), "
                        "through a .healthlint.yaml beside the document; to see the server's own overhead")
    parser.add_argument("--command", help="the server command (default: healthlint.server:serve in this Python)")
    args = parser.parse_args()

    text = document(args.lines, args.wrap)
    select = tuple(name.strip() for name in args.select.split(",") if name.strip())
    command = shlex.split(args.command) if args.command else SERVER
    print(f"document: {args.lines} lines, {len(text.encode('utf-8')) / 1024:.0f} KB of Markdown"
          + (f"; rules: {', '.join(select)}" if select else "; rules: all built-in"))
    alone = lint_alone(text, select)
    result = asyncio.run(measure(command, text, args.edits, args.pause, args.bursts, select))
    single, burst = result["single"], result["burst"]
    ms = 1000
    print(f"findings: {result['findings']}; every version's diagnostics identical to a full lint's: "
          f"{'yes' if result['exact'] else 'NO'}")
    print(f"full lint alone, in process (median of 5):  {alone * ms:7.1f} ms")
    print(f"open -> first diagnostics (loads the rules): {result['first'] * ms:7.1f} ms")
    print(f"change -> diagnostics, {len(single)} single edits:   median {statistics.median(single) * ms:7.1f} ms"
          f"   p90 {percentile(single, 0.9) * ms:7.1f} ms   max {max(single) * ms:7.1f} ms")
    if burst:
        print(f"last keystroke of a burst -> diagnostics:    median {statistics.median(burst) * ms:7.1f} ms"
              f"   p90 {percentile(burst, 0.9) * ms:7.1f} ms")


if __name__ == "__main__":
    main()
