#!/usr/bin/env python3
"""Findings per 2,000 words over careful text (the MedQuAD answers by default).

    python bench/false_positives.py [--corpus bench/out/medquad] [--select CATS] [--ignore RULES]

Counts findings of severity warning or error, per rule and in all, against the
number of words healthlint's parsers see. Build the corpus first with
bench/make_medquad_corpus.py. Document-level disclaimer findings are listed
but not counted in the rate when --exclude-disclaimer is given.
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import time

from healthlint.documents import parse_document
from healthlint.engine import Engine
from healthlint.files import read_source
from healthlint.ruleset import load_ruleset

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=os.path.join(HERE, "out", "medquad"))
    parser.add_argument("--select", default="", help="comma-separated rule ids or categories")
    parser.add_argument("--ignore", default="", help="comma-separated rule ids or categories")
    parser.add_argument("--exclude-disclaimer", action="store_true", help="leave the disclaimer category out")
    parser.add_argument("--examples", type=int, default=3, help="sample matches shown per rule")
    parser.add_argument("--limit", type=int, default=0, help="only the first N files (0: all)")
    parser.add_argument("--rules", action="append", default=[],
                        help="an extra folder of rule files (a rule with a built-in id replaces it)")
    args = parser.parse_args()
    if not os.path.isdir(args.corpus):
        print(f"no corpus at {args.corpus}: run bench/make_medquad_corpus.py first", file=sys.stderr)
        return 2
    select = tuple(filter(None, args.select.split(",")))
    ignore = tuple(filter(None, args.ignore.split(","))) + (("disclaimer",) if args.exclude_disclaimer else ())
    engine = Engine(load_ruleset(args.rules).selected(select, ignore))
    files = sorted(os.listdir(args.corpus))
    if args.limit:
        files = files[: args.limit]
    words = 0
    per_rule: collections.Counter = collections.Counter()
    samples: dict[str, list[str]] = collections.defaultdict(list)
    started = time.perf_counter()
    for name in files:
        path = os.path.join(args.corpus, name)
        document = parse_document(read_source(path).text or "", path)
        words += document.word_count
        for finding in engine.lint(document):
            if finding.severity not in ("warning", "error"):
                continue
            per_rule[finding.rule] += 1
            if len(samples[finding.rule]) < args.examples:
                samples[finding.rule].append(f"{name}:{finding.span.line}:{finding.span.column} {finding.match!r}")
    elapsed = time.perf_counter() - started
    total = sum(per_rule.values())
    rate = total / words * 2000 if words else 0.0
    print(f"{len(files)} files, {words} words, {total} findings of severity warning or error: "
          f"{rate:.3f} per 2,000 words (target: at most 1.0); {elapsed:.1f} s")
    for rule, count in per_rule.most_common():
        print(f"  {rule:<32} {count:>6}  {count / words * 2000:.3f}/2k words   e.g. {'; '.join(samples[rule])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
