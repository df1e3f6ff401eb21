"""The questions kinds/context.py answers about the text before a match."""
import itertools

from healthlint.kinds import context


def test_no_negation_is_shorter_than_its_shortest_form():
    """negated() does not search a stretch shorter than _SHORTEST_NEGATION: nothing there can match."""
    alphabet = ["n", "o", "t", "N", "O", "'", "’", " ", "\n", "a"]
    for pattern in (context._NEGATED, context._NEGATED_ACROSS_NO_AND):
        for length in range(context._SHORTEST_NEGATION):
            for chars in itertools.product(alphabet, repeat=length):
                assert not pattern.search("".join(chars)), "".join(chars)
        assert pattern.search("no ")


def test_negated_text_holds_a_piece_of_a_negator():
    """negated() searches only text before the match that holds "no", "ne", "nt", "n'" or "n’" in
    any case: whatever the negation patterns match holds one of them."""
    import random

    from healthlint.model import Block, SourceMap

    chosen = random.Random(7)
    letters = "notedcawhrsNOTEDCAWHRS'’"
    found = 0
    for pattern in (context._NEGATED, context._NEGATED_ACROSS_NO_AND):
        for _ in range(20_000):
            # Words of the letters the negators are made of, each followed by a space, a newline or a comma.
            text = "".join("".join(chosen.choice(letters) for _ in range(chosen.randrange(1, 6))) + chosen.choice("  \n,")
                           for _ in range(chosen.randrange(1, 5)))
            if pattern.search(text):
                found += 1
                lowered = text.lower()
                assert any(piece in lowered for piece in ("no", "ne", "nt", "n'", "n’")), text
    assert found > 50  # the texts do hold negations
    for negation in ("not", "No", "NONE", "never", "no longer", "nor", "Neither", "cannot", "can't",
                     "WON’T", "isn't", "doesn’t", "dont", "SHOULDNT", "hadnt"):
        text = f"This is {negation} proven to work."
        block = Block("paragraph", text, SourceMap(((0, 0),)), ((0, len(text)),))
        assert context.negated(block, text.index("proven")), text
