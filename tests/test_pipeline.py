"""The pipeline around the analyses: streamed output, ordered parallel
results, the result cache and the compiled rule pack.

Each streamed format must give the bytes the whole-document encoders would
give (json.dumps with the format's indentation, ElementTree's indent), for
any results; the cache must never return the findings of other bytes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from healthlint.check import EXIT_FINDINGS, CheckOptions, run_check
from healthlint.model import Edit, FileResult, Finding, Fix, Span
from healthlint.output import FORMATS, Report, dumps_indented, render
from healthlint.output.json_format import file_dict

FIXTURE_RULES = str(Path(__file__).parent / "fixtures" / "rules")
CLAIM = "Try the wonderpill today."


def _span(n: int) -> Span:
    return Span(n, n + 1, n + 2, n + 3, n * 10, n * 10 + 5)


ODD = ["", "plain", 'quote " and \\ backslash', "é ünïcödé \u2028 line separator", "\x00\x01 control\t\n", "<&>'"]


def _results() -> tuple[FileResult, ...]:
    findings = []
    for n, text in enumerate(ODD):
        fix = [None, Fix("safe", (Edit(_span(n), text),)), Fix("suggestion", ()),
               Fix("unsafe", (Edit(_span(1), "a"), Edit(_span(2), text)))][n % 4]
        findings.append(Finding(f"rule-{n % 3}", "hype", ("error", "warning", "info")[n % 3], f"message {text}",
                                _span(n + 1), text, tuple(ODD[:n % 3]), fix, "https://example.org" if n % 2 else "",
                                tuple(_span(k) for k in range(n % 3))))
    return (
        FileResult("a.md", tuple(findings), (), "line one\nline two\n"),
        FileResult("clean.md"),
        FileResult("odd \udcff name.txt", tuple(findings[:2]), ("odd: invalid UTF-8",), "x\n"),
        FileResult("gone.md", (), ("gone.md: the file disappeared",)),
    )


@pytest.mark.parametrize("results", [(), _results()[1:2], _results()])
def test_streamed_json_is_what_json_dumps_gives(results):
    report = Report(results, (), problems=("nowhere: no such file or folder",))
    for format, indent in (("json", 2), ("rdjson", 1), ("sarif", 1)):
        text = render(format, report)
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=indent) + "\n", format


def test_json_report_holds_what_file_dict_gives():
    # The writer builds the text itself (and encodes repeated rule fields once);
    # what it holds must still be file_dict's, at every depth of indentation.
    results = _results()
    for _ in range(2):  # the second time from the encoder's caches
        loaded = json.loads(render("json", Report(results, ())))
        assert loaded["files"] == [file_dict(result) for result in results]


@pytest.mark.parametrize("results", [(), _results()[1:2], _results()])
def test_streamed_junit_is_what_elementtree_gives(results):
    text = render("junit", Report(results, ()))
    header, body = text.split("\n", 1)
    root = ElementTree.fromstring(body)
    ElementTree.indent(root)
    assert body == ElementTree.tostring(root, encoding="unicode") + "\n"
    assert int(root.get("tests")) == len(root.find("testsuite"))


def test_fast_json_encoder_matches_the_json_module():
    values = [{}, [], {"a": []}, [{}], {"k": [1, -2, True, False, None, "é\"\\\n"]}, [[[]]], ODD,
              {"x": {"y": {"z": [0, {"w": ""}]}}}, 1.5, {"f": [2.5e300]}]
    for value in values:
        for indent in (1, 2):
            assert dumps_indented(value, indent) == json.dumps(value, ensure_ascii=False, indent=indent)


def test_every_format_renders_a_report_and_an_empty_one():
    for format in FORMATS:
        assert render(format, Report(_results(), ())).endswith("\n")
        assert render(format, Report((), ())).endswith("\n") or format in ("jsonl", "github")


# ---- the whole run ---------------------------------------------------------------------------------


def _corpus(folder: Path, count: int = 40) -> list[Path]:
    paths = []
    for number in range(count):
        path = folder / f"{number:03d}.md"
        claim = CLAIM if number % 3 else "Nothing to see."
        path.write_text(f"# Title {number}\n\n{claim}\n\nMore text, number {number}.\n", encoding="utf-8")
        paths.append(path)
    return paths


def _check(folder: Path, cache: bool, jobs: int = 1, format: str = "json", write=None):
    options = CheckOptions(paths=(str(folder),), output_format=format, isolated=True, cache=cache, jobs=jobs,
                           extra_rules=(FIXTURE_RULES,), select=("test-wonder-claim",))
    old = os.getcwd()
    os.chdir(folder)
    try:
        return run_check(options, write=write)
    finally:
        os.chdir(old)


@pytest.mark.parametrize("format", FORMATS)
def test_streaming_and_jobs_and_cache_all_give_the_same_bytes(tmp_path, format):
    _corpus(tmp_path)
    expected = _check(tmp_path, cache=False, format=format)
    assert expected.exit_code == EXIT_FINDINGS
    pieces: list[str] = []
    streamed = _check(tmp_path, cache=False, format=format, write=pieces.append)
    assert (len(pieces) > 3 or format == "junit") and "".join(pieces) == expected.stdout and streamed.stdout == ""
    assert _check(tmp_path, cache=False, jobs=2, format=format).stdout == expected.stdout
    assert _check(tmp_path, cache=True, jobs=2, format=format).stdout == expected.stdout  # cold
    assert _check(tmp_path, cache=True, jobs=2, format=format).stdout == expected.stdout  # warm
    assert _check(tmp_path, cache=True, jobs=1, format=format).stdout == expected.stdout


def test_jobs_with_some_files_cached_keep_the_order(tmp_path):
    paths = _corpus(tmp_path, 60)
    expected = _check(tmp_path, cache=False).stdout
    _check(tmp_path, cache=True, jobs=2)
    for path in paths[::7]:  # new content: these are linted again, the others come from the cache
        path.write_text("A new first line.\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    fresh = _check(tmp_path, cache=False).stdout
    assert fresh != expected
    assert _check(tmp_path, cache=True, jobs=2).stdout == fresh


def _age(path: Path, seconds: float = 60) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_cache_sees_new_content_of_the_same_size_and_time(tmp_path):
    """The status fast path must not hide a change that keeps size and mtime
    (a tool that restores times, a write within the same clock tick)."""
    path = tmp_path / "a.md"
    path.write_text(CLAIM + "\n", encoding="utf-8")
    _age(path)
    first = _check(tmp_path, cache=True)
    assert "wonderpill" in first.stdout
    assert _check(tmp_path, cache=True).stdout == first.stdout  # recorded with its status
    before = path.stat()
    path.write_text("Try the goodness today.\n"[:len(CLAIM) + 1].ljust(len(CLAIM)) + "\n", encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert "wonderpill" not in _check(tmp_path, cache=True).stdout
    assert _check(tmp_path, cache=True).stdout == _check(tmp_path, cache=False).stdout


def test_a_recently_written_file_is_hashed_again(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(CLAIM + "\n", encoding="utf-8")
    _check(tmp_path, cache=True)
    path.write_text("Try the goodpill today.\n", encoding="utf-8")  # same size, same second
    assert "wonderpill" not in _check(tmp_path, cache=True).stdout


def test_a_damaged_index_is_an_empty_cache(tmp_path):
    _corpus(tmp_path, 5)
    expected = _check(tmp_path, cache=True).stdout
    for index in (tmp_path / ".healthlint_cache").glob("results-*/*.index"):
        index.write_bytes(index.read_bytes()[:100])
    assert _check(tmp_path, cache=True).stdout == expected
    for index in (tmp_path / ".healthlint_cache").glob("results-*/*.index"):
        index.write_bytes(b"\xff" * 50)
    assert _check(tmp_path, cache=True).stdout == expected


def test_a_run_whose_files_are_all_cached_loads_no_rule(tmp_path):
    _corpus(tmp_path, 6)
    for path in tmp_path.glob("*.md"):
        _age(path)
    script = (
        "import sys, json\n"
        "from healthlint.check import CheckOptions, run_check\n"
        f"options = CheckOptions(paths=({str(tmp_path)!r},), output_format='json', isolated=True)\n"
        "outcome = run_check(options)\n"
        "print(json.dumps([outcome.exit_code, 'healthlint.engine' in sys.modules, 'healthlint.ruleset' in sys.modules]))\n"
    )
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                                      check=True).stdout) for _ in range(2)]
    assert runs[0][1:] == [True, True]
    assert runs[1] == [runs[0][0], False, False]


def test_results_with_errors_are_not_cached(tmp_path, monkeypatch):
    import healthlint.check

    path = tmp_path / "a.md"
    path.write_text(CLAIM + "\n", encoding="utf-8")
    real = healthlint.check.Linter.lint_text

    def failing(self, text, name, unused=False):
        result = real(self, text, name, unused)
        return FileResult(result.path, (), ("a.md: rule x: a pattern ran out of time",), result.source)

    monkeypatch.setattr(healthlint.check.Linter, "lint_text", failing)
    assert _check(tmp_path, cache=True).exit_code == 2
    monkeypatch.setattr(healthlint.check.Linter, "lint_text", real)
    second = _check(tmp_path, cache=True)
    assert second.exit_code == EXIT_FINDINGS and "wonderpill" in second.stdout


# ---- the compiled rule pack ------------------------------------------------------------------------


def test_the_rule_pack_gives_the_rules_the_files_give(tmp_path, monkeypatch):
    import shutil

    from healthlint import ruleset

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rules = tmp_path / "rules"
    shutil.copytree(FIXTURE_RULES, rules)
    fresh = ruleset.load_ruleset([rules])
    packs = list((tmp_path / "cache" / "healthlint" / "packs").glob("*.marshal"))
    assert len(packs) == 1
    packed = ruleset.load_ruleset([rules])
    assert packed.rules == fresh.rules and repr(packed.rules) == repr(fresh.rules)
    assert [type(c) for c in packed.checks] == [type(c) for c in fresh.checks]

    # Another rule file content is another pack; a damaged pack is read from the files again.
    target = next(rules.rglob("test-wonder-claim.yaml"))
    target.write_text(target.read_text(encoding="utf-8").replace("wonderpill", "marvelpill"), encoding="utf-8")
    changed = ruleset.load_ruleset([rules]).by_id("test-wonder-claim")
    assert "marvelpill" in repr(changed.options) and "wonderpill" not in repr(changed.options)
    for pack in (tmp_path / "cache" / "healthlint" / "packs").glob("*.marshal"):
        pack.write_bytes(b"\x00garbage")
    assert ruleset.load_ruleset([rules]).rules == ruleset._load_rule_files(
        [ruleset.builtin_rules_dir(), rules]).rules


def test_a_rule_file_that_does_not_load_is_reported_with_a_pack_present(tmp_path, monkeypatch):
    import shutil

    from healthlint import ruleset

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rules = tmp_path / "rules"
    shutil.copytree(FIXTURE_RULES, rules)
    ruleset.load_ruleset([rules])
    target = next(rules.rglob("test-wonder-claim.yaml"))
    target.write_text(target.read_text(encoding="utf-8") + "\nunknown-key: 1\n", encoding="utf-8")
    with pytest.raises(ruleset.RuleError):
        ruleset.load_ruleset([rules])


def test_concurrent_runs_leave_a_usable_cache(tmp_path):
    """Each run writes the whole index to a temporary file and renames it into
    place: runs that finish together never leave half an index."""
    _corpus(tmp_path, 30)
    expected = _check(tmp_path, cache=False).stdout
    command = [sys.executable, "-m", "healthlint", "check", "--format", "json", "--isolated", "--rules", FIXTURE_RULES,
               "--select", "test-wonder-claim", "--jobs", "1", str(tmp_path)]
    runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    outputs = [run.communicate()[0] for run in runs]
    assert outputs == [expected] * 3
    assert _check(tmp_path, cache=True).stdout == expected
    assert not list((tmp_path / ".healthlint_cache").glob("*.tmp"))


def test_the_old_cache_layout_is_removed(tmp_path):
    old = tmp_path / ".healthlint_cache" / "ab"
    old.mkdir(parents=True)
    (old / "cdef.json").write_text("[]", encoding="utf-8")
    _corpus(tmp_path, 3)
    _check(tmp_path, cache=True)
    assert not old.exists()
    assert list((tmp_path / ".healthlint_cache").glob("results-*/*.index"))


def test_a_run_over_one_file_rewrites_one_index(tmp_path):
    paths = _corpus(tmp_path, 40)
    for path in paths:
        _age(path)
    _check(tmp_path, cache=True)
    indexes = sorted((tmp_path / ".healthlint_cache").glob("results-*/*.index"))
    assert len(indexes) > 4
    before = {index: index.stat().st_mtime_ns for index in indexes}
    paths[5].write_text("A new first line.\n\n" + paths[5].read_text(encoding="utf-8"), encoding="utf-8")
    options = CheckOptions(paths=(str(paths[5]),), output_format="json", isolated=True, jobs=1,
                           extra_rules=(FIXTURE_RULES,), select=("test-wonder-claim",))
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        one = run_check(options).stdout
    finally:
        os.chdir(old)
    assert '"line": 5' in one  # the claim moved down two lines
    rewritten = [index for index in indexes if index.stat().st_mtime_ns != before[index]]
    assert len(rewritten) == 1
    assert _check(tmp_path, cache=True).stdout == _check(tmp_path, cache=False).stdout


def test_jsonl_lines_are_what_json_dumps_gives():
    # The writer builds each line itself; it must hold json.dumps's bytes.
    from healthlint.output.json_format import finding_dict

    results = _results()
    for _ in range(2):  # the second time from the encoder's caches
        expected = "".join(json.dumps({"path": result.path, **finding_dict(finding)}, ensure_ascii=False) + "\n"
                           for result in results for finding in result.findings)
        errors = "".join(json.dumps({"path": None, "error": error}, ensure_ascii=False) + "\n"
                         for result in results for error in result.errors)
        assert render("jsonl", Report(results, ())) == expected + errors


def test_sarif_results_built_directly_are_what_the_encoder_gives():
    from dataclasses import replace

    from healthlint.output.sarif_format import Writer, encode_basestring

    from healthlint.ruleset import load_ruleset

    rules = load_ruleset([FIXTURE_RULES]).rules
    writer = Writer(lambda text: None, lambda: rules, False, ())
    findings = [replace(finding, related=(), fix=None) for result in _results() for finding in result.findings]
    findings.append(replace(findings[0], rule=rules[0].id))  # a rule of the run: the result has its index
    for finding in findings:
        for path in ("a.md", "odd \udcff \"name\".txt"):
            for separator in ("\n  ", "\n      "):
                writer.array.separator = separator
                expected = writer.array.dumped(writer._result(finding, "0f" * 12, path))
                assert writer._result_text(finding, "0f" * 12, encode_basestring(path), separator) == expected
