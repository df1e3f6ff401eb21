"""Hostile files: each gives a clear message for that file, the others are still
linted, and the exit status says that something went wrong (2).

Runs `healthlint check` in this process (run_check, the CLI's whole pipeline)
with the rules loaded once for the module. Permission tests cannot use chmod
when the suite runs as root (root reads and writes anything), so the refusal
is simulated where the operating system would give it; a real chmod test runs
too when the user is not root. The 50 MB file is in bench/big_files.py; here a
smaller big file, a 1 MB line and 10,000 nested containers.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import healthlint.check
import healthlint.files
from healthlint.check import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, CheckOptions, run_check
from healthlint.ruleset import load_ruleset

FIXTURE_RULES = str(Path(__file__).parent / "fixtures" / "rules")
CLAIM = "Try the wonderpill today."  # test-wonder-claim finds "wonderpill" at columns 9-19


@lru_cache(maxsize=None)
def _rules(folders: tuple[str, ...]):
    return load_ruleset(folders)


@pytest.fixture(autouse=True)
def rules_loaded_once(monkeypatch):
    monkeypatch.setattr(healthlint.check, "load_ruleset", lambda folders=(): _rules(tuple(folders)))


def check(*paths, select=("test-wonder-claim",), **options):
    """Exit status, the JSON report, and what went to standard error."""
    options = CheckOptions(paths=tuple(str(p) for p in paths), output_format="json", isolated=True, cache=False,
                           extra_rules=(FIXTURE_RULES,), select=select, **options)
    outcome = run_check(options)
    return outcome.exit_code, json.loads(outcome.stdout), outcome.stderr


def by_file(report) -> dict[str, dict]:
    return {Path(entry["path"]).name: entry for entry in report["files"]}


def findings(entry) -> list[tuple[int, int, int]]:
    return [(f["line"], f["column"], f["end_column"]) for f in entry["findings"]]


def good_file(folder: Path) -> Path:
    path = folder / "good.md"
    path.write_text(CLAIM + "\n", encoding="utf-8")
    return path


def assert_good_file_linted(report) -> None:
    assert findings(by_file(report)["good.md"]) == [(1, 9, 19)]


# ---- binary, NUL bytes and encodings ------------------------------------------------------------


def test_binary_files_and_nul_bytes_are_skipped_with_a_notice(tmp_path):
    good_file(tmp_path)
    (tmp_path / "image.md").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "late-nul.txt").write_bytes(b"Try the wonderpill. " * 1000 + b"\x00")  # past the first 8 KB
    (tmp_path / "utf16.md").write_bytes(CLAIM.encode("utf-16"))
    code, report, _ = check(tmp_path)
    files = by_file(report)
    for name in ("image.md", "late-nul.txt", "utf16.md"):
        assert files[name]["errors"] == [f"{tmp_path / name}: skipped: looks like a binary file (NUL bytes)"]
        assert files[name]["findings"] == []
    assert_good_file_linted(report)
    assert code == EXIT_ERROR


@pytest.mark.parametrize("raw, offset, expected", [
    (b"Caf\xe9: try the wonderpill.", 3, [(1, 15, 25)]),  # Latin-1, one replacement character
    (b"\xff\xfe\xfd try the wonderpill.", 0, [(1, 13, 23)]),  # three bad bytes, three characters
    ("Née \u2014 wonderpill.\n".encode() + b"\xe2\x80", 21, [(1, 7, 17)]),  # truncated at the end
    (b"ok\n\xc0\xaf\ntry the wonderpill", 3, [(3, 9, 19)]),  # an overlong encoding
    (b"\xed\xa0\x80 a wonderpill", 0, [(1, 7, 17)]),  # an encoded surrogate: three characters
])
def test_invalid_utf8_is_reported_with_its_byte_offset_and_the_rest_is_linted(tmp_path, raw, offset, expected):
    good_file(tmp_path)
    path = tmp_path / "latin1.md"
    path.write_bytes(raw)
    code, report, _ = check(tmp_path)
    entry = by_file(report)["latin1.md"]
    assert entry["errors"] == [f"{path}: invalid UTF-8 at byte offset {offset}; linted with replacement characters"]
    assert findings(entry) == expected
    assert_good_file_linted(report)
    assert code == EXIT_ERROR


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n\n", b"\r", b"   \t  ", b"\r\n" * 1000])
@pytest.mark.parametrize("name", ["empty.md", "empty.txt", "empty.html"])
def test_empty_and_blank_files_are_linted_clean(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    code, report, stderr = check(tmp_path)
    assert report["files"] == [{"path": str(tmp_path / name), "findings": [], "errors": []}]
    assert code == EXIT_CLEAN and stderr == []


# ---- size and depth -----------------------------------------------------------------------------


def _within(seconds: float):
    """Fail, instead of hanging the suite, when the block runs longer than `seconds`."""
    class Budget:
        def __enter__(self):
            self.start = time.monotonic()
            if hasattr(signal, "SIGALRM"):
                signal.signal(signal.SIGALRM, self.expired)
                signal.setitimer(signal.ITIMER_REAL, seconds * 3)  # a hang: stop it
            return self

        def expired(self, *_):
            raise TimeoutError(f"still running after {seconds * 3:g} s")

        def __exit__(self, *exc):
            if hasattr(signal, "SIGALRM"):
                signal.setitimer(signal.ITIMER_REAL, 0)
            took = time.monotonic() - self.start
            assert exc[0] is not None or took < seconds, f"took {took:.1f} s, budget {seconds:g} s"

    return Budget()


def test_a_big_file_is_linted_to_its_end(tmp_path):
    """4 MB of paragraphs, the claim on the last line (the 50 MB run is in bench/big_files.py)."""
    paragraph = "Patients often ask about dosing and about side effects of common medicines.\n\n"
    path = tmp_path / "big.md"
    count = 4_000_000 // len(paragraph)
    path.write_text(paragraph * count + CLAIM + "\n", encoding="utf-8")
    with _within(15):
        code, report, _ = check(path)
    assert findings(by_file(report)["big.md"]) == [(2 * count + 1, 9, 19)]
    assert code == EXIT_FINDINGS


@pytest.mark.parametrize("name", ["line.md", "line.txt", "line.html"])
def test_a_one_megabyte_line_with_every_rule(tmp_path, name):
    unit = "It is a long line with wonderful words and odd claims. "
    prefix = unit * (1_000_000 // len(unit))
    path = tmp_path / name
    path.write_text(prefix + CLAIM, encoding="utf-8")
    with _within(20):
        code, report, _ = check(path, select=())  # every built-in rule too
    entry = by_file(report)[name]
    assert entry["errors"] == []
    assert (1, len(prefix) + 9, len(prefix) + 19) in [
        (f["line"], f["column"], f["end_column"]) for f in entry["findings"] if f["rule"] == "test-wonder-claim"]


# One line or one document of 10,000 nested containers, the claim at the bottom.
DEEP = {
    "quotes.md": ">" * 10_000 + " " + CLAIM,
    "spaced-quotes.md": "> " * 10_000 + CLAIM,
    "quote-lines.md": "".join(">" * min(depth, 200) + "\n" for depth in range(10_000)) + CLAIM,
    "lists.md": "".join("  " * depth + "- item\n" for depth in range(0, 10_000, 50)) + "- " * 10_000 + CLAIM,
    "ordered.md": "1. " * 10_000 + CLAIM,
    "mixed.md": "> - " * 5_000 + CLAIM,
    "quotes.html": "<blockquote>" * 10_000 + CLAIM,
    "lists.html": "<ul><li>" * 10_000 + CLAIM,
    "divs.html": "<div>" * 10_000 + CLAIM + "</div>" * 10_000,
    "tables.html": "<table><tr><td>" * 10_000 + CLAIM,
    "spans.html": "<span>" * 10_000 + CLAIM,
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_ten_thousand_nested_containers_are_linted_without_recursion(tmp_path, name):
    path = tmp_path / name
    path.write_text(DEEP[name], encoding="utf-8")
    with _within(5):
        code, report, _ = check(path, select=())
    entry = by_file(report)[name]
    assert entry["errors"] == []
    wonder = [f for f in entry["findings"] if f["rule"] == "test-wonder-claim"]
    assert len(wonder) == 1
    last_line = DEEP[name].splitlines()[-1]
    assert wonder[0]["line"] == len(DEEP[name].splitlines())
    assert last_line[wonder[0]["column"] - 1 : wonder[0]["end_column"] - 1] == "wonderpill"


# Lines of 200,000 characters made to hurt a parser or a rule: unclosed
# constructs by the thousand, one word 200,000 letters long...
PATHOLOGICAL = {
    "letters.txt": "a" * 200_000, "accents.md": "é" * 200_000, "emoji.md": "😀" * 200_000,
    "stars.md": "*" * 200_000, "brackets.md": "[" * 200_000, "links.md": "[a](" * 50_000,
    "angles.md": "<" * 200_000, "ampersands.md": "&" * 200_000, "entities.md": "&amp" * 50_000,
    "backticks.md": "`a" * 100_000, "underscores.md": "_a" * 100_000, "pipes.md": "|a" * 100_000 + "\n|-|\n",
    "hyphens.txt": "a-" * 100_000, "initials.txt": "A. " * 66_000, "capitals.txt": "ABC " * 50_000,
    "parentheses.txt": "(" * 200_000, "quotes.txt": "“" * 200_000, "urls.md": "http://a" * 25_000,
    "angles.html": "<" * 200_000, "comments.html": "<!--" * 50_000, "tags.html": "<a " * 66_000,
    "references.html": "&#" * 100_000, "attributes.html": "<p a='" * 33_000,
    "lines.txt": "a\n" * 100_000, "paragraphs.md": "a\n\n" * 66_000, "fences.md": "```\n" * 50_000,
    "definitions.txt": "(a) " * 50_000, "acronyms.txt": "Aa Bb (AB) " * 20_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_lines_finish_quickly(tmp_path, name):
    """200 KB take well under a second with every rule; five seconds means something went quadratic."""
    path = tmp_path / name
    path.write_text(PATHOLOGICAL[name] + "\n" + CLAIM + "\n", encoding="utf-8")
    with _within(5):
        code, report, _ = check(path, select=())
    assert by_file(report)[name]["errors"] == []


# ---- links, permissions, special files ----------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_symlink_loops_and_broken_links(tmp_path):
    good_file(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")  # a folder loop
    (tmp_path / "sub" / "again").symlink_to(tmp_path / "sub")
    (tmp_path / "self.md").symlink_to("self.md")
    (tmp_path / "ping.md").symlink_to("pong.md")
    (tmp_path / "pong.md").symlink_to("ping.md")
    (tmp_path / "gone.md").symlink_to("missing.md")
    code, report, _ = check(tmp_path, tmp_path / "sub" / "up")  # the loop named on the command line too
    files = by_file(report)
    for name in ("self.md", "ping.md", "pong.md"):
        assert files[name]["errors"] == [f"{tmp_path / name}: cannot read: Too many levels of symbolic links"]
    assert files["gone.md"]["errors"] == [f"{tmp_path / 'gone.md'}: a symbolic link to a file that does not exist"]
    assert_good_file_linted(report)
    assert code == EXIT_ERROR


def test_unreadable_files_get_a_message_and_the_others_are_linted(tmp_path, monkeypatch):
    """Root reads anything, so the refusal is simulated where the system would give it."""
    good_file(tmp_path)
    secret = tmp_path / "secret.md"
    secret.write_text(CLAIM, encoding="utf-8")
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if os.fspath(path) == str(secret):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(healthlint.files.os, "open", refusing_open)
    code, report, _ = check(tmp_path)
    assert by_file(report)["secret.md"]["errors"] == [f"{secret}: cannot read: Permission denied"]
    assert_good_file_linted(report)
    assert code == EXIT_ERROR


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads unreadable files")
def test_unreadable_files_with_real_permissions(tmp_path):
    good_file(tmp_path)
    secret = tmp_path / "secret.md"
    secret.write_text(CLAIM, encoding="utf-8")
    secret.chmod(0)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.md").write_text(CLAIM, encoding="utf-8")
    locked.chmod(0)
    try:
        code, report, _ = check(tmp_path)
    finally:
        locked.chmod(0o755)
    assert by_file(report)["secret.md"]["errors"] == [f"{secret}: cannot read: Permission denied"]
    assert f"{locked}: cannot read the folder: Permission denied" in report["summary"]["errors"]
    assert code == EXIT_ERROR


def test_an_unreadable_folder_is_reported_not_skipped_in_silence(tmp_path, monkeypatch):
    good_file(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.md").write_text(CLAIM, encoding="utf-8")
    real_scandir = os.scandir

    def refusing_scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(healthlint.files.os, "scandir", refusing_scandir)
    code, report, _ = check(tmp_path)
    assert report["summary"]["errors"] == [f"{locked}: cannot read the folder: Permission denied"]
    assert_good_file_linted(report)
    assert code == EXIT_ERROR


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_pipes_and_devices_named_like_documents_are_skipped_not_read(tmp_path):
    """A FIFO would block the run forever, /dev/zero would fill the memory."""
    good_file(tmp_path)
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    with _within(10):
        code, report, _ = check(tmp_path)
        fixed_code, fixed_report, _ = check(tmp_path, fix=True)
    for result in (report, fixed_report):
        files = by_file(result)
        for name in ("pipe.md", "zero.md"):
            assert files[name]["errors"] == [
                f"{tmp_path / name}: skipped: not a regular file (a pipe, socket or device)"]
    assert code == fixed_code == EXIT_ERROR
    assert (tmp_path / "good.md").read_text(encoding="utf-8") == "Try the pill today.\n"


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_deleted_during_the_run(tmp_path, monkeypatch, jobs):
    for number in range(6):
        (tmp_path / f"doc{number}.md").write_text(CLAIM, encoding="utf-8")
    doomed = tmp_path / "doc3.md"
    real_discover = healthlint.check.discover

    def discover_then_delete(paths):
        found = real_discover(paths)
        doomed.unlink()  # deleted between finding the files and reading them
        return found

    monkeypatch.setattr(healthlint.check, "discover", discover_then_delete)
    code, report, _ = check(tmp_path, jobs=jobs)
    files = by_file(report)
    assert files["doc3.md"]["errors"] == [f"{doomed}: the file disappeared before it could be read"]
    assert all(findings(files[f"doc{n}.md"]) == [(1, 9, 19)] for n in (0, 1, 2, 4, 5))
    assert code == EXIT_ERROR


def test_a_file_deleted_while_it_is_being_fixed_is_not_brought_back(tmp_path, monkeypatch):
    path = tmp_path / "doc.md"
    path.write_text(CLAIM, encoding="utf-8")
    real_lint_text = healthlint.check.Linter.lint_text

    def lint_then_delete(self, text, name, *args):
        if path.exists():
            path.unlink()
        return real_lint_text(self, text, name, *args)

    monkeypatch.setattr(healthlint.check.Linter, "lint_text", lint_then_delete)
    code, report, _ = check(path, fix=True)
    assert not path.exists()
    assert by_file(report)["doc.md"]["errors"][0].startswith(f"{path}: not fixed: No such file or directory")
    assert code == EXIT_ERROR


# ---- internal errors, names, output ---------------------------------------------------------------


@pytest.mark.parametrize("mode", [{"jobs": 1}, {"jobs": 2}, {"fix": True}])
def test_an_internal_error_on_one_file_does_not_stop_the_others(tmp_path, monkeypatch, mode):
    for number in range(5):
        (tmp_path / f"doc{number}.md").write_text(CLAIM, encoding="utf-8")
    real_lint_text = healthlint.check.Linter.lint_text

    def crash_on_doc2(self, text, name, *args):
        if name.endswith("doc2.md"):
            raise RecursionError("maximum recursion depth exceeded")
        return real_lint_text(self, text, name, *args)

    monkeypatch.setattr(healthlint.check.Linter, "lint_text", crash_on_doc2)
    code, report, _ = check(tmp_path, **mode)
    files = by_file(report)
    assert "internal error" in files["doc2.md"]["errors"][0] and "RecursionError" in files["doc2.md"]["errors"][0]
    assert all(files[f"doc{n}.md"]["errors"] == [] for n in (0, 1, 3, 4))
    assert code == EXIT_ERROR


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="file names must be UTF-8 there")
@pytest.mark.parametrize("output_format", ["text", "json", "jsonl", "sarif", "github", "junit", "rdjson"])
def test_file_names_that_are_not_utf8_are_printable_in_every_format(tmp_path, output_format):
    """Before: a strict UTF-8 terminal or pipe refused the name, and SARIF and --write-baseline crashed."""
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9.md"), "wb") as handle:
        handle.write(CLAIM.encode())
    baseline = tmp_path / "baseline.json"
    options = dict(output_format=output_format, write_baseline=str(baseline))
    outcome = run_check(CheckOptions(paths=(str(tmp_path),), isolated=True, cache=False,
                                     extra_rules=(FIXTURE_RULES,), select=("test-wonder-claim",), **options))
    assert outcome.exit_code == EXIT_FINDINGS
    assert "caf\ufffd.md" in outcome.stdout.encode("utf-8").decode("utf-8")  # strict: no lone surrogate
    again = run_check(CheckOptions(paths=(str(tmp_path),), isolated=True, cache=False, extra_rules=(FIXTURE_RULES,),
                                   select=("test-wonder-claim",), baseline=str(baseline)))
    assert again.exit_code == EXIT_CLEAN


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="file names must be UTF-8 there")
def test_a_file_name_that_is_not_utf8_reaches_a_strict_pipe_as_replacement_characters(tmp_path):
    """The CLI streams its report through stdout's own encoder, whose error handler
    replaces the escaped bytes: the same bytes as the gathered report's."""
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9 \xe2\x82.md"), "wb") as handle:
        handle.write(CLAIM.encode())
    command = [sys.executable, "-m", "healthlint", "check", "--format", "json", "--isolated", "--no-cache",
               "--rules", FIXTURE_RULES, "--select", "test-wonder-claim", str(tmp_path)]
    run = subprocess.run(command, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"})
    assert run.returncode == EXIT_FINDINGS, run.stderr
    printed = run.stdout.decode("utf-8")  # strict: nothing but UTF-8 came out
    assert "caf\ufffd \ufffd.md" in printed
    gathered = run_check(CheckOptions(paths=(str(tmp_path),), output_format="json", isolated=True, cache=False,
                                      extra_rules=(FIXTURE_RULES,), select=("test-wonder-claim",)))
    assert printed == gathered.stdout


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.characters(blacklist_categories=("Cs",)),
                          st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF)), max_size=30).map("".join))
def test_the_streams_error_handler_prints_what_printable_gives(text):
    """Escaped bytes (U+DC80-U+DCFF, what decoding a file name leaves of bytes that are
    not UTF-8) come out of the stream's encoder as `_printable` shows them."""
    import io

    from healthlint.check import _printable, printable_writer

    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding="utf-8", errors="strict")
    printable_writer(stream)(text)
    stream.flush()
    assert buffer.getvalue().decode("utf-8") == _printable(text)


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="file names must be UTF-8 there")
def test_a_file_name_that_is_not_utf8_on_a_strict_terminal(tmp_path):
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.md"), "wb") as handle:
        handle.write(CLAIM.encode())
    command = [sys.executable, "-m", "healthlint", "check", str(tmp_path), "--no-cache", "--isolated",
               "--rules", FIXTURE_RULES, "--select", "test-wonder-claim"]
    done = subprocess.run(command, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
                          timeout=120)
    assert done.returncode == EXIT_FINDINGS, done.stderr.decode(errors="replace")
    assert f"{tmp_path}/caf\ufffd.md:1:9: warning [test-wonder-claim]" in done.stdout.decode("utf-8")


def test_junit_output_stays_well_formed_with_control_characters(tmp_path):
    from xml.etree import ElementTree

    rules = tmp_path / "rules"
    rules.mkdir()
    text = (Path(FIXTURE_RULES) / "test-wonder-claim.yaml").read_text(encoding="utf-8")
    (rules / "test-wonder-claim.yaml").write_text(
        text.replace("phrases: [wonderpill]", r"patterns: ['wonder\W+pill']"), encoding="utf-8")
    path = tmp_path / "doc.md"
    path.write_bytes(b"A wonder\x0b\x1b pill.\n")
    outcome = run_check(CheckOptions(paths=(str(path),), output_format="junit", isolated=True, cache=False,
                                     extra_rules=(str(rules),), select=("test-wonder-claim",)))
    ElementTree.fromstring(outcome.stdout.split("\n", 1)[1])
