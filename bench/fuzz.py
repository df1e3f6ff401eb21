#!/usr/bin/env python3
"""Fuzz the parsers and the engine for minutes: no exception, no hang, every property held.

    python bench/fuzz.py [--minutes 10] [--batch 200] [--hang-seconds 60] [--out bench/out/fuzz]

Runs the strategies and checks of tests/test_properties.py (generated Unicode
text, Markdown with nested lists and blockquotes, unclosed fences, tables and
front matter, HTML with unclosed and malformed tags, and free-form junk in
each format) with Hypothesis at a large budget instead of the suite's few
hundred examples, in batches until the time is up, plus two targets the suite
does not have: the parsers alone on longer junk (up to 20,000 characters),
and the parsers and engine on whole hostile documents (deep nesting, long
lines, thousands of unclosed constructs) built from a random recipe.

Every example is linted with every built-in rule and the broad test rules of
tests/test_properties.py, suppressions and fixes included, then checked: no
exception, every span inside the document, the span's text equal to the
finding's match (exactly on well-formed input), the same findings twice. An
example that takes longer than --hang-seconds counts as a hang.

Each failure is shrunk by Hypothesis and written to --out as a JSON file with
the input and the traceback; the run goes on. Prints, at the end, the examples
run per target, the failures, and the slowest example. Exit status 1 when
anything failed.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import test_properties as properties  # noqa: E402
from healthlint.documents import parse_document  # noqa: E402


class Hang(BaseException):
    """One example ran longer than --hang-seconds. Not an Exception, so that
    Hypothesis does not spend an hour shrinking it: the input is kept as is."""


@st.composite
def hostile_document(draw) -> tuple[str, str, bool]:
    """A document shaped to hurt: deep nesting, long lines, floods of unclosed markup."""
    size = draw(st.integers(1, 3000))
    unit = draw(st.sampled_from([
        ">", "> ", "- ", "* > ", "1. ", "  ", "\t", "[", "![", "](", "`", "```", "*", "_", "~~", "<", "<!--",
        "<p>", "<li>", "<b>", "<ul><li>", "<table><tr><td>", "<blockquote>", "&", "&#", "&amp", "\\", "|", "#",
        "---\n", "\n", "\r", "\r\n", "word ", "harmless ", "e\u0301", "😀", "\ufeff", "\u2028",
    ]))
    tail = draw(st.sampled_from(["", " it is harmless", "\nno side effects", " 100% safe\n", "]"]))
    repeated = unit * size
    if draw(st.booleans()):
        repeated = "\n".join(repeated[i : i + 80] for i in range(0, len(repeated), 80))
    path = draw(st.sampled_from(["doc.md", "doc.html", "doc.txt"]))
    return repeated + tail, path, False


junk_text = st.text(properties.any_char, min_size=1000, max_size=20000)


def _lint_target(case):
    text, path, exact = case
    first = properties.lint_and_check(text, path, exact)
    assert first == properties.lint_and_check(text, path, exact), "two lints of one input differ"


def _parse_target(case):
    text, path = case
    document = parse_document(text, path)
    for block in document.blocks:
        for offset in range(0, len(block.text) + 1, max(1, len(block.text) // 16)):
            source = block.source_map.to_source(offset)
            assert 0 <= source <= len(document.source), f"{path}: block offset {offset} maps outside"


TARGETS = {
    "well-formed documents": (properties.well_formed_documents, _lint_target),
    "junk documents": (properties.junk_documents, _lint_target),
    "hostile documents": (hostile_document(), _lint_target),
    "parsers on long junk": (st.tuples(junk_text, st.sampled_from(["a.md", "a.html", "a.txt"])), _parse_target),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--batch", type=int, default=200, help="examples per Hypothesis run")
    parser.add_argument("--hang-seconds", type=float, default=60.0)
    parser.add_argument("--out", default=os.path.join(HERE, "out", "fuzz"))
    args = parser.parse_args()

    properties.linter()  # load the rules before the clock starts
    deadline = time.monotonic() + args.minutes * 60
    examples = {name: 0 for name in TARGETS}
    failures: list[dict] = []
    slowest = (0.0, "", 0)
    current: list = [None]  # the example being run, for a hang

    def on_alarm(signum, frame):
        raise Hang(f"an example ran longer than {args.hang_seconds:g} s")

    signal.signal(signal.SIGALRM, on_alarm)
    batch = 0
    while time.monotonic() < deadline:
        name = list(TARGETS)[batch % len(TARGETS)]
        strategy, target = TARGETS[name]
        batch += 1

        @settings(max_examples=args.batch, deadline=None, database=None, print_blob=True,
                  suppress_health_check=list(HealthCheck),
                  phases=(Phase.generate, Phase.target, Phase.shrink, Phase.explain))
        @given(strategy)
        def run(case):
            nonlocal slowest
            examples[name] += 1
            current[0] = case
            signal.setitimer(signal.ITIMER_REAL, args.hang_seconds)
            started = time.perf_counter()
            try:
                target(case)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            took = time.perf_counter() - started
            if took > slowest[0]:
                slowest = (took, name, len(case[0]))

        try:
            run()
        except (Exception, Hang) as error:  # noqa: BLE001 - a fuzzer reports every failure and goes on
            failures.append(_record(args.out, name, error, current[0] if isinstance(error, Hang) else None))
            print(f"FAILURE in {name}: {type(error).__name__}: {str(error)[:300]}", flush=True)
        left = max(0.0, deadline - time.monotonic())
        print(f"batch {batch:4d} {name:<24} examples so far {sum(examples.values()):7d}, "
              f"failures {len(failures)}, {left / 60:5.1f} min left", flush=True)

    total = sum(examples.values())
    print(f"\n{args.minutes:g} minutes, {total} examples, {len(failures)} failures")
    for name, count in examples.items():
        print(f"  {name:<24} {count:7d} examples")
    print(f"  slowest example: {slowest[0]:.2f} s ({slowest[1]}, {slowest[2]} characters)")
    for failure in failures:
        print(f"  failure: {failure['target']}: {failure['error'][:200]} -> {failure['file']}")
    return 1 if failures else 0


def _record(folder: str, target: str, error: BaseException, case=None) -> dict:
    """Write one failure down; Hypothesis puts the shrunk input in the traceback's notes."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"failure-{int(time.time() * 1000)}.json")
    record = {"target": target, "error": f"{type(error).__name__}: {error}",
              "traceback": "".join(traceback.format_exception(error)), "input": repr(case), "file": path}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(record, handle, ensure_ascii=False, indent=1)
    return record


if __name__ == "__main__":
    sys.exit(main())
