"""Readability: syllables, the published formulas, and where the findings go.

The three paragraphs below were counted by hand: words (a hyphenated word is
one word, "911" one word read "nine-one-one"), sentences, and syllables as
Merriam-Webster divides each word. The Flesch-Kincaid grade is then the
published formula (Kincaid et al. 1975),
    0.39 × words/sentences + 11.8 × syllables/words − 15.59,
and the Flesch reading ease 206.835 − 1.015 × words/sentences − 84.6 × syllables/words.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pytest
from hypothesis import given, strategies as st

from healthlint.engine import Engine
from healthlint import syllables as syllables_module
from healthlint.kinds.readability import _SyllableTable, count_text, word_syllables
from healthlint.ruleset import RuleSet, compile_rule, load_ruleset, with_options
from healthlint.runner import lint_text
from healthlint.syllables import syllables

PATIENT = (
    "Kratom is a plant from Southeast Asia. Some people use it to ease pain. It can also cause harm. "
    "Talk to your doctor before you try it. Tell your doctor about all the drugs you take."
)
# Kratom 2, is 1, a 1, plant 1, from 1, Southeast 2, Asia 2 | Some 1, people 2, use 1, it 1, to 1,
# ease 1, pain 1 | It 1, can 1, also 2, cause 1, harm 1 | Talk 1, to 1, your 1, doctor 2, before 2,
# you 1, try 1, it 1 | Tell 1, your 1, doctor 2, about 2, all 1, the 1, drugs 1, you 1, take 1
# = 10 + 8 + 6 + 10 + 11 = 45 syllables; 36 words; 5 sentences.

FARM = (
    "Kratom, derived from the leaves of a tropical evergreen tree, has attracted considerable attention "
    "as a potential alternative for individuals experiencing opioid withdrawal. However, its "
    "pharmacological complexity necessitates careful evaluation by qualified healthcare professionals."
)
# Kratom 2, derived 2, from 1, the 1, leaves 1, of 1, a 1, tropical 3, evergreen 3, tree 1, has 1,
# attracted 3, considerable 5, attention 3, as 1, a 1, potential 3, alternative 4, for 1,
# individuals 5, experiencing 5, opioid 3, withdrawal 3 (= 54) | However 3, its 1,
# pharmacological 6, complexity 4, necessitates 4, careful 2, evaluation 5, by 1, qualified 3,
# healthcare 2, professionals 4 (= 35) = 89 syllables; 34 words; 2 sentences.

NALOXONE = (
    "Naloxone is a medicine that can reverse an opioid overdose. It is sold as a nasal spray. "
    "If you think someone has overdosed, give naloxone right away and call 911. "
    "Stay with the person until help arrives."
)
# Naloxone 3, is 1, a 1, medicine 3, that 1, can 1, reverse 2, an 1, opioid 3, overdose 3 (= 19) |
# It 1, is 1, sold 1, as 1, a 1, nasal 2, spray 1 (= 8) | If 1, you 1, think 1, someone 2, has 1,
# overdosed 3, give 1, naloxone 3, right 1, away 2, and 1, call 1, 911 3 (= 21) | Stay 1, with 1,
# the 1, person 2, until 2, help 1, arrives 2 (= 10) = 58 syllables; 37 words; 4 sentences.

HAND_COUNTS = [
    # text, words, sentences, syllables, grade and reading ease worked out by hand
    (PATIENT, 36, 5, 45, 1.97, 93.78),
    (FARM, 34, 2, 89, 21.93, -31.87),
    (NALOXONE, 37, 4, 58, 6.51, 64.83),
]


@pytest.mark.parametrize("text, words, sentences, syllable_count, grade, ease", HAND_COUNTS,
                         ids=["patient", "content-farm", "naloxone"])
def test_grade_agrees_with_the_published_formula_computed_by_hand(text, words, sentences, syllable_count,
                                                                  grade, ease):
    assert grade == pytest.approx(0.39 * words / sentences + 11.8 * syllable_count / words - 15.59, abs=0.01)
    assert ease == pytest.approx(206.835 - 1.015 * words / sentences - 84.6 * syllable_count / words, abs=0.01)
    counts = count_text(text)
    assert (counts.words, counts.sentences) == (words, sentences)
    assert abs(counts.syllables - syllable_count) <= 2
    assert counts.grade == pytest.approx(grade, abs=0.5)
    assert counts.ease == pytest.approx(ease, abs=3)


# Syllables as Merriam-Webster divides the words; none of these is in the
# exceptions table, so they test the rules themselves.
LABELLED = """
make 1 makes 1 table 2 muscles 2 changes 2 boxes 2 places 2 caused 1 derived 2 reduced 2 studied 2
studies 2 agreed 2 needed 2 jumped 1 absolutely 4 completely 3 management 3 statement 2 careful 2
lonely 2 being 2 going 2 bacteria 4 media 3 anemia 4 insomnia 4 special 2 initial 3 physician 3
nation 2 nutrition 3 biology 4 opioid 3 radio 3 precious 2 religion 3 serious 3 previous 3 anxious 2
calcium 3 potassium 4 magnesium 4 actual 3 usually 4 individual 5 influence 3 video 3 theory 3
anxiety 4 society 4 patient 2 ancient 2 friend 1 ingredient 4 easier 3 alcoholism 5 kratom 2
mitragynine 4 buprenorphine 4 naloxone 3 methadone 3 fentanyl 3 oxycodone 4 withdrawal 3 symptoms 2
craving 2 receptors 3 addiction 3 recovery 4 medication 4 alternative 4 professional 4 unique 2
associated 5 complement 3 supplement 3 atresia 3 controversial 4 spasms 2 meningoencephalitis 8
hypertension 4 cholesterol 4 diagnosis 4 prognosis 3 chemotherapy 5 question 2 language 2
hereditary 5 atherosclerosis 6 paralysis 4 metabolism 5 infertility 5 regulated 4 triangular 4
""".split()


def test_syllable_counts_match_a_dictionary_for_nineteen_words_in_twenty():
    pairs = list(zip(LABELLED[::2], map(int, LABELLED[1::2])))
    wrong = [(word, expected, syllables(word)) for word, expected in pairs if syllables(word) != expected]
    assert len(wrong) <= len(pairs) // 20, wrong


def test_syllables_of_hyphenated_words_and_odd_input():
    assert syllables("well-being") == syllables("well") + syllables("being") == 3
    assert syllables("7-hydroxymitragynine") == 7  # the digit is the caller's business
    assert syllables("kratom’s") == 2
    assert syllables("") == 0 and syllables("911") == 0


# Words of a-z drawn to hit the vowel pairs and word ends the syllable rules read.
_LETTER_WORDS = st.lists(
    st.sampled_from("a e i o u y q c t s g m n l r d h p x z ia io ea ue qu sm thm nt ing ed es le".split()),
    min_size=1, max_size=8,
).map("".join)


@given(_LETTER_WORDS.filter(lambda word: "qu" not in word and not word.startswith("y")))
def test_vowel_groups_and_splits_are_counted_as_the_plain_regexes_count_them(stem):
    # (A stem that _count_core leaves as it is: no "qu", no consonant y first, its final e kept.)
    counted = syllables_module._count_core(stem, keep_final_e=True)
    plain = len(re.findall(r"[aeiouy]+", stem)) + len(syllables_module._SPLITS.findall(stem))
    if stem.endswith(syllables_module._SILENT_SUFFIXES):
        plain -= len(syllables_module._SILENT_INNER_E.findall(stem))
    assert counted == max(plain, 1)


@given(st.one_of(_LETTER_WORDS, _LETTER_WORDS.map(str.upper), _LETTER_WORDS.map(str.title),
                 st.text(alphabet="abcAWZ09-'’é", min_size=1, max_size=6)))
def test_the_syllable_table_counts_as_word_syllables(word):
    assert _SyllableTable()[word] == word_syllables(word)


@lru_cache(maxsize=1)
def builtin():
    return load_ruleset()


def _engine(rule_id: str, **options) -> Engine:
    rule = builtin().by_id(rule_id)
    if options:
        rule = with_options(rule, **options)
    return Engine(RuleSet((rule,), (compile_rule(rule),)))


def test_grade_is_reported_on_the_paragraph_above_the_target_only():
    text = f"{PATIENT}\n\n{FARM}\n\n{NALOXONE}\n"
    findings = lint_text(_engine("reading-grade"), text, "article.txt").findings
    assert [(f.span.line, f.span.column, f.span.end_line) for f in findings] == [(3, 1, 3)]
    finding = findings[0]
    assert finding.severity == "info"
    assert finding.span.end_column == len(FARM) + 1
    assert "grade 21.9" in finding.message and "ease -32" in finding.message and "grade 10" in finding.message


def test_audience_patient_sets_grade_8_and_max_grade_overrides_it():
    text = f"{PATIENT}\n\n{NALOXONE}\n"
    assert not lint_text(_engine("reading-grade", audience="patient"), text, "a.txt").findings
    lowered = lint_text(_engine("reading-grade", max_grade=6), text, "a.txt").findings
    assert [f.span.line for f in lowered] == [3]
    assert "aim for grade 6 or lower" in lowered[0].message


def test_short_paragraphs_are_not_graded():
    text = "Pharmacological hepatotoxicity necessitates comprehensive evaluation."
    assert count_text(text).grade > 20
    assert not lint_text(_engine("reading-grade"), text, "a.txt").findings
    assert lint_text(_engine("reading-grade", min_words=3), text, "a.txt").findings


def test_long_sentence_is_reported_on_the_sentence():
    long_one = "Kratom " + " ".join(["word"] * 35) + "."
    text = f"A short one. {long_one} Another short one."
    findings = lint_text(_engine("long-sentence"), text, "a.txt").findings
    assert len(findings) == 1
    span = findings[0].span
    assert (span.line, span.column, span.end_column) == (1, 14, 14 + len(long_one))
    assert "36 words" in findings[0].message
    assert not lint_text(_engine("long-sentence", max_words=40), text, "a.txt").findings


def test_headings_are_never_graded():
    heading = "Pharmacological Considerations Regarding Hepatotoxicity Evaluation Methodologies"
    text = f"# {heading}\n\n{PATIENT}\n"
    assert not lint_text(_engine("reading-grade", min_words=1), text, "a.md").findings
