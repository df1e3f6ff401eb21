"""Linear cost: a 5 MB single file of repeated phrases and many acronyms,
linted with the built-in rules, costs about five times a 1 MB one.

Issue 6 asks that every analysis stay linear in the size of the text; the
benchmark (bench/throughput.py, linearity) shows it on real articles, this
test on text made to hurt: the same keyphrases thousands of times (the
stuffing analysis counts phrases across the whole document) and thousands of
distinct abbreviations, defined, undefined and redefined (the acronym analysis
pairs definitions and uses across the whole document). Quadratic work would
make the 5 MB file cost 25 times the 1 MB one; CPU time is compared, with a
wide margin, so that a busy machine does not fail the test.
"""
from __future__ import annotations

import gc
import json
import random
import time

import pytest

from healthlint.check import CheckOptions, run_check

PARAGRAPHS = [
    "Kratom capsules for opioid withdrawal are sold online. Buy kratom capsules near me today, "
    "because kratom capsules for opioid withdrawal are the best kratom capsules.",
    "The {short} ({long}) program reports that {short} use is rising. Ask about {other} before you start.",
    "Talk to your doctor before you stop any medicine. The {short} guidance changed in 2021.",
    "Researchers at the {other} measured doses in {number} adults; the {short} was {long} again.",
    "- {short} and {other}\n- kratom capsules for opioid withdrawal\n- {long}",
]
WORDS = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "theta", "lambda", "zeta"]


def _letters(number: int) -> str:
    letters = ""
    number += 26 * 27  # at least three letters
    while number:
        number, rest = divmod(number, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _text(size: int, seed: int = 6) -> str:
    """Markdown of about `size` bytes: a heading every 20 paragraphs, a new
    abbreviation every few sentences, the same keyphrases throughout."""
    rng = random.Random(seed)
    parts, total, number = [], 0, 0
    while total < size:
        if number % 20 == 0:
            parts.append(f"## Part {number // 20}: kratom capsules for opioid withdrawal")
        short = _letters(number // 3)
        long = " ".join(rng.choice(WORDS) for _ in range(len(short)))
        paragraph = rng.choice(PARAGRAPHS).format(short=short, long=long, other=_letters(rng.randrange(5000)),
                                                  number=rng.randrange(10, 900))
        parts.append(paragraph)
        total += len(paragraph) + 2
        number += 1
    return "\n\n".join(parts) + "\n"


def _lint(path, select=(), ignore=(), runs: int = 2) -> tuple[float, dict]:
    """The CPU time of the best of `runs` runs, and the report. The cycle collector
    is off while a run is timed: a full collection walks every live object, so on
    a 5 MB document its cost says how big the heap is, not how the analyses
    scale, and one landing in a run or not made the ratio swing from 5x to 7.5x."""
    options = CheckOptions(paths=(str(path),), output_format="json", isolated=True, cache=False, jobs=1,
                           select=select, ignore=ignore)
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            outcome = run_check(options)
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    report = json.loads(outcome.stdout)
    assert report["summary"]["errors"] == [], report["summary"]["errors"][:3]
    return best, report


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    small, big, warm_up = folder / "one.md", folder / "five.md", folder / "warm-up.md"
    small.write_text(_text(1_000_000), encoding="utf-8")
    big.write_text(_text(5_000_000), encoding="utf-8")
    warm_up.write_text(_text(20_000), encoding="utf-8")
    assert big.stat().st_size >= 5_000_000
    _lint(warm_up, runs=1)  # the first run pays for compiling patterns and reading word lists
    return small, big


def _rules(report) -> set[str]:
    return {finding["rule"] for entry in report["files"] for finding in entry["findings"]}


def test_five_megabytes_of_acronyms_and_claims_cost_five_times_one(files):
    """Every built-in rule but the keyword-stuffing ones (next test)."""
    small, big = files
    one, small_report = _lint(small, ignore=("keyword-stuffing",))
    five, big_report = _lint(big, ignore=("keyword-stuffing",))
    assert "acronym-undefined" in _rules(big_report)
    small_count = small_report["summary"]["findings"]
    big_count = big_report["summary"]["findings"]
    assert 3 * small_count < big_count < 7 * small_count
    print(f"1 MB: {one:.2f} s, 5 MB: {five:.2f} s of CPU ({five / one:.2f}x)")
    assert five < 6.5 * one, f"1 MB: {one:.2f} s, 5 MB: {five:.2f} s of CPU: worse than linear"


def test_five_megabytes_of_repeated_keyphrases_cost_five_times_one(files):
    small, big = files
    one, _ = _lint(small, select=("keyword-stuffing",))
    five, big_report = _lint(big, select=("keyword-stuffing",))
    assert "stuffed-phrase" in _rules(big_report)
    print(f"1 MB: {one:.2f} s, 5 MB: {five:.2f} s of CPU ({five / one:.2f}x)")
    assert five < 6.5 * one, f"1 MB: {one:.2f} s, 5 MB: {five:.2f} s of CPU: worse than linear"
