"""Hostile rules: a user's rule or configuration file can slow a run down, never
hang it, crash it, run code or read files.

- Every regex of a rule (its patterns, exceptions, `unless` and `when`) runs
  under a time limit per document; a pattern that runs out of time is
  reported with the rule id and the rule file, its findings for that
  document are left out, and every other rule and file still runs.
- Rule and configuration files are read as plain YAML data: no tag that
  builds an object, no alias bomb or alias loop, no nesting deep enough to
  break the parser.
- Templates may only name their fields; kinds come from a closed list.

Most tests lower the time limit to a quarter of a second so that the suite
stays fast; one runs with the real limit.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

import healthlint.kinds.base
import healthlint.scanning
from healthlint.check import EXIT_ERROR, CheckOptions, run_check
from healthlint.ruleset import RuleError, load_rule_file

FIXTURE_RULES = str(Path(__file__).parent / "fixtures" / "rules")
SLOW_TEXT = "It is harmless. " + "a" * 40 + "? Try the wonderpill."


@pytest.fixture
def quick_time_limit(monkeypatch):
    def limit(length: int) -> float:
        return 0.25 + length / 1_000_000

    monkeypatch.setattr(healthlint.kinds.base, "time_limit", limit)
    monkeypatch.setattr(healthlint.scanning, "time_limit", limit)


def write_rule(folder: Path, rule_id: str, **keys) -> Path:
    data = {"id": rule_id, "category": "hype", "severity": "warning", "message": "{match}",
            "description": "test", "rationale": "test", "references": [{"title": "test"}], "kind": "pattern",
            "examples": {"bad": ["x", "y"], "good": ["x", "y"]}, **keys}
    folder.mkdir(exist_ok=True)
    path = folder / f"{rule_id}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def check(paths, rules: Path, select, **options):
    outcome = run_check(CheckOptions(paths=tuple(str(p) for p in paths), output_format="json", isolated=True,
                                     cache=False, extra_rules=(str(rules), FIXTURE_RULES), select=select, **options))
    report = json.loads(outcome.stdout) if outcome.stdout else None
    return outcome.exit_code, report, outcome.stderr


def rules_found(report) -> list[str]:
    return [f["rule"] for entry in report["files"] for f in entry["findings"]]


# ---- time limits ----------------------------------------------------------------------------------

# Each backtracks exponentially on "aaaa...a?" with the `regex` module, and the
# lookahead keeps Hyperscan's prefilter from ruling the text out.
CATASTROPHIC = [r"(a|aa)+(?=!)", r"(a|a)+(?=b)"]


@pytest.mark.parametrize("scanner", ["hyperscan", "regex"])
@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_catastrophic_pattern_is_reported_with_the_rule_and_its_file(
        tmp_path, monkeypatch, quick_time_limit, scanner, pattern):
    if scanner == "hyperscan":
        pytest.importorskip("hyperscan")
    monkeypatch.setenv("HEALTHLINT_SCANNER", scanner)
    rule_file = write_rule(tmp_path / "rules", "slow-rule", patterns=[pattern])
    doc = tmp_path / "doc.md"
    doc.write_text(SLOW_TEXT, encoding="utf-8")
    started = time.monotonic()
    code, report, _ = check([doc], tmp_path / "rules", ("slow-rule", "test-wonder-claim"))
    assert time.monotonic() - started < 10
    errors = report["files"][0]["errors"]
    assert errors == [f"{doc}: rule slow-rule ({rule_file}): a pattern ran out of time on this document; "
                      "its findings for this file are left out"]
    assert rules_found(report) == ["test-wonder-claim"]
    assert code == EXIT_ERROR


@pytest.mark.parametrize("scanner", ["hyperscan", "regex"])
@pytest.mark.parametrize("pattern", [r"(a|aa)+$", r"(\w|\w\w)+;", r"(?:a|a?)+\d"])
def test_patterns_slow_somewhere_never_hang_the_run(tmp_path, monkeypatch, quick_time_limit, scanner, pattern):
    r"""Hyperscan may rule the text out first, or the pattern is slow only inside the
    portable scanner's alternation of all patterns. Before: that alternation was then
    run again without any limit, and `(\w|\w\w)+;` took minutes."""
    if scanner == "hyperscan":
        pytest.importorskip("hyperscan")
    monkeypatch.setenv("HEALTHLINT_SCANNER", scanner)
    write_rule(tmp_path / "rules", "slow-rule", patterns=[pattern])
    doc = tmp_path / "doc.md"
    doc.write_text(SLOW_TEXT, encoding="utf-8")
    started = time.monotonic()
    code, report, _ = check([doc], tmp_path / "rules", ("slow-rule", "test-wonder-claim"))
    assert time.monotonic() - started < 10
    assert rules_found(report) == ["test-wonder-claim"]
    assert all("rule slow-rule" in error and "ran out of time" in error for error in report["files"][0]["errors"])


def test_the_brief_s_example_pattern_finishes_and_the_run_goes_on(tmp_path):
    """`(a+)+$` is the classic; the `regex` module runs it in linear time, so it needs no limit at all."""
    write_rule(tmp_path / "rules", "nested-plus", patterns=[r"(a+)+$"])
    doc = tmp_path / "doc.md"
    doc.write_text("aaaa " * 10_000 + "a" * 100_000 + "! " + SLOW_TEXT, encoding="utf-8")
    started = time.monotonic()
    code, report, _ = check([doc], tmp_path / "rules", ("nested-plus", "test-wonder-claim"))
    assert time.monotonic() - started < 10
    assert report["files"][0]["errors"] == [] and rules_found(report) == ["test-wonder-claim"]


def test_the_real_time_limit_stops_a_pattern_that_would_run_for_hours(tmp_path):
    """No lowered limit here: fib(60) backtracking steps would take days."""
    rule_file = write_rule(tmp_path / "rules", "slow-rule", patterns=[r"(a|aa)+(?=!)"])
    doc = tmp_path / "doc.txt"
    doc.write_text("It is harmless. " + "a" * 60 + "? Try the wonderpill.", encoding="utf-8")
    started = time.monotonic()
    code, report, _ = check([doc], tmp_path / "rules", ("slow-rule", "test-wonder-claim"))
    assert time.monotonic() - started < 15
    assert f"rule slow-rule ({rule_file})" in report["files"][0]["errors"][0]
    assert rules_found(report) == ["test-wonder-claim"] and code == EXIT_ERROR


@pytest.mark.parametrize("where", ["exceptions", "unless", "when"])
def test_the_rule_s_other_regexes_have_the_time_limit_too(tmp_path, quick_time_limit, where):
    """Before: a catastrophic `exceptions`, `unless` or `when` pattern hung the run for good."""
    keys = {"phrases": ["harmless"], "exceptions": [r"(a|aa)+$"]} if where == "exceptions" else {
        "phrases": ["harmless"], where: {"patterns": [r"(a|aa)+$"], "within": "paragraph"}}
    rule_file = write_rule(tmp_path / "rules", "slow-rule", **keys)
    doc = tmp_path / "doc.md"
    doc.write_text(SLOW_TEXT, encoding="utf-8")
    started = time.monotonic()
    code, report, _ = check([doc], tmp_path / "rules", ("slow-rule", "test-wonder-claim"))
    assert time.monotonic() - started < 10
    assert f"rule slow-rule ({rule_file}): a pattern ran out of time" in report["files"][0]["errors"][0]
    assert rules_found(report) == ["test-wonder-claim"] and code == EXIT_ERROR


def test_every_file_is_still_linted_and_each_reports_the_slow_rule(tmp_path, quick_time_limit):
    write_rule(tmp_path / "rules", "slow-rule", patterns=[r"(a|aa)+(?=!)"])
    docs = []
    for number in range(4):
        doc = tmp_path / f"doc{number}.md"
        doc.write_text(SLOW_TEXT, encoding="utf-8")
        docs.append(doc)
    code, report, _ = check([tmp_path], tmp_path / "rules", ("slow-rule", "test-wonder-claim"), jobs=2)
    assert [len(entry["errors"]) for entry in report["files"]] == [1, 1, 1, 1]
    assert rules_found(report) == ["test-wonder-claim"] * 4 and code == EXIT_ERROR


def test_query_patterns_of_the_stuffing_rule_have_the_time_limit(tmp_path, quick_time_limit):
    """With 30 letters the pattern takes half a second per phrase without a limit; with 60, days."""
    (tmp_path / ".healthlint.yaml").write_text(
        "select: [stuffed-phrase]\noptions:\n  stuffed-phrase: {query_patterns: ['(a|aa)+$']}\n", encoding="utf-8")
    sentence = "a" * 30 + "b bcd efg. "
    doc = tmp_path / "doc.md"
    doc.write_text((sentence * 2 + "Some filler text here. ") * 4, encoding="utf-8")
    outcome = run_check(CheckOptions(paths=(str(doc),), output_format="json", cache=False))
    assert "ran out of time" in outcome.stdout


def test_a_rule_that_raises_is_reported_and_the_others_still_run(tmp_path, monkeypatch):
    from healthlint.kinds import pattern

    write_rule(tmp_path / "rules", "broken-rule", phrases=["harmless"])
    real_check = pattern.PatternCheck.check

    def broken(self, document, hits):
        if self.rule.id == "broken-rule":
            raise ZeroDivisionError("division by zero")
        return real_check(self, document, hits)

    monkeypatch.setattr(pattern.PatternCheck, "check", broken)
    doc = tmp_path / "doc.md"
    doc.write_text(SLOW_TEXT, encoding="utf-8")
    code, report, _ = check([doc], tmp_path / "rules", ("broken-rule", "test-wonder-claim"))
    assert "rule broken-rule" in report["files"][0]["errors"][0]
    assert "failed (ZeroDivisionError: division by zero)" in report["files"][0]["errors"][0]
    assert rules_found(report) == ["test-wonder-claim"] and code == EXIT_ERROR


@pytest.mark.parametrize("pattern, text", [
    (r"\N{LATIN SMALL LETTER A}rnica", "Arnica cures it."),  # Hyperscan has no \N{...}
    (r"\Gx|arnica", "Arnica cures it."),  # nor \G
    (r"(?:arnika){e<=1}", "Arnica cures it."),  # fuzzy matching: Hyperscan read "{e<=1}" as text
    (r"(?V1)[[a-z]--[b-z]]rnica", "Arnica cures it."),  # set operations
    (r"(?:a{1000}){1000}|arnica", "Arnica cures it."),  # too big for Hyperscan
    (r"\marnica\M", "Arnica cures it."),  # word start and end
])
def test_patterns_only_the_regex_module_reads_run_and_match_under_hyperscan(tmp_path, monkeypatch, pattern, text):
    """Before: such a pattern stopped every run (a hyperscan.error), or its matches were silently missed."""
    pytest.importorskip("hyperscan")
    monkeypatch.delenv("HEALTHLINT_SCANNER", raising=False)
    write_rule(tmp_path / "rules", "regex-only", patterns=[pattern])
    doc = tmp_path / "doc.md"
    doc.write_text(text, encoding="utf-8")
    code, report, _ = check([doc], tmp_path / "rules", ("regex-only",))
    assert report["files"][0]["errors"] == []
    assert [(f["rule"], f["column"]) for f in report["files"][0]["findings"]] == [("regex-only", 1)]


# ---- safe YAML ------------------------------------------------------------------------------------

VALID = (Path(FIXTURE_RULES) / "test-wonder-claim.yaml").read_text(encoding="utf-8")

# (what replaces `description: ...`, the line and message the error must give)
HOSTILE_YAML = {
    "python-object": ("description: !!python/object:os.system {}",
                      "6: the tag 'tag:yaml.org,2002:python/object:os.system' is not allowed"),
    "python-apply": ("description: !!python/object/apply:os.system ['touch {marker}']",
                     "6: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    "python-new": ("description: !!python/object/new:subprocess.Popen [['touch', '{marker}']]",
                   "6: the tag 'tag:yaml.org,2002:python/object/new:subprocess.Popen' is not allowed"),
    "python-name": ("description: !!python/name:os.system", "6: the tag 'tag:yaml.org,2002:python/name:os.system'"),
    "python-module": ("description: !!python/module:os", "6: the tag 'tag:yaml.org,2002:python/module:os'"),
    "local-tag": ("description: !include /etc/passwd", "6: the tag '!include' is not allowed"),
    "binary": ("description: !!binary aGVsbG8=", "6: the tag 'tag:yaml.org,2002:binary' is not allowed"),
    "alias-loop": ("description: &loop [*loop]", "6: an alias refers to a value that contains it"),
    "alias-bomb": ("description: ok\nx1: &a [z,z,z,z,z,z,z,z,z,z]\n" + "".join(
        f"x{n}: &{chr(97 + n - 1)} [{', '.join(['*' + chr(97 + n - 2)] * 10)}]\n" for n in range(2, 9)),
        "more than 100000 values once aliases are expanded"),
    "deep-nesting": ("description: " + "[" * 5000 + "]" * 5000, "nested too deeply"),
    "huge-integer": ("description: " + "9" * 50_000, "6: not a usable value"),
    "merge-key": ("description: ok\nbase: &base {a: 1}\nother:\n  <<: *base", "merge keys ('<<') are not supported"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_YAML))
def test_rule_files_are_plain_data_only(tmp_path, name):
    replacement, expected = HOSTILE_YAML[name]
    marker = tmp_path / "marker"
    rules = tmp_path / "rules"
    rules.mkdir()
    path = rules / "test-wonder-claim.yaml"
    text = VALID.replace('description: Flags the made-up hype word "wonderpill".',
                         replacement.replace("{marker}", str(marker)))
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    assert str(caught.value).startswith(f"{path}:") and expected in str(caught.value)
    code, report, stderr = check([tmp_path], rules, ())
    assert code == EXIT_ERROR and report is None
    assert stderr == [f"healthlint: rule error: {caught.value}"]
    assert not marker.exists()  # nothing ran


def test_a_python_object_tag_in_the_configuration_is_refused(tmp_path):
    marker = tmp_path / "marker"
    config = tmp_path / ".healthlint.yaml"
    config.write_text(f"fail-on: warning\nignore: !!python/object/apply:os.system ['touch {marker}']\n",
                      encoding="utf-8")
    (tmp_path / "doc.md").write_text("Nothing here.", encoding="utf-8")
    outcome = run_check(CheckOptions(paths=(str(tmp_path / "doc.md"),), cache=False))
    assert outcome.exit_code == EXIT_ERROR
    assert outcome.stderr == [f"healthlint: configuration error: {config}:2: the tag "
                              "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed: "
                              "only plain YAML data is read"]
    assert not marker.exists()


@pytest.mark.parametrize("text", [
    "options: &x {a: *x}\n",
    "ignore: " + "[" * 3000 + "]" * 3000 + "\n",
    "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(97 + n)}: &{chr(97 + n)} [{', '.join(['*' + chr(96 + n)] * 10)}]\n" for n in range(1, 8)),
])
def test_hostile_configuration_files_give_a_configuration_error(tmp_path, text):
    (tmp_path / ".healthlint.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "doc.md").write_text("Nothing here.", encoding="utf-8")
    started = time.monotonic()
    outcome = run_check(CheckOptions(paths=(str(tmp_path / "doc.md"),), cache=False))
    assert time.monotonic() - started < 5
    assert outcome.exit_code == EXIT_ERROR
    assert outcome.stderr[0].startswith(f"healthlint: configuration error: {tmp_path / '.healthlint.yaml'}:")


# ---- no code, no files ----------------------------------------------------------------------------


@pytest.mark.parametrize("key, value, expected", [
    ("message", "{match.__class__.__init__.__globals__}", "uses {match.__class__.__init__.__globals__}"),
    ("message", "{match[0]}", "uses {match[0]}"),
    ("message", "{match!r}", "{match} must be written plain"),
    ("message", "{match:>999999999}", "{match} must be written plain"),
    ("message", "{0}", "uses {0}"),
    ("kind", "os.system", "unknown kind 'os.system'"),
    ("kind", "../../../tmp/evil", "unknown kind"),
    ("import", "os", "key 'import': unknown key"),
    ("python", "print(1)", "key 'python': unknown key"),
    ("id", "../../etc/passwd", "key 'id': must be lower-case words"),
    ("patterns", [r"\L<secrets>"], "does not compile"),  # named lists come only from Python code
])
def test_a_rule_cannot_reach_code_or_files(tmp_path, key, value, expected):
    data = yaml.safe_load(VALID)
    data[key] = value
    path = tmp_path / "test-wonder-claim.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    assert expected in str(caught.value)


def test_fix_templates_are_checked_the_same_way(tmp_path):
    data = yaml.safe_load(VALID)
    data["fix"] = {"applicability": "safe", "replacement": "{match:>100000000}"}
    path = tmp_path / "test-wonder-claim.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    assert "fix.replacement" in str(caught.value) and "must be written plain" in str(caught.value)


def test_kinds_come_from_a_closed_list():
    from healthlint.kinds import REGISTRY

    with pytest.raises(KeyError):
        REGISTRY["os"]
    assert "os.path" not in REGISTRY and set(REGISTRY) == {
        "pattern", "substitution", "require", "repetition", "acronym", "structure", "readability", "consistency",
        "spelling"}
