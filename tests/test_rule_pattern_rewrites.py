"""Built-in patterns rewritten for speed find exactly what they found before.

The scanner runs each pattern with finditer(overlapped=True) and the engine
merges one rule's overlapping hits (engine._longest_first), so a rewrite must
give the same set of (start, end) spans per block, over all of the rule's
patterns, as the pattern it replaced: the same findings on a corpus are not
enough. The patterns as they were are kept here as the reference, and the
texts are built from their own words (so that matches are common) with
random words, spaces and punctuation between them.
"""
from __future__ import annotations

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# rule id -> (the pattern as it was, the indexes of the patterns that replace it)
OLD_PATTERNS = {
    "vague-research-appeal": (
        r"\b(?:studies|research|trials|science|\w*scientists|researchers|experiments|evidence|lab\s+work|lab\s+tests|laboratory\s+(?:work|studies|research))\s+(?:(?:of|on|in|from|at|by|conducted|done|carried\s+out|involving)\s+(?:[\w'’-]+\s+){0,3}?)?(?:(?:has|have|also|now|strongly|clearly|consistently|increasingly|repeatedly|already)\s+)*(?:suggests?|suggested|shows?|shown|showed|indicates?|indicated|demonstrates?|demonstrated|confirms?|confirmed|finds|found|reveals?|revealed|supports?|points?\s+(?:to|toward)|hints?|hinted)\b",
        (0, 4),
    ),
    "unnamed-consensus": (
        r"\b(?:(?:most|many|all|top|leading|independent|the)\s+)?(?:experts|specialists|doctors|physicians|scientists|researchers|nutritionists|dietitians|dieticians|pharmacists|herbalists|naturopaths|clinicians|practitioners|professionals|psychiatrists|authorities)\s+(?:(?:now|widely|all|generally|largely|broadly|overwhelmingly|unanimously|universally|increasingly|firmly|fully|strongly|already)\s+)*(?:agree|concur|are\s+(?:(?:all|now|fully|widely|largely|firmly|broadly)\s+)*(?:in\s+(?:full\s+|complete\s+|broad\s+|general\s+)?agreement|unanimous|of\s+one\s+mind)|have\s+(?:now\s+)?(?:reached|come\s+to)\s+(?:a\s+)?consensus)\b",
        (0,),
    ),
}

# Words that the patterns' own words do not give: other "-scientists", words
# that start or end like a pattern's words, and capitals.
EXTRA_WORDS = ["neuroscientists", "Scientists", "xscientists", "scientist", "sciences", "study", "STUDIES",
               "Most", "theory", "allergists", "expertise", "agreed", "the", "a", "of", "it", "é", "don’t"]
SEPARATORS = [" ", " ", " ", "  ", "\n", ", ", ". ", "-", "'", "’", "(", "\t", ""]

# Each rule's phrases in the order its pattern reads them (qualifier, who, what they do...), so that
# a text strings them together often enough to match; each slot may also be skipped or filled with
# any word, and the slots repeat, so that matches overlap and start inside one another.
SLOTS = {
    "vague-research-appeal": [
        ["studies", "research", "trials", "science", "neuroscientists", "scientists", "xscientists",
         "researchers", "experiments", "evidence", "lab work", "lab tests", "laboratory studies", "laboratory"],
        ["of", "on", "in", "from", "conducted", "carried out", "involving"],
        ["mice", "the tea", "leading universities", "studies", "scientists"],
        ["has", "have", "also", "now", "strongly", "clearly", "already"],
        ["suggests", "suggest", "shows", "shown", "found", "points to", "points toward", "hints", "hinted", "finds"],
    ],
    "unnamed-consensus": [
        ["most", "many", "all", "top", "leading", "independent", "the"],
        ["experts", "specialists", "doctors", "scientists", "researchers", "authorities", "most", "the"],
        ["now", "widely", "all", "generally", "firmly", "already"],
        ["agree", "concur", "are", "have", "are all in", "have now reached a", "have come to"],
        ["agreement", "full agreement", "unanimous", "of one mind", "consensus", "agree"],
    ],
}


def _words(pattern: str) -> list[str]:
    # the pattern's literal words: runs of letters outside escapes (\s, \b, \w are not words)
    return sorted(set(regex.findall(r"(?<!\\)[a-z]{2,}", pattern)) | set(EXTRA_WORDS))


def _spans(compiled, text: str) -> set[tuple[int, int]]:
    return {found.span() for found in compiled.finditer(text, overlapped=True) if found.end() > found.start()}


def _check_of(builtin_ruleset, rule_id: str):
    return next(check for check in builtin_ruleset.checks if check.rule.id == rule_id)


@st.composite
def _texts(draw, slots: list[list[str]], words: list[str]) -> str:
    filler = st.one_of(st.sampled_from(words), st.text("abcst’é", min_size=1, max_size=4))
    tokens = []
    for _ in range(draw(st.integers(1, 4))):
        for slot in slots:
            choice = draw(st.integers(0, 5))
            if choice <= 2:
                tokens.append(draw(st.sampled_from(slot)))
            elif choice == 3:
                tokens.append(draw(filler))
    if not tokens:
        tokens.append(draw(filler))
    separators = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(tokens), max_size=len(tokens)))
    return "".join(token + separator for token, separator in zip(tokens, separators))


def _assert_same_spans(builtin_ruleset, rule_id: str, data) -> None:
    old_pattern, new_indexes = OLD_PATTERNS[rule_id]
    check = _check_of(builtin_ruleset, rule_id)
    flags = 0 if check.case_sensitive else regex.IGNORECASE
    old = regex.compile(old_pattern, flags)
    new = [regex.compile(check.patterns[index], flags) for index in new_indexes]
    text = data.draw(_texts(SLOTS[rule_id], _words(old_pattern)))
    new_spans = set().union(*(_spans(compiled, text) for compiled in new))
    assert new_spans == _spans(old, text), text


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_vague_research_appeal_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "vague-research-appeal", data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_unnamed_consensus_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "unnamed-consensus", data)


def test_the_rewrites_split_the_work_as_meant(builtin_ruleset):
    """The "-scientists" words are the added pattern's alone; a qualified profession is found twice."""
    check = _check_of(builtin_ruleset, "vague-research-appeal")
    assert regex.search(check.patterns[4], "Neuroscientists have found it", regex.IGNORECASE)
    assert not regex.search(check.patterns[0], "Neuroscientists have found it", regex.IGNORECASE)
    check = _check_of(builtin_ruleset, "unnamed-consensus")
    assert _spans(regex.compile(check.patterns[0], regex.IGNORECASE), "Most experts agree") == {(0, 18), (5, 18)}
