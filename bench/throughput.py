#!/usr/bin/env python3
"""Speed of healthlint against proselint, in the same run, on the same files.

    python bench/throughput.py [--corpus bench/out/articles] [--corpus bench/out/medquad]
                               [--proselint bench/out/venv-proselint/bin/proselint] [--skip-proselint]
                               [--skip-corpora] [--skip-single] [--skip-linearity]

For each corpus: healthlint with the full built-in pack in one process
(`--jobs 1`) and with `--jobs 2`, both with a cold cache; healthlint again over
the unchanged corpus with the cache warm; proselint over the same files. Prints
MB/s, files/s, peak memory (largest single process) and the ratio to
proselint. Then one article of about 10 KB end to end against proselint
(medians of repeated runs), and a linearity check: one file made of 1x, 2x and
4x the same text, timed in one process (CPU time, best of three).

Build the corpora first: bench/make_articles_corpus.py, bench/make_medquad_corpus.py.
Install proselint apart from healthlint: python -m venv bench/out/venv-proselint &&
bench/out/venv-proselint/bin/pip install proselint==0.16.0
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HEALTHLINT = [sys.executable, "-m", "healthlint"]
# Compiled bytecode allowed (in a folder of its own, outside the tree), as in
# any installed package: with PYTHONDONTWRITEBYTECODE set, as in some shells
# here, every run would compile healthlint's modules from source first (~80 ms).
ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
ENVIRONMENT.setdefault("PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(), "healthlint-bench-pycache"))


def measure(command: list[str], cwd: str | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB of the largest process, exit status: each run in a fresh
    measuring process so that peaks do not carry over between runs."""
    elapsed, peak, code, _ = measure_cpu(command, cwd)
    return elapsed, peak, code


def measure_cpu(command: list[str], cwd: str | None = None) -> tuple[float, float, int, float]:
    """As measure(), and the CPU seconds (user + system) of the command and its children:
    on a shared machine CPU time varies much less than wall time."""
    probe = (
        "import resource, subprocess, sys, time, json\n"
        "start = time.perf_counter()\n"
        "code = subprocess.run(json.loads(sys.argv[1]), cwd=sys.argv[2] or None, stdout=subprocess.DEVNULL,"
        " stderr=subprocess.DEVNULL).returncode\n"
        "elapsed = time.perf_counter() - start\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps([elapsed, usage.ru_maxrss / 1024, code, usage.ru_utime + usage.ru_stime]))\n"
    )
    output = subprocess.run([sys.executable, "-c", probe, json.dumps(command), cwd or ""], capture_output=True,
                            text=True, check=True, env=ENVIRONMENT).stdout
    elapsed, peak, code, cpu = json.loads(output)
    return elapsed, peak, code, cpu


def corpus_files(folder: str) -> list[str]:
    return sorted(os.path.join(folder, name) for name in os.listdir(folder)
                  if name.endswith((".md", ".txt", ".html")))


def row(name: str, megabytes: float, files: int, elapsed: float, peak: float, reference: float | None) -> str:
    rate = megabytes / elapsed
    ratio = f"{rate / reference:7.1f}x" if reference else "      -"
    return f"  {name:<34} {elapsed:8.2f} s {rate:8.2f} MB/s {files / elapsed:9.0f} files/s {peak:8.0f} MB {ratio}"


def bench_corpus(source: str, proselint: str | None, workdir: str) -> None:
    # A copy in the work folder: the corpora live under bench/out/, which
    # .gitignore lists, so healthlint's folder walk would (rightly) skip them;
    # and 16,407 paths do not fit on one command line.
    folder = os.path.join(workdir, os.path.basename(source))
    shutil.copytree(source, folder)
    files = corpus_files(folder)
    megabytes = sum(os.path.getsize(f) for f in files) / 1e6
    print(f"\n{source}: {len(files)} files, {megabytes:.1f} MB")
    print(f"  {'run':<34} {'time':>10} {'rate':>13} {'files/s':>17} {'peak':>11} {'vs proselint':>8}")
    reference = None
    if proselint:
        elapsed, peak, _ = measure([proselint, "check", folder], cwd=workdir)
        reference = megabytes / elapsed
        print(row("proselint 0.16 (one process)", megabytes, len(files), elapsed, peak, None))
    cache = os.path.join(workdir, ".healthlint_cache")
    base = [*HEALTHLINT, "check", "--format", "json", folder]
    for jobs in (1, 2):
        shutil.rmtree(cache, ignore_errors=True)
        elapsed, peak, code = measure([*base, "--no-cache", "--jobs", str(jobs)], cwd=workdir)
        if code not in (0, 1):
            print(f"  healthlint exited with status {code}: the figures below are not a full run")
        print(row(f"healthlint --jobs {jobs} (no cache)", megabytes, len(files), elapsed, peak, reference))
    shutil.rmtree(cache, ignore_errors=True)
    first, cold_peak, _ = measure([*base, "--jobs", "2"], cwd=workdir)
    second, warm_peak, _ = measure([*base, "--jobs", "2"], cwd=workdir)
    print(row("healthlint --jobs 2, cache cold", megabytes, len(files), first, cold_peak, reference))
    print(row("healthlint --jobs 2, cache warm", megabytes, len(files), second, warm_peak, reference))
    print(f"  warm/cold: {second / first:.3f} (target: under 0.1)")
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(folder)


def bench_linearity(folder: str, workdir: str) -> None:
    """One file made of the first articles of the corpus, 1x, 2x and 4x over;
    each size run three times, the least CPU time kept."""
    files = corpus_files(folder)[:100]
    text = "\n\n".join(open(f, encoding="utf-8").read() for f in files)
    extension = os.path.splitext(files[0])[1]
    print(f"\nlinearity: one {extension} file of {len(text.encode()) / 1e6:.1f} MB, 2x and 4x that "
          "(CPU seconds, best of 3; target: within 15% of 1x, 2x, 4x)")
    # The start-up (interpreter, imports, rules, first use of patterns and word
    # lists) is paid once whatever the size: measured on one short article and
    # taken off, the rest is the cost that has to grow with the text.
    small = os.path.join(workdir, f"start-up{extension}")
    with open(small, "w", encoding="utf-8") as handle:
        handle.write(open(files[0], encoding="utf-8").read())
    start_up = min(measure_cpu([*HEALTHLINT, "check", "--format", "json", "--no-cache", "--jobs", "1", small])[3]
                   for _ in range(3))
    os.unlink(small)
    print(f"  start-up (one article): {start_up:.2f} s CPU")
    times = []
    net = []
    worst = worst_net = 0.0
    for factor in (1, 2, 4):
        path = os.path.join(workdir, f"big-{factor}x{extension}")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n\n".join([text] * factor))
        runs = [measure_cpu([*HEALTHLINT, "check", "--format", "json", "--no-cache", "--jobs", "1", path])
                for _ in range(3)]
        best = min(run[3] for run in runs)
        times.append(best)
        net.append(best - start_up)
        ratio, net_ratio = best / times[0], net[-1] / net[0]
        worst = max(worst, abs(ratio / factor - 1))
        worst_net = max(worst_net, abs(net_ratio / factor - 1))
        print(f"  {factor}x: {best:.2f} s CPU, {min(run[0] for run in runs):.2f} s wall, "
              f"peak {max(run[1] for run in runs):.0f} MB  ({ratio:.2f} of 1x; less the start-up {net_ratio:.2f}; "
              f"ideal {factor:.2f})")
        os.unlink(path)
    print(f"  largest deviation from linear: {worst:.0%} in all; {worst_net:.0%} less the start-up "
          f"({'within' if worst_net <= 0.15 else 'NOT within'} 15%)")


def bench_single_file(folder: str, proselint: str | None, workdir: str, runs: int = 15) -> None:
    """One article of about 10 KB, end to end, cold result cache, against proselint on the same file."""
    files = corpus_files(folder)
    path = min(files, key=lambda f: abs(os.path.getsize(f) - 10_000))
    copy = os.path.join(workdir, os.path.basename(path))
    shutil.copy(path, copy)
    print(f"\none file of {os.path.getsize(copy) / 1000:.1f} KB, end to end, {runs} runs each (medians):")
    commands = [("healthlint (no result cache)", [*HEALTHLINT, "check", "--format", "json", "--no-cache", copy])]
    if proselint:
        commands.append(("proselint 0.16", [proselint, "check", copy]))
    medians = {}
    for name, command in commands:
        measure_cpu(command, cwd=workdir)  # a first run writes the bytecode and the rule pack
        samples = [measure_cpu(command, cwd=workdir) for _ in range(runs)]
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[3] for s in samples)
        medians[name] = wall
        print(f"  {name:<34} {wall * 1000:6.0f} ms wall {cpu * 1000:6.0f} ms CPU")
    if proselint:
        ratio = medians["healthlint (no result cache)"] / medians["proselint 0.16"]
        print(f"  healthlint/proselint: {ratio:.2f} (target: under 0.5, and under 150 ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append",
                        help="folder of files (default: bench/out/articles and bench/out/medquad)")
    parser.add_argument("--proselint", default=os.path.join(HERE, "out", "venv-proselint", "bin", "proselint"))
    parser.add_argument("--skip-proselint", action="store_true")
    parser.add_argument("--skip-linearity", action="store_true")
    parser.add_argument("--skip-corpora", action="store_true", help="only the one-file and linearity runs")
    parser.add_argument("--skip-single", action="store_true", help="no one-file run")
    args = parser.parse_args()
    corpora = args.corpus or [os.path.join(HERE, "out", "articles"), os.path.join(HERE, "out", "medquad")]
    proselint = None if args.skip_proselint else args.proselint
    if proselint and not os.path.exists(proselint):
        print(f"no proselint at {proselint}; see the docstring, or pass --skip-proselint", file=sys.stderr)
        return 2
    print(f"{os.cpu_count()} cores; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as workdir:
        if not args.skip_corpora:
            for folder in corpora:
                bench_corpus(os.path.abspath(folder), proselint, workdir)
        if not args.skip_single:
            bench_single_file(os.path.abspath(corpora[0]), proselint, workdir)
        if not args.skip_linearity:
            bench_linearity(os.path.abspath(corpora[0]), workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
