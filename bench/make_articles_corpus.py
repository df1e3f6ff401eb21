#!/usr/bin/env python3
"""Generate Markdown articles in the genre of the seed articles (the speed corpus).

    python bench/make_articles_corpus.py [--count 2000] [--out bench/out/articles] [--seed 7]

Each article has YAML front matter, a title, an introduction, a table of
contents that repeats the headings, sections with paragraphs, lists, the odd
blockquote and table, claims of every kind the rules look for, a pasted
keyphrase, and acronyms defined (well and badly). About 10 KB an article, so
2,000 articles make about 20 MB. The same seed gives the same files.
"""
from __future__ import annotations

import argparse
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

SUBSTANCES = ["kratom", "kava", "CBD oil", "ashwagandha", "magnesium", "melatonin", "turmeric", "valerian root",
              "St. John's wort", "ginkgo", "rhodiola", "lion's mane", "berberine", "5-HTP", "L-theanine"]
CONDITIONS = ["opioid withdrawal", "anxiety", "insomnia", "chronic pain", "muscle soreness", "depression",
              "high blood pressure", "joint pain", "migraine", "brain fog", "alcohol cravings", "fatigue"]
ACRONYMS = [("opioid withdrawal syndrome", "OWS"), ("generalized anxiety disorder", "GAD"),
            ("cannabidiol", "CBD"), ("post-traumatic stress disorder", "PTSD"), ("blood pressure", "BP"),
            ("attention deficit hyperactivity disorder", "ADHD"), ("irritable bowel syndrome", "IBS"),
            ("gamma-aminobutyric acid", "GABA"), ("medication-assisted treatment", "MAT")]
KEYPHRASE_TAILS = ["near me", "reviews", "for sale", "recall", "image", "best brand", "2024", "dosage chart"]
CLAIMS = [
    "{s} is completely safe and has no side effects.",
    "Studies show that {s} works for {c}.",
    "Research suggests {s} may ease {c} without the risk of addiction.",
    "Many experts agree that {s} is a game-changer for {c}.",
    "This miracle remedy cures {c} in just minutes.",
    "Because {s} is natural, it is safe for everyone.",
    "{s} offers a safer alternative to prescription drugs.",
    "Clinically proven {s} eliminates {c} overnight.",
    "Former addicts say {s} helped them stay clean.",
    "Start with a low dose of {s} and titrate upwards.",
    "Take 500 mg of {s} twice a day.",
    "Doctors recommend {s} for {c}.",
]
PLAIN = [
    "{S} has been used in traditional medicine for centuries, and interest in it keeps growing.",
    "People who live with {c} often look for options beyond the usual treatments.",
    "The quality of {s} products varies widely from one vendor to the next.",
    "Some people notice changes within a few weeks, while others notice none at all.",
    "Sleep, exercise and a steady routine also affect how people experience {c}.",
    "Product labels do not always list every ingredient or the amount of each one.",
    "Interactions with other medicines are possible, so the whole picture matters.",
    "The evidence so far comes mostly from small studies and from what users report.",
    "Regulations for {s} differ between countries and sometimes between states.",
    "Keeping a simple diary of doses and symptoms helps many readers notice patterns.",
    "It is worth reading the label carefully and buying from a vendor that tests its products.",
    "Talk to your doctor or pharmacist before you start {s}, especially if you take other medicines.",
]
HEADINGS = ["Understanding {C} and {S}", "How {S} Works", "The Science Behind {S}", "Benefits of {S} for {C}",
            "Safety Considerations and Side Effects", "How to Use {S}", "What the Research Says",
            "Choosing a Quality {S} Product", "Legal Status and Regulation", "Frequently Asked Questions"]


def title(text: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in text.split())


def sentence(template: str, substance: str, condition: str) -> str:
    text = template.format(s=substance, S=title(substance), c=condition, C=title(condition))
    return text[0].upper() + text[1:]


def paragraph(rng: random.Random, substance: str, condition: str, keyphrase: str, claim_rate: float) -> str:
    sentences = []
    for _ in range(rng.randint(4, 8)):
        pool = CLAIMS if rng.random() < claim_rate else PLAIN
        sentences.append(sentence(rng.choice(pool), substance, condition))
    if rng.random() < 0.45:
        position = rng.randrange(len(sentences))
        sentences[position] = sentences[position].rstrip(".") + f", as the {keyphrase} shows."
    if rng.random() < 0.3:
        long_form, short = rng.choice(ACRONYMS)
        sentences.insert(rng.randrange(len(sentences)), f"{title(long_form)} ({short}) is often discussed here, "
                                                        f"and {short} affects many readers.")
    if rng.random() < 0.2:
        sentences.append("See [the product page](https://example.org/products?id=42) or `dose-calculator` "
                         "for details.")
    return " ".join(sentences)


def article(rng: random.Random) -> str:
    substance = rng.choice(SUBSTANCES)
    condition = rng.choice(CONDITIONS)
    keyphrase = f"{substance} {rng.choice(KEYPHRASE_TAILS)}"
    claim_rate = rng.uniform(0.1, 0.4)
    headings = [sentence(h, substance, condition) for h in rng.sample(HEADINGS, rng.randint(6, 9))]
    heading_title = f"{title(substance)} for {title(condition)}: A Complete Guide"
    lines = [
        "---",
        f'title: "{heading_title}"',
        f'description: "Discover how {substance} can help with {condition}. {title(keyphrase)} explained."',
        f"tags: [{substance}, {condition}, wellness]",
        f"date: 2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        "---",
        "",
        f"# {heading_title}",
        "",
        paragraph(rng, substance, condition, keyphrase, claim_rate),
        "",
    ]
    lines += [f"- {heading}" for heading in headings] + [""]
    for number, heading in enumerate(headings):
        lines += [f"## {heading}", ""]
        for _ in range(rng.randint(1, 3)):
            lines += [paragraph(rng, substance, condition, keyphrase, claim_rate), ""]
        if number % 3 == 1:
            lines += [f"{'*' if rng.random() < 0.5 else '-'} {sentence(rng.choice(PLAIN + CLAIMS), substance, condition)}"
                      for _ in range(rng.randint(3, 6))] + [""]
        if number % 4 == 2:
            lines += [f"> {sentence(rng.choice(CLAIMS), substance, condition)}",
                      f"> {sentence(rng.choice(PLAIN), substance, condition)}", ""]
        if number % 5 == 3:
            lines += ["| Form | Typical amount | Notes |", "| --- | --- | --- |",
                      f"| Capsules | 500 mg | {sentence(rng.choice(PLAIN), substance, condition)} |",
                      f"| Powder | 2 g | {sentence(rng.choice(CLAIMS), substance, condition)} |", ""]
    if rng.random() < 0.1:
        lines += ["```python", "dose = weight_kg * 0.5  # no side effects here", "```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--out", default=os.path.join(HERE, "out", "articles"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    total = 0
    for number in range(args.count):
        text = article(rng)
        total += len(text.encode("utf-8"))
        with open(os.path.join(args.out, f"article-{number:05d}.md"), "w", encoding="utf-8") as handle:
            handle.write(text)
    print(f"wrote {args.count} articles, {total / 1e6:.1f} MB, to {args.out}")


if __name__ == "__main__":
    main()
