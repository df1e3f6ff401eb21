"""Fitting into a team's workflow: fixes, suppressions, configuration, baselines, output formats.

These tests use the rules in tests/fixtures/rules: `test-wonder-claim` (a
warning with a safe fix, wonderpill -> pill) and `test-info-note` (info).
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from healthlint.cli import main

FIXTURE_RULES = str(Path(__file__).parent / "fixtures" / "rules")
ONLY_TEST_RULES = ("--rules", FIXTURE_RULES, "--select", "test-wonder-claim,test-info-note", "--no-cache")


def run(*args, input=None, cwd=None):
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        result = runner.invoke(main, list(args), input=input, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def json_findings(output: str) -> list[tuple[str, int, int]]:
    report = json.loads(output)
    return [(f["rule"], f["line"], f["column"]) for file in report["files"] for f in file["findings"]]


# ---- fixes ----------------------------------------------------------------------------------------


def test_fix_round_trip_keeps_bom_crlf_and_mode(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeffFirst line.\r\n\r\nA wonderpill, a Wonderpill.\r\n".encode("utf-8"))
    os.chmod(path, 0o640)
    result = CliRunner().invoke(main, ["check", "--fix", "--format", "json", str(path), *ONLY_TEST_RULES])
    code, output = result.exit_code, result.stdout
    assert result.stderr == f"healthlint: fixed 2 problems in {path}\n"
    assert path.read_bytes() == "\ufeffFirst line.\r\n\r\nA pill, a Pill.\r\n".encode("utf-8")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert json_findings(output) == []  # after the fix the file lints clean for that rule
    assert code == 0


def test_diff_prints_and_writes_nothing(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("A wonderpill.\n", encoding="utf-8")
    code, output = run("check", "--diff", str(path), *ONLY_TEST_RULES)
    assert path.read_text(encoding="utf-8") == "A wonderpill.\n"
    assert "-A wonderpill.\n+A pill.\n" in output
    assert code == 1


def test_without_fix_nothing_is_written(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("A wonderpill.\n", encoding="utf-8")
    before = os.stat(path).st_mtime_ns
    run("check", str(path), *ONLY_TEST_RULES)
    assert os.stat(path).st_mtime_ns == before and path.read_text(encoding="utf-8") == "A wonderpill.\n"


def test_unwritable_file_is_an_error_and_untouched(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("A wonderpill.\n", encoding="utf-8")
    os.chmod(path, 0o444)
    if os.access(path, os.W_OK):
        pytest.skip("running as a user who can write read-only files (root)")
    code, output = run("check", "--fix", str(path), *ONLY_TEST_RULES)
    assert code == 2
    assert "not fixed" in output
    assert path.read_text(encoding="utf-8") == "A wonderpill.\n"


def test_read_only_file_under_root_is_refused_too(tmp_path):
    from healthlint.fixes import write_atomically

    path = tmp_path / "a.txt"
    path.write_bytes(b"old")
    os.chmod(path, 0o444)
    error = write_atomically(str(path), b"old", b"new")
    if os.access(path, os.W_OK):
        pytest.skip("root can write read-only files")
    assert "not writable" in error and path.read_bytes() == b"old"


def test_file_changed_during_the_run_is_not_overwritten(tmp_path):
    from healthlint.fixes import fix_file

    path = tmp_path / "a.txt"
    path.write_text("A wonderpill.\n", encoding="utf-8")

    def lint_and_meanwhile_edit(text):
        # Someone saves the file while healthlint is still working on it.
        path.write_text("A wonderpill, edited by a writer.\n", encoding="utf-8")
        from healthlint.engine import Engine
        from healthlint.ruleset import load_ruleset
        from healthlint.runner import lint_text

        engine = Engine(load_ruleset([FIXTURE_RULES], include_builtin=False).selected(["test-wonder-claim"]))
        return lint_text(engine, text, "a.txt").findings

    outcome = fix_file(str(path), lint_and_meanwhile_edit)
    assert "changed on disk" in outcome.error and not outcome.written
    assert path.read_text(encoding="utf-8") == "A wonderpill, edited by a writer.\n"


def test_suggestion_only_fixes_are_never_applied(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (Path(FIXTURE_RULES) / "test-wonder-claim.yaml").read_text(encoding="utf-8")
    (rules / "test-wonder-claim.yaml").write_text(text.replace("applicability: safe", "applicability: suggestion")
                                                  .replace('      fixed: "Try the pill today."\n', ""),
                                                  encoding="utf-8")
    path = tmp_path / "a.txt"
    path.write_text("A wonderpill.\n", encoding="utf-8")
    run("check", "--fix", "--unsafe-fixes", str(path), "--rules", str(rules), "--select", "test-wonder-claim",
        "--no-cache")
    assert path.read_text(encoding="utf-8") == "A wonderpill.\n"


# ---- suppressions ---------------------------------------------------------------------------------


def test_disable_next_line_and_regions_in_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(
        "A wonderpill.\n"
        "<!-- healthlint-disable-next-line test-wonder-claim -- quoting the label -->\n"
        "A wonderpill.\n"
        "<!-- healthlint-disable hype -->\n"
        "A wonderpill.\n"
        "<!-- healthlint-enable -->\n"
        "A wonderpill.\n", encoding="utf-8")
    _, output = run("check", "--format", "json", str(path), *ONLY_TEST_RULES)
    assert json_findings(output) == [("test-wonder-claim", 1, 3), ("test-wonder-claim", 7, 3)]


def test_unused_disables_are_reported_on_request(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("<!-- healthlint-disable-next-line test-info-note -->\nA wonderpill.\n", encoding="utf-8")
    _, output = run("check", "--format", "json", "--report-unused-disables", str(path), *ONLY_TEST_RULES)
    assert json_findings(output) == [("unused-disable", 1, 1), ("test-wonder-claim", 2, 3)]


# ---- configuration --------------------------------------------------------------------------------


def test_config_file_is_found_walking_up(tmp_path):
    (tmp_path / ".healthlint.yaml").write_text(
        f"rules: [{FIXTURE_RULES}]\nselect: [test-wonder-claim]\nseverity: {{hype: info}}\nfail-on: error\n",
        encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("A wonderpill. A zzznote.\n", encoding="utf-8")
    code, output = run("check", "--format", "json", "--no-cache", str(tmp_path / "docs"))
    report = json.loads(output)
    findings = report["files"][0]["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("test-wonder-claim", "info")]
    assert code == 0  # fail-on error from the configuration


def test_pyproject_tool_section_and_per_path_overrides(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'site'\n\n[tool.healthlint]\n"
        f"rules = ['{FIXTURE_RULES}']\nselect = ['test-wonder-claim', 'test-info-note']\n"
        "exclude = ['drafts/**']\n\n[[tool.healthlint.overrides]]\nfiles = ['legal/**']\nignore = ['hype']\n",
        encoding="utf-8")
    for folder in ("legal", "blog", "drafts"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text("A wonderpill. A zzznote.\n", encoding="utf-8")
    _, output = run("check", "--format", "json", "--no-cache", str(tmp_path))
    by_file = {Path(f["path"]).parent.name: [x["rule"] for x in f["findings"]]
               for f in json.loads(output)["files"]}
    assert by_file == {"blog": ["test-wonder-claim", "test-info-note"], "legal": ["test-info-note"]}


def test_rule_options_in_configuration_are_validated(tmp_path):
    config = tmp_path / ".healthlint.yaml"
    config.write_text(f"rules: [{FIXTURE_RULES}]\noptions:\n  test-wonder-claim:\n    phrases: 7\n",
                      encoding="utf-8")
    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    code, output = run("check", "--no-cache", str(tmp_path / "a.txt"))
    assert code == 2
    assert f"{config}:4: key 'options.test-wonder-claim.phrases': must be a list of non-empty strings" in output


def test_unknown_configuration_key_names_file_line_and_key(tmp_path):
    config = tmp_path / ".healthlint.yaml"
    config.write_text("select: [hype]\nfail_on: error\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    code, output = run("check", str(tmp_path / "a.txt"))
    assert code == 2
    assert f"{config}:2: key 'fail_on': unknown key" in output


def test_config_option_names_a_file(tmp_path):
    config = tmp_path / "team.yaml"
    config.write_text(f"rules: [{FIXTURE_RULES}]\nselect: [test-info-note]\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A wonderpill. A zzznote.\n", encoding="utf-8")
    _, output = run("check", "--format", "json", "--config", str(config), "--no-cache", str(tmp_path / "a.txt"))
    assert [rule for rule, _, _ in json_findings(output)] == ["test-info-note"]


def test_init_writes_a_starter_file_that_loads(tmp_path):
    code, output = run("init", cwd=tmp_path)
    assert code == 0
    assert (tmp_path / ".healthlint.yaml").exists()
    (tmp_path / "a.txt").write_text("Plain text.\n", encoding="utf-8")
    code, _ = run("check", "--no-cache", str(tmp_path / "a.txt"))
    assert code in (0, 1)
    code, output = run("init", cwd=tmp_path)
    assert code == 2 and "already exists" in output


# ---- baseline -------------------------------------------------------------------------------------


def test_baseline_reports_only_new_findings_and_survives_lines_added_above(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("A wonderpill.\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    run("check", "--write-baseline", str(baseline), str(path), *ONLY_TEST_RULES)
    path.write_text("New intro.\n\nMore text.\n\nA wonderpill.\n\nAnother wonderpill.\n", encoding="utf-8")
    code, output = run("check", "--format", "json", "--baseline", str(baseline), str(path), *ONLY_TEST_RULES)
    assert json_findings(output) == [("test-wonder-claim", 7, 9)]
    assert code == 1


# ---- output formats -------------------------------------------------------------------------------


@pytest.fixture
def risky(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("A wonderpill, 100% wonderpill.\n\nA zzznote.\n", encoding="utf-8")
    return path


def test_sarif_output_validates_against_the_schema(risky):
    jsonschema = pytest.importorskip("jsonschema")
    _, output = run("check", "--format", "sarif", str(risky), *ONLY_TEST_RULES)
    sarif = json.loads(output)
    schema = json.loads((Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema)
    run_ = sarif["runs"][0]
    assert run_["columnKind"] == "unicodeCodePoints"
    results = run_["results"]
    assert [r["level"] for r in results] == ["warning", "warning", "note"]
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1, "startColumn": 3, "endLine": 1, "endColumn": 13}
    assert results[0]["partialFingerprints"]["healthlintFingerprint/v1"]
    assert results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "pill"
    rule = next(r for r in run_["tool"]["driver"]["rules"] if r["id"] == "test-wonder-claim")
    assert "What it flags" in rule["help"]["text"]


def test_github_annotations(risky):
    _, output = run("check", "--format", "github", str(risky), *ONLY_TEST_RULES)
    lines = output.splitlines()
    assert lines[0] == (f"::warning file={risky},line=1,endLine=1,col=3,endColumn=13,"
                        "title=healthlint test-wonder-claim::“wonderpill” is a test hype word.")
    assert lines[2].startswith("::notice ")


def test_junit_xml(risky):
    _, output = run("check", "--format", "junit", str(risky), *ONLY_TEST_RULES)
    suite = ElementTree.fromstring(output.split("\n", 1)[1]).find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "3"
    assert suite.find("testcase/failure").get("message") == "“wonderpill” is a test hype word."


def test_rdjson_with_suggestions(risky):
    _, output = run("check", "--format", "rdjson", str(risky), *ONLY_TEST_RULES)
    diagnostics = json.loads(output)["diagnostics"]
    assert diagnostics[0]["code"]["value"] == "test-wonder-claim"
    assert diagnostics[0]["suggestions"] == [{"range": {"start": {"line": 1, "column": 3},
                                                        "end": {"line": 1, "column": 13}}, "text": "pill"}]
    assert diagnostics[0]["location"]["range"]["start"] == {"line": 1, "column": 3}


def test_jsonl_one_finding_per_line(risky):
    _, output = run("check", "--format", "jsonl", str(risky), *ONLY_TEST_RULES)
    rows = [json.loads(line) for line in output.splitlines()]
    assert [(row["path"], row["line"], row["column"]) for row in rows] == [
        (str(risky), 1, 3), (str(risky), 1, 20), (str(risky), 3, 3)]


def test_statistics_counts_per_rule(risky):
    _, output = run("check", "--statistics", str(risky), *ONLY_TEST_RULES)
    assert "     2  test-wonder-claim" in output and "     1  test-info-note" in output


# ---- jobs and cache -------------------------------------------------------------------------------


def test_jobs_give_the_same_output_in_the_same_order(tmp_path):
    for number in range(12):
        (tmp_path / f"{number:02d}.txt").write_text("wonderpill " * (number % 3 + 1) + "\n", encoding="utf-8")
    single = run("check", "--format", "json", "--jobs", "1", str(tmp_path), *ONLY_TEST_RULES)
    double = run("check", "--format", "json", "--jobs", "2", str(tmp_path), *ONLY_TEST_RULES)
    assert single == double


def test_cache_reuses_results_and_notices_changes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("A wonderpill.\n", encoding="utf-8")
    args = ("check", "--format", "json", "--rules", FIXTURE_RULES, "--select", "test-wonder-claim", str(path))
    first = run(*args, cwd=tmp_path)
    assert list((tmp_path / ".healthlint_cache").glob("results-*/*.index"))
    assert run(*args, cwd=tmp_path) == first
    path.write_text("No claim here.\n", encoding="utf-8")
    assert json_findings(run(*args, cwd=tmp_path)[1]) == []


def test_a_failed_rename_leaves_the_file_and_no_temporary_behind(tmp_path, monkeypatch):
    # Root may write anywhere, so an unwritable target is simulated where the write happens.
    path = tmp_path / "a.txt"
    path.write_text("A wonderpill.\n", encoding="utf-8")

    def refuse(source, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    code, output = run("check", "--fix", str(path), *ONLY_TEST_RULES)
    assert code == 2 and "not fixed: Permission denied; the file is unchanged" in output
    assert path.read_text(encoding="utf-8") == "A wonderpill.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_list_valued_rule_options_in_configuration(tmp_path):
    (tmp_path / ".healthlint.yaml").write_text(
        f"rules: [{FIXTURE_RULES}]\nselect: [test-wonder-claim]\n"
        "options:\n  test-wonder-claim:\n    phrases: [wonderpill, magic bean]\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A magic bean.\n", encoding="utf-8")
    code, output = run("check", "--format", "json", "--no-cache", str(tmp_path / "a.txt"))
    assert json_findings(output) == [("test-wonder-claim", 1, 3)]
