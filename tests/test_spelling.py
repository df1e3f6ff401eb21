"""Spelling: close misspellings of drug, botanical and condition names."""
from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthlint.engine import Engine
from healthlint.fixes import apply_fixes
from healthlint.kinds.base import OptionError
from healthlint.kinds.spelling import Vocabulary, another_word, edit_distance
from healthlint.ruleset import RuleError, RuleSet, compile_rule, load_rule_file, load_ruleset, with_options
from healthlint.runner import lint_text
from healthlint.wordlists import english_words, medical_terms


@lru_cache(maxsize=1)
def builtin():
    return load_ruleset()


def engine(**options) -> Engine:
    rule = builtin().by_id("medical-term-spelling")
    if options:
        rule = with_options(rule, **options)
    return Engine(RuleSet((rule,), (compile_rule(rule),)))


def found(text: str, **options) -> list[tuple[str, str]]:
    result = lint_text(engine(**options), text, "a.txt")
    return [(f.match, f.fix.edits[0].replacement) for f in result.findings]


def test_close_misspellings_are_reported_with_the_right_spelling():
    text = "Its alkaloids, mitraginin and 7-hydroxymitraginine, act like buprenorphin; keep Naloxon near."
    assert found(text) == [
        ("mitraginin", "mitragynine"),
        ("hydroxymitraginine", "hydroxymitragynine"),
        ("buprenorphin", "buprenorphine"),
        ("Naloxon", "Naloxone"),
    ]
    result = lint_text(engine(), text, "a.txt")
    assert apply_fixes(text, result.findings, unsafe=True) == (
        "Its alkaloids, mitragynine and 7-hydroxymitragynine, act like buprenorphine; keep Naloxone near.")
    assert result.findings[0].message == "“mitraginin” looks like a misspelling of “mitragynine”."


def test_swaps_plurals_and_names_with_capitals():
    assert found("Avoid corticosteriods. Ask about Alzhiemer care.") == [
        ("corticosteriods", "corticosteroids"), ("Alzhiemer", "Alzheimer")]


def test_correct_terms_english_words_and_short_words_pass():
    text = ("Mitragynine, 7-hydroxymitragynine, buprenorphine and naloxone are spelled right. "
            "Heroine is a word; so are medicine, medication and codex. Kratm is too short to judge.")
    assert found(text) == []


def test_other_forms_of_a_term_are_not_misspellings():
    text = ("Anemic and psychotic patients; thrombolytic drugs; hypertensive crises; neuropathic pain; "
            "perimenopausal women; Haemophilus influenzae and Streptococcus pneumoniae; hyporeflexia.")
    assert found(text) == []
    assert another_word("hypertonia", "hypersomnia") and another_word("hyporeflexia", "hyperreflexia")
    assert not another_word("mitraginin", "mitragynine") and not another_word("naloxon", "naloxone")


def test_british_spellings_acronyms_and_gene_names_pass():
    assert found("Oestrogen and anaemia; the OPMS brand; the BRCA1 and COL4A5 genes; MeCP2 protein.") == []


def test_a_word_as_close_to_two_terms_is_not_guessed():
    vocabulary = Vocabulary(("alfentanil", "sufentanil"), 6, 10)
    assert vocabulary.nearest("xufentanil") is None  # first letter differs
    tie = Vocabulary(("abcdefgh", "abcdefgk"), 6, 10)
    assert tie.nearest("abcdefgz") is None


def test_edit_limits_depend_on_the_term_length():
    vocabulary = Vocabulary(("naloxone", "mitragynine"), 6, 10)
    assert vocabulary.nearest("nalxone") == ("naloxone", 1)
    assert vocabulary.nearest("nalxne") is None  # two edits from an eight-letter term
    assert vocabulary.nearest("mitraginin") == ("mitragynine", 2)
    assert vocabulary.nearest("mitrgnin") is None  # three edits


def test_users_add_terms_and_allowed_words():
    assert found("Try Zynkratex or zynkratx.") == []
    assert found("Try Zynkratex or zynkratx.", terms=["Zynkratex"]) == [("zynkratx", "Zynkratex")]
    assert found("The mitraginin content.", allow=["mitraginin"]) == []


def test_vocabulary_files_are_read_from_the_rule_folder(tmp_path):
    (tmp_path / "brands.txt").write_text("# our products\nZynkratex\nVelquorin\n", encoding="utf-8")
    rule_file = tmp_path / "brand-spelling.yaml"
    source = (builtin().by_id("medical-term-spelling").path)
    text = open(source, encoding="utf-8").read().replace("id: medical-term-spelling", "id: brand-spelling")
    rule_file.write_text(text.replace("kind: spelling\n", "kind: spelling\nvocabulary_files: [brands.txt]\n"),
                         encoding="utf-8")
    rule = load_rule_file(rule_file)
    result = lint_text(Engine(RuleSet((rule,), (compile_rule(rule),))), "Velqorin and zynkratx.", "a.txt")
    assert [(f.match, f.fix.edits[0].replacement) for f in result.findings] == [
        ("Velqorin", "Velquorin"), ("zynkratx", "Zynkratex")]


def test_a_missing_vocabulary_file_is_a_rule_error(tmp_path):
    source = builtin().by_id("medical-term-spelling").path
    text = open(source, encoding="utf-8").read().replace("kind: spelling\n", "kind: spelling\nvocabulary_files: [nope.txt]\n")
    rule_file = tmp_path / "medical-term-spelling.yaml"
    rule_file.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError, match="nope.txt"):
        load_rule_file(rule_file)


def test_a_rule_without_terms_is_refused():
    with pytest.raises(OptionError, match="no terms"):
        compile_rule(with_options(builtin().by_id("medical-term-spelling"), builtin_vocabulary=False))


def test_the_shipped_vocabulary_is_clean():
    terms = medical_terms()
    words = [term.lower() for term in terms]
    assert len(words) == len(set(words)), "duplicate terms"
    assert "mitragynine" in words and "7-hydroxymitragynine" in words and "naloxone" in words
    assert len(english_words()) > 50_000 and "may" in english_words()


# The deletion index must find exactly what comparing with every term finds.

_TERMS = ("mitragynine", "naloxone", "naltrexone", "nalmefene", "cannabidiol", "cannabinol", "carbamazepine",
          "loratadine", "ondansetron", "modafinil", "acamprosate", "memantine")
_ALPHABET = "abcdeilmnorty"


@st.composite
def near_words(draw):
    """A term with up to three random edits: most land near one or two terms."""
    word = list(draw(st.sampled_from(_TERMS)))
    for _ in range(draw(st.integers(0, 3))):
        operation = draw(st.sampled_from(("insert", "delete", "substitute", "swap")))
        at = draw(st.integers(1, len(word) - 2))
        letter = draw(st.sampled_from(_ALPHABET))
        if operation == "insert":
            word.insert(at, letter)
        elif operation == "delete":
            del word[at]
        elif operation == "substitute":
            word[at] = letter
        else:
            word[at], word[at + 1] = word[at + 1], word[at]
    return "".join(word)


@settings(max_examples=400, deadline=None)
@given(st.one_of(near_words(), st.text(alphabet=_ALPHABET, min_size=6, max_size=12)))
def test_the_index_agrees_with_brute_force(word):
    vocabulary = Vocabulary(_TERMS, 6, 10)
    expected = {}
    for term in _TERMS:
        limit = vocabulary.max_edits(term)
        distance = edit_distance(word, term, limit)
        if distance <= limit and term[0] == word[0]:
            expected[term] = distance
    result = vocabulary.nearest(word)
    if not expected:
        assert result is None
    else:
        best = min(expected.values())
        winners = [term for term, distance in expected.items() if distance == best]
        assert result == ((winners[0], best) if len(winners) == 1 else None)


@pytest.mark.parametrize("a, b, distance", [
    ("naloxone", "naloxone", 0), ("naloxone", "nalxone", 1), ("naloxone", "nalxoone", 1),
    ("corticosteriod", "corticosteroid", 1), ("mitraginin", "mitragynine", 2), ("abc", "xyz", 3),
])
def test_edit_distance_counts_a_swap_as_one_edit(a, b, distance):
    assert edit_distance(a, b, 5) == distance
    assert edit_distance(a, b, 0) == min(distance, 1)
