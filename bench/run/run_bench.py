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
    if os.path.isdir(os.path.join(repo, ".git")):  # --keep from an earlier run: reuse it
        return files, total
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


SLOW_TTFT = 0.5     # seconds to an answer's first event ...
SLOW_STREAM = 1.5   # ... then the rest of it streams: 2 s a turn


def slow_answer(calls):
    step = answer(calls, SLOW_TTFT)
    step["stream_seconds"] = SLOW_STREAM
    return step


def slow_script(variants):
    steps = [slow_answer([call("create_file", path="notes/slow-%d.md" % j, content="slow %d\n" % j)])
             for j in range(variants)]
    return {"steps": steps, "default": slow_answer(FINISH)}


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


def billed(requests):
    """Billed input tokens of the model requests: input + 1.25 x cache writes + 0.1 x cache reads."""
    sums = {"input": 0, "written": 0, "read": 0}
    for request in requests:
        usage = request.get("usage") or {}
        sums["input"] += usage.get("input_tokens", 0)
        sums["written"] += usage.get("cache_creation_input_tokens", 0)
        sums["read"] += usage.get("cache_read_input_tokens", 0)
    sums["billed"] = sums["input"] + 1.25 * sums["written"] + 0.1 * sums["read"]
    return sums


def warmup_cost(requests):
    """Seconds between the first model request and the last first request of another variant."""
    arrivals = sorted(r["arrived"] for r in requests if "arrived" in r)
    began = [r["answer_began"] for r in requests if "answer_began" in r]
    if len(arrivals) < 2 or not began:
        return 0.0
    return max(0.0, min(began) - arrivals[0])


def run_once(args, llm, repo, work, variants, script, label, warmup="auto", extra=()):
    reset_refs(repo)
    llm.post("/__script", script)
    report = os.path.join(work, "report.json")
    if os.path.exists(report):
        os.remove(report)
    argv = [args.draftsmith, "run", "--local", "--repo", repo,
            "--comment", "/edit /%d bench %s: add notes and mark the headers" % (variants, label),
            "--provider", "anthropic", "--base-url", llm.base, "--max-variants", "10",
            "--report", report, *extra]
    env = dict(GIT_ENV, ANTHROPIC_API_KEY="bench-key", USER="bench", DRAFTSMITH_CACHE_WARMUP=warmup)
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
    requests = llm.requests()
    return {"wall": wall, "user": usage.ru_utime, "sys": usage.ru_stime,
            "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
            "exit": process.returncode, "states": states, "requests": len(requests),
            "billed": billed(requests), "warmup": warmup_cost(requests)}


def measure(args, llm, repo, work, variants, script, label, warmup="auto", runs=None, extra=()):
    runs = [run_once(args, llm, repo, work, variants, script, label, warmup, extra)
            for _ in range(runs or args.runs)]
    row = {key: statistics.median(r[key] for r in runs) for key in ("wall", "user", "sys", "cpu", "warmup")}
    row["billed"] = sorted((r["billed"] for r in runs), key=lambda b: b["billed"])[len(runs) // 2]
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


def big_script(variants, first_delay, files, whole=True):
    """The instant scenario on the generated repository (make_big_repo.py);
    `whole`: each variant's first search is of the whole repository, else of
    the folder it works in."""
    import make_big_repo as big
    steps = []
    for j in range(variants * 2):
        index = (j * 7919) % files
        path = big.path_of(index)
        folder = path.rsplit("/", 1)[0] + "/"
        if j < variants:
            search = call("search", query=big.unique_line(index)) if whole else \
                call("search", query=big.unique_line(index), path_prefix=folder)
            calls = [call("list_files", path_prefix=folder), search,
                     call("create_file", path="notes/big-%d.md" % j, content="# Notes %d\n" % j)]
            steps.append(answer(calls, first_delay))
        else:
            line = big.unique_line(index)
            steps.append(answer([call("search", query=line[:30], path_prefix=folder),
                                 call("read_file", path=path, start_line=1, end_line=150),
                                 call("str_replace", path=path, old_str=line, new_str=line + " /* big */")]))
    return {"steps": steps, "default": answer(FINISH)}


def one_search_script(query):
    return {"steps": [answer([call("search", query=query)])], "default": answer(FINISH)}


def no_search_script():
    return {"steps": [answer([call("list_files", path_prefix="nowhere/")])], "default": answer(FINISH)}


def time_git_grep(repo, query, runs):
    """Median wall and CPU of `git grep -F -n` over the commit's files (HEAD, no working tree)."""
    walls, cpus = [], []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(["git", "-C", repo, "grep", "-F", "-n", "-e", query, "HEAD"],
                                   env=GIT_ENV, stdout=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        walls.append(time.perf_counter() - started)
        cpus.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def search_against_git_grep(args, llm, repo, work, query, label):
    """draftsmith's whole-repository search (N=1 with one search, minus N=1 without) against git grep."""
    with_search = measure(args, llm, repo, work, 1, one_search_script(query), "search " + label)
    without = measure(args, llm, repo, work, 1, no_search_script(), "no search " + label)
    grep_wall, grep_cpu = time_git_grep(repo, query, args.runs)
    return {"label": label, "search_wall": with_search["wall"] - without["wall"],
            "search_cpu": with_search["cpu"] - without["cpu"], "grep_wall": grep_wall,
            "grep_cpu": grep_cpu, "rss": with_search["rss_mib"]}


def show_billing(rows):
    print("| N | cache_warmup | LLM requests | input | cache written | cache read | billed input | x N=1 | wall |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    base = next(r for r in rows if r["variants"] == 1)["billed"]["billed"]
    for r in rows:
        b = r["billed"]
        print("| %d | %s | %s | %d | %d | %d | **%.0f** | %.2fx | %.2f s |" % (
            r["variants"], r["warmup_mode"], "/".join(map(str, r["requests"])), b["input"], b["written"],
            b["read"], b["billed"], b["billed"] / base, r["wall"]))


def show_search(rows):
    print("| repository | draftsmith search (wall) | (CPU) | git grep -F HEAD (wall) | (CPU) "
          "| search / git grep (wall) | (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| %s | %.2f s | %.2f s | %.2f s | %.2f s | %.2fx | %.2fx |" % (
            r["label"], r["search_wall"], r["search_cpu"], r["grep_wall"], r["grep_cpu"],
            r["search_wall"] / max(r["grep_wall"], 1e-3), r["search_cpu"] / max(r["grep_cpu"], 1e-3)))


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
    parser.add_argument("--keep", help="make the repository in this folder (or reuse it) and keep it")
    parser.add_argument("--big-files", type=int, default=0,
                        help="also a generated repository of this many ~10 KB files (100000: ~1 GB)")
    parser.add_argument("--big-repo", help="where the generated repository is made, or reused when it exists")
    parser.add_argument("--only", choices=["all", "run", "billing", "big"], default="all")
    args = parser.parse_args()
    args.draftsmith = os.path.abspath(args.draftsmith)

    work = tempfile.mkdtemp(prefix="draftsmith-bench-run-")
    repo = os.path.abspath(args.keep) if args.keep else os.path.join(work, "repo")
    llm = None
    ok = True
    try:
        started = time.perf_counter()
        files, total = make_repo(repo, args.source, args.files, int(args.max_mb * 1024 * 1024))
        pack = sum(os.path.getsize(os.path.join(folder, name))
                   for folder, _, names in os.walk(os.path.join(repo, ".git", "objects")) for name in names)
        print("Repository: %d files, %.1f MB, %d commits, %.1f MB packed (made in %.0f s)" % (
            len(files), total / 1e6, COMMITS, pack / 1e6, time.perf_counter() - started), file=sys.stderr)
        targets = edit_targets(repo, files, 10 * args.turns)
        llm = FakeLlm(args.fake_llm, os.path.join(work, "fake_llm.log"))
        version = subprocess.run([args.draftsmith, "--version"], capture_output=True, text=True).stdout.strip()
        print("%s; %d files, %.1f MB in %d commits (%.1f MB packed); %d runs each, medians" % (
            version, len(files), total / 1e6, COMMITS, pack / 1e6, args.runs))
        print()
        if args.only in ("all", "run"):
            ok = run_section(args, llm, repo, work, targets) and ok
        if args.only in ("all", "billing"):
            ok = billing_section(args, llm, repo, work, targets) and ok
        if args.only in ("all", "big") and args.big_files:
            ok = big_section(args, llm, repo, work) and ok
        return 0 if ok else 1
    finally:
        if llm:
            llm.stop()
        if args.keep or os.environ.get("BENCH_KEEP_WORK"):
            print("work folder kept: %s" % work, file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def run_section(args, llm, repo, work, targets):
    rows = []
    for variants in (1, 5):
        rows.append(measure(args, llm, repo, work, variants,
                            instant_script(variants, args.turns, targets, args.first_delay), "instant"))
    rows.append(measure(args, llm, repo, work, 5,
                        instant_script(5, args.turns, targets, args.first_delay, search=False),
                        "instant, no search"))
    for variants in (1, 5):
        rows.append(measure(args, llm, repo, work, variants, slow_script(variants), "slow (2 s a turn)"))
    rows.append(measure(args, llm, repo, work, 5, slow_script(5), "slow, cache_warmup off", "off"))
    show(rows)
    instant5 = rows[1]
    slow1, slow5, slow5_off = rows[3], rows[4], rows[5]
    ratio = slow5["wall"] / slow1["wall"]
    cost = slow5["wall"] - slow5_off["wall"]
    cpu_ok = instant5["cpu"] < 1.0
    ratio_ok = ratio <= 1.2
    warmup_ok = cost <= SLOW_TTFT * 1.1
    complete = all(r["exits"] == [0] for r in rows)
    print()
    print("- instant, N=5: draftsmith's own CPU time %.3f s (target < 1 s): %s" % (
        instant5["cpu"], "met" if cpu_ok else "**MISSED**"))
    print("- slow, N=5 / N=1 wall time: %.2f s / %.2f s = %.2fx (target <= 1.2x): %s" % (
        slow5["wall"], slow1["wall"], ratio, "met" if ratio_ok else "**MISSED**"))
    print("- the warm-up's wall-time cost, slow N=5 auto - off: %.2f s - %.2f s = %.2f s; first answer began "
          "%.2f s after the first request; time to first token %.2f s (target <= 1 time to first token): %s" % (
              slow5["wall"], slow5_off["wall"], cost, slow5["warmup"], SLOW_TTFT,
              "met" if warmup_ok else "**MISSED**"))
    if not complete:
        print("- some run did not exit 0 (see the exit column); logs in %s" % work)
    print()
    return cpu_ok and ratio_ok and warmup_ok and complete


def oneshot_script(variants, targets, first_delay):
    """One answer a variant: SEARCH/REPLACE blocks on a header of its own."""
    steps = []
    for j in range(variants):
        path, line = targets[j]
        text = "%s\n<<<<<<< SEARCH\n%s\n=======\n%s /* oneshot %d */\n>>>>>>> REPLACE\n" % (path, line, line, j)
        steps.append({"delay": first_delay, "reply": {"text": text, "stop_reason": "end_turn"}})
    return {"steps": steps, "default": {"reply": {"text": "Nothing more.", "stop_reason": "end_turn"}}}


def billing_rows(args, llm, repo, work, script_of, extra):
    rows = []
    for variants, mode in ((1, "auto"), (5, "auto"), (10, "auto"), (5, "off"), (10, "off")):
        row = measure(args, llm, repo, work, variants, script_of(variants), "billing", mode, runs=1, extra=extra)
        row["warmup_mode"] = mode
        rows.append(row)
    show_billing(rows)
    print()
    return rows[1]["billed"]["billed"] / rows[0]["billed"]["billed"]


def billing_section(args, llm, repo, work, targets):
    print("Context-heavy request (mode oneshot: the shared context holds the file list and up to "
          "200 KB of the files concerned; one answer a variant):")
    print()
    heavy = billing_rows(args, llm, repo, work, lambda n: oneshot_script(n, targets, args.first_delay),
                         ("--mode", "oneshot"))
    print("Agentic request (mode tools: %d turns a variant, each adding file contents and search "
          "results to its own conversation):" % (args.turns + 1))
    print()
    agentic = billing_rows(args, llm, repo, work,
                           lambda n: instant_script(n, args.turns, targets, args.first_delay), ())
    ok = heavy <= 1.6
    print("- billed input (input + 1.25 x cache writes + 0.1 x cache reads), /edit /5 against /edit /1, "
          "context-heavy request: %.2fx (target <= 1.6x): %s; agentic request: %.2fx" % (
              heavy, "met" if ok else "**MISSED**", agentic))
    print()
    return ok


def big_section(args, llm, repo, work):
    big_repo = os.path.abspath(args.big_repo or os.path.join(work, "big"))
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import make_big_repo as big
    if not os.path.isdir(big_repo):
        started = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "make_big_repo.py"),
                        big_repo, "--files", str(args.big_files)], check=True, stdout=subprocess.DEVNULL)
        print("Generated %s in %.0f s" % (big_repo, time.perf_counter() - started), file=sys.stderr)
    size = sum(os.path.getsize(os.path.join(folder, name))
               for folder, _, names in os.walk(os.path.join(big_repo, ".git")) for name in names)
    print("Generated repository: %d files of ~10 KB (make_big_repo.py), %.0f MB packed" % (args.big_files, size / 1e6))
    print()
    whole = measure(args, llm, big_repo, work, 5, big_script(5, args.first_delay, args.big_files),
                    "instant, generated, whole-repository searches")
    row = measure(args, llm, big_repo, work, 5, big_script(5, args.first_delay, args.big_files, whole=False),
                  "instant, generated, folder searches")
    show([row, whole])
    cpu_ok = row["cpu"] <= 3.0
    rss_ok = max(row["rss_mib"], whole["rss_mib"]) * 1.048576 <= 300
    print()
    searches = [search_against_git_grep(args, llm, big_repo, work, big.unique_line(args.big_files // 2),
                                        "generated, %d files" % args.big_files),
                search_against_git_grep(args, llm, repo, work, "#define __GLIBC_USE", "mid-size (above)")]
    show_search(searches)
    search_ok = searches[0]["search_wall"] <= searches[0]["grep_wall"]
    print()
    print("- generated repository, N=5 instant, folder searches: CPU %.2f s (target <= 3 s): %s; peak RSS %.0f MB "
          "(whole-repository searches: %.0f MB; target <= 300 MB): %s"
          % (row["cpu"], "met" if cpu_ok else "**MISSED**", row["rss_mib"] * 1.048576,
             whole["rss_mib"] * 1.048576, "met" if rss_ok else "**MISSED**"))
    print("- with five whole-repository searches (one pass over the files each): CPU %.2f s" % whole["cpu"])
    print("- search against git grep on the generated repository: %.2fx of its wall time (target <= 1x): %s" % (
        searches[0]["search_wall"] / max(searches[0]["grep_wall"], 1e-3), "met" if search_ok else "**MISSED**"))
    return cpu_ok and rss_ok and search_ok and row["exits"] == [0]


if __name__ == "__main__":
    sys.exit(main())
