#!/usr/bin/env python3
"""Recall and false alarms of the keyword-stuffing rules on a labelled MedQuAD set.

    python bench/stuffing_bench.py [--source ../shared/corpora/medquad/medquad_answers.jsonl.gz]
                                   [--seed 7] [--limit N] [--rules DIR] [--misses K] [--alarms K]

Negatives: every MedQuAD answer of 300 to 1,500 words, untouched. Positives: the
same answers with one invented search phrase pasted in 3, 4, 6 and 8 times, at
sentence boundaries spread over the text: as a sentence of its own, as a clause
added to an existing sentence and, in about half the cases, once as a heading;
brands are pasted in lower case now and then, as typed into a search box. The
phrases come from templates filled with the answer's own topic ("<topic> near
me", "best <topic> supplements 2024", "<Brand> <topic> recall", "is <topic>
contagious"...). Recall is reported apart for the phrases that the rule's
query patterns match (its list of query words and, with query_places, of
cities) and for those they do not: a hold-out that shows what the detector
finds without a query word ("<Brand> <topic> formula", and "<topic> clinic
phoenix", as "phoenix" is an English word and not in the list of places).
Everything is drawn from one random generator with a fixed seed, so the set is
the same on every run.

A positive is found when a keyword-stuffing finding overlaps one of the
inserted occurrences. Prints recall at each count (all phrases, listed query
word, hold-out), the share of untouched answers with any keyword-stuffing
finding, and with --misses/--alarms samples of what went wrong. --rules DIR
runs a changed copy of the rule (same id) instead of the built-in one.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass

from healthlint.documents import parse_document
from healthlint.engine import Engine
from healthlint.kinds.repetition import normalized
from healthlint.ruleset import load_ruleset

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = os.path.join(HERE, "..", "..", "shared", "corpora", "medquad", "medquad_answers.jsonl.gz")
COUNTS = (3, 4, 6, 8)
MIN_WORDS, MAX_WORDS = 300, 1500

# {t}: the answer's topic ("leukemia", "kidney stones"); {u}: another frequent
# word of the answer; {brand}, {year}, {n}, {city}: made up. Most templates end
# or start with a common search modifier (near me, best, reviews, price,
# pictures, recall, 2024, how to, vs...); the last group was written to use
# words that the rule did not list when the bench was made (the cities are now
# in its list of places; the group is kept, and in this order, so that the
# same phrases are drawn).
PHRASE_TEMPLATES = (
    "{t} near me",
    "best {t} doctor near me",
    "{t} specialist near me",
    "best {t} supplements {year}",
    "best {u} for {t}",
    "top {n} {t} treatments",
    "{t} pictures",
    "{t} image",
    "{t} symptoms pictures",
    "{brand} {t} recall",
    "{brand} capsules recall",
    "{brand} reviews",
    "{brand} {u} reviews {year}",
    "{t} cream reviews",
    "{t} pills for sale",
    "cheap {t} medication online",
    "buy {t} test kit",
    "{t} treatment cost",
    "{t} cost without insurance",
    "{t} vs {u}",
    "{brand} {t} lawsuit",
    "{brand} coupon code",
    "{t} {year} guide",
    "how to cure {t} fast",
    "{t} diet plan pdf",
    "{t} life expectancy calculator",
    "{u} {t} checklist",
    "{t} home remedy",
    "natural cure for {t}",
    "is {t} contagious",
    "{t} price",
)
UNLISTED_TEMPLATES = (
    "{t} specialist {city}",
    "{t} clinic {city}",
    "{brand} {t} formula",
)
BRANDS = ("Zenvita", "PureLeaf", "NovaCare", "Herbalux", "OPX", "Vitaflow", "MedRelief", "Greenwell",
          "Calmora", "BioNexa", "Nutrilix", "Restora")
CITIES = ("houston", "phoenix", "denver", "miami", "chicago", "seattle", "atlanta", "boston")
YEARS = ("2023", "2024", "2025")

# Where the phrase goes: {p} as it would appear mid-sentence, {P} capitalised.
SENTENCE_TEMPLATES = (
    "Many readers ask about {p}.",
    "{P} is a question we hear often.",
    "If you are looking for {p}, read on.",
    "Here is what to know about {p}.",
    "Learn more about {p} below.",
    "Our guide to {p} covers the basics.",
    "This is where {p} comes in.",
    "Searching for {p} can be confusing.",
    "{P} remains a popular topic.",
    "Some people turn to {p} for answers.",
    "Ask your pharmacist about {p}.",
    "We review {p} in the next section.",
    "Questions about {p} come up a lot.",
    "Read our notes on {p} first.",
    "Every week someone writes in about {p}.",
    "You may have seen ads for {p}.",
    "Compare your options for {p} carefully.",
    "{P} deserves a closer look.",
    "Talk to your doctor before relying on {p}.",
    "There is a lot of advice on {p}.",
    "Not all sources on {p} agree.",
    "Keep notes when you research {p}.",
    "{P} is trending this year.",
    "Bookmark this page on {p}.",
)
CLAUSE_TEMPLATES = (
    ", as many guides to {p} explain",
    ", according to people searching for {p}",
    ", which is why {p} matters",
    " (see {p})",
    ", a point often missed in {p}",
    " (see our page on {p})",
    ", something to weigh when reading about {p}",
    ", a common topic in forums on {p}",
    ", as pages on {p} often mention",
    ", according to one guide to {p}",
)
HEADING_TEMPLATES = ("{T}", "{T}: What You Need to Know", "Understanding {T}", "More About {T}", "{T} Explained")

_STOP = frozenset(
    "a an and are as at be by can for from has have in is it its may of on or that the their them "
    "they this to was were which with who will not these those such other also more most some than "
    "into about each been being there when how what your you people include includes including "
    "called cause causes caused type types usually often many one two affected condition disorder "
    "disease diseases syndrome symptoms signs treatment information may".split()
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[ \t]+(?=[A-Z])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


@dataclass
class Case:
    text: str
    count: int  # insertions; 0 for an untouched answer
    phrase: str
    spans: tuple[tuple[int, int], ...]  # source offsets of the inserted occurrences
    source_id: str
    group: str = ""  # "listed": the template ends or starts with a listed query word; "unlisted"


def load_answers(path: str) -> list[dict]:
    answers = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            answer = json.loads(line)
            if MIN_WORDS <= len(answer["answer"].split()) <= MAX_WORDS:
                answers.append(answer)
    return answers


def topic_terms(answer: dict, rng: random.Random) -> tuple[str, str]:
    """The answer's topic as a content farm would target it (one or two words of
    its focus that the answer itself uses), and another frequent word of it."""
    text = answer["answer"].lower()
    focus = re.split(r"[(:,]", answer.get("focus") or "")[0].strip().lower()
    words = [w for w in re.findall(r"[a-z0-9][a-z0-9'-]*", focus) if w not in ("of", "the", "and", "in", "what", "is")]
    counts = Counter(w.lower() for w in _WORD.findall(answer["answer"]) if w.lower() not in _STOP and len(w) > 3)
    frequent = [w for w, _ in counts.most_common(12)]
    # The head of the focus ("leukemia", "myeloid leukemia"): a noun phrase.
    choices = [" ".join(words[-n:]) for n in (2, 1) if len(words) >= n]
    used = [c for c in choices if len(c) > 3 and text.count(c) >= 2]
    topic = rng.choice(used) if used else (frequent[0] if frequent else "health")
    others = [w for w in frequent if w not in topic.split()]
    return topic, rng.choice(others[:6]) if others else "diet"


def make_phrase(answer: dict, rng: random.Random, query) -> tuple[str, str]:
    """An invented search phrase for the answer, and its group: "listed" when
    the rule's query patterns (`query`, a compiled pattern or None) match it."""
    topic, other = topic_terms(answer, rng)
    template = rng.choice(PHRASE_TEMPLATES + UNLISTED_TEMPLATES)
    phrase = template.format(t=topic, u=other, brand=rng.choice(BRANDS), year=rng.choice(YEARS),
                             n=rng.choice(("5", "7", "10")), city=rng.choice(CITIES))
    listed = query is not None and query.search(normalized(phrase))
    return phrase, "listed" if listed else "unlisted"


def _capitalise(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def _title(phrase: str) -> str:
    small = {"for", "to", "of", "and", "vs", "near", "me", "in"}
    return " ".join(w if (w in small and i) else w[:1].upper() + w[1:] for i, w in enumerate(phrase.split()))


def insert_phrase(text: str, phrase: str, count: int, rng: random.Random) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Paste `phrase` `count` times at sentence boundaries spread over the text.

    Returns the new text and the source offsets of the pasted occurrences."""
    boundaries = [m.start() for m in _SENTENCE_END.finditer(text)]
    chosen = []
    for part in range(count):  # one boundary from each of `count` equal stretches
        low, high = len(boundaries) * part // count, len(boundaries) * (part + 1) // count
        chosen.append(boundaries[rng.randrange(low, high)] if high > low else len(text))
    chosen.sort()
    heading_at = rng.randrange(count) if rng.random() < 0.5 else -1
    break_ = "\n\n" if re.search(r"\n[ \t]*\n", text) else "\n"
    out, spans, last = [], [], 0
    for number, at in enumerate(chosen):
        out.append(text[last:at])
        last = at
        # Pasted as typed into a search box, now and then: "zenvita reviews".
        pasted = phrase.lower() if rng.random() < 0.3 else phrase
        if number == heading_at:
            shown = _title(phrase)
            insert = break_ + rng.choice(HEADING_TEMPLATES).format(T=shown) + break_
        elif rng.random() < 0.3 and out[-1].endswith((".", "!", "?")):
            # A clause added to the sentence that ends here, before its full stop.
            stop = out[-1][-1]
            out[-1] = out[-1][:-1]
            shown = pasted
            insert = rng.choice(CLAUSE_TEMPLATES).format(p=pasted) + stop
        else:
            template = rng.choice(SENTENCE_TEMPLATES)
            shown = _capitalise(pasted) if template.startswith("{P}") else pasted
            insert = " " + template.format(p=pasted, P=_capitalise(pasted))
        begin = sum(len(piece) for piece in out) + insert.index(shown)
        spans.append((begin, begin + len(shown)))
        out.append(insert)
    out.append(text[last:])
    return "".join(out), tuple(spans)


def build_cases(answers: list[dict], seed: int, query=None) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for answer in answers:
        text = answer["answer"]
        source_id = answer["id"]
        cases.append(Case(text, 0, "", (), source_id))
        phrase, group = make_phrase(answer, rng, query)
        for count in COUNTS:
            stuffed, spans = insert_phrase(text, phrase, count, rng)
            cases.append(Case(stuffed, count, phrase, spans, source_id, group))
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=DEFAULT_SOURCE)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--limit", type=int, default=0, help="only the first N answers (0: all)")
    parser.add_argument("--rules", action="append", default=[], help="an extra folder of rule files")
    parser.add_argument("--misses", type=int, default=0, help="show K missed positives")
    parser.add_argument("--alarms", type=int, default=0, help="show K findings on untouched answers")
    args = parser.parse_args()
    if not os.path.exists(args.source):
        print(f"no MedQuAD file at {args.source}", file=sys.stderr)
        return 2
    answers = load_answers(args.source)
    if args.limit:
        answers = answers[: args.limit]
    engine = Engine(load_ruleset(args.rules).selected(("keyword-stuffing",)))
    detector = next(check for check in engine.ruleset.checks if check.rule.id == "stuffed-phrase")
    cases = build_cases(answers, args.seed, detector.query)
    found: Counter = Counter()  # by (count, group); untouched answers under (0, "")
    total: Counter = Counter()
    misses, alarms = [], []
    started = time.perf_counter()
    for case in cases:
        document = parse_document(case.text, f"{case.source_id}.txt")
        findings = engine.lint(document)
        key = (case.count, case.group)
        total[key] += 1
        if case.count == 0:
            if findings:
                found[key] += 1
                alarms.extend(f"{case.source_id}: {f.match!r} ({f.message})" for f in findings[:1])
            continue
        hit = any(
            f.span.start_offset < end and start < f.span.end_offset for f in findings for start, end in case.spans
        )
        found[key] += hit
        if not hit:
            misses.append(f"{case.source_id} x{case.count} ({case.group}): {case.phrase!r}"
                          + (f"; found instead {findings[0].match!r}" if findings else ""))
    elapsed = time.perf_counter() - started
    print(f"{len(answers)} MedQuAD answers of {MIN_WORDS}-{MAX_WORDS} words, seed {args.seed}; {elapsed:.1f} s")
    print()
    print("| insertions | recall, all phrases | worded like a query (rule's lists) | not (hold-out) |")
    print("| --- | --- | --- | --- |")
    for count in COUNTS:
        cells = []
        for groups in (("listed", "unlisted"), ("listed",), ("unlisted",)):
            hit = sum(found[(count, g)] for g in groups)
            all_ = sum(total[(count, g)] for g in groups)
            cells.append(f"{hit / max(all_, 1):.1%} ({hit}/{all_})")
        print(f"| {count} | " + " | ".join(cells) + " |")
    untouched, flagged = total[(0, "")], found[(0, "")]
    print()
    print(f"untouched answers with a keyword-stuffing finding: {flagged} of {untouched} "
          f"({flagged / max(untouched, 1):.2%}; target: at most 0.50%)")
    for title, samples, limit in (("missed", misses, args.misses), ("flagged untouched", alarms, args.alarms)):
        if limit and samples:
            print(f"\n{title}:")
            for line in samples[:limit]:
                print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
