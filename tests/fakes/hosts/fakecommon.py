"""Shared machinery of the fake hosting services (fake_github.py, fake_azure_devops.py).

Each fake is a separate process on 127.0.0.1: it binds port 0, prints the port
as the first line of stdout, and logs one line per request to stderr (never
the Authorization header). Python 3 standard library only.

Test control endpoints (not part of any real API):
  GET    /__state            the whole in-memory state, plus "requests": every
                             request seen (method, path, query, headers without
                             credentials, JSON body) and "faults" still pending
  POST   /__state            merge a JSON object into the state (seeding)
  POST   /__faults           append fault rules: {"faults": [RULE, ...]}
  DELETE /__faults           drop pending fault rules
  DELETE /__requests         forget the recorded requests

A fault RULE: {"method": "GET"?, "path": "substring"?, "status": 503,
"count": 1, "retry_after": "1"?, "delay_ms": 0?, "headers": {...}?, "body": {...}?,
"raw": "text"?} ("raw": a body sent as is, e.g. malformed JSON).
With --git-dir BARE_REPO, pull request branches are resolved in that repository
(a head that was never pushed is refused as the service would).
A request matching method and path-substring consumes one count and gets that
answer instead of the real one ("status": 0 with "delay_ms" only delays the
real answer: a slow server). Rules can also come from --faults FILE at start.
"""

import argparse
import base64
import datetime
import hashlib
import json
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SPECS = None  # set by main(): path of tests/specs


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def load_json(path):
    with open(path, encoding="utf-8-sig") as f:
        return json.load(f)


class Fake:
    """State, faults and request log, shared by the handler threads under one lock."""

    def __init__(self, token, state, faults, git_dir=None):
        self.token = token
        self.git_dir = git_dir
        self.lock = threading.RLock()
        self.state = state
        self.faults = list(faults)
        self.requests = []

    def branch_sha(self, branch):
        """The branch's commit: from --git-dir (a bare repository the tests push
        to) when given, else from state["refs"]; None when it does not exist
        there (and refs are checked), else a made-up stable SHA."""
        if self.git_dir:
            result = subprocess.run(["git", "--git-dir", self.git_dir, "rev-parse", "--verify", "--quiet",
                                     "refs/heads/" + branch + "^{commit}"], capture_output=True, text=True)
            return result.stdout.strip() if result.returncode == 0 else None
        if branch in self.state.get("refs", {}):
            return self.state["refs"][branch]
        if self.state.get("check_refs"):
            return None
        return hashlib.sha1(branch.encode()).hexdigest()

    def take_fault(self, method, path):
        with self.lock:
            for rule in self.faults:
                if rule.get("method") and rule["method"].upper() != method:
                    continue
                if rule.get("path") and rule["path"] not in path:
                    continue
                rule["count"] = rule.get("count", 1) - 1
                if rule["count"] <= 0:
                    self.faults.remove(rule)
                return dict(rule)
        return None


class Text(str):
    """A route's answer sent as text/plain instead of JSON (build logs)."""


class Reply(Exception):
    """Raised by route handlers to answer with a status and JSON body."""

    def __init__(self, status, body=None, headers=None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def make_handler(fake, routes, authorize, error_body, extra_headers):
    """routes: list of (method, compiled regex, function(handler, match, query, body))."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # our own log line instead
            pass

        def base_url(self):
            return "http://" + (self.headers.get("Host") or "127.0.0.1")

        def answer(self, status, body=None, headers=None, raw=None, content_type=None):
            data = b""
            if body is not None:
                data = json.dumps(body).encode()
            if raw is not None:  # a fault's malformed body, sent as JSON would be
                data = raw.encode()
            self.send_response(status)
            if body is not None or raw is not None:
                self.send_header("Content-Type", content_type or "application/json; charset=utf-8")
            merged = {}
            for key, value in list((extra_headers(self) or {}).items()) + list((headers or {}).items()):
                merged[key.lower()] = (key, str(value))  # the answer's own headers win
            for key, value in merged.values():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data and self.command != "HEAD":
                self.wfile.write(data)
            sys.stderr.write("%s %s -> %d\n" % (self.command, self.path, status))
            sys.stderr.flush()

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            parsed = urllib.parse.urlsplit(self.path)
            path = parsed.path
            query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
            if path.startswith("/__blob/"):
                return self.blob(path, query)
            if path.startswith("/__"):
                return self.control(path, raw)
            body = None
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    self.record(path, query, raw.decode("utf-8", "replace"))
                    return self.answer(400, error_body(400, "Problems parsing JSON"))
            self.record(path, query, body)
            fault = fake.take_fault(self.command, path)
            if fault:
                if fault.get("delay_ms"):
                    time.sleep(fault["delay_ms"] / 1000.0)
                if fault.get("status"):
                    headers = dict(fault.get("headers") or {})
                    if fault.get("retry_after") is not None:
                        headers["Retry-After"] = str(fault["retry_after"])
                    if fault.get("raw") is not None:
                        return self.answer(fault["status"], None, headers, fault["raw"])
                    return self.answer(fault["status"],
                                       fault.get("body") or error_body(fault["status"], "injected fault"),
                                       headers)
            problem = authorize(self)
            if problem:
                return self.answer(*problem)
            for method, pattern, function in routes:
                if method != self.command:
                    continue
                match = pattern.fullmatch(path)
                if not match:
                    continue
                try:
                    with fake.lock:
                        status, result, headers = function(self, match, query, body)
                except Reply as reply:
                    return self.answer(reply.status, reply.body, reply.headers)
                if isinstance(result, Text):
                    return self.answer(status, None, headers, str(result), "text/plain; charset=utf-8")
                return self.answer(status, result, headers)
            return self.answer(404, error_body(404, "Not Found"))

        def blob(self, path, query):
            """Text a real service keeps elsewhere behind a signed URL (GitHub's
            job logs): served without credentials, only with the signature the
            redirect named; logged like an API request."""
            with fake.lock:
                entry = fake.state.get("blobs", {}).get(path)
                self.record(path, query, None)
            if entry is None or query.get("sig") != entry.get("sig"):
                return self.answer(403, None, None, "AuthenticationFailed", "text/plain")
            return self.answer(200, None, None, entry["text"], "text/plain; charset=utf-8")

        def record(self, path, query, body):
            headers = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
            auth = self.headers.get("Authorization") or ""
            headers["Authorization-Scheme"] = auth.split(" ", 1)[0] if auth else ""
            with fake.lock:
                fake.requests.append({"method": self.command, "path": path, "query": query,
                                      "headers": headers, "body": body})

        def control(self, path, raw):
            with fake.lock:
                if path == "/__state" and self.command == "GET":
                    return self.answer(200, dict(fake.state, requests=fake.requests, faults=fake.faults))
                if path == "/__state" and self.command == "POST":
                    fake.state.update(json.loads(raw or b"{}"))
                    return self.answer(200, {"ok": True})
                if path == "/__faults" and self.command == "POST":
                    fake.faults.extend(json.loads(raw or b"{}").get("faults", []))
                    return self.answer(200, {"ok": True, "pending": len(fake.faults)})
                if path == "/__faults" and self.command == "DELETE":
                    fake.faults.clear()
                    return self.answer(200, {"ok": True})
                if path == "/__requests" and self.command == "DELETE":
                    fake.requests.clear()
                    return self.answer(200, {"ok": True})
            return self.answer(404, {"message": "unknown control endpoint"})

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = handle_any

    return Handler


def bearer_or_basic_token(handler):
    """The token of 'Bearer T' or 'Basic base64(anything:T)'; None when absent."""
    auth = handler.headers.get("Authorization") or ""
    if auth.startswith("Bearer "):
        return auth[len("Bearer "):]
    if auth.startswith("Basic "):
        try:
            decoded = base64.b64decode(auth[len("Basic "):]).decode()
        except ValueError:
            return None
        return decoded.split(":", 1)[1] if ":" in decoded else None
    return None


def serve(description, default_state, build_routes, authorize, error_body, extra_headers):
    global SPECS
    import os
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--token", default="", help="the token clients must send (empty: any)")
    parser.add_argument("--state", help="JSON file merged into the initial state")
    parser.add_argument("--faults", help="JSON file with a list of fault rules")
    parser.add_argument("--git-dir", help="bare repository whose branches pull requests must name")
    parser.add_argument("--specs", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                        "..", "..", "specs"))
    args = parser.parse_args()
    SPECS = args.specs
    state = default_state()
    if args.state:
        state.update(load_json(args.state))
    faults = load_json(args.faults) if args.faults else []
    fake = Fake(args.token, state, faults, args.git_dir)
    routes = [(m, re.compile(p, re.IGNORECASE if ci else 0), f) for m, p, f, ci in build_routes(fake)]
    handler = make_handler(fake, routes, lambda h: authorize(fake, h), error_body, extra_headers)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    sys.stderr.write("%s listening on 127.0.0.1:%d\n" % (description, server.server_address[1]))
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
