"""`healthlint glossary`: each document's abbreviations, what they stand for, where
they are defined and how often they are used."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from healthlint.cli import main
from healthlint.documents import parse_document
from healthlint.glossary import entries

FIXTURES = Path(__file__).parent / "fixtures" / "acronyms"


def glossary(text: str, path: str = "doc.txt", every: bool = False):
    return [(e.short, e.long, e.span.line, e.span.column, e.uses, e.fit)
            for e in entries(parse_document(text, path), every)]


def test_one_entry_per_abbreviation_with_its_uses():
    text = "Opioid use disorder (OUD) is common.\nOUD is treatable, and OUD care works.\nNo more here."
    assert glossary(text) == [("OUD", "Opioid use disorder", 1, 22, 2, "tight")]


def test_each_meaning_gets_an_entry_and_the_uses_it_is_in_force_for():
    text = (FIXTURES / "withdrawal-guide.txt").read_text(encoding="utf-8")
    assert [(short, long, line, uses, fit) for short, long, line, _, uses, fit in glossary(text, every=True)] == [
        ("O.P.M.S.", "Opioid withdrawal management", 1, 2, "none"),
        ("O.P.M.S.", "opioid withdrawal symptoms", 4, 1, "loose"),
        ("O.P.M.S.", "opioid-induced withdrawal symptoms", 5, 0, "loose"),
    ]


def test_by_default_only_expansions_whose_letters_fit():
    text = (FIXTURES / "withdrawal-guide.txt").read_text(encoding="utf-8")
    assert [long for _, long, _, _, _, _ in glossary(text)] == [
        "opioid withdrawal symptoms", "opioid-induced withdrawal symptoms"]


def test_a_repeated_definition_is_one_entry():
    text = "Medication-assisted treatment (MAT) works. Medication-assisted treatment (MAT) saves lives. MAT helps."
    assert [(short, uses) for short, _, _, _, uses, _ in glossary(text)] == [("MAT", 1)]


def test_json_lists_every_file_with_positions():
    result = CliRunner().invoke(main, ["glossary", "--format", "json", "--all", str(FIXTURES)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    files = {Path(item["path"]).name: item["abbreviations"] for item in report["files"]}
    assert files["brand-recall.txt"] == []
    first = files["withdrawal-guide.txt"][0]
    assert first == {
        "short": "O.P.M.S.", "long": "Opioid withdrawal management", "line": 1, "column": 31, "end_line": 1,
        "end_column": 39, "uses": 2, "fits": False, "fit": "none",
    }


def test_text_output_and_standard_input():
    result = CliRunner().invoke(main, ["glossary", "-", "--stdin-filename", "draft.md"],
                                input="People with **opioid use disorder** (OUD) recover. OUD is treatable.\n")
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == ["draft.md", "  OUD  opioid use disorder  [1:38, 1 use]"]


def test_a_missing_path_is_an_error():
    result = CliRunner().invoke(main, ["glossary", "no/such/folder"])
    assert result.exit_code == 2


def test_a_binary_file_is_skipped_with_an_error(tmp_path):
    (tmp_path / "image.txt").write_bytes(b"GIF89a\x00\x01")
    (tmp_path / "note.txt").write_text("Opioid use disorder (OUD) is common. OUD is treatable.", encoding="utf-8")
    result = CliRunner().invoke(main, ["glossary", "--format", "json", str(tmp_path)])
    assert result.exit_code == 2
    files = {Path(item["path"]).name: item for item in json.loads(result.stdout)["files"]}
    assert files["image.txt"]["abbreviations"] == [] and files["image.txt"]["errors"]
    assert [entry["short"] for entry in files["note.txt"]["abbreviations"]] == ["OUD"]
