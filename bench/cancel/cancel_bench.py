#!/usr/bin/env python3
"""The cancel path of issue 17, measured: from SIGINT to the end of the one
push that carries every variant's edits so far, against git http-backend
behind lighttpd on 127.0.0.1 (the server the integration tests push to).

Each run: `draftsmith run --local --push URL` with N variants against the
fake LLM (tests/fakes/llm/fake_llm.py). Every variant gets one answer that
creates a file of its own, then a model call that never answers (keep-alive
pings). Once the fake has all 2N requests in hand (POST /__wait), the bench
sends SIGINT and takes the time; the server's post-receive hook writes the
time the refs were updated. It reports, per N, the median and the worst of
signal -> push end and signal -> process exit, and checks that there was one
push and that every variant's branch carries Draftsmith-Incomplete.

Usage: cancel_bench.py --draftsmith BIN --fake-llm tests/fakes/llm/fake_llm.py
                       [--variants 1,5,10] [--runs 5]
Exits 1 when a run misses the documented bound (5 s to the push's end).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BOUND_MS = 5000  # run/incomplete.hpp k_cancel_push_bound


def git(cwd, *args, capture=False):
    result = subprocess.run(["git", *args], cwd=cwd, check=True, text=True,
                            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    return result.stdout.strip() if capture else ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GitServer:
    """git http-backend behind lighttpd, no authentication."""

    def __init__(self, root):
        self.root = root
        self.port = free_port()
        os.makedirs(os.path.join(root, "repos"))
        os.makedirs(os.path.join(root, "www"))
        conf = os.path.join(root, "lighttpd.conf")
        with open(conf, "w") as f:
            f.write('server.modules = ("mod_alias", "mod_setenv", "mod_cgi")\n'
                    'server.document-root = "%(root)s/www"\n'
                    'server.errorlog = "%(root)s/lighttpd-error.log"\n'
                    'server.bind = "127.0.0.1"\nserver.port = %(port)d\n'
                    'alias.url = ("/git" => "/usr/lib/git-core/git-http-backend")\n'
                    '$HTTP["url"] =~ "^/git" {\n  cgi.assign = ("" => "")\n'
                    '  setenv.set-environment = ("GIT_PROJECT_ROOT" => "%(root)s/repos",\n'
                    '    "GIT_HTTP_EXPORT_ALL" => "", "GIT_CONFIG_NOSYSTEM" => "1",\n'
                    '    "PATH" => "/usr/bin:/bin")\n}\n' % {"root": root, "port": self.port})
        self.process = subprocess.Popen(["/usr/sbin/lighttpd", "-D", "-f", conf])
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.1).close()
                return
            except OSError:
                time.sleep(0.02)  # waiting for a server to listen, not synchronising a test
        raise RuntimeError("lighttpd did not start")

    def create(self, name, source, hook_file):
        path = os.path.join(self.root, "repos", name + ".git")
        git(self.root, "clone", "-q", "--bare", source, path)
        git(path, "config", "http.receivepack", "true")
        hook = os.path.join(path, "hooks", "post-receive")
        with open(hook, "w") as f:
            # One line per push: the wall-clock time its refs were updated, in ns.
            f.write("#!/bin/sh\ndate +%%s%%N >> '%s'\n" % hook_file)
        os.chmod(hook, 0o755)
        return path, "http://127.0.0.1:%d/git/%s.git" % (self.port, name)

    def stop(self):
        self.process.terminate()
        self.process.wait()


class FakeLlm:
    def __init__(self, script_path, log_path):
        self.log = open(log_path, "w")
        self.process = subprocess.Popen([sys.executable, script_path], stdout=subprocess.PIPE,
                                        stderr=self.log, text=True)
        self.base = "http://127.0.0.1:%d" % int(self.process.stdout.readline())

    def post(self, path, value, timeout=70):
        request = urllib.request.Request(self.base + path, data=json.dumps(value).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def stop(self):
        self.process.terminate()
        self.process.wait()
        self.log.close()


def script(variants):
    # The fake answers in arrival order: the first N answers wait 1.5 s so
    # every variant has taken one (an edit) before any asks a second time.
    steps = [{"delay": 1.5, "reply": {"stop_reason": "tool_use", "tool_calls": [
        {"name": "create_file", "input": {"path": "notes/cancel-%d.md" % j, "content": "note %d\n" % j}}]}}
        for j in range(variants)]
    return {"steps": steps, "default": {"fault": "pings", "interval": 0.2, "seconds": 60}}


def delete_variant_refs(repo):
    for ref in git(repo, "for-each-ref", "--format=%(refname)", "refs/heads/draftsmith/",
                   capture=True).split():
        git(repo, "update-ref", "-d", ref)


def run_once(args, llm, checkout, bare, url, hook_file, variants):
    delete_variant_refs(checkout)
    delete_variant_refs(bare)
    if os.path.exists(hook_file):
        os.remove(hook_file)
    llm.post("/__script", script(variants))
    environment = dict(os.environ, ANTHROPIC_API_KEY="sk-ant-bench", DRAFTSMITH_MAX_VARIANTS="10")
    for name in ("GITHUB_ACTIONS", "TF_BUILD", "GITHUB_EVENT_PATH"):
        environment.pop(name, None)
    process = subprocess.Popen(
        [args.draftsmith, "run", "--local", "--comment", "/edit /%d add a note" % variants,
         "--push", url, "--provider", "anthropic", "--base-url", llm.base],
        cwd=checkout, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    llm.post("/__wait", {"requests": 2 * variants, "timeout": 60})
    sent = time.time_ns()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    exited = time.time_ns()
    pushes = open(hook_file).read().split() if os.path.exists(hook_file) else []
    branches = git(bare, "for-each-ref", "--format=%(refname)", "refs/heads/draftsmith/", capture=True).split()
    kept = sum("Draftsmith-Incomplete: cancelled (SIGINT)" in git(bare, "log", "-1", "--format=%B", ref, capture=True)
               for ref in branches)
    if process.returncode != 130 or len(pushes) != 1 or kept != variants:
        sys.stderr.write(err)
        raise SystemExit("N=%d: exit %d, %d push(es), %d of %d branches kept"
                         % (variants, process.returncode, len(pushes), kept, variants))
    return (int(pushes[0]) - sent) / 1e6, (exited - sent) / 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--draftsmith", required=True)
    parser.add_argument("--fake-llm", required=True)
    parser.add_argument("--variants", default="1,5,10")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="draftsmith-cancel-bench-")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    server = GitServer(os.path.join(work, "server"))
    llm = FakeLlm(args.fake_llm, os.path.join(work, "fake_llm.log"))
    missed = False
    try:
        source = os.path.join(work, "source")
        shutil.copytree(os.path.join(root, "examples", "demo-site"), source)
        git(source, "init", "-q", "-b", "main")
        git(source, "add", "-A")
        git(source, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", "site")
        hook_file = os.path.join(work, "pushes")
        bare, url = server.create("app", source, hook_file)
        checkout = os.path.join(work, "checkout")
        git(work, "clone", "-q", url, checkout)
        version = subprocess.run([args.draftsmith, "version"], capture_output=True, text=True).stdout.strip()
        print("%s, git %s, %d runs each\n" % (version, git(work, "--version", capture=True).split()[-1], args.runs))
        print("| N | SIGINT -> push end, median | worst | SIGINT -> exit, median | worst |")
        print("|---:|---:|---:|---:|---:|")
        for variants in [int(v) for v in args.variants.split(",")]:
            push, done = zip(*[run_once(args, llm, checkout, bare, url, hook_file, variants)
                               for _ in range(args.runs)])
            missed = missed or max(push) > BOUND_MS
            print("| %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms |"
                  % (variants, statistics.median(push), max(push), statistics.median(done), max(done)))
        print("\nbound: the push ends within %d ms of the signal: %s" % (BOUND_MS, "missed" if missed else "met"))
    finally:
        llm.stop()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
