"""Structure: empty sections, repeated headings, skipped heading levels.

Most cases use hand-built documents (one block per line, with the heading
levels a Markdown or HTML parser would give), so that they test the rules and
not a parser; a few go through the plain-text and Markdown parsers end to end.
"""
from __future__ import annotations

from functools import lru_cache

from healthlint.documents import BlockBuilder, line_starts
from healthlint.engine import Engine
from healthlint.kinds.structure import heading_key, table_of_contents
from healthlint.model import Document
from healthlint.ruleset import RuleSet, compile_rule, load_ruleset
from healthlint.runner import lint_text


def outline(*rows: tuple[str, str] | tuple[str, str, int], format: str = "markdown") -> Document:
    """A document with one block per line: (kind, text) or ("heading", text, level)."""
    lines, blocks, offset = [], [], 0
    for index, row in enumerate(rows):
        kind, text = row[0], row[1]
        builder = BlockBuilder()
        builder.add(text, offset)
        blocks.append(builder.build(kind, index, level=row[2] if len(row) > 2 else 0))
        lines.append(text)
        offset += len(text) + 1
    source = "\n".join(lines) + "\n"
    return Document("outline.md", format, source, tuple(blocks), line_starts(source))


@lru_cache(maxsize=1)
def builtin():
    return load_ruleset()


def lint(rule_id: str, document: Document):
    rule = builtin().by_id(rule_id)
    return Engine(RuleSet((rule,), (compile_rule(rule),))).lint(document)


def lines_of(findings) -> list[int]:
    return [finding.span.line for finding in findings]


# ---- empty sections ----------------------------------------------------------


def test_a_heading_followed_by_a_heading_of_the_same_or_a_higher_level_is_empty():
    document = outline(
        ("heading", "Kratom", 1),
        ("paragraph", "A plant."),
        ("heading", "Benefits", 2),  # line 3: followed by another h2
        ("heading", "Risks", 2),
        ("heading", "Liver harm", 3),  # line 5: followed by a higher level
        ("heading", "Naloxone", 2),
        ("paragraph", "It reverses an overdose."),
    )
    findings = lint("empty-section", document)
    assert lines_of(findings) == [3, 5]
    assert findings[0].match == "Benefits" and findings[0].message == "The heading “Benefits” has no text under it."
    span = findings[0].span
    assert (span.column, span.end_line, span.end_column) == (1, 3, 9)


def test_a_heading_followed_by_a_deeper_one_opens_a_section():
    document = outline(("heading", "Risks", 2), ("heading", "Liver harm", 3), ("paragraph", "Rare but serious."))
    assert not lint("empty-section", document)


def test_a_heading_at_the_end_of_the_text_is_empty_in_markdown_but_not_in_plain_text():
    rows = (("heading", "Kratom", 2), ("paragraph", "A plant."), ("heading", "Sources", 2))
    assert lines_of(lint("empty-section", outline(*rows))) == [3]
    assert not lint("empty-section", outline(*rows, format="text"))


def test_title_and_description_blocks_are_not_section_text():
    document = outline(("heading", "Kratom", 1), ("description", "All about kratom"), ("heading", "Risks", 1),
                       ("paragraph", "Dependence."))
    assert lines_of(lint("empty-section", document)) == [1]


def test_plain_text_heading_directly_followed_by_another_is_reported():
    text = (
        "Kratom and magnesium are sold together.\n"
        "- How Kratom Works in the Body\n"
        "- Benefits and Safety Precautions\n"
        "How Kratom Works in the Body\n"
        "Benefits and Safety Precautions\n"
        "Some people report less pain. Kratom can cause dependence.\n"
    )
    findings = lint_text(Engine(RuleSet(*_rule("empty-section"))), text, "article.txt").findings
    assert lines_of(findings) == [4]


def test_plain_text_runs_of_short_lines_and_lead_ins_are_not_empty_sections():
    unmarked_list = "Foods high in potassium:\n\nBananas\n\nAvocados\n\nSpinach\n\nEat them daily.\n"
    lead_in = "Adrenal Insufficiency\n\nThe most common symptoms are\n\n- fatigue\n- weight loss\n"
    engine = Engine(RuleSet(*_rule("empty-section")))
    assert not lint_text(engine, unmarked_list, "a.txt").findings
    assert not lint_text(engine, lead_in, "b.txt").findings


def _rule(rule_id: str):
    rule = builtin().by_id(rule_id)
    return (rule,), (compile_rule(rule),)


# ---- tables of contents ------------------------------------------------------


def test_a_bullet_list_repeating_the_headings_is_fine_and_makes_no_duplicates():
    document = outline(
        ("paragraph", "An introduction."),
        ("list-item", "Understanding Kratom"),
        ("list-item", "Safety Considerations"),
        ("heading", "Understanding Kratom", 2),
        ("paragraph", "Text."),
        ("heading", "Safety Considerations", 2),
        ("paragraph", "Text."),
        format="text",
    )
    assert not lint("duplicate-heading", document)
    assert not lint("empty-section", document)


def test_bare_lines_repeating_the_headings_are_a_table_of_contents_not_empty_sections():
    document = outline(
        ("heading", "Understanding Kratom", 2),  # a table of contents without markers
        ("heading", "Safety Considerations", 2),
        ("heading", "Understanding Kratom", 2),
        ("paragraph", "Text."),
        ("heading", "Safety Considerations", 2),
        ("paragraph", "Text."),
        format="text",
    )
    assert table_of_contents(document.blocks) == {0, 1}
    assert not lint("duplicate-heading", document)
    assert not lint("empty-section", document)


def test_a_run_of_headings_that_does_not_come_back_is_not_a_table_of_contents():
    document = outline(("heading", "Benefits", 2), ("heading", "Risks", 2), ("paragraph", "Text."),
                       ("heading", "Benefits", 2), ("paragraph", "Text."), format="text")
    assert table_of_contents(document.blocks) == set()
    assert lines_of(lint("empty-section", document)) == [1]


# ---- duplicate headings ------------------------------------------------------


def test_the_same_heading_twice_is_reported_on_the_second_with_the_first_as_related():
    document = outline(
        ("heading", "How Kratom Works", 2),
        ("paragraph", "It binds to opioid receptors."),
        ("heading", "Risks", 2),
        ("paragraph", "Dependence."),
        ("heading", "How kratom works?", 2),
        ("paragraph", "It is a partial agonist."),
    )
    findings = lint("duplicate-heading", document)
    assert lines_of(findings) == [5]
    assert findings[0].message == "The heading “How kratom works?” repeats the heading on line 1."
    assert [related.line for related in findings[0].related] == [1]


def test_the_same_heading_under_different_parents_is_fine():
    document = outline(
        ("heading", "Asthma", 2), ("heading", "Symptoms", 3), ("paragraph", "Wheezing."),
        ("heading", "COPD", 2), ("heading", "Symptoms", 3), ("paragraph", "Cough."),
    )
    assert not lint("duplicate-heading", document)


def test_the_same_heading_at_another_level_is_fine():
    document = outline(("heading", "Kratom", 1), ("paragraph", "A plant."), ("heading", "Kratom", 2),
                       ("paragraph", "More."))
    assert not lint("duplicate-heading", document)


def test_heading_key_ignores_case_punctuation_and_spacing():
    assert heading_key("  How Kratom   Works?! ") == heading_key("how kratom works") == "how kratom works"


# ---- skipped levels ----------------------------------------------------------


def test_a_skipped_level_is_reported_with_the_expected_level():
    document = outline(("heading", "Kratom", 2), ("paragraph", "A plant."), ("heading", "Risks", 4),
                       ("paragraph", "Dependence."), ("heading", "Naloxone", 2), ("paragraph", "Reverses."))
    findings = lint("skipped-heading-level", document)
    assert lines_of(findings) == [3]
    assert findings[0].message == "This heading jumps from level 2 to level 4; use level 3."


def test_going_back_up_any_number_of_levels_is_fine():
    document = outline(("heading", "A", 1), ("heading", "B", 2), ("heading", "C", 3), ("paragraph", "x"),
                       ("heading", "D", 1), ("paragraph", "y"))
    assert not lint("skipped-heading-level", document)


def test_plain_text_has_no_levels_to_skip():
    document = outline(("heading", "Kratom", 2), ("heading", "Risks", 4), ("paragraph", "x"), format="text")
    assert not lint("skipped-heading-level", document)


def test_markdown_end_to_end():
    text = "# Kratom\n\nA plant.\n\n### Risks\n\nDependence.\n\n## Benefits\n\n## Dosage\n\nAsk a doctor.\n"
    engine = Engine(builtin().selected(("structure",)))
    found = [(f.rule, f.span.line, f.span.column) for f in lint_text(engine, text, "a.md").findings]
    assert found == [("skipped-heading-level", 5, 5), ("empty-section", 9, 4)]


def test_outline_work_is_linear_in_the_number_of_headings():
    rows = [("heading", f"Heading {n}", 2) for n in range(3000)] + [("paragraph", "Text.")]
    document = outline(*rows, format="text")
    assert not lint("empty-section", document)  # one long unmarked list
    assert not lint("duplicate-heading", document)
