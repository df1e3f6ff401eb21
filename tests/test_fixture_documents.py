"""Whole documents with their expected findings checked in.

Each tests/fixtures/documents/NAME has NAME.expected.json beside it: the
findings of the built-in pack as (rule, line, column, end_line, end_column,
match). When rules change on purpose, regenerate them with
`python tests/test_fixture_documents.py` and review the diff like code.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

FOLDER = Path(__file__).parent / "fixtures" / "documents"
DOCUMENTS = sorted(p for p in FOLDER.iterdir() if p.suffix in (".md", ".txt", ".html"))


def findings_of(engine, path: Path) -> list[list]:
    from healthlint.files import decode
    from healthlint.runner import lint_text

    source = decode(path.read_bytes(), path.name)
    result = lint_text(engine, source.text, path.name)
    return [[f.rule, f.span.line, f.span.column, f.span.end_line, f.span.end_column, f.match]
            for f in result.findings]


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_document_findings_match_the_checked_in_expectation(engine, path):
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text(encoding="utf-8"))
    assert findings_of(engine, path) == expected


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_every_span_cuts_its_match_out_of_the_source(engine, path):
    from healthlint.files import decode

    lines = decode(path.read_bytes(), path.name).text.lstrip("\ufeff").splitlines()
    for rule, line, column, end_line, end_column, match in findings_of(engine, path):
        if line == end_line and match:
            cut = lines[line - 1][column - 1:end_column - 1]
            # The match is what rules saw: inline markup inside the span is gone.
            assert re.sub(r"<[^>]*>|\*\*?|__?", "", cut) == match, (rule, line, column)


def regenerate() -> None:
    from healthlint.engine import Engine
    from healthlint.ruleset import load_ruleset

    engine = Engine(load_ruleset())
    for path in DOCUMENTS:
        target = path.with_name(path.name + ".expected.json")
        rows = findings_of(engine, path)
        target.write_text("[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]\n",
                          encoding="utf-8")
        print(f"{target}: {len(rows)} findings")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    regenerate()
