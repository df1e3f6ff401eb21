#!/usr/bin/env python3
"""CPU milliseconds per megabyte of each analysis, in one process.

    python bench/profile_analyses.py [--corpus bench/out/articles] [--corpus bench/out/medquad]
                                     [--sample 200] [--repeat 1] [--cprofile out.prof]

Lints an evenly spread sample of each corpus with the full built-in pack,
in-process, and charges the CPU time (time.process_time, so other processes on
the machine do not count) of each step to its analysis: parsing, the shared
pattern scan, the word pass that several kinds share (Block.words), and each
rule kind's `check`.

CPU time moves by 10-30% when other processes load the machine. For numbers
that do not, count instructions: `--stage NAME` runs only up to one step
(startup: nothing; parse; words; scan; or parse, words, scan and then the
checks of one kind) and prints nothing else, so that under
`valgrind --tool=callgrind` the cost of a step is the difference of two runs
(parse - startup, words - parse, scan - words, a kind - scan); run startup
twice and take the second, when .pyc files or the Hyperscan database are new
(the first run after a change of the code rebuilds every cache: tens of G
instructions). Every stage first lints five sample texts with every check (the
warm-up of the timed runs), so a stage's count moves with any analysis: compare
differences of two stages of the same tree, never one stage across trees.
Several analyses build tables on first use, kept across files (the syllables
of each new word, the spelling index of each initial, repetition's query
results): a small sample charges those one-time costs to them, most of all on
MedQuAD, whose vocabulary is large. For the per-file cost, use a sample of 1,000
files or more, or --repeat 2, which averages a first and a second pass over the
sample (a second pass also meets the same phrases again, which favours the caches).
Build the corpora first: bench/make_articles_corpus.py, bench/make_medquad_corpus.py.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

from healthlint.check import Linter  # noqa: E402
from healthlint.config import Config, RuleSettings  # noqa: E402
from healthlint.documents import parse_document  # noqa: E402
from healthlint.engine import _longest_first  # noqa: E402
from healthlint.model import Block  # noqa: E402
from healthlint.ruleset import load_ruleset  # noqa: E402


def sample(folder: str, count: int) -> list[str]:
    names = sorted(n for n in os.listdir(folder) if n.endswith((".md", ".txt", ".html")))
    step = max(1, len(names) // count)
    return [os.path.join(folder, n) for n in names[::step][:count]]


def profile(engine, texts: list[tuple[str, str]], costs: dict[str, float]) -> None:
    clock = time.process_time
    checks = engine.ruleset.checks
    kinds = [check.rule.kind for check in checks]
    shared_words = hasattr(Block, "words")  # not in healthlint before it was shared
    for path, text in texts:
        started = clock()
        document = parse_document(text, path)
        parsed = clock()
        costs["parse"] += parsed - started
        if shared_words:
            for block in document.blocks:
                block.words  # the shared word pass, charged to itself rather than to its first user
        worded = clock()
        costs["words"] += worded - parsed
        parsed = worded
        hits, timed_out = engine.scanner.scan(document, len(checks))
        scanned = clock()
        costs["scan"] += scanned - parsed
        for index, (check, check_hits) in enumerate(zip(checks, hits)):
            before = clock()
            if check.merge_overlaps:
                check_hits = _longest_first(check_hits)
            for _ in check.check(document, check_hits):
                pass
            costs[kinds[index]] += clock() - before


def run_stage(engine, texts: list[tuple[str, str]], stage: str) -> None:
    checks = engine.ruleset.checks
    profile(engine, texts[:5], defaultdict(float))  # warm up, as the timed runs do
    if stage == "startup":
        return
    shared_words = hasattr(Block, "words")
    for path, text in texts:
        document = parse_document(text, path)
        if stage == "parse":
            continue
        if shared_words:
            for block in document.blocks:
                block.words
        if stage == "words":
            continue
        hits, _ = engine.scanner.scan(document, len(checks))
        for check, check_hits in zip(checks, hits):
            if check.rule.kind == stage:
                for _ in check.check(document, _longest_first(check_hits) if check.merge_overlaps else check_hits):
                    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append")
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cprofile", help="write a cProfile of the whole run here")
    parser.add_argument("--stage", help="run only up to this step, for instruction counts (see above)")
    args = parser.parse_args()
    corpora = args.corpus or [os.path.join(HERE, "out", "articles"), os.path.join(HERE, "out", "medquad")]

    linter = Linter(Config(), load_ruleset(()), RuleSettings())
    engine = linter.engine_for(None)
    if args.stage:
        for corpus in corpora:
            texts = [(path, open(path, encoding="utf-8").read()) for path in sample(corpus, args.sample)]
            run_stage(engine, texts, args.stage)
        return
    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
    for corpus in corpora:
        files = sample(corpus, args.sample)
        texts = [(path, open(path, encoding="utf-8").read()) for path in files]
        megabytes = sum(len(text.encode("utf-8")) for _, text in texts) / 1e6
        profile(engine, texts[:5], defaultdict(float))  # warm up: lazy compiles, imports
        costs: dict[str, float] = defaultdict(float)
        if profiler:
            profiler.enable()
        for _ in range(args.repeat):
            profile(engine, texts, costs)
        if profiler:
            profiler.disable()
        total = sum(costs.values())
        scale = 1000 / (megabytes * args.repeat)
        print(f"\n{corpus}: {len(files)} files, {megabytes:.2f} MB, CPU {total:.2f} s, "
              f"{megabytes * args.repeat / total:.2f} MB/s")
        for name, seconds in sorted(costs.items(), key=lambda item: -item[1]):
            print(f"  {name:<14} {seconds * scale:8.1f} ms/MB")
        print(f"  {'total':<14} {total * scale:8.1f} ms/MB")
    if profiler:
        profiler.dump_stats(args.cprofile)


if __name__ == "__main__":
    main()
