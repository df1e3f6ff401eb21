"""The command line: every option of `check`, the exit codes, `rules` and `explain`.

The tests select the two rules in tests/fixtures/rules so that they hold
whatever the built-in pack says about the same words.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from healthlint.cli import main

FIXTURE_RULES = str(Path(__file__).parent / "fixtures" / "rules")
TEST_RULES = ("--rules", FIXTURE_RULES, "--select", "test-wonder-claim,test-info-note")


def run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "a.md").write_text("# Title\n\nTry the wonderpill and the wonderpill.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Nothing to see here.\n", encoding="utf-8")
    (tmp_path / "note.txt").write_text("A zzznote only.\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.html").write_text("<p>A wonderpill.</p>", encoding="utf-8")
    (tmp_path / "sub" / "ignored.md").write_text("wonderpill", encoding="utf-8")
    (tmp_path / "sub" / "data.csv").write_text("wonderpill", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.md").write_text("wonderpill", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("sub/ignored.md\n", encoding="utf-8")
    return tmp_path


def findings_of(output: str) -> dict[str, list[dict]]:
    report = json.loads(output)
    return {os.path.basename(f["path"]): f["findings"] for f in report["files"]}


def test_json_lists_files_recursively_skipping_hidden_and_gitignored(tree):
    code, output = run("check", str(tree), "--format", "json", *TEST_RULES)
    assert code == 1
    files = findings_of(output)
    assert sorted(files) == ["a.md", "b.txt", "c.html", "note.txt"]
    assert [(f["line"], f["column"], f["end_column"]) for f in files["a.md"]] == [(3, 9, 19), (3, 28, 38)]
    assert files["b.txt"] == []


def test_json_report_shape_and_key_order(tree):
    _, output = run("check", str(tree / "a.md"), "--format", "json", *TEST_RULES)
    report = json.loads(output)
    assert list(report) == ["version", "tool", "files", "summary"]
    assert report["version"] == 1 and report["tool"]["name"] == "healthlint"
    finding = report["files"][0]["findings"][0]
    assert list(finding) == ["rule", "category", "severity", "message", "line", "column", "end_line",
                             "end_column", "match", "suggestions", "fix", "link", "related"]
    assert finding["match"] == "wonderpill"
    assert finding["fix"] == {"applicability": "safe", "edits": [
        {"line": 3, "column": 9, "end_line": 3, "end_column": 19, "replacement": "pill"}]}
    assert report["summary"]["findings"] == 2
    assert report["summary"]["by_severity"] == {"error": 0, "warning": 2, "info": 0}


def test_output_is_identical_between_runs(tree):
    assert run("check", str(tree), "--format", "json", *TEST_RULES) == run(
        "check", str(tree), "--format", "json", *TEST_RULES)


def test_text_output_groups_by_file_and_marks_the_span(tree):
    code, output = run("check", str(tree / "a.md"), *TEST_RULES)
    assert code == 1
    lines = output.splitlines()
    assert lines[0] == str(tree / "a.md")
    assert f"{tree / 'a.md'}:3:9: warning [test-wonder-claim] “wonderpill” is a test hype word." in lines
    source_line = next(line for line in lines if "| Try the" in line)
    marker_line = lines[lines.index(source_line) + 1]
    assert marker_line.index("^") == source_line.index("wonderpill")
    assert marker_line.count("^") == len("wonderpill")
    assert "  suggestion: Replace with “pill”." in lines
    assert lines[-1] == "Found 2 problems (2 warnings) in 1 of 1 file."
    assert "\x1b[" not in output  # not a terminal: no colour


def test_exit_code_zero_when_clean(tree):
    code, output = run("check", str(tree / "b.txt"), *TEST_RULES)
    assert code == 0
    assert output.strip() == "No problems found in 1 file."


@pytest.mark.parametrize("fail_on, expected", [("info", 1), ("warning", 0), ("error", 0)])
def test_fail_on_decides_the_exit_code(tree, fail_on, expected):
    code, _ = run("check", str(tree / "note.txt"), "--fail-on", fail_on, *TEST_RULES)
    assert code == expected


def test_fail_on_error_ignores_warnings(tree):
    code, _ = run("check", str(tree / "a.md"), "--fail-on", "error", *TEST_RULES)
    assert code == 0


def test_select_and_ignore_by_rule_and_category(tree):
    base = ("check", str(tree), "--format", "json", "--rules", FIXTURE_RULES)
    _, output = run(*base, "--select", "test-info-note")
    assert {f["rule"] for fs in findings_of(output).values() for f in fs} == {"test-info-note"}
    _, output = run(*base, "--select", "hype,readability", "--ignore", "hype")
    rules = {f["rule"] for fs in findings_of(output).values() for f in fs}
    assert "test-wonder-claim" not in rules and "test-info-note" in rules
    _, output = run(*base, "--select", "test-wonder-claim", "--select", "test-info-note",
                    "--ignore", "test-wonder-claim")
    assert {f["rule"] for fs in findings_of(output).values() for f in fs} == {"test-info-note"}


def test_unknown_select_name_is_a_usage_error(tree):
    code, output = run("check", str(tree), "--select", "no-such-rule")
    assert code == 2
    assert "no-such-rule" in output


def test_stdin_with_stdin_filename_picks_the_format():
    markdown = "Try the `wonderpill` and the wonderpill.\n"
    code, output = run("check", "-", "--stdin-filename", "notes/draft.md", "--format", "json", *TEST_RULES,
                       input=markdown)
    assert code == 1
    report = json.loads(output)
    assert report["files"][0]["path"] == "notes/draft.md"
    # the first one is inline code in Markdown and is never matched
    assert [f["column"] for f in report["files"][0]["findings"]] == [30]


def test_stdin_without_filename_is_plain_text():
    code, output = run("check", "-", "--format", "json", *TEST_RULES, input="Try the `wonderpill`.")
    assert code == 1
    report = json.loads(output)
    assert report["files"][0]["path"] == "<stdin>"
    assert [f["column"] for f in report["files"][0]["findings"]] == [10]


def test_missing_path_is_an_error(tree):
    code, output = run("check", str(tree / "nope.md"), *TEST_RULES)
    assert code == 2
    assert "nope.md: no such file or folder" in output


def test_bad_rule_file_stops_with_file_line_and_key(tmp_path):
    rule = (Path(FIXTURE_RULES) / "test-wonder-claim.yaml").read_text(encoding="utf-8")
    (tmp_path / "test-wonder-claim.yaml").write_text(rule.replace("category: hype", "category: hype\nflavour: x"),
                                                     encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--rules", str(tmp_path), str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path / 'test-wonder-claim.yaml'}:4: key 'flavour': unknown key" in result.output


def test_rules_lists_every_rule(tree):
    code, output = run("rules", "--rules", FIXTURE_RULES)
    assert code == 0
    line = next(line for line in output.splitlines() if line.startswith("test-wonder-claim "))
    assert line.split()[1:3] == ["hype", "warning"]


def test_explain_prints_the_rule_documentation():
    code, output = run("explain", "test-wonder-claim", "--rules", FIXTURE_RULES)
    assert code == 0
    for heading in ("What it flags", "Why it matters", "Authority", "Fix", "Examples that it flags",
                    "Examples that pass"):
        assert heading in output
    assert "safe: `--fix` applies it" in output
    assert "✗ Try the wonderpill today." in output


def test_explain_unknown_rule_is_a_usage_error():
    code, output = run("explain", "no-such-rule")
    assert code == 2


def test_python_dash_m_runs_the_cli(tree):
    completed = subprocess.run([sys.executable, "-m", "healthlint", "check", str(tree / "b.txt"), *TEST_RULES],
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
