#!/usr/bin/env python3
"""Benchmark of a whole `draftsmith run --local` against the fake LLM.

Usage: run_bench.py --draftsmith BIN --fake-llm tests/fakes/llm/fake_llm.py
                    [--files 3000] [--max-mb 40] [--runs 3] [--turns 4]
                    [--first-delay 0.3] [--keep DIR]

Makes a mid-size repository (C headers from /usr/include, committed in 8
commits with the git CLI, then packed as a clone would be), starts the fake
LLM and measures, as medians of --runs runs of the whole process:

  instant  the model answers at once. Each variant gets --turns working
           answers (list_files, a search of the whole repository, reads, a
           str_replace in a different header each, a new file) and then
           finish. Measured: draftsmith's own CPU time (user + sys of the
           process, from wait4), wall time and peak RSS.
  instant, no search   the same without the search calls (N=5), to show
           what the searches cost.
  slow     every answer takes 2 s; each variant is 2 turns (create_file,
           finish). Measured: wall time of N=5 against N=1.

Targets (issue 7): instant N=5 under 1 s of CPU; slow N=5 within 1.2x of N=1.
Exit status 1 when a target is missed.

The fake answers requests in arrival order, and the variants call it in
parallel, so its steps are not tied to a variant. Every step is a complete,
self-contained answer on other files than every other step, whichever variant
takes it. In the instant scenario the first N answers (one per variant) wait
--first-delay seconds so that every variant has taken one before the fast
answers start (otherwise a fast variant may take them all and another one
get only "finish" and change nothing); that wait is idle time, not CPU.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

GIT_ENV = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
               GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@localhost",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@localhost")
COMMITS = 8


def git(repo, *args, **kwargs):
    return subprocess.run(["git", "-C", repo, *args], check=True, env=GIT_ENV, **kwargs)


def source_files(source, count, max_bytes):
    picked, total = [], 0
    for folder, dirs, files in os.walk(source):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            size = os.path.getsize(path)
            if size == 0 or size > 256 * 1024:
                continue
            picked.append(os.path.relpath(path, source))
            total += size
            if len(picked) == count or total >= max_bytes:
                return picked, total
    return picked, total


def make_repo(repo, source, count, max_bytes):
    files, total = source_files(source, count, max_bytes)
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    # Commit 1 has 60% of the files; each later one adds a share of the rest
    # and changes 50 files already there.
    first = len(files) * 6 // 10
    batches = [files[:first]]
    rest = files[first:]
    step = -(-len(rest) // (COMMITS - 1))
    batches += [rest[i:i + step] for i in range(0, len(rest), step)]
    present = []
    for number, batch in enumerate(batches, 1):
        for rel in batch:
            dest = os.path.join(repo, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(os.path.join(source, rel), dest)
        if present:
            stride = max(1, len(present) // 50)
            for rel in present[number % stride::stride][:50]:
                with open(os.path.join(repo, rel), "ab") as out:
                    out.write(b"/* revision %d */\n" % number)
        present += batch
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "commit %d: %d files" % (number, len(batch)))
    git(repo, "gc", "-q")
    return files, total


def edit_targets(repo, files, wanted):
    """(path, a line that occurs once in the file) for `wanted` headers spread over the repository."""
    targets = []
    stride = max(1, len(files) // (wanted * 3))
    order = files[::stride] + [rel for i, rel in enumerate(files) if i % stride]
    for rel in order:
        with open(os.path.join(repo, rel), "rb") as f:
            data = f.read()
        if not 2000 <= len(data) <= 60000:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if "\r" in text:
            continue
        for line in text.split("\n"):
            if len(line.strip()) >= 16 and text.count(line) == 1 and line == line.rstrip():
                targets.append((rel, line))
                break
        if len(targets) == wanted:
            return targets
    raise SystemExit("only %d headers fit as edit targets" % len(targets))


def call(name, **tool_input):
    return {"name": name, "input": tool_input}


def answer(calls, delay=0.0):
    step = {"reply": {"tool_calls": calls, "stop_reason": "tool_use"}}
    if delay:
        step["delay"] = delay
    return step


FINISH = [call("finish", summary="Done: the change the bench asked for.")]


def instant_script(variants, turns, targets, first_delay, search=True):
    steps = []
    for j in range(variants * turns):
        path, line = targets[j]
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        if j < variants:
            # what a model does first: look around, search the whole tree, start a file
            calls = [call("list_files", path_prefix=folder),
                     call("search", query=line.strip()),
                     call("create_file", path="notes/bench-%d.md" % j,
                          content="# Notes %d\n\nWritten by the bench's fake model.\n" % j)]
            if not search:
                calls = [c for c in calls if c["name"] != "search"]
            steps.append(answer(calls, first_delay))
        else:
            calls = [call("read_file", path=path, start_line=1, end_line=150),
                     call("str_replace", path=path, old_str=line, new_str=line + " /* bench %d */" % j)]
            if j % 2 == 0 and search:
                calls.insert(0, call("search", query=line.strip()[:24], path_prefix=folder))
            steps.append(answer(calls))
    return {"steps": steps, "default": answer(FINISH)}


def slow_script(variants):
    steps = [answer([call("create_file", path="notes/slow-%d.md" % j, content="slow %d\n" % j)], 2)
             for j in range(variants)]
    return {"steps": steps, "default": answer(FINISH, 2)}


class FakeLlm:
    def __init__(self, script_path, log_path):
        self.log = open(log_path, "w")
        self.process = subprocess.Popen([sys.executable, script_path], stdout=subprocess.PIPE,
                                        stderr=self.log, text=True)
        port = int(self.process.stdout.readline())
        self.base = "http://127.0.0.1:%d" % port

    def post(self, path, value):
        request = urllib.request.Request(self.base + path, data=json.dumps(value).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        urllib.request.urlopen(request).read()

    def requests(self):
        with urllib.request.urlopen(self.base + "/__requests") as response:
            return json.loads(response.read())

    def stop(self):
        self.process.terminate()
        self.process.wait()
        self.log.close()


def reset_refs(repo):
    """Removes every ref but main, so each run makes its variants anew."""
    refs = git(repo, "for-each-ref", "--format=%(refname)", capture_output=True, text=True).stdout.split()
    for ref in refs:
        if ref != "refs/heads/main":
            git(repo, "update-ref", "-d", ref)


def run_once(args, llm, repo, work, variants, script, label):
    reset_refs(repo)
    llm.post("/__script", script)
    report = os.path.join(work, "report.json")
    if os.path.exists(report):
        os.remove(report)
    argv = [args.draftsmith, "run", "--local", "--repo", repo,
            "--comment", "/edit /%d bench %s: add notes and mark the headers" % (variants, label),
            "--provider", "anthropic", "--base-url", llm.base, "--max-variants", "5",
            "--report", report]
    env = dict(GIT_ENV, ANTHROPIC_API_KEY="bench-key", USER="bench")
    with open(os.path.join(work, "draftsmith.log"), "w") as log:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=work, env=env, stdout=log, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    states = []
    if os.path.exists(report):
        with open(report) as f:
            states = [v["state"] for v in json.load(f)["variants"]]
    return {"wall": wall, "user": usage.ru_utime, "sys": usage.ru_stime,
            "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
            "exit": process.returncode, "states": states, "requests": len(llm.requests())}


def measure(args, llm, repo, work, variants, script, label):
    runs = [run_once(args, llm, repo, work, variants, script, label) for _ in range(args.runs)]
    row = {key: statistics.median(r[key] for r in runs) for key in ("wall", "user", "sys", "cpu")}
    row["rss_mib"] = max(r["rss_mib"] for r in runs)
    row["exits"] = sorted({r["exit"] for r in runs})
    row["requests"] = sorted({r["requests"] for r in runs})
    row["states"] = sorted({",".join(sorted(set(r["states"]))) or "(no report)" for r in runs})
    row["label"], row["variants"] = label, variants
    return row


def show(rows):
    print("| scenario | N | wall | CPU user | CPU sys | CPU user+sys | peak RSS | LLM requests | variant states | exit |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        print("| %s | %d | %.2f s | %.3f s | %.3f s | **%.3f s** | %.1f MiB | %s | %s | %s |" % (
            r["label"], r["variants"], r["wall"], r["user"], r["sys"], r["cpu"], r["rss_mib"],
            "/".join(map(str, r["requests"])), " / ".join(r["states"]),
            "/".join(map(str, r["exits"]))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--draftsmith", required=True)
    parser.add_argument("--fake-llm", required=True)
    parser.add_argument("--source", default="/usr/include")
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--max-mb", type=float, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--first-delay", type=float, default=0.3)
    parser.add_argument("--keep", help="make the repository in this new folder and keep it")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="draftsmith-bench-run-")
    repo = os.path.abspath(args.keep) if args.keep else os.path.join(work, "repo")
    llm = None
    try:
        started = time.perf_counter()
        files, total = make_repo(repo, args.source, args.files, int(args.max_mb * 1024 * 1024))
        pack = sum(os.path.getsize(os.path.join(folder, name))
                   for folder, _, names in os.walk(os.path.join(repo, ".git", "objects")) for name in names)
        print("Repository: %d files, %.1f MB, %d commits, %.1f MB packed (made in %.0f s)" % (
            len(files), total / 1e6, COMMITS, pack / 1e6, time.perf_counter() - started), file=sys.stderr)
        targets = edit_targets(repo, files, 5 * args.turns)
        llm = FakeLlm(args.fake_llm, os.path.join(work, "fake_llm.log"))
        version = subprocess.run([args.draftsmith, "--version"], capture_output=True, text=True).stdout.strip()
        print("%s; %d files, %.1f MB in %d commits (%.1f MB packed); %d runs each, medians" % (
            version, len(files), total / 1e6, COMMITS, pack / 1e6, args.runs))
        print()
        rows = []
        for variants in (1, 5):
            rows.append(measure(args, llm, repo, work, variants,
                                instant_script(variants, args.turns, targets, args.first_delay), "instant"))
        rows.append(measure(args, llm, repo, work, 5,
                            instant_script(5, args.turns, targets, args.first_delay, search=False),
                            "instant, no search"))
        for variants in (1, 5):
            rows.append(measure(args, llm, repo, work, variants, slow_script(variants), "slow (2 s a turn)"))
        show(rows)
        instant5 = rows[1]
        slow1, slow5 = rows[3], rows[4]
        ratio = slow5["wall"] / slow1["wall"]
        cpu_ok = instant5["cpu"] < 1.0
        ratio_ok = ratio <= 1.2
        complete = all(r["exits"] == [0] for r in rows)
        print()
        print("- instant, N=5: draftsmith's own CPU time %.3f s (target < 1 s): %s" % (
            instant5["cpu"], "met" if cpu_ok else "**MISSED**"))
        print("- slow, N=5 / N=1 wall time: %.2f s / %.2f s = %.2fx (target <= 1.2x): %s" % (
            slow5["wall"], slow1["wall"], ratio, "met" if ratio_ok else "**MISSED**"))
        if not complete:
            print("- some run did not exit 0 (see the exit column); logs in %s" % work)
        return 0 if cpu_ok and ratio_ok and complete else 1
    finally:
        if llm:
            llm.stop()
        if args.keep or os.environ.get("BENCH_KEEP_WORK"):
            print("work folder kept: %s" % work, file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
