"""The `repetition` kind and the keyword-stuffing rule: what is a stuffed phrase,
what is a topic, where the finding goes, and declared keyphrases.

The fixtures are articles of the content-farm genre written for these tests
(tests/fixtures/stuffing_*): a search phrase pasted into paragraphs, an
article built around a phrase that it repeats in headings, and an article
whose topic phrases repeat naturally. The last section checks the shortcuts
that make the check fast against plain readings of random articles.
"""
from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthlint.documents import parse_document
from healthlint.engine import Engine
from healthlint.kinds import repetition
from healthlint.kinds.base import OptionError
from healthlint.model import MASK
from healthlint.ruleset import RuleSet, compile_rule, load_ruleset, with_options

FIXTURES = Path(__file__).parent / "fixtures"
RULE = load_ruleset().by_id("stuffed-phrase")


def lint(text: str, path: str = "article.txt", rule=RULE):
    engine = Engine(RuleSet((rule,), (compile_rule(rule),)))
    document = parse_document(text, path)
    return document, engine.lint(document)


def lint_fixture(name: str, rule=RULE):
    return lint((FIXTURES / name).read_text(encoding="utf-8"), name, rule)


def position(span) -> tuple[int, int, int, int]:
    return span.line, span.column, span.end_line, span.end_column


def covered(document, span) -> str:
    return repetition.normalized(document.source[span.start_offset : span.end_offset])


# ---- whole articles ------------------------------------------------------------


def test_pasted_search_phrase_is_reported_once_with_every_occurrence():
    document, findings = lint_fixture("stuffing_pasted_query.txt")
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.rule, finding.category, finding.severity) == ("stuffed-phrase", "keyword-stuffing", "warning")
    # The first occurrence is in the introduction, where the phrase may stay;
    # the finding sits on the next one.
    assert position(finding.span) == (7, 161, 7, 185)
    assert finding.match == "Ashwagandha root picture"
    assert [position(span) for span in finding.related] == [(2, 108, 2, 132), (9, 190, 9, 214), (11, 194, 11, 218)]
    assert finding.message.startswith("“Ashwagandha root picture” appears 4 times (1.6% of 243 words)")
    assert "worded like a search query" in finding.message
    assert "reword the other occurrences" in finding.suggestions[0]
    for span in (finding.span, *finding.related):
        assert covered(document, span) == "ashwagandha root picture"


def test_article_built_around_a_phrase_in_its_headings_is_reported():
    document, findings = lint_fixture("stuffing_built_around.md")
    assert len(findings) == 1
    finding = findings[0]
    assert finding.match == "valerian and melatonin"
    # Kept: the title, one heading, the introduction. The table of contents
    # (line 7) is not an occurrence of its own.
    assert position(finding.span) == (13, 182, 13, 204)
    assert [span.line for span in finding.related] == [1, 3, 11, 17, 21]
    assert "in 2 headings" in finding.message
    for span in (finding.span, *finding.related):
        assert covered(document, span) == "valerian and melatonin"


def test_topic_phrases_and_names_are_not_stuffing():
    _, findings = lint_fixture("stuffing_topic.txt")
    assert findings == ()


# ---- what counts ---------------------------------------------------------------


def _candidates(text: str, path: str = "article.txt"):
    document = parse_document(text, path)
    check = compile_rule(RULE)
    words = repetition.Words(repetition.counted_blocks(document, RULE.scope))
    found = repetition.candidates(words, check.min_words, check.max_words, check.min_count, check.query)
    return {candidate.text: candidate for candidate in found}


def test_a_table_of_contents_does_not_count_twice():
    text = (
        "Kratom Capsules Review\n\n"
        "- Kratom Capsules Review\n- Dosage\n\n"
        "Kratom is a plant. This is our kratom capsules review.\n\n"
        "Dosage\n\n"
        "Kratom doses vary. Read the kratom capsules review again.\n"
    )
    assert _candidates(text)["kratom capsules review"].count == 3


def test_a_phrase_always_inside_a_longer_one_gives_way_to_it():
    text = " ".join(
        f"Kratom grows in {place}. {opening} the kratom tree image {closing}."
        for place, opening, closing in (
            ("Thailand", "Look at", "below"),
            ("Malaysia", "We drew", "by hand"),
            ("Borneo", "Print", "at home"),
            ("Sumatra", "Share", "with friends"),
        )
    )
    found = _candidates(text)
    assert "kratom tree image" in found
    assert "kratom tree" not in found and "tree image" not in found


def test_overlapping_phrases_report_once_and_the_longest_wins():
    paragraphs = [
        "Kratom is a tree. People search for best kratom capsules near me every day.",
        "Kratom capsules are sold in shops. The best kratom capsules near me are not always safe.",
        "Kratom can cause dependence. Finding best kratom capsules near me is easy online.",
        "Kratom is not approved. Ads for best kratom capsules near me are everywhere.",
    ]
    _, findings = lint("\n\n".join(paragraphs))
    assert [finding.match for finding in findings] == ["best kratom capsules near me"]


def test_a_brand_written_in_lower_case_is_a_signal():
    text = (
        "Kratom brands recall products now and then. The OPX Kratom recall was one.\n\n"
        "Buyers of kratom checked their lots after the opx kratom recall.\n\n"
        "Kratom is not approved by the FDA. Read about the opx kratom recall first.\n"
    )
    candidate = _candidates(text)["opx kratom recall"]
    assert candidate.lowered and candidate.query
    _, findings = lint(text)
    assert [finding.match for finding in findings] == ["opx kratom recall"]


def test_a_query_word_needs_a_subject_that_the_text_uses():
    # "detailed pictures" ends in a query word but names nothing the text is about.
    text = " ".join(
        f"{machine} detailed pictures {where}."
        for machine, where in (
            ("A CT scan takes", "of the chest"),
            ("An MRI gives", "inside the brain"),
            ("An ultrasound shows", "from sound waves"),
            ("A PET scan yields", "after an injection"),
        )
    )
    assert not _candidates(text)["detailed pictures"].query
    assert lint(text)[1] == ()


def test_a_name_repeated_for_precision_is_not_reported():
    text = "\n\n".join(
        f"Mitragyna speciosa grows in {place}. Farmers there harvest Mitragyna speciosa by hand."
        for place in ("Thailand", "Malaysia", "Indonesia")
    )
    assert _candidates(text)["mitragyna speciosa"].name
    assert lint(text)[1] == ()


def test_a_productive_topic_is_not_reported():
    found = _candidates((FIXTURES / "stuffing_topic.txt").read_text(encoding="utf-8"))
    assert found["opioid withdrawal"].family > 0.3
    assert found["opioid withdrawal"].score == 0.0  # not scored yet: candidates() only measures


# ---- declared keyphrases --------------------------------------------------------


def _article(keyphrase_times: int, words: int = 200) -> str:
    filler = ("Sleep matters for health and mood, and habits help most people rest. " * 40).split()
    sentences, used = [], 0
    for _ in range(keyphrase_times):
        sentences.append("We tested ashwagandha gummies.")
        used += 3
    body = " ".join(filler[: words - used])
    return body + " " + " ".join(sentences) + "\n"


@pytest.mark.parametrize(
    "times, severity",
    [(5, None), (6, None), (7, "warning"), (8, "warning"), (9, "error")],
)
def test_declared_keyphrase_density_uses_yoasts_bands(times, severity):
    # 200 words: 6 occurrences are 3.0% (not over), 7 are 3.5%, 9 are 4.5%.
    rule = with_options(RULE, keyphrases=["Ashwagandha gummies"], detect=False)
    _, findings = lint(_article(times), rule=rule)
    assert [finding.severity for finding in findings] == ([severity] if severity else [])
    if severity:
        assert findings[0].message.startswith(f"“ashwagandha gummies” appears {times} times")
        assert "declared keyphrase" in findings[0].message
        assert len(findings[0].related) == times - 1


def test_a_keyphrase_may_set_its_own_maximum_density():
    rule = with_options(RULE, keyphrases=[{"phrase": "ashwagandha gummies", "max_density": 1.0}], detect=False)
    _, findings = lint(_article(3), rule=rule)  # 1.5%
    assert [finding.severity for finding in findings] == ["warning"]


def test_the_detector_leaves_a_declared_keyphrase_to_its_density():
    text = (FIXTURES / "stuffing_pasted_query.txt").read_text(encoding="utf-8")
    rule = with_options(RULE, keyphrases=["ashwagandha root picture"])
    assert lint(text, rule=rule)[1] == ()  # 1.6%: within the band


# ---- options and speed ------------------------------------------------------------


@pytest.mark.parametrize(
    "options, key",
    [
        ({"signals": {"querry": 1.0}}, "signals.querry"),
        ({"signals": {"query": "high"}}, "signals.query"),
        ({"keyphrases": [{"phrase": "kratom", "limit": 2}]}, "keyphrases.limit"),
        ({"keyphrases": ["  "]}, "keyphrases"),
        ({"min_count": 0}, "min_count"),
    ],
)
def test_bad_options_are_rejected_with_the_key(options, key):
    with pytest.raises(OptionError) as error:
        with_options(RULE, **options)
    assert error.value.key == key


def test_max_words_below_min_words_is_rejected():
    with pytest.raises(OptionError) as error:
        compile_rule(with_options(RULE, min_words=4, max_words=3))
    assert error.value.key == "max_words"


def test_time_grows_linearly_with_the_text():
    rng = random.Random(3)
    vocabulary = [f"w{n}" for n in range(400)] + ["kratom", "tree", "image", "the", "of", "and"]

    def article(paragraphs: int) -> str:
        return "\n\n".join(
            " ".join(rng.choice(vocabulary) for _ in range(60)) + ". Kratom tree image." for _ in range(paragraphs)
        )

    def seconds(text: str) -> float:
        best = float("inf")
        for _ in range(3):  # the fastest of three runs: the least disturbed by other work
            started = time.perf_counter()
            lint(text)
            best = min(best, time.perf_counter() - started)
        return best

    small, large = article(100), article(800)  # 6,300 and 50,400 words
    # Eight times the text: linear work takes about eight times as long
    # (somewhat more: more phrases repeat), quadratic work 64 times.
    assert seconds(large) < 20 * seconds(small) + 0.5


def test_keyphrases_may_be_one_mapping_of_phrase_to_percentage():
    rule = with_options(RULE, keyphrases={"ashwagandha gummies": "1%"}, detect=False)
    assert rule.option("keyphrases")[0].max_density == 1.0
    with pytest.raises(OptionError) as error:
        with_options(RULE, keyphrases={"ashwagandha gummies": 0})
    assert error.value.key == "keyphrases.max_density"


def test_a_query_is_not_hidden_by_the_word_that_always_follows_it():
    text = "\n\n".join(
        f"Kratom is sold in {place}. {who} kratom near me today, {tail}."
        for place, who, tail in (
            ("shops", "Shoppers look for", "and find it"),
            ("vape stores", "Teenagers search", "again"),
            ("gas stations", "Drivers ask about", "sadly"),
        )
    )
    assert [finding.match for finding in lint(text)[1]] == ["kratom near me"]


def test_a_phrase_ending_in_a_city_is_a_local_search_query():
    text = "\n\n".join(
        f"{opening} Before you call a detox center {city}, talk to a doctor."
        for opening in ("Detox is the first step.", "Withdrawal can be dangerous.", "Detox is not treatment.")
        for city in ("denver",)
    )
    _, findings = lint(text)
    assert [f.match for f in findings] == ["detox center denver"]
    assert "worded like a search query" in findings[0].message
    assert lint(text, rule=with_options(RULE, query_places=False))[1] == ()
    # Not every city: a name that is an English word ("phoenix") or a condition
    # ("Gilbert syndrome") is more often that than the city.
    assert lint(text.replace("denver", "phoenix"))[1] == ()
    places = set(repetition.places())
    assert {"denver", "houston", "new york", "london"} <= places
    assert not {"phoenix", "mobile", "gilbert"} & places


def test_a_range_of_years_is_not_a_query():
    text = "\n\n".join(
        f"In the 2009-2010 season the flu {event}. Vaccines for 2009-2010 were late."
        for event in ("spread early", "hit children", "peaked in October")
    )
    assert lint(text)[1] == ()


# ---- the fast paths against plain readings ---------------------------------------------
#
# check() measures only the phrases that can reach the threshold, and the
# word list, the repeated phrases and the query words are all made by
# shortcuts (see the module's docstring). Each is checked here against the
# plain way of doing the same thing, on random texts.

BUILT_IN_PATTERNS = RULE.option("query_patterns")
# Words for random articles: content words, stopwords, words the built-in
# patterns look for, a name and an acronym, and words that fold together.
VOCABULARY = (
    "kratom tree image images capsules magnesium withdrawal opioid symptoms pain relief Mitragyna speciosa "
    "OPMS PureLeaf near me best price reviews recall 2024 2009 vs how to is are safe contagious genetic "
    "home remedies natural cure the a of and for with in it's kratom's trees muscle-soreness Σίσυφος İstanbul "
    "detox center houston denver new york "
    "`dose` https://example.org/kratom"  # masked by the Markdown parser
).split()
PASTED = (
    "kratom near me", "best kratom capsules", "kratom tree image", "OPMS kratom recall", "is kratom safe",
    "how to use magnesium", "kratom vs magnesium", "home remedies for pain", "kratom capsules 2024",
    "Mitragyna speciosa", "opioid withdrawal symptoms", "PureLeaf kratom price", "detox center denver",
    "kratom in new york",
)
SEPARATORS = (" ",) * 12 + ("  ", "\t", "\u00a0", "-", ", ", ". ", "; ", "’s ", "'", " (", ") ")


@st.composite
def articles(draw, markdown: bool):
    """A short article: headings and paragraphs of words drawn from a small
    vocabulary, with a phrase pasted into some of them, so that phrases repeat."""
    invented = st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=5).map(" ".join)
    pasted = draw(st.sampled_from(PASTED) | invented)
    blocks = []
    for _ in range(draw(st.integers(1, 10))):
        length = draw(st.integers(1, 14))
        words = draw(st.lists(st.sampled_from(VOCABULARY), min_size=length, max_size=length))
        if draw(st.booleans()):
            at = draw(st.integers(0, length))
            words.insert(at, pasted)
        cases = draw(st.lists(st.integers(0, 12), min_size=len(words), max_size=len(words)))
        words = [
            word.upper() if case == 1 else word.capitalize() if case == 2 else word for word, case in zip(words, cases)
        ]
        separators = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
        text = "".join(word + separator for word, separator in zip(words, separators)).strip() or "x"
        heading = markdown and draw(st.integers(0, 3)) == 0
        blocks.append(("## " if heading else "") + text + ("" if heading else "."))
    return "\n\n".join(blocks) + "\n"


def plain_words(blocks) -> list[tuple[str, int, int, int, int, bool]]:
    """Word by word: (word, block, start, end, run, first of a sentence)."""
    found, run = [], -1
    for number, block in enumerate(blocks):
        text, previous_end = block.text, -1
        sentence_starts = sorted(start for start, _ in block.sentences)
        for match in repetition._WORD.finditer(text):
            start = match.start()
            if previous_end < 0 or not repetition._JOIN.fullmatch(text, previous_end, start):
                run += 1
            initial = previous_end < 0 or repetition._starts_sentence(text, previous_end, start, sentence_starts)
            found.append((match.group().lower().replace("’", "'"), number, start, match.end(), run, initial))
            previous_end = match.end()
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles(markdown=True))
def test_the_word_list_is_the_word_by_word_reading(text):
    blocks = repetition.counted_blocks(parse_document(text, "article.md"), RULE.scope)
    words = repetition.Words(blocks)
    expected = plain_words(blocks)
    indexes = [index for index, word in enumerate(words.words) if word != repetition.BREAK]
    assert [words.words[index] for index in indexes] == [word for word, *_ in expected]
    assert len(words) == len(expected)
    for index, (_, block, start, end, run, initial) in zip(indexes, expected):
        assert (words.block_of[index], words.span(index, 1), words.initial(index)) == (block, (start, end), initial)
        assert words.surface(index, 1) == blocks[block].text[start:end]
    # A BREAK stands exactly where a run ends.
    for (index, entry), (following, next_entry) in zip(zip(indexes, expected), zip(indexes[1:], expected[1:])):
        assert (following == index + 1) == (entry[4] == next_entry[4])


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=f"aZ9 \t'-.\n{MASK}", max_size=40))
def test_the_runs_of_a_text_in_ascii_are_those_the_run_pattern_finds(text):
    """_runs reads a text in ASCII without the regex: runs, and BREAKs between
    them, must be the same."""
    assert repetition._runs(text) == f" {repetition.BREAK} ".join(repetition._RUN.findall(text))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d", repetition.BREAK]), max_size=60),
    st.integers(1, 4),
    st.integers(2, 7),
)
def test_repeated_phrases_are_those_a_full_count_finds(tokens, least, longest):
    tokens = [repetition.BREAK, *tokens, repetition.BREAK]
    every: dict[tuple[str, ...], list[int]] = {}
    for length in range(2, longest + 1):
        for first in range(len(tokens) - length + 1):
            key = tuple(tokens[first : first + length])
            if repetition.BREAK not in key:
                every.setdefault(key, []).append(first)
    expected = {key: firsts for key, firsts in every.items() if len(firsts) >= least}
    assert repetition.repeated_grams(tokens, least, longest) == expected


@given(st.text(alphabet="abcdeisu's", min_size=1, max_size=8))
def test_a_words_frequency_counts_every_word_that_folds_to_it(word):
    key = repetition.fold(word)
    assert word in repetition._unfolded(key)
    assert all(repetition.fold(form) == key for form in repetition._unfolded(key))


PHRASE_WORDS = "is are can does how to best top near me for sale kratom safe 2024 1999 vs versus home remedy x".split()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PHRASE_WORDS), min_size=1, max_size=6))
def test_a_phrase_that_a_query_pattern_matches_holds_what_the_pattern_needs(words):
    needs = repetition._Needs((*BUILT_IN_PATTERNS, repetition.places_pattern()))
    text = " ".join(words)
    starting, ending, holding = needs.words(set(words))
    met = words[0] in starting or words[-1] in ending or bool(holding & set(words))
    query = compile_rule(RULE).query
    assert met or not query.search(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*PHRASE_WORDS, "denver", "new", "york", "price", "show", "up"]), min_size=1, max_size=6))
def test_the_patterns_a_phrase_is_searched_with_match_it_as_all_the_patterns_do(words):
    needs = repetition._Needs((*BUILT_IN_PATTERNS, repetition.places_pattern()))
    starting, ending, holding = needs.words(set(words))
    text = " ".join(words)
    expected = [match.span() for match in compile_rule(RULE).query.finditer(text)]
    narrowed = needs.narrowed(tuple(words), starting, ending, holding)
    assert (narrowed is None and not expected) or [match.span() for match in narrowed.finditer(text)] == expected


# Words that meet a pattern's first word but not the rest ("how" but not "how
# to"), that a word boundary does or does not end ("buy's", "buying"), and parts of cities.
SEED_WORDS = [
    *PHRASE_WORDS, "buy", "buy's", "buying", "shows", "show", "up", "upset", "fort", "worth", "natural", "cure",
    "cures", "remedies", "remedys", "long", "much", "does", "kratom's", "previews", "reviews", "new", "york",
    "city", "salt", "lake", "code", "promo", "class", "action", "and", "after", "before", "where", "get",
    "rome", "syndrome",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(SEED_WORDS), min_size=2, max_size=8))
def test_a_phrase_that_a_query_pattern_matches_holds_a_seed_in_place(words):
    """The phrases worded like a query are grown from seeds (see _Needs.seeds):
    every phrase a pattern matches must hold one where its need is."""
    needs = repetition._Needs((*BUILT_IN_PATTERNS, repetition.places_pattern()))
    query = compile_rule(RULE).query
    text = " ".join(words)
    if not query.search(text):
        return
    index = repetition._Index(repetition.Words(repetition.counted_blocks(parse_document(text, "a.txt"))), query, 6)
    tokens = index.tokens
    assert tokens == [repetition.BREAK, *words, repetition.BREAK]
    starting, ending, holding = needs.words(set(words))
    end = len(tokens) - 1
    starts = needs.seeds("start", starting, index, 1)
    ends = needs.seeds("end", ending, index, 1)
    held = needs.seeds("any", holding, index, 1)
    assert (
        any(1 in firsts for firsts in starts.values())
        or any(first + len(key) == end for key, firsts in ends.items() for first in firsts)
        or bool(held)
    )
    for seeds in (starts, ends, held):  # a seed's occurrences are all those of its words
        for key, firsts in seeds.items():
            assert firsts == [i for i in range(len(tokens)) if tuple(tokens[i : i + len(key)]) == key]


def test_a_city_is_needed_as_a_whole_word():
    """The \\b before the cities' alternation holds for each of them, however
    many they are: "syndrome" does not end in the city of Rome."""
    needs = repetition._Needs((repetition.places_pattern(),))
    assert needs.words({"rome", "syndrome", "denver", "xdenver"})[1] == {"rome", "denver"}


def test_query_patterns_that_cannot_be_read_leave_every_phrase_to_the_patterns():
    assert repetition._Needs([r"\bnear me$", r"(?i)best"]).known is False
    assert repetition._Needs([r"\p{Lu}+ kratom"]).known is False
    assert repetition._Needs([r"x?"]).known is False  # matches anything: needs nothing
    assert repetition._Needs(BUILT_IN_PATTERNS).known


def plain_findings(check, document):
    """What check() reports, from every candidate scored: the plain way."""
    words = repetition.Words(repetition.counted_blocks(document, check.rule.scope))
    if not len(words):
        return []
    found = repetition.candidates(words, check.min_words, check.max_words, check.min_count, check.query)
    flagged = [c for c in found if repetition.score(c, check.weights, check.min_count) >= check.threshold]
    claimed: set[int] = set()
    findings = []
    for candidate in sorted(flagged, key=lambda c: (-len(c.words), -c.score, c.firsts[0])):
        spans = [set(range(f, f + len(candidate.words))) for f in candidate.firsts]
        if sum(1 for span in spans if span & claimed) * 2 >= len(spans):
            continue
        for span in spans:
            claimed |= span
        findings.append(check._finding(document, words, candidate.firsts, len(candidate.words), candidate.reasons))
    return findings


OPTIONS = st.fixed_dictionaries(
    {
        "min_count": st.integers(2, 4),
        "max_words": st.integers(2, 6),
        "threshold": st.sampled_from([1.0, 3.0, 4.0, 4.0, 4.0, 5.0]),
        "signals": st.sampled_from(
            [
                dict(RULE.option("signals")),
                dict(RULE.option("signals")),
                {"query": 3.0, "heading": 1.5, "lowered": 1.5, "unit": 1.0, "family": 3.0, "name": 2.0},
                {"heading": 2.0, "paragraphs": 1.0, "repetition": 1.0},  # no narrowing: repetition is unbounded
                {"query": 2.0, "unit": -1.0, "family": -1.0, "name": -2.0, "built_around": 3.0},
            ]
        ),
        "query_patterns": st.sampled_from(
            [
                list(BUILT_IN_PATTERNS),
                list(BUILT_IN_PATTERNS),
                [r"\bnear me$", r"^best\b", r"(?<=^is .+ )safe$", r"\b(?:image|images)$"],
                [r"(?i)kratom"],
                [],
            ]
        ),
    }
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans().flatmap(articles), OPTIONS)
def test_check_reports_what_scoring_every_candidate_reports(text, options):
    check = compile_rule(with_options(RULE, **options))
    document = parse_document(text, "article.md")
    assert list(check.check(document, [])) == plain_findings(check, document)


def test_the_checks_shortcuts_agree_on_the_fixtures():
    check = compile_rule(RULE)
    for path in sorted(FIXTURES.glob("stuffing_*")):
        document = parse_document(path.read_text(encoding="utf-8"), path.name)
        assert list(check.check(document, [])) == plain_findings(check, document), path.name
