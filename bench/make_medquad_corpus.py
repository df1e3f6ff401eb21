#!/usr/bin/env python3
"""Write each MedQuAD answer to its own .txt file (the false-positive and throughput corpus).

    python bench/make_medquad_corpus.py [--source ../shared/corpora/medquad/medquad_answers.jsonl.gz]
                                        [--out bench/out/medquad]

Files are named by answer id; running it again rewrites the same files.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = os.path.join(HERE, "..", "..", "shared", "corpora", "medquad", "medquad_answers.jsonl.gz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=DEFAULT_SOURCE)
    parser.add_argument("--out", default=os.path.join(HERE, "out", "medquad"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    count = 0
    with gzip.open(args.source, "rt", encoding="utf-8") as lines:
        for line in lines:
            answer = json.loads(line)
            # Ids repeat across MedQuAD subsets, so the line number keeps names unique.
            name = f"{count:05d}_" + re.sub(r"[^A-Za-z0-9_.-]", "_", answer["id"]) + ".txt"
            with open(os.path.join(args.out, name), "w", encoding="utf-8") as handle:
                handle.write(answer["answer"])
            count += 1
    print(f"wrote {count} answers to {args.out}")


if __name__ == "__main__":
    main()
