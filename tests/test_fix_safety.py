"""`--fix` never loses text.

A fix is written to a temporary file in the same folder, flushed to the disk
and renamed over the file in one step, and only when the file on disk still
holds the bytes that were linted. These tests stop that at every step: a
process killed before the rename, an interrupt, a read-only file, a full disk,
two healthlint processes fixing the same tree. Each time the file holds either
its whole old text or its whole fixed text.

Root writes read-only files and folders, so where a test needs the system to
refuse, the refusal is simulated at the call that would get it.
"""
from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from healthlint import fixes
from healthlint.fixes import STALE_TEMPORARY_SECONDS, fix_file, write_atomically

FIXTURE_RULES = str(Path(__file__).parent / "fixtures" / "rules")
ONLY_WONDER = ["--rules", FIXTURE_RULES, "--select", "test-wonder-claim", "--no-cache", "--isolated"]
ORIGINAL = "\ufeff" + "A wonderpill a day.\r\n\r\nThe Wonderpill works. " * 200
FIXED = ORIGINAL.replace("wonderpill", "pill").replace("Wonderpill", "Pill")


def text_of(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # as written: CRLF kept


def temporaries(folder: Path) -> list[Path]:
    return sorted(folder.glob(".healthlint-*.tmp"))


def healthlint(*args, patch: str = "", cwd=None, timeout=120) -> subprocess.CompletedProcess:
    """Run `healthlint` in a new process, with `patch` (Python) run first."""
    script = (f"import os, signal, sys\n{patch}\nfrom healthlint.cli import main\n"
              "sys.argv = ['healthlint', *sys.argv[1:]]\nmain()\n")
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, cwd=cwd, timeout=timeout)


def wonder_lint(text: str):
    from healthlint.engine import Engine
    from healthlint.ruleset import load_ruleset
    from healthlint.runner import lint_text

    engine = Engine(load_ruleset([FIXTURE_RULES], include_builtin=False).selected(["test-wonder-claim"]))
    return lint_text(engine, text, "a.txt").findings


# ---- a process that stops half way --------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="no SIGKILL")
@pytest.mark.parametrize("where", ["os.replace", "os.fsync", "os.chmod"])
def test_a_process_killed_before_the_rename_leaves_the_file_intact(tmp_path, where):
    path = tmp_path / "doc.txt"
    path.write_bytes(ORIGINAL.encode("utf-8"))
    original = path.read_bytes()
    kill = f"{where} = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)"
    if where == "os.replace":
        # The caches under ~/.cache are written with os.replace too (a rule pack or a
        # Hyperscan database new to this code): only the rename onto the document kills.
        kill = ("_replace = os.replace\n"
                f"os.replace = lambda source, target, *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL) "
                f"if os.fspath(target) == {str(path)!r} else _replace(source, target, *args, **kwargs)")
    done = healthlint("check", "--fix", str(path), *ONLY_WONDER, patch=f"import os\n{kill}")
    assert done.returncode == -signal.SIGKILL
    assert path.read_bytes() == original
    # The temporary it was writing is left behind: hidden, never linted, and
    # holding either nothing yet or the whole fixed text.
    [left] = temporaries(tmp_path)
    assert left.read_bytes() in (b"", FIXED.encode("utf-8"))


def test_a_later_fix_removes_what_a_killed_run_left(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(ORIGINAL.encode("utf-8"))
    stale = tmp_path / ".healthlint-killed.tmp"
    stale.write_bytes(b"half")
    old = time.time() - STALE_TEMPORARY_SECONDS - 60
    os.utime(stale, (old, old))
    fresh = tmp_path / ".healthlint-another-run.tmp"  # another healthlint may be writing it right now
    fresh.write_bytes(b"busy")
    done = healthlint("check", "--fix", str(path), *ONLY_WONDER)
    assert done.returncode == 0, done.stderr
    assert text_of(path) == FIXED
    assert temporaries(tmp_path) == [fresh]


def test_an_interrupt_before_the_rename_removes_the_temporary(tmp_path, monkeypatch):
    path = tmp_path / "doc.txt"
    path.write_bytes(ORIGINAL.encode("utf-8"))

    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fix_file(str(path), wonder_lint)
    assert text_of(path) == ORIGINAL
    assert temporaries(tmp_path) == []


# ---- refusals -----------------------------------------------------------------------------------


def test_a_read_only_file_is_not_fixed_even_by_root(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(ORIGINAL.encode("utf-8"))
    path.chmod(0o444)
    done = healthlint("check", "--fix", str(path), *ONLY_WONDER)
    assert done.returncode == 2
    assert f"{path}: not fixed: the file is not writable" in done.stdout.decode()
    assert text_of(path) == ORIGINAL
    assert stat.S_IMODE(path.stat().st_mode) == 0o444 and temporaries(tmp_path) == []


def test_a_read_only_folder_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "doc.txt"
    path.write_bytes(ORIGINAL.encode("utf-8"))

    def no_new_files(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(fixes.tempfile, "mkstemp", no_new_files)
    outcome = fix_file(str(path), wonder_lint)
    assert outcome.error == f"{path}: not fixed: Permission denied" and not outcome.written
    assert text_of(path) == ORIGINAL


class _FullDisk:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, handle):
        self.handle = handle

    def write(self, data):
        self.handle.write(data[: len(data) // 2])  # part of it got out before the disk filled
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_a_full_disk_leaves_the_file_as_it_was(tmp_path, monkeypatch, where):
    path = tmp_path / "doc.txt"
    path.write_bytes(ORIGINAL.encode("utf-8"))
    if where == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(fixes.os, "fdopen", lambda *args, **kwargs: _FullDisk(real_fdopen(*args, **kwargs)))
    else:
        def full(descriptor):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(fixes.os, "fsync", full)
    outcome = fix_file(str(path), wonder_lint)
    assert outcome.error == f"{path}: not fixed: No space left on device; the file is unchanged"
    assert text_of(path) == ORIGINAL
    assert temporaries(tmp_path) == []


def test_a_full_disk_on_one_file_does_not_stop_the_others(tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_bytes(ORIGINAL.encode("utf-8"))
    patch = ("import healthlint.fixes as fixes\n"
             "real = fixes.os.fsync\n"
             "def fsync(fd):\n"
             "    if os.readlink(f'/proc/self/fd/{fd}').startswith(" + repr(str(tmp_path / ".healthlint-")) + ")"
             " and not os.path.exists(" + repr(str(tmp_path / "a.done")) + "):\n"
             "        open(" + repr(str(tmp_path / "a.done")) + ", 'w').close()\n"
             "        raise OSError(28, 'No space left on device')\n"
             "    return real(fd)\n"
             "fixes.os.fsync = fsync\n")
    if not os.path.exists("/proc/self/fd"):
        pytest.skip("needs /proc to name the file being synced")
    done = healthlint("check", "--fix", str(tmp_path), *ONLY_WONDER, patch=patch)
    assert done.returncode == 2
    assert "a.txt: not fixed: No space left on device; the file is unchanged" in done.stdout.decode()
    assert text_of(tmp_path / "a.txt") == ORIGINAL
    assert [text_of(tmp_path / n) for n in ("b.txt", "c.txt")] == [FIXED, FIXED]
    assert temporaries(tmp_path) == []


# ---- links and owners ----------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_fixing_through_a_symbolic_link_fixes_the_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.txt"
    target.write_bytes(ORIGINAL.encode("utf-8"))
    link = tmp_path / "link.txt"
    link.symlink_to(target.name)
    outcome = fix_file(str(link), wonder_lint)
    assert outcome.written
    assert link.is_symlink() and os.readlink(link) == target.name
    assert text_of(target) == FIXED


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_root_fixing_someone_else_s_file_keeps_its_owner(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(ORIGINAL.encode("utf-8"))
    os.chown(path, 12345, 23456)
    path.chmod(0o604)
    assert fix_file(str(path), wonder_lint).written
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (12345, 23456, 0o604)


def test_write_atomically_refuses_when_the_bytes_on_disk_changed(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(b"edited meanwhile")
    assert "changed on disk" in write_atomically(str(path), b"what was linted", b"fixed")
    assert path.read_bytes() == b"edited meanwhile"


# ---- two healthlint processes at once ------------------------------------------------------------


def test_two_processes_fixing_the_same_tree_at_once(tmp_path):
    tree = tmp_path / "tree"
    expected = {}
    for number in range(50):
        folder = tree / f"part{number % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"doc{number:02}.{('txt', 'md', 'html')[number % 3]}"
        body = f"Document {number}. " + "A wonderpill a day keeps the doctor away. " * (50 + number * 20)
        text = f"<p>{body}</p>\n" if path.suffix == ".html" else body + "\n"
        path.write_bytes(text.encode("utf-8"))
        path.chmod(0o640)
        expected[path] = text.replace("wonderpill", "pill")
    command = [sys.executable, "-m", "healthlint", "check", "--fix", "--jobs", "1", str(tree), *ONLY_WONDER]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    # Each process either fixed a file or saw that the other had changed it
    # first ("changed on disk"); never anything else.
    for run, (stdout, stderr) in zip(runs, outputs):
        assert run.returncode in (0, 2), stderr.decode()
        for line in stdout.decode().splitlines():
            assert "not fixed" not in line or "changed on disk" in line, line
    for path, text in expected.items():
        assert text_of(path) == text, f"{path} is not the fixed text"
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not list(tree.rglob(".healthlint-*.tmp"))
