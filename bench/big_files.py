#!/usr/bin/env python3
"""The hostile files too big for the test suite: time, peak memory, exit status, messages.

    python bench/big_files.py [--size-mb 50] [--corpus bench/out/articles] [--keep]

Builds, in a temporary folder, one file of each kind and lints each with the
full built-in pack in its own `healthlint check --no-cache` process:

- big.md: --size-mb of real articles end to end (the corpus of
  bench/make_articles_corpus.py; generated paragraphs when it is missing),
  with "Try the wonderpill today." as its last line;
- line.txt and line.md: one line of 1 MB of prose;
- quotes.md: ">" x 10,000 and a claim (10,000 nested blockquotes);
- quote-lines.md: 10,000 lines, each one ">" deeper than the last, up to 200;
- lists.md: 10,000 nested list markers on one line;
- divs.html: <div> x 10,000 around a paragraph.

Then the same files together with a FIFO, a link to /dev/zero, a symlink loop
and a binary file, to show that one bad file never stops the others.
Prints one line per run and exits 1 if a run crashed (a traceback), hung
(--timeout) or lost the claim on the last line of a file.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLAIM = "Try the wonderpill today."
RULES = os.path.join(HERE, "..", "tests", "fixtures", "rules")


def build(folder: str, size_mb: float, corpus: str) -> dict[str, str]:
    files = {}
    target = int(size_mb * 1_000_000)
    path = os.path.join(folder, "big.md")
    with open(path, "w", encoding="utf-8") as out:
        written = 0
        sources = sorted(os.listdir(corpus)) if os.path.isdir(corpus) else []
        while written < target:
            if sources:
                for name in sources:
                    with open(os.path.join(corpus, name), encoding="utf-8") as handle:
                        text = handle.read() + "\n\n"
                    out.write(text)
                    written += len(text.encode("utf-8"))
                    if written >= target:
                        break
            else:
                text = "Patients often ask about dosing and about the side effects of common medicines.\n\n"
                out.write(text * 1000)
                written += len(text) * 1000
        out.write(CLAIM + "\n")
    files["big.md"] = path
    unit = "It is a long line with wonderful words and odd claims about a natural remedy. "
    for name in ("line.txt", "line.md"):
        files[name] = _write(folder, name, unit * (1_000_000 // len(unit)) + CLAIM + "\n")
    files["quotes.md"] = _write(folder, "quotes.md", ">" * 10_000 + " " + CLAIM + "\n")
    deepening = "".join(">" * min(depth, 200) + " text\n" for depth in range(10_000))
    files["quote-lines.md"] = _write(folder, "quote-lines.md", deepening + CLAIM + "\n")
    files["lists.md"] = _write(folder, "lists.md", "- " * 10_000 + CLAIM + "\n")
    files["divs.html"] = _write(folder, "divs.html", "<div>" * 10_000 + f"<p>{CLAIM}</p>" + "</div>" * 10_000)
    return files


def _write(folder: str, name: str, text: str) -> str:
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


# Runs the command in a fresh process that reports its child's peak memory, so
# that each run's peak is its own (RUSAGE_CHILDREN keeps the largest so far).
_PROBE = (
    "import json, resource, subprocess, sys\n"
    "done = subprocess.run(json.loads(sys.argv[1]), capture_output=True)\n"
    "sys.stderr.buffer.write(done.stderr)\n"
    "sys.stdout.buffer.write(done.stdout)\n"
    "sys.stderr.write('\\nPEAK %d\\n' % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024))\n"
    "sys.exit(done.returncode)\n"
)


def run(paths: list[str], timeout: float) -> tuple[float, int, int | None, dict | None, str]:
    """Seconds, peak MB of the healthlint process, exit status (None: killed on timeout), JSON report, stderr."""
    command = [sys.executable, "-m", "healthlint", "check", *paths, "--format", "json", "--no-cache", "--jobs", "1",
               "--rules", RULES]
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(command)], capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, 0, None, None, "timed out"
    took = time.perf_counter() - started
    stderr, _, peak = done.stderr.decode(errors="replace").rpartition("\nPEAK ")
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = None
    return took, int(peak or 0), done.returncode, report, stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=50)
    parser.add_argument("--corpus", default=os.path.join(HERE, "out", "articles"))
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="healthlint-big-")
    failed = False
    try:
        files = build(folder, args.size_mb, args.corpus)
        for name, path in files.items():
            size = os.path.getsize(path) / 1e6
            took, peak, code, report, stderr = run([path], args.timeout)
            entry = report["files"][0] if report else {}
            claim_found = any(f["rule"] == "test-wonder-claim" for f in entry.get("findings", ()))
            ok = code in (0, 1) and claim_found and not entry.get("errors")
            failed |= not ok
            print(f"{name:<15} {size:7.1f} MB {took:7.1f} s {size / took:6.2f} MB/s peak {peak:6d} MB "
                  f"exit {code} claim {'found' if claim_found else 'MISSING'} "
                  f"errors {entry.get('errors') or stderr.strip()[-200:] or 'none'}", flush=True)
        if hasattr(os, "mkfifo"):
            os.mkfifo(os.path.join(folder, "pipe.md"))
            os.symlink("/dev/zero", os.path.join(folder, "zero.md"))
            os.symlink("loop.md", os.path.join(folder, "loop.md"))
        with open(os.path.join(folder, "image.md"), "wb") as handle:
            handle.write(bytes(range(256)) * 100)
        del files["big.md"]  # already timed alone; the rest with the hostile ones
        hostile = [os.path.join(folder, name) for name in ("pipe.md", "zero.md", "loop.md", "image.md")
                   if os.path.lexists(os.path.join(folder, name))]
        took, peak, code, report, stderr = run([*files.values(), *hostile], args.timeout)
        errors = report["summary"]["errors"] if report else [stderr]
        linted = sum(1 for entry in (report or {}).get("files", ()) if not entry["errors"])
        print(f"all together    {took:7.1f} s exit {code}; {linted} files linted; messages:")
        for error in errors:
            print(f"    {error.replace(folder, '<tmp>')}")
        failed |= code != 2 or linted != len(files)
    finally:
        if args.keep:
            print(f"files kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
