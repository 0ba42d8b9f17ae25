#!/usr/bin/env python3
"""Success rate of draftsmith apply vs git apply (with and without --recount) vs GNU patch on a corpus made
by make_corpus.py, and throughput on a large diff. Prints markdown tables.

Usage: run_bench.py --draftsmith BIN --corpus DIR [--work DIR] [--throughput]
"""
import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time

TOOLS = {
    "draftsmith": lambda bin, patch: [bin, "apply", "--repo", ".", patch],
    "git apply": lambda bin, patch: ["git", "apply", "-p1", patch],
    "git apply --recount": lambda bin, patch: ["git", "apply", "--recount", "-p1", patch],
    "patch": lambda bin, patch: ["patch", "-p1", "--batch", "--forward", "--silent",
                                 "--no-backup-if-mismatch", "--reject-file=-", "-i", patch],
}


def read_tree(root):
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, root)] = f.read()
    return files


def run_case(tool, binary, case, work):
    target = os.path.join(work, "tree")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(os.path.join(case, "tree"), target)
    before = read_tree(target)
    patch = os.path.abspath(os.path.join(case, "patch.diff"))
    result = subprocess.run(TOOLS[tool](binary, patch), cwd=target, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    after = read_tree(target)
    expected = read_tree(os.path.join(case, "expected"))
    if result.returncode == 0:
        if after == expected:
            return "correct"
        # Right lines in the right places, only their indentation differs from
        # the intended (the model's indentation was lost): counted apart.
        strip = lambda files: {p: [l.lstrip() for l in b.split(b"\n")] for p, b in files.items()}
        return "indent" if strip(after) == strip(expected) else "wrong"
    return "refused" if after == before else "partial"


def success_rates(binary, corpus, work):
    cases = sorted(os.path.join(corpus, c) for c in os.listdir(corpus))
    # kind -> tool -> Counter(outcome)
    table = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    wrong = []
    git_accepted = 0
    git_accepted_same = 0
    for case in cases:
        with open(os.path.join(case, "kind")) as f:
            kind = f.read().strip()
        outcomes = {}
        for tool in TOOLS:
            outcome = run_case(tool, binary, case, work)
            outcomes[tool] = outcome
            table[kind][tool][outcome] += 1
            table["all"][tool][outcome] += 1
            if tool == "draftsmith" and outcome in ("wrong", "indent", "partial"):
                wrong.append(case)
        if outcomes["git apply"] == "correct":
            git_accepted += 1
            git_accepted_same += outcomes["draftsmith"] == "correct"
    tools = list(TOOLS)
    print(f"### Success rate ({len(cases)} model-shaped patches)\n")
    print("| corruption | cases | " + " | ".join(tools) + " |")
    print("|---|---|" + "---|" * len(tools))
    kinds = [k for k in table if k != "all"] + ["all"]
    for kind in kinds:
        total = sum(table[kind][tools[0]].values())
        cells = []
        for tool in tools:
            c = table[kind][tool]
            cell = f"{c['correct']}/{total}"
            notes = [f"{c[k]} {k}" for k in ("wrong", "indent", "partial") if c[k]]
            if notes:
                cell += " (" + ", ".join(notes) + ")"
            cells.append(cell)
        name = f"**{kind}**" if kind == "all" else kind
        print(f"| {name} | {total} | " + " | ".join(cells) + " |")
    print()
    for tool in tools:
        c = table["all"][tool]
        print(f"- {tool}: {c['correct']} correct, {c['refused']} refused, "
              f"{c['wrong']} applied wrongly, {c['indent']} with only indentation differing, "
              f"{c['partial']} partially applied")
    print(f"- of the {git_accepted} patches git apply applied, draftsmith gave the identical "
          f"result for {git_accepted_same}")
    if wrong:
        print("\ndraftsmith wrong/partial cases: " + ", ".join(os.path.basename(w) for w in wrong))
    print()
    return table


def throughput(binary, work):
    """A ~10 MB tree of real headers and a ~1 MB diff touching most files."""
    import random
    rng = random.Random(3)
    sources = []
    for folder, _, names in os.walk("/usr/include"):
        for name in sorted(names):
            if name.endswith(".h"):
                path = os.path.join(folder, name)
                try:
                    with open(path, encoding="utf-8") as f:
                        text = f.read()
                except (OSError, UnicodeDecodeError):
                    continue
                if "\r" not in text and len(text) > 2000 and text.endswith("\n"):
                    sources.append(text)
    sources.sort()
    tree = os.path.join(work, "big")
    shutil.rmtree(tree, ignore_errors=True)
    diff_parts = []
    total = 0
    index = 0
    while total < 10 * 1024 * 1024:
        text = ""
        while len(text) < 50000:
            text += sources[rng.randrange(len(sources))]
        lines = [line + "\n" for line in text.split("\n")[:-1]]  # only "\n" ends a line
        rel = f"dir{index % 20}/file{index}.h"
        os.makedirs(os.path.join(tree, os.path.dirname(rel)), exist_ok=True)
        with open(os.path.join(tree, rel), "w") as f:
            f.write(text)
        total += len(text)
        # ~5 KB of diff per file: many small hunks spread over it.
        new = list(lines)
        for at in sorted(rng.sample(range(len(new)), k=min(len(new), 40)), reverse=True):
            new[at] = new[at].rstrip("\n") + " /* changed */\n"
        import difflib
        diff_parts.append("".join(difflib.unified_diff(lines, new, "a/" + rel, "b/" + rel, n=3)))
        index += 1
    diff = "".join(diff_parts)
    keep = int(len(diff_parts) * (1024 * 1024) / len(diff))  # trim to ~1 MB of diff
    diff = "".join(diff_parts[:max(1, keep)])
    patch = os.path.join(work, "big.diff")
    with open(patch, "w") as f:
        f.write(diff)
    subprocess.run(["git", "init", "-q", tree], check=True)

    def timed(command, runs=5):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = subprocess.run(command, cwd=tree, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            times.append(time.perf_counter() - start)
            if result.returncode != 0:
                sys.exit(f"{command} failed: {result.stderr.decode()[:500]}")
        times.sort()
        return times[len(times) // 2]

    mb = len(diff) / (1024 * 1024)
    rows = [
        ("draftsmith apply --check", timed([binary, "apply", "--check", "--repo", ".", patch])),
        ("git apply --check", timed(["git", "apply", "--check", patch])),
        ("patch --dry-run", timed(["patch", "-p1", "--dry-run", "--batch", "--silent", "-i", patch])),
    ]
    print(f"### Throughput ({mb:.2f} MB diff, {len(diff_parts[:max(1, keep)])} files, "
          f"tree {total / (1024 * 1024):.1f} MB in {index} files; median of 5 runs)\n")
    print("| command | time | MB of diff per second |")
    print("|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1000:.0f} ms | {mb / seconds:.1f} |")
    print()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--draftsmith", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--work")
    parser.add_argument("--throughput", action="store_true")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="draftsmith-bench-")
    binary = os.path.abspath(args.draftsmith)
    success_rates(binary, args.corpus, work)
    if args.throughput:
        throughput(binary, work)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
