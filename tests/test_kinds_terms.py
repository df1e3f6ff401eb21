"""Terms searched one by one (`unless`, `when`) find what their alternation finds."""
from healthlint.kinds.base import Terms, phrase_regex

TEXTS = ["It eases the pain.", "See https://example.org for more.", "Studies show that it works well.",
         "abab", "Nothing to see here.", ""]


def found_by_each(terms: Terms, text: str) -> bool:
    return any(pattern.search(text) for pattern in terms.each_compiled())


def test_plain_terms_are_searched_one_by_one_and_find_what_the_alternation_finds():
    terms = Terms((phrase_regex("eases the pain"), r"https?://", r"(?<=\bstudies\s+show\s+that\s+)it\b",
                   r"\bworks?\b"))
    assert len(terms.each_compiled()) == 4
    for text in TEXTS:
        assert found_by_each(terms, text) == bool(terms.compiled().search(text)), text


def test_terms_that_read_each_other_stay_one_alternation():
    """"\\1" in the second term names the first term's group in the alternation; "(?i)" and
    "(?V1)" set a flag for every term."""
    for patterns in [(r"(a)b", r"(b)\1"), (r"(?P<x>a)b", r"b(?P=x)"), (r"abc", r"(?V1)ab"), (r"x", r"(?i)AB")]:
        terms = Terms(patterns)
        assert [pattern.pattern for pattern in terms.each_compiled()] == [terms.compiled().pattern]
        for text in TEXTS:
            assert found_by_each(terms, text) == bool(terms.compiled().search(text)), (patterns, text)


def test_one_term_or_none():
    assert [pattern.pattern for pattern in Terms(("abc",)).each_compiled()] == ["(?:abc)"]
    assert Terms(()).each_compiled() == ()
