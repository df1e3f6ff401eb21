"""Abbreviations: how definitions are found and judged, what counts as a use, and
what the acronym rules report (healthlint/acronyms.py, kinds/acronym.py)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from healthlint import acronyms
from healthlint.acronyms import analyse, find_definitions, fit, looks_like_abbreviation, short_form_key
from healthlint.documents import parse_document
from healthlint.engine import Engine
from healthlint.fixes import apply_fixes
from healthlint.ruleset import RuleSet, compile_rule, load_ruleset, with_options
from healthlint.runner import lint_text

FIXTURES = Path(__file__).parent / "fixtures" / "acronyms"
RULES = {rule.id: rule for rule in load_ruleset().rules if rule.category == "acronym"}


def engine_for(*rules) -> Engine:
    return Engine(RuleSet(tuple(rules), tuple(compile_rule(rule) for rule in rules)))


ACRONYMS = engine_for(*RULES.values())


def findings(text: str, engine: Engine = ACRONYMS, path: str = "doc.txt"):
    return lint_text(engine, text, path).findings


def definitions(text: str):
    found, _ = find_definitions(text)
    return [(item.short, item.long, item.fit) for item in found]


# ---- definitions --------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Opioid use disorder (OUD) is common.", ("OUD", "Opioid use disorder", "tight")),
    ("It eases O.P.M.S. (opioid-induced withdrawal symptoms) a little.",
     ("O.P.M.S.", "opioid-induced withdrawal symptoms", "loose")),
    ("Ask for a hemoglobin A1c (HbA1c) test.", ("HbA1c", "hemoglobin A1c", "tight")),
    ("Kratom holds 7-hydroxymitragynine (7-OH), a potent alkaloid.", ("7-OH", "7-hydroxymitragynine", "tight")),
    ("Nonsteroidal anti-inflammatory drugs (NSAIDs) upset the stomach.",
     ("NSAIDs", "Nonsteroidal anti-inflammatory drugs", "tight")),
    ("Many oils contain CBD (cannabidiol) today.", ("CBD", "cannabidiol", "tight")),
    ("Opioid withdrawal management (O.P.M.S.) is hard.", ("O.P.M.S.", "Opioid withdrawal management", "none")),
    ("Coronary heart disease, or CHD, is common.", ("CHD", "Coronary heart disease", "tight")),
    ("DASH stands for Dietary Approaches to Stop Hypertension.",
     ("DASH", "Dietary Approaches to Stop Hypertension", "tight")),
    ("Human growth hormone (also called hGH) was made from glands.", ("hGH", "Human growth hormone", "tight")),
    ("The epithelial sodium channel (ENaC) moves salt.", ("ENaC", "epithelial sodium channel", "tight")),
    ("Take the extended-release (XR) tablet at night.", ("XR", "extended-release", "tight")),
    ("It binds the multidrug resistance protein (MRP1) in cells.",
     ("MRP1", "multidrug resistance protein", "numbered")),
])
def test_a_definition_is_found_in_either_order_with_its_fit(text, expected):
    assert definitions(text) == [expected]


@pytest.mark.parametrize("text, expected", [
    # The long form whose words give the most letters, not the shortest one.
    ("It binds thyroid transcription factor 1 (TTF-1) in the lung.", "thyroid transcription factor 1"),
    ("It infects cells with the mouse mammary tumor virus (MMTV) strain.", "mouse mammary tumor virus"),
    # A trailing phrase that gives no letters is not part of it.
    ("the enzyme phosphoglycerate kinase from yeast (PGK) folds", "phosphoglycerate kinase"),
    # A long form may start inside an enclosing bracket.
    ("a complex promoter [mouse mammary tumor virus (MMTV)] was used", "mouse mammary tumor virus"),
    # "the" does not start it.
    ("It inhibits the T cell receptor (TCR) enhancers.", "T cell receptor"),
])
def test_the_best_long_form_is_chosen(text, expected):
    assert [long for _, long, _ in definitions(text)] == [expected]


@pytest.mark.parametrize("text", [
    "Results are shown below (see Table 2).",
    "Tumors of grade II (grade II) grow slowly.",
    "The mammalian H-Ras (Ras) protein binds.",
    "Statins lower LDL (bad) cholesterol.",
    "Each arm enrolled patients (n = 45).",
    "The drug is given orally (i.e., by mouth).",
    "Several genes (ii) were studied.",
    "A popular kratom brand (OPMS) recalled products.",
])
def test_brackets_that_define_nothing(text):
    assert definitions(text) == []


def test_brackets_that_explain_without_expanding_settle_the_abbreviation():
    analysis = analyse(parse_document("Your doctor may order a blood test (CBC). The CBC is quick.", "a.txt"))
    assert analysis.definitions == () and "CBC" in analysis.explained
    assert not findings("Your doctor may order a blood test (CBC). The CBC is quick.")


@pytest.mark.parametrize("short, long, expected", [
    ("NSAIDs", "nonsteroidal anti-inflammatory drugs", "tight"),
    ("GABA", "gamma-aminobutyric acid", "tight"),
    ("COVID-19", "coronavirus disease 2019", "tight"),
    ("HCP", "healthcare provider", "tight"),
    ("O.P.M.S.", "opioid withdrawal symptoms", "loose"),
    ("O.P.M.S.", "Opioid withdrawal management", "none"),
    ("EKG", "electrocardiogram", "none"),
])
def test_fit(short, long, expected):
    assert fit(short, long) == expected


# ---- short forms and uses -------------------------------------------------------------------


@pytest.mark.parametrize("word, expected", [
    ("OPMS", True), ("O.P.M.S.", True), ("HbA1c", True), ("mRNA", True), ("NSAIDs", True), ("7-OH", True),
    ("McCain", False), ("PubMed", False), ("B12", False), ("II", False), ("IIIB", False), ("XXY", False),
    ("CATSPER1-related", False), ("Kratom", False),
])
def test_what_looks_like_an_abbreviation(word, expected):
    assert looks_like_abbreviation(word) is expected


@pytest.mark.parametrize("spellings", [
    ("O.P.M.S.", "OPMS", "O.P.M.S"), ("NSAID", "NSAIDs", "NSAID's"), ("COVID-19", "COVID19"), ("HbA1c", "HBA1C"),
])
def test_every_spelling_of_one_abbreviation_shares_a_key(spellings):
    assert len({short_form_key(s) for s in spellings}) == 1


def uses(text: str) -> list[str]:
    return [use.text for use in analyse(parse_document(text, "u.txt")).uses]


def test_what_is_not_a_use():
    text = ("Do NOT take more than the label says. Type II diabetes is common in stage IIIB. "
            "Arrhythmias (ah-RITH-me-ahs) can be fatal. See Siegel JD, Rhinehart E. "
            "Call 1-800-CDC-INFO about trial NCT00004992. The 47,XXY karyotype is rare. "
            "WARNING: KEEP OUT OF REACH OF CHILDREN.")
    assert uses(text) == []


def test_uses_inside_words_and_plurals():
    assert uses("COVID-19-related cases rose. Anti-HIV drugs help. Two NSAIDs were used.") == [
        "COVID-19", "HIV", "NSAIDs"]


def test_gene_symbols_and_named_conditions_are_names():
    analysis = analyse(parse_document(
        "Mutations in the BRCA1 and BRCA2 genes raise the risk. CHARGE syndrome is rare. "
        "MPS I is inherited. Several genes (COL5A1, COL5A2) are involved.", "g.txt"))
    assert {"BRCA1", "BRCA2", "CHARGE", "MPS", "COL5A2"} <= analysis.names


# ---- the rules --------------------------------------------------------------------------------


def summary(path: Path) -> list[tuple[str, int, str]]:
    text = path.read_text(encoding="utf-8")
    return [(f.rule, f.span.line, f.match) for f in findings(text, path=path.name) if f.severity != "info"]


def test_a_content_farm_article_with_three_meanings_for_one_abbreviation():
    assert summary(FIXTURES / "withdrawal-guide.txt") == [
        # A mismatch or a conflict is on the whole definition, short and long form.
        ("acronym-mismatch", 1, "Opioid withdrawal management (O.P.M.S.)"),  # no S
        ("acronym-mismatch", 3, "Opioid withdrawal management (O.P.M.S.)"),
        ("acronym-conflict", 4, "opioid withdrawal symptoms (O.P.M.S.)"),
        ("acronym-mismatch", 4, "opioid withdrawal symptoms (O.P.M.S.)"),
        ("acronym-conflict", 5, "O.P.M.S. (opioid-induced withdrawal symptoms)"),
        ("acronym-mismatch", 5, "O.P.M.S. (opioid-induced withdrawal symptoms)"),
        ("acronym-conflict", 6, "opioid withdrawal symptoms (O.P.M.S.)"),
        ("acronym-mismatch", 6, "opioid withdrawal symptoms (O.P.M.S.)"),
    ]


def test_a_conflict_points_at_the_later_definition_and_names_the_first():
    text = (FIXTURES / "withdrawal-guide.txt").read_text(encoding="utf-8")
    conflict = next(f for f in findings(text) if f.rule == "acronym-conflict")
    assert "“Opioid withdrawal management” on line 1" in conflict.message
    assert [(span.line, span.column) for span in conflict.related] == [(1, 31)]


def test_an_unexplained_brand_is_reported_once_and_well_known_agencies_are_not():
    assert summary(FIXTURES / "brand-recall.txt") == [("acronym-undefined", 1, "KRVX")]


def test_undefined_is_only_info_when_the_words_are_in_the_text():
    text = "What causes nonalcoholic steatohepatitis? The cause of NASH is unclear. NASH is common."
    [finding] = findings(text, engine_for(RULES["acronym-undefined"]))
    assert finding.severity == "info" and "“nonalcoholic steatohepatitis” on line 1" in finding.message


def test_known_abbreviations_can_be_extended():
    rule = RULES["acronym-undefined"]
    extended = with_options(rule, known=list(rule.option("known")) + ["KRVX"])
    text = (FIXTURES / "brand-recall.txt").read_text(encoding="utf-8")
    assert findings(text, engine_for(rule)) and not findings(text, engine_for(extended))


def test_exceptions_leave_a_short_form_alone():
    from dataclasses import replace

    rule = replace(RULES["acronym-undefined"], exceptions=("KR[A-Z]X",))
    assert not findings((FIXTURES / "brand-recall.txt").read_text(encoding="utf-8"), engine_for(rule))


def test_loose_fits_can_be_allowed():
    rule = with_options(RULES["acronym-mismatch"], loose_fits=False)
    text = "Kratom may ease opioid withdrawal symptoms (O.P.M.S.), but O.P.M.S. can last weeks."
    assert findings(text, engine_for(RULES["acronym-mismatch"])) and not findings(text, engine_for(rule))


def test_unused_counts_uses_against_min_uses():
    text = "Opioid use disorder (OUD) is a chronic disease. OUD is treatable."
    rule = with_options(RULES["acronym-unused"], min_uses=2)
    assert not findings(text, engine_for(RULES["acronym-unused"]))
    assert [f.match for f in findings(text, engine_for(rule))] == ["OUD"]


def test_before_definition_points_at_the_first_use_and_the_definition():
    text = "Is MAT safe?\nMAT helps. Medication-assisted treatment (MAT) combines medicine and counseling."
    [finding] = findings(text, engine_for(RULES["acronym-before-definition"]))
    assert (finding.span.line, finding.span.column) == (1, 4)
    assert [(span.line, span.column) for span in finding.related] == [(2, 43)]


# ---- fixes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, fixed", [
    ("O.P.M.S. sells kratom. Buy from OPMS.", "O.P.M.S. sells kratom. Buy from O.P.M.S."),
    ("OPMS sells kratom. OPMS ships fast. Buy from O.P.M.S.", "OPMS sells kratom. OPMS ships fast. Buy from OPMS."),
    ("OPMS sells kratom. OPMS ships fast. O.P.M.S. is a brand.",
     "OPMS sells kratom. OPMS ships fast. OPMS is a brand."),
])
def test_mixed_forms_fix_keeps_the_sentence_period(text, fixed):
    result = findings(text, engine_for(RULES["acronym-mixed-forms"]))
    assert apply_fixes(text, result) == fixed


def test_unused_fix_drops_the_abbreviation():
    text = "People with opioid use disorder (OUD) can recover."
    result = findings(text, engine_for(RULES["acronym-unused"]))
    assert apply_fixes(text, result) == "People with opioid use disorder can recover."


# ---- positions, caching and cost ------------------------------------------------------------


def test_positions_come_from_the_source_map():
    text = "# Guide\n\n- People with **opioid use disorder** (OUD) and *MAT* users.\n"
    result = findings(text, path="guide.md")
    by_rule = {f.rule: f for f in result}
    undefined = by_rule["acronym-undefined"]
    line = text.splitlines()[undefined.span.line - 1]
    assert line[undefined.span.column - 1 : undefined.span.end_column - 1] == "MAT"
    unused = by_rule["acronym-unused"]
    assert text.splitlines()[unused.span.line - 1][unused.span.column - 1 : unused.span.end_column - 1] == "OUD"


def test_the_document_is_analysed_once_for_all_acronym_rules(monkeypatch):
    calls = []
    real = acronyms._analyse
    monkeypatch.setattr(acronyms, "_analyse", lambda document: calls.append(1) or real(document))
    findings((FIXTURES / "withdrawal-guide.txt").read_text(encoding="utf-8"))
    assert len(calls) == 1


@pytest.mark.parametrize("text", [
    "-".join(["AB"] * 20000),
    "word ( " * 5000 + "ABC" + " )" * 5000,
    "Opioid withdrawal management (O.P.M.S.) " * 3000,
    "alpha beta, or AB, " * 5000,
    "ABC stands for " * 5000,
    " ".join(f"the X{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}Q word" for i in range(5000)),
])
def test_pathological_texts_take_linear_time(text):
    started = time.perf_counter()
    findings(text)
    assert time.perf_counter() - started < 5


# ---- the shortcuts give what reading everything gives -------------------------------------------

TRICKY = [
    "Nonalcoholic steatohepatitis, or NASH, is common.  Fatty liver,\tor  NAFLD is too.",
    "A gene, also called GJB2, and a protein also known as CX26; commonly referred to as X1. Also ALL.",
    "DASH stands for Dietary Approaches to Stop Hypertension. O.P.M.S. is short for something. ABC, or DEF,",
    "(ALL) (also called ALL) [known as B12] HIV-1 is an abbreviation for human immunodeficiency virus 1",
    "mRNA\u2009HbA1c\u3000NSAIDs\u00a0COVID-19 É\u0130TAT ΣΑΣ \ufffcABC\ufffc x?Y? A\x1cB C\x85D",
    "also\u2009called\u2009ZZ, or\u2003QQ and  known\u00a0as  RR",
]


@pytest.mark.parametrize("text", TRICKY)
def test_said_after_and_stands_for_find_what_the_patterns_find(text):
    marks = set(acronyms._DEFINITION_MARKS)
    comma_ors = [match.start() for match in acronyms._COMMA_OR.finditer(text)]
    for shortcut, pattern in ((acronyms._said_after, acronyms._SAID_AFTER),
                              (acronyms._stands_for, acronyms._STANDS_FOR)):
        expected = [(match.span(), match.groups()) for match in pattern.finditer(text)]
        assert [(match.span(), match.groups()) for match in shortcut(text, comma_ors, marks)] == expected


@pytest.mark.parametrize("text", TRICKY)
def test_the_words_read_for_uses_hold_every_word_with_two_capitals(text):
    every = [match.span() for match in acronyms._WORD.finditer(text)]
    read = list(acronyms._words_with_two_capitals(text))
    assert read == sorted(set(read)) and set(read) <= set(every)
    assert {span for span in every if acronyms._TWO_CAPITALS.search(text[span[0]:span[1]])} <= set(read)


@pytest.mark.parametrize("short, text", [
    ("CGH", "can be identified by comparative genomic hybridization"),
    ("MRP1", "a multidrug resistance protein"),
    ("TTF-I", "the transcription termination factor"),
    ("ENaC", "the epithelial sodium channel"),
    ("7-OH", "7-hydroxymitragynine"),
    ("HMG-CoA", "3-hydroxy-3-methylglutaryl coenzyme A"),
    ("NSAIDs", "nonsteroidal anti-inflammatory drugs"),
    ("TGF-β", "transforming growth factor beta"),
    ("HPO", "the Human Phenotype Ontology"),
])
def test_no_long_form_fits_from_past_the_latest_fit_start(short, text):
    latest = acronyms._latest_fit_start(short, acronyms._letters(short), text, len(text))
    assert all(acronyms.fit_details(short, text[start:]) == (acronyms.FIT_NONE, 0)
               for start in range(latest + 1, len(text)))
    assert any(acronyms.fit_details(short, text[start:]) != (acronyms.FIT_NONE, 0) for start in range(latest + 1))
