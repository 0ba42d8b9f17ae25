#!/usr/bin/env python3
"""A scripted HTTP/1.1 server on 127.0.0.1 for draftsmith's tests.

Binds port 0, prints the port as the first line of stdout, logs to stderr.
Each request (other than the /__ control endpoints) takes the next step of
the script; when the steps run out, the "default" step answers, and without
one the server answers 418 naming the request, so a test that sends more
than it scripted fails visibly (418 is never retried).

Control endpoints:
  POST /__script     body {"steps": [STEP...], "default": STEP}: replaces the
                     script and forgets recorded requests
  POST /__wait       body {"requests": N, "timeout": S (default 30)}: answers
                     once N requests have been recorded since the last
                     /__script ({"requests": count}), or 408 after S seconds;
                     tests block on it to know a request is in flight
  GET  /__requests   JSON list of the requests seen: method, path, query,
                     headers (names lower-cased), body (text), step (index or
                     "default"), peer_port (the client's port: one per
                     connection, so tests can see connection reuse)

A STEP is a JSON object:
  status, headers, body        a plain response (body: text, or JSON that is
                               serialised, content-type application/json)
  delay                        seconds to wait before answering
  chunks: [TEXT...]            a 200 (or `status`) body sent with chunked
                               encoding, one chunk per item;
                               chunk_delay: seconds between chunks
  fault: "reset"               close the connection with a TCP reset, no answer
  fault: "stall"               send status, headers and `body`, then nothing
                               for `seconds` (default 30), then close
  fault: "cut"                 announce Content-Length larger than `body`, send
                               `body`, close

Usage: scripted_server.py [--script FILE]
"""

import argparse
import json
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


def log(message):
    sys.stderr.write("scripted_server: %s\n" % message)
    sys.stderr.flush()


class Script:
    def __init__(self, data=None):
        data = data or {}
        self.steps = list(data.get("steps", []))
        self.default = data.get("default")
        # Other top-level keys are options for servers built on this one.
        self.options = {k: v for k, v in data.items() if k not in ("steps", "default")}
        self.next = 0
        self.requests = []
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)  # notified on every request

    def take(self, record):
        """Records the request and returns (index, step)."""
        with self.lock:
            if self.next < len(self.steps):
                index = self.next
                step = self.steps[index]
                self.next += 1
            else:
                index = "default"
                step = self.default
            record["step"] = index
            self.requests.append(record)
            self.changed.notify_all()
            return index, step


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "scripted_server/1"

    def log_message(self, format, *args):  # noqa: A002 (BaseHTTPRequestHandler's name)
        log("%s %s" % (self.address_string(), format % args))

    # -------------------------------------------------------------- plumbing

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_plain(self, status, body, content_type="application/json", headers=None):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        self.send_response(status)
        names = {k.lower() for k in (headers or {})}
        if "content-type" not in names:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def send_json(self, status, value, headers=None):
        self.send_plain(status, json.dumps(value), "application/json", headers)

    def send_chunks(self, status, chunks, headers=None, chunk_delay=0.0, content_type="text/event-stream"):
        self.send_response(status)
        names = {k.lower() for k in (headers or {})}
        if "content-type" not in names:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i, chunk in enumerate(chunks):
            if i and chunk_delay:
                time.sleep(chunk_delay)
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            if data:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def reset_connection(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    # -------------------------------------------------------------- control

    def control(self, method, path, body):
        server = self.server
        if method == "POST" and path == "/__script":
            server.script = Script(json.loads(body or b"{}"))
            self.send_json(200, {"ok": True})
            return True
        if method == "GET" and path == "/__requests":
            with server.script.lock:
                self.send_json(200, server.script.requests)
            return True
        if method == "POST" and path == "/__wait":
            wanted = json.loads(body or b"{}")
            script = server.script
            with script.changed:
                reached = script.changed.wait_for(lambda: len(script.requests) >= int(wanted.get("requests", 1)),
                                                  float(wanted.get("timeout", 30)))
                count = len(script.requests)
            self.send_json(200 if reached else 408, {"requests": count})
            return True
        return False

    # -------------------------------------------------------------- steps

    def handle_any(self, method):
        body = self.read_body()
        parts = urlsplit(self.path)
        if parts.path.startswith("/__") and self.control(method, parts.path, body):
            return
        record = {
            "method": method,
            "path": parts.path,
            "query": parts.query,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "time": time.time(),
            "peer_port": self.client_address[1],
        }
        index, step = self.server.script.take(record)
        if step is None:
            self.send_json(418, {"error": "scripted_server: no step left for %s %s" % (method, parts.path)})
            return
        log("%s %s -> step %s" % (method, parts.path, index))
        self.run_step(step, record)

    def run_step(self, step, record):
        """Plays one step. Subclasses extend this for their own step kinds."""
        if step.get("delay"):
            time.sleep(float(step["delay"]))
        fault = step.get("fault")
        status = int(step.get("status", 200))
        headers = step.get("headers") or {}
        body = step.get("body", "")
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if fault == "reset":
            self.reset_connection()
            return
        if fault == "stall":
            data = body.encode("utf-8")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, str(value))
            self.send_header("Content-Length", str(len(data) + 1000))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
            time.sleep(float(step.get("seconds", 30)))
            self.close_connection = True
            return
        if fault == "cut":
            data = body.encode("utf-8")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, str(value))
            self.send_header("Content-Length", str(len(data) + 1000))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
            self.close_connection = True
            return
        if "chunks" in step:
            self.send_chunks(status, step["chunks"], headers, float(step.get("chunk_delay", 0)))
            return
        self.send_plain(status, body, "application/json", headers)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(handler_class, script_data, server_class=Server):
    server = server_class(("127.0.0.1", 0), handler_class)
    server.script = Script(script_data)
    print(server.server_address[1], flush=True)
    log("listening on 127.0.0.1:%d" % server.server_address[1])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", help="JSON script file")
    args = parser.parse_args()
    data = None
    if args.script:
        with open(args.script, encoding="utf-8") as f:
            data = json.load(f)
    serve(Handler, data)


if __name__ == "__main__":
    main()
