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
