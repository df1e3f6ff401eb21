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

# rule id, and which of its patterns after a slash where it has more than one rewrite ->
# (the pattern as it was, the indexes of the patterns that replace it)
OLD_PATTERNS = {
    "vague-research-appeal": (
        r"\b(?:studies|research|trials|science|\w*scientists|researchers|experiments|evidence|lab\s+work|lab\s+tests|laboratory\s+(?:work|studies|research))\s+(?:(?:of|on|in|from|at|by|conducted|done|carried\s+out|involving)\s+(?:[\w'’-]+\s+){0,3}?)?(?:(?:has|have|also|now|strongly|clearly|consistently|increasingly|repeatedly|already)\s+)*(?:suggests?|suggested|shows?|shown|showed|indicates?|indicated|demonstrates?|demonstrated|confirms?|confirmed|finds|found|reveals?|revealed|supports?|points?\s+(?:to|toward)|hints?|hinted)\b",
        (0, 1, 2, 6),
    ),
    "unnamed-consensus": (
        r"\b(?:(?:most|many|all|top|leading|independent|the)\s+)?(?:experts|specialists|doctors|physicians|scientists|researchers|nutritionists|dietitians|dieticians|pharmacists|herbalists|naturopaths|clinicians|practitioners|professionals|psychiatrists|authorities)\s+(?:(?:now|widely|all|generally|largely|broadly|overwhelmingly|unanimously|universally|increasingly|firmly|fully|strongly|already)\s+)*(?:agree|concur|are\s+(?:(?:all|now|fully|widely|largely|firmly|broadly)\s+)*(?:in\s+(?:full\s+|complete\s+|broad\s+|general\s+)?agreement|unanimous|of\s+one\s+mind)|have\s+(?:now\s+)?(?:reached|come\s+to)\s+(?:a\s+)?consensus)\b",
        (0,),
    ),
    "disease-claim": (
        r"\b(?:cures?|reverses?|eliminates?|eradicates?|wipes?\s+out|gets?\s+rid\s+of|heals?)(?<=\b(?:supplements?|herbs?|herbal\s+\w+|teas?|oils?|extracts?|remed(?:y|ies)|products?|formula(?:s|tions?)?|capsules?|pills?|powders?|juices?|tinctures?|gumm(?:y|ies)|blends?|cleanses?|kratom|kava|cbd|cannabidiol|turmeric|curcumin|ashwagandha|ginseng|ginkgo|echinacea|elderberry|colloidal\s+silver|vinegar|it)\b(?:(?!\b(?:may|might|could|can|possibly|potentially|not|never|no|if|whether)\b)[^.!?;]){0,50}\b(?:cures?|reverses?|eliminates?|eradicates?|wipes?\s+out|gets?\s+rid\s+of|heals?))\s+(?:[\w'’-]+\s+){0,3}?(?:cancers?|tumou?rs?|diabetes|arthritis|alzheimer['’]?s|dementia|heart\s+disease|hypertension|high\s+blood\s+pressure|high\s+cholesterol|depression|anxiety|addictions?|insomnia|obesity|autism|asthma|infections?|covid(?:-19)?|flu|influenza|colds?|adhd|fibromyalgia|pain|migraines?|psoriasis|eczema|acne|herpes|hiv|hepatitis|parkinson['’]?s|multiple\s+sclerosis|osteoporosis|withdrawal|cravings|symptoms|diseases?|illness(?:es)?|disorders?|inflammation)\b",
        (0, 1),
    ),
    "dosing-instructions": (
        r"\b(?:take|taking|add|adding|use|using|start\s+(?:with|at|by\s+taking)|begin\s+(?:with|at)|try|swallow|mix|give|brew|steep|dissolve|stir\s+in|smoke|vape)\s+(?:(?:about|around|approximately|roughly|between|from|up\s+to|no\s+more\s+than|at\s+least|only|just|a\s+single|an?(?=\s+\d))\s+)*(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|half\s+(?:a|an)|a\s+half|a\s+quarter(?:\s+of\s+a)?)\s*(?:(?:-|–|to|or|and)\s*(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|half\s+(?:a|an)|a\s+half|a\s+quarter(?:\s+of\s+a)?)\s*)?(?:mg|milligrams?|g|grams?|mcg|micrograms?|µg|ml|milliliters?|millilitres?|IU|capsules?|caps|tablets?|pills?|teaspoons?|tsp|tablespoons?|tbsp|drops?|scoops?|doses?|bottles?|shots?|vials?)\b",
        (6, 7),
    ),
    "appeal-to-authority": (
        r"\b(?:(?:most|many|all|top|leading|health|medical|independent)\s+)?(?:experts|specialists|doctors|physicians|scientists|nutritionists|dietitians|dieticians|pharmacists|herbalists|naturopaths|clinicians|practitioners|psychiatrists|therapists|dermatologists|cardiologists)\s+(?:(?:now|widely|all|increasingly|strongly|quietly|routinely|everywhere|worldwide|nationwide|across\s+the\s+(?:country|world|globe)|around\s+the\s+(?:world|country|globe))\s+)*(?:say|recommend|believe|swear\s+by|endorse|trust|prefer|rave\s+about|are\s+(?:(?:now|quietly|increasingly|routinely)\s+)*recommending)\b",
        (7, 8),
    ),
    "absolute-efficacy": (
        r"\b(?:(?:completely|totally|fully|entirely|permanently|instantly|quickly|simply)\s+)?(?:(?:eliminat|eradicat|obliterat)(?:es|ed|ing)|wip(?:es|ed|ing)\s+out|melt(?:s|ed|ing)(?:\s+away)?|banish(?:es|ed|ing)|eras(?:es|ed|ing)|flush(?:es|ed|ing)\s+out|strip(?:s|ped|ping)\s+away|torch(?:es|ed|ing)|blast(?:s|ed|ing)\s+away)\s+(?:(?:all|your|the|those|any|stubborn|stored|excess|unwanted|belly|visceral|built-up|hidden|opioid|drug|alcohol|sugar|food)\s+){0,3}(?:cravings?|urges?|fat|toxins?|weight|pounds|withdrawal(?:\s+symptoms)?|anxiety|insomnia|stress|addiction|bloat(?:ing)?)\b",
        (9, 10),
    ),
    "unsupported-proof": (
        r"\b(?:clinically|scientifically|medically|laboratory|lab)[-\s](?:proven|validated|confirmed|demonstrated)\b",
        (12, 13, 14, 15),
    ),
    "dosing-instructions/start-low": (
        r"\b(?:start|begin)\s+(?:with|at|on)\s+(?:a\s+)?(?:very\s+)?(?:low|small|lower|smaller|minimal)\s+(?:dose|dosage|amount)\b",
        (9, 10),
    ),
    "quick-fix": (
        r"\b(?:in|within)\s+(?:just|only|as\s+little\s+as|mere|under|less\s+than)\s+(?:a\s+(?:few\s+|couple\s+of\s+)?|one\s+|two\s+|three\s+|five\s+|seven\s+|ten\s+|\d+\s+)?(?:seconds?|minutes?|hours?|days?|weeks?)\b",
        (10, 11),
    ),
    "absolute-efficacy/cures": (
        r"\b(?:cures|reverses|eradicates|heals)\s+(?:[\w'’-]+\s+){0,2}?(?:insomnia|arthritis|anxiety|depression|diabetes|addictions?|joint\s+damage|panic\s+attacks?|cancers?|tumou?rs?|infections?|inflammation|chronic\s+pain|(?:back|joint|nerve)\s+pain|migraines?|adhd|alzheimer['’]?s|dementia|hypertension|high\s+blood\s+pressure|obesity|fibromyalgia|psoriasis|eczema|acne|asthma|autism|withdrawal(?:\s+symptoms)?|cravings|diseases?|disorders?)\b",
        (19, 20),
    ),
    "clean-dirty": (
        r'\b(?:stay|stays|staying|stayed|remain|remains|keeps\s+(?:them|you|him|her|people|users)|kept\s+(?:them|you|him|her|people|users))\s+clean\b(?=\s+(?:long|over|through|for|during|in|and|after|from|off|while)\b|\s*[.,;:!?”"]|\s*$)',
        (2, 3, 4),
    ),
    "natural-means-safe": (
        r"\b(?:because|since|as)\s+(?:it|they|this|(?:[\w'’-]+\s+){1,3}?(?=is\b|are\b))\s*(?:is|are|['’]s|['’]re)\s+(?:(?:all|completely|purely|entirely|100%|totally)[-\s]?)?natural\b[^.!?;]{0,40}?\b(?:safe|harmless|risk[-\s]?free|gentle|non[-\s]?toxic|side\s+effects)\b",
        (1, 2, 3),
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
    "disease-claim": [
        ["it", "kratom", "herbal tea", "this supplement", "the products", "turmeric", "remedy", "colloidal silver"],
        ["really", "may", "not", "often", "and", "if", ".", "never", "potentially"],
        ["cures", "cure", "heals", "heal", "eliminates", "gets rid of", "wipes out", "reverses", "eradicates"],
        ["your", "most", "chronic", "cures"],
        ["cancer", "pain", "anxiety", "heart disease", "colds", "alzheimer’s", "covid-19", "illnesses", "flu"],
    ],
    "dosing-instructions": [
        ["take", "taking", "add", "adding", "use", "start with", "start by taking", "begin at", "try", "swallow"],
        ["about", "up to", "no more than", "at least", "a", "an", "a single", "just"],
        ["5", "2.5", "1,5", "one", "ten", "half a", "a half", "a quarter of a", "take"],
        ["to 10", "- 3", "–4", "or two", "and a half"],
        ["mg", "grams", "g", "capsules", "IU", "iu", "µg", "drops", "tsp", "doses", "take"],
    ],
    "appeal-to-authority": [
        ["most", "many", "all", "leading", "health", "medical", "independent", "the"],
        ["doctors", "experts", "scientists", "therapists", "cardiologists", "most", "health"],
        ["now", "widely", "all", "quietly", "across the world", "around the globe", "worldwide"],
        ["say", "recommend", "swear by", "are now recommending", "are", "rave about", "trust"],
    ],
    "absolute-efficacy": [
        ["completely", "totally", "simply", "quickly", "permanently"],
        ["eliminates", "eliminated", "eradicating", "wipes out", "melts", "melts away", "strips away",
         "blasts away", "flushes out", "erases", "completely"],
        ["all", "your", "the", "stubborn", "belly", "built-up", "sugar"],
        ["cravings", "fat", "toxins", "withdrawal symptoms", "withdrawal", "bloating", "stress", "pounds"],
    ],
    "unsupported-proof": [
        ["clinically", "scientifically", "medically", "laboratory", "lab", "clinical", "labs"],
        ["proven", "validated", "confirmed", "demonstrated", "prove", "lab"],
    ],
    "dosing-instructions/start-low": [
        ["start", "begin", "started", "beginning"],
        ["with", "at", "on", "start"],
        ["a", "very", "a very"],
        ["low", "small", "lower", "smaller", "minimal"],
        ["dose", "dosage", "amount", "doses"],
    ],
    "quick-fix": [
        ["in", "within", "win", "In"],
        ["just", "only", "as little as", "mere", "under", "less than", "in"],
        ["a", "a few", "a couple of", "one", "ten", "3", "within"],
        ["seconds", "minute", "hours", "days", "week", "weeks"],
    ],
    "absolute-efficacy/cures": [
        ["cures", "reverses", "eradicates", "heals", "cure", "curess"],
        ["your", "chronic", "back", "cures"],
        ["insomnia", "joint damage", "panic attacks", "cancer", "tumours", "back pain", "alzheimer’s",
         "withdrawal symptoms", "withdrawal", "disorders"],
    ],
    "clean-dirty": [
        ["stay", "stays", "staying", "stayed", "remain", "remains", "keeps them", "kept users", "keeps", "kept"],
        ["clean", "cleaner"],
        ["long", "over", "for", "and", "while", ".", "”", "\"", "stay"],
    ],
    "natural-means-safe": [
        ["because", "since", "as", "As", "sincere", "because every ingredient", "as the tea"],
        ["it", "they", "this", "the herb", "is", "are"],
        ["is", "are", "’s", "'re", "'s"],
        ["all-natural", "natural", "100% natural", "totally natural", "naturally"],
        ["so", "and", ".", ";", "it is"],
        ["safe", "harmless", "risk-free", "gentle", "side effects", "non toxic"],
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


def _assert_same_spans(builtin_ruleset, rewrite: str, data) -> None:
    old_pattern, new_indexes = OLD_PATTERNS[rewrite]
    check = _check_of(builtin_ruleset, rewrite.split("/")[0])
    flags = 0 if check.case_sensitive else regex.IGNORECASE
    old = regex.compile(old_pattern, flags)
    new = [regex.compile(check.patterns[index], flags) for index in new_indexes]
    text = data.draw(_texts(SLOTS[rewrite], _words(old_pattern)))
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


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_disease_claim_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "disease-claim", data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_dosing_instructions_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "dosing-instructions", data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_appeal_to_authority_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "appeal-to-authority", data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_absolute_efficacy_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "absolute-efficacy", data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_unsupported_proof_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "unsupported-proof", data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_dosing_instructions_start_low_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "dosing-instructions/start-low", data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_quick_fix_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "quick-fix", data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_absolute_efficacy_cures_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "absolute-efficacy/cures", data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_clean_dirty_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "clean-dirty", data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_natural_means_safe_finds_the_same_spans(builtin_ruleset, data):
    _assert_same_spans(builtin_ruleset, "natural-means-safe", data)


def test_the_rewrites_split_the_work_as_meant(builtin_ruleset):
    """The "-scientists" words are the added pattern's alone; a qualified profession is found twice."""
    check = _check_of(builtin_ruleset, "vague-research-appeal")
    assert regex.search(check.patterns[6], "Neuroscientists have found it", regex.IGNORECASE)
    assert not any(regex.search(check.patterns[index], "Neuroscientists have found it", regex.IGNORECASE)
                   for index in (0, 1, 2))
    check = _check_of(builtin_ruleset, "unnamed-consensus")
    assert _spans(regex.compile(check.patterns[0], regex.IGNORECASE), "Most experts agree") == {(0, 18), (5, 18)}
