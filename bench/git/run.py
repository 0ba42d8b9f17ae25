#!/usr/bin/env python3
"""Benchmark: commit + push of a 3-file variant with draftsmith's git layer
against the baseline a user would script (git worktree add + git apply +
git commit + git push), in generated repositories of 1k, 10k and 100k files.

Usage: bench/git/run.py [--sizes 1000,10000,100000] [--runs 3]
                        [--layout nested|flat] [--keep DIR]

Builds variant_bench.cpp (target bench_git_variant, bench/CMakeLists.txt) with
the `release` preset, generates the repositories with git fast-import and
prints a Markdown table of medians: wall time and peak memory (/usr/bin/time -v) for
each approach and size. Both approaches push to the same bare repository over
file://.

Layouts (files are always in folders of 10, so 100k files are in 10k folders):
  nested  the folders spread over two levels, sqrt(folders) wide each
          (100k files: 100 top folders x 100 folders x 10 files)
  flat    every folder at the root (100k files: 10,000 entries in the root)
"""
import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GIT_ENV = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
               GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@localhost",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@localhost")
FILES_PER_FOLDER = 10
LAYOUT = {"name": "nested", "per_top": 1}


def run(argv, **kwargs):
    return subprocess.run(argv, check=True, env=GIT_ENV, **kwargs)


def build_driver(work):
    run(["cmake", "--preset", "release"], cwd=ROOT, stdout=subprocess.DEVNULL)
    # bench/CMakeLists.txt: variant_bench.cpp linked with draftsmith_git (and util).
    run(["cmake", "--build", "--preset", "release", "--target", "bench_git_variant", "-j2"],
        cwd=ROOT, stdout=subprocess.DEVNULL)
    driver = os.path.join(work, "variant_bench")
    shutil.copy(os.path.join(ROOT, "build", "release", "bench", "bench_git_variant"), driver)
    return driver


def path_of(index):
    folder, name = divmod(index, FILES_PER_FOLDER)
    if LAYOUT["name"] == "flat":
        return f"d{folder:05d}/f{name}.txt"
    top, sub = divmod(folder, LAYOUT["per_top"])
    return f"d{top:03d}/s{sub:03d}/f{name}.txt"


def set_layout(name, files):
    folders = max(1, files // FILES_PER_FOLDER)
    LAYOUT["name"] = name
    LAYOUT["per_top"] = max(1, math.ceil(math.sqrt(folders)))


def generate(directory, files):
    """A repository with `files` one-line files in folders of 10, one commit."""
    run(["git", "init", "-q", "-b", "main", directory])
    stream = [b"commit refs/heads/main\n",
              b"committer bench <bench@localhost> 1700000000 +0000\n",
              b"data 9\ngenerated\n"]
    for i in range(files):
        content = f"file {i}\n".encode()
        stream.append(f"M 100644 inline {path_of(i)}\ndata {len(content)}\n".encode())
        stream.append(content + b"\n")
    run(["git", "fast-import", "--quiet"], cwd=directory, input=b"".join(stream))
    run(["git", "reset", "-q", "--hard", "main"], cwd=directory)
    run(["git", "gc", "-q"], cwd=directory)


def timed(argv, cwd=None):
    """Runs argv under /usr/bin/time -v: (seconds, peak KiB, stdout)."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-v", *argv], cwd=cwd, env=GIT_ENV, check=True,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return seconds, peak, result.stdout


def changed_indexes(files):
    return [0, files // 2, files - 1]


def patch_for(indexes, branch):
    text = ""
    for index in indexes:
        path = path_of(index)
        text += (f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n"
                 f"-file {index}\n+changed by the variant: {branch}\n")
    return text


def bench_size(work, driver, files, runs, layout):
    set_layout(layout, files)
    size_dir = os.path.join(work, f"repo-{files}")
    source, remote, clone = (os.path.join(size_dir, name) for name in ("source", "remote.git", "clone"))
    os.makedirs(size_dir)
    generate(source, files)
    run(["git", "clone", "-q", "--bare", source, remote])
    run(["git", "clone", "-q", "file://" + remote, clone])
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True,
                          check=True).stdout.strip()
    indexes = changed_indexes(files)
    paths = [path_of(i) for i in indexes]
    url = "file://" + remote
    results = {"draftsmith": [], "baseline": [], "commit_ms": []}
    # One untimed run so both approaches meet warm caches.
    timed([driver, clone, url, base, "draftsmith/bench/warm-up", *paths])
    for r in range(runs):
        branch = f"draftsmith/bench/v{r}"
        seconds, peak, out = timed([driver, clone, url, base, branch, *paths])
        results["draftsmith"].append((seconds, peak))
        results["commit_ms"].append(json.loads(out)["commit_ms"])

        branch = f"baseline/bench/v{r}"
        worktree = os.path.join(size_dir, f"wt-{r}")
        patch = os.path.join(size_dir, f"variant-{r}.patch")
        with open(patch, "w") as out_file:
            out_file.write(patch_for(indexes, branch))
        total, peaks = 0.0, []
        for argv, cwd in ((["git", "worktree", "add", "-q", "-b", branch, worktree, base], clone),
                          (["git", "apply", patch], worktree),
                          (["git", "commit", "-q", "-am", "bench variant"], worktree),
                          (["git", "push", "-q", "origin", branch], worktree)):
            seconds, peak, _ = timed(argv, cwd)
            total += seconds
            peaks.append(peak)
        results["baseline"].append((total, max(peaks)))
        run(["git", "worktree", "remove", "--force", worktree], cwd=clone)
    return {
        "files": files,
        "draftsmith_s": statistics.median(s for s, _ in results["draftsmith"]),
        "draftsmith_kib": max(p for _, p in results["draftsmith"]),
        "commit_ms": statistics.median(results["commit_ms"]),
        "baseline_s": statistics.median(s for s, _ in results["baseline"]),
        "baseline_kib": max(p for _, p in results["baseline"]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--layout", choices=("nested", "flat"), default="nested")
    parser.add_argument("--keep", help="work in this folder and keep it")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="draftsmith-bench-git-")
    os.makedirs(work, exist_ok=True)
    try:
        driver = build_driver(work)
        rows = [bench_size(work, driver, int(size), args.runs, args.layout)
                for size in args.sizes.split(",")]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"layout: {args.layout}, {args.runs} runs, medians\n")
    print("| files | draftsmith commit | draftsmith commit+push | peak RSS | "
          "worktree+apply+commit+push | peak RSS | speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['files']:,} | {row['commit_ms']:.1f} ms | {row['draftsmith_s'] * 1000:.0f} ms | "
              f"{row['draftsmith_kib'] / 1024:.1f} MiB | {row['baseline_s'] * 1000:.0f} ms | "
              f"{row['baseline_kib'] / 1024:.1f} MiB | {row['baseline_s'] / row['draftsmith_s']:.1f}x |")
    first, last = rows[0], rows[-1]
    print(f"\ncommit time {last['files']:,} vs {first['files']:,} files: "
          f"{last['commit_ms'] / first['commit_ms']:.2f}x (target: within 2x)")
    print(f"commit+push speed-up at {last['files']:,} files: "
          f"{last['baseline_s'] / last['draftsmith_s']:.1f}x (target: at least 5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
