#!/usr/bin/env python3
"""Makes a large repository fast: --files N text files of about --kb KB each
(default 100,000 x 10 KB = about 1 GB), written straight into a pack by
`git fast-import` (no working tree, no checkout), in folders of 100 files
under 10 top folders.

Blobs are stored whole (`fast-import --depth=0`), as in a clone: a server's
`git gc` (`git repack -adf`) finds no delta between unrelated files (a delta
must be under half the file), whereas fast-import's default deltas every
blob against the one before it in chains of 50, which makes every read
resolve up to 50 deltas (5-10x the CPU of reading a clone's pack). Checked
at 20,000 files: `git repack -adf` of the fast-import pack leaves
"non delta: 22013 objects" and the same size (100 MiB). `--depth 50` gives
the old pack.

Each file is C-like text: lines taken at random (seeded, so the repository
is the same every time) from a pool of real lines (C headers under
/usr/include), with the file's own identifiers mixed in, so files differ
and compress like source code. Every file's line 7 is a line that occurs in
no other file (`unique_line(i)`), for searches that match once.

Usage: make_big_repo.py DIR [--files 100000] [--kb 10] [--seed 7] [--depth 0]
Prints "files bytes seconds" when done.
"""
import argparse
import os
import random
import subprocess
import sys
import time


def unique_line(i):
    return "static const int draftsmith_marker_%06d = %d; /* unique */" % (i, i * 7919 % 100003)


def line_pool(source, wanted=200000):
    pool = []
    for folder, dirs, files in os.walk(source):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".h"):
                continue
            try:
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    for line in f:
                        line = line.rstrip("\n")
                        if 0 < len(line) < 120:
                            pool.append(line)
            except (UnicodeDecodeError, OSError):
                continue
            if len(pool) >= wanted:
                return pool
    return pool


def path_of(i):
    return "src/m%d/d%04d/file_%06d.c" % (i % 10, i // 100, i)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("repo")
    parser.add_argument("--files", type=int, default=100000)
    parser.add_argument("--kb", type=float, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--source", default="/usr/include")
    parser.add_argument("--depth", type=int, default=0, help="fast-import's delta depth (0: none)")
    args = parser.parse_args()
    started = time.perf_counter()
    rng = random.Random(args.seed)
    pool = line_pool(args.source)
    os.makedirs(args.repo)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    subprocess.run(["git", "init", "-q", "-b", "main", args.repo], check=True, env=env)
    importer = subprocess.Popen(["git", "-C", args.repo, "fast-import", "--quiet",
                                 "--depth=%d" % args.depth],
                                stdin=subprocess.PIPE, env=env)
    out = importer.stdin
    target = int(args.kb * 1024)
    total = 0
    # Blobs first (marks 1..N), then one commit naming them all.
    for i in range(args.files):
        lines = ["/* file %d of the generated repository */" % i, "#include <stddef.h>", "",
                 "struct item_%06d {" % i, "    int value;", "};", unique_line(i)]
        size = sum(len(line) + 1 for line in lines)
        chosen = rng.choices(pool, k=max(1, (target - size) // 40))
        for line in chosen:
            if size >= target:
                break
            if rng.random() < 0.1:
                line = line.replace("(", "(item_%06d_" % i, 1)
            lines.append(line)
            size += len(line) + 1
        data = ("\n".join(lines) + "\n").encode("utf-8")
        total += len(data)
        out.write(b"blob\nmark :%d\ndata %d\n" % (i + 1, len(data)))
        out.write(data)
        out.write(b"\n")
    stamp = "bench <bench@localhost> 1700000000 +0000"
    message = b"generated: %d files" % args.files
    out.write(b"commit refs/heads/main\nauthor %s\ncommitter %s\ndata %d\n%s\n" % (
        stamp.encode(), stamp.encode(), len(message), message))
    for i in range(args.files):
        out.write(b"M 100644 :%d %s\n" % (i + 1, path_of(i).encode()))
    out.write(b"\n")
    out.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    # A clone's HEAD and index-free checkout state: HEAD -> main, nothing else.
    print("%d %d %.1f" % (args.files, total, time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
