#!/usr/bin/env python3
"""Abbreviation-definition extraction scored on gold corpora (MEDSTRACT, Schwartz & Hearst).

    python bench/acronym_eval.py [--data ../shared/eval/acronyms] [--errors N]

Each passage (title, abstract) of each BioC document goes through the code path
of `healthlint glossary` (parse_document, then glossary.entries); its pairs are
pooled per document and compared with the gold pairs: exact short form,
case-insensitive long form (spaces collapsed). A line below the table scores
`healthlint glossary --all` too (pairings whose letters do not fit included).
The PyPI package `abbreviations` (a Schwartz & Hearst port;
bench/requirements.txt) is scored on the same passages as the reference.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from healthlint.documents import parse_document
from healthlint.glossary import entries

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "eval", "acronyms"))
CORPORA = (("MEDSTRACT", "medstract_bioc_gold.xml"), ("Schwartz & Hearst", "SH_bioc_gold.xml"))


@dataclass
class GoldDocument:
    id: str
    passages: list[str]
    pairs: set[tuple[str, str]]


@dataclass
class Score:
    found: int = 0
    gold: int = 0
    correct: int = 0
    false_positives: list = field(default_factory=list)
    misses: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _normal(short: str, long: str) -> tuple[str, str]:
    return short.strip(), " ".join(long.split()).lower()


def load_bioc(path: str) -> list[GoldDocument]:
    documents = []
    for element in ET.parse(path).getroot().iter("document"):
        passages, pairs = [], set()
        for passage in element.iter("passage"):
            passages.append(passage.findtext("text") or "")
            nodes = {}
            for annotation in passage.iter("annotation"):
                role = next(i.text for i in annotation.iter("infon") if i.get("key") == "ABBR")
                nodes[annotation.get("id")] = (role, annotation.findtext("text") or "")
            for relation in passage.iter("relation"):
                refs = {node.get("role"): node.get("refid") for node in relation.iter("node")}
                if "ShortForm" in refs and "LongForm" in refs:
                    pairs.add(_normal(nodes[refs["ShortForm"]][1], nodes[refs["LongForm"]][1]))
        documents.append(GoldDocument(element.findtext("id") or "", passages, pairs))
    return documents


def healthlint_pairs(text: str) -> set[tuple[str, str]]:
    """What `healthlint glossary` lists for the text."""
    document = parse_document(text, "passage.txt")
    return {_normal(entry.short, entry.long) for entry in entries(document)}


def healthlint_every_entry(text: str) -> set[tuple[str, str]]:
    """What `healthlint glossary --all` lists: the pairings whose letters do not fit too."""
    document = parse_document(text, "passage.txt")
    return {_normal(entry.short, entry.long) for entry in entries(document, every=True)}


def abbreviations_pairs(text: str) -> set[tuple[str, str]]:
    from abbreviations import schwartz_hearst

    pairs = schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=text)
    return {_normal(str(short), str(long)) for short, long in pairs.items()}


def score(documents: list[GoldDocument], extract) -> Score:
    result = Score()
    started = time.perf_counter()
    for document in documents:
        found = set()
        for passage in document.passages:
            found |= extract(passage)
        correct = found & document.pairs
        result.found += len(found)
        result.gold += len(document.pairs)
        result.correct += len(correct)
        result.false_positives += [(document.id, *pair) for pair in sorted(found - document.pairs)]
        result.misses += [(document.id, *pair) for pair in sorted(document.pairs - found)]
    result.seconds = time.perf_counter() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA, help="folder with the BioC gold files")
    parser.add_argument("--errors", type=int, default=0, help="list this many false positives and misses")
    parser.add_argument("--only", choices=("healthlint", "abbreviations"), help="score one extractor only")
    args = parser.parse_args()
    logging.getLogger("abbreviations").setLevel(logging.WARNING)
    logging.disable(logging.INFO)
    extractors = [("healthlint", healthlint_pairs), ("abbreviations", abbreviations_pairs)]
    if args.only:
        extractors = [e for e in extractors if e[0] == args.only]
    print("| corpus | extractor | documents | gold pairs | found | correct | precision | recall | F1 | seconds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    details = []
    for corpus, filename in CORPORA:
        path = os.path.join(args.data, filename)
        if not os.path.exists(path):
            print(f"no gold file at {path}", file=sys.stderr)
            return 2
        documents = load_bioc(path)
        for name, extract in extractors:
            try:
                result = score(documents, extract)
            except ImportError:
                print(f"| {corpus} | {name} | not installed: pip install -r bench/requirements.txt |")
                continue
            print(f"| {corpus} | {name} | {len(documents)} | {result.gold} | {result.found} | {result.correct} | "
                  f"{result.precision:.1%} | {result.recall:.1%} | {result.f1:.1%} | {result.seconds:.1f} |")
            if name == "healthlint":
                every = score(documents, healthlint_every_entry)
                details.append(f"{corpus}: with --all ({every.found - result.found} pairings whose letters do not "
                               f"fit): precision {every.precision:.1%}, recall {every.recall:.1%}")
                if args.errors:
                    details.append(f"{corpus} false positives (document, short, long):")
                    details += [f"  {fp}" for fp in result.false_positives[: args.errors]]
                    details.append(f"{corpus} misses (document, short, long):")
                    details += [f"  {miss}" for miss in result.misses[: args.errors]]
    print()
    print("\n".join(details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
