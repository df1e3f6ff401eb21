"""The pre-commit hook, installed from this checkout by the real `pre-commit` program.

`pre-commit try-repo` builds the hook's environment from this repository
(committed files plus uncommitted changes) and runs it on what is staged, as a
commit would: a risky article is refused, a clean one goes through.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]
PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))

pytestmark = pytest.mark.skipif(not shutil.which("git") or not Path(PRE_COMMIT).exists(),
                                reason="needs git and pre-commit")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


def try_commit(tmp_path: Path, home: Path, name: str, text: str) -> subprocess.CompletedProcess:
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "writer@example.org")
    git(repo, "config", "user.name", "Writer")
    (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", name)
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([PRE_COMMIT, "try-repo", str(CHECKOUT), "healthlint", "--verbose"], cwd=repo,
                          capture_output=True, text=True, env=env, timeout=600)


def test_a_risky_article_is_refused(tmp_path, pre_commit_home):
    result = try_commit(tmp_path, pre_commit_home, "kratom.md",
                        "# Kratom\n\nKratom is completely safe and has no side effects.\n")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "healthlint" in result.stdout and "Failed" in result.stdout
    assert "kratom.md:3:" in result.stdout


def test_a_clean_article_passes(tmp_path, pre_commit_home):
    result = try_commit(tmp_path, pre_commit_home, "sleep.md",
                        "# Sleep\n\nMost adults need seven or more hours of sleep a night. "
                        "Talk to your doctor if you often sleep badly.\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
