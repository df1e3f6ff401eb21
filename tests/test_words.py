"""The shared word pass (documents/words.py) finds what the WORD regex finds.

find_words takes shortcuts (ASCII bytes split in C, loose apostrophes and
hyphens blanked, words counted per sentence by where they start); whatever
the text, its words and their count per sentence must be those of WORD.
"""
from __future__ import annotations

from hypothesis import given, strategies as st

from healthlint.documents.sentences import split_sentences
from healthlint.documents.words import WORD, Words, find_words
from healthlint.model import MASK

# Letters, digits and the marks that join or part words, typographic and
# non-ASCII ones included, and the sentence ends the splitter reads.
# Most texts take the shortcuts only when they hold no letter beyond ASCII.
_TEXT = st.one_of(
    st.text(alphabet=list("aZk09 '-.!?\n,()\""), max_size=80),
    st.text(alphabet=list("aZk09 '’-–.!?\n\t,()\"é") + [MASK, "\xa0", "“", "ß"], max_size=80),
)


def _expected(text: str, sentences) -> Words:
    return Words(tuple(WORD.findall(text)), tuple(len(WORD.findall(text, start, end)) for start, end in sentences))


@given(_TEXT)
def test_words_of_the_parsers_sentences_are_those_of_the_word_regex(text):
    sentences = split_sentences(text)
    assert find_words(text, sentences) == _expected(text, sentences)


@given(_TEXT, st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), max_size=4))
def test_words_of_any_spans_are_those_of_the_word_regex(text, spans):
    sentences = tuple(sorted((min(start, len(text)), min(end, len(text))) for start, end in spans))
    found = find_words(text, sentences)
    assert found.per_sentence == _expected(text, sentences).per_sentence
    assert found.all == tuple(WORD.findall(text))
