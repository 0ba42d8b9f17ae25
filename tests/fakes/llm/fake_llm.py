#!/usr/bin/env python3
"""A fake LLM service for draftsmith's tests: the Anthropic Messages API and
OpenAI Chat Completions (also Azure OpenAI's deployment URLs), non-streamed
and as server-sent events, shaped like the official payloads in
tests/specs/llm/ (recorded responses, SDK stream fixtures, error envelopes).

It is tests/fakes/http/scripted_server.py with model-level steps added, so
every plain step and fault of that server works here too. Binds 127.0.0.1
port 0, prints the port as the first stdout line, logs to stderr.

Endpoints:
  POST /v1/messages                                   Anthropic
  POST [/v1]/chat/completions                         OpenAI / compatible
  POST /openai/deployments/{d}/chat/completions?api-version=...   Azure
  POST /__script, GET /__requests                     see scripted_server.py
  GET  /__cache       Anthropic prompt-cache entries: one per cache_control
                      prefix seen, {"key", "tokens", "created", "read",
                      "ready"}: "created" counts the requests that wrote it
                      (more than one when they came before it was ready)

Model-level STEP kinds (besides scripted_server's):
  {"reply": {"text": "...", "tool_calls": [{"name": .., "input": {..}}],
             "stop_reason": "end_turn"|"tool_use"|"max_tokens"|"refusal"|
                            "pause_turn"|"stop_sequence",
             "finish_reason": "<raw OpenAI value>", "refusal": "<text>",
             "output_tokens": N}}
      answered in the endpoint's wire format; streamed when the request says
      "stream": true (then "chunk_delay" seconds between events, or
      "stream_seconds" for the whole stream after its first event)
  {"error": "overloaded"|"rate_limit"|"invalid_request"|"authentication"|
            "permission"|"not_found"|"server", "message": "...", "headers": {}}
      the provider's error status and body
  {"fault": "error_event"}   HTTP 200 stream that carries an error event
  {"fault": "cut_stream"}    HTTP 200 stream cut in the middle of an event
  {"fault": "invalid_json"}  HTTP 200 application/json body that is not JSON
  {"fault": "pings"}         Anthropic: HTTP 200 stream with message_start, then
                             only `ping` events (documented keep-alives) every
                             `interval` seconds (default 0.5), never an answer;
                             ends after `seconds` (default 120) or when the
                             client goes away

Checks on every model request (answered like the real services):
  Anthropic: x-api-key and anthropic-version present, model/max_tokens/
  messages present; OpenAI: Authorization Bearer (Azure: api-key header and
  api-version); unless the script has "open": true. A script "key" makes any
  other key a 401.

Token counts are len(canonical JSON) // 4. Anthropic cache accounting: each
block marked cache_control ends a prefix (order tools, system, messages); the
longest prefix already cached, at a breakpoint or at one of the 20 block
boundaries before it (the documented lookback), is read, the rest up to the last mark is
created, as the real service reports it in usage (cache_creation_input_tokens,
cache_read_input_tokens). OpenAI: a request whose prefix (at a message
boundary) an earlier request sent reports it in
usage.prompt_tokens_details.cached_tokens, only from 1,024 tokens on and in
blocks of 128 (OpenAI's documented automatic caching).

Both caches follow Anthropic's documented rule that "a cache entry only
becomes available after the first response begins": the cache is looked up
when a request arrives (before the step's "delay", which stands for the time
to first token), and what it writes becomes readable when its answer starts
(the first byte of a stream or of a whole answer). Requests that arrive
before that write the same entry again. Each recorded request gets
"arrived" and "answer_began" (time.monotonic() seconds) and "usage".
"""

import hashlib
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http"))

import scripted_server  # noqa: E402
from scripted_server import Handler, log, serve  # noqa: E402

ANTHROPIC_ERRORS = {
    "overloaded": (529, "overloaded_error", "Overloaded"),
    "rate_limit": (429, "rate_limit_error", "This request would exceed your organization's rate limit."),
    "invalid_request": (400, "invalid_request_error", "messages: field required"),
    "authentication": (401, "authentication_error", "invalid x-api-key"),
    "permission": (403, "permission_error", "Your API key does not have permission to use the specified resource."),
    "not_found": (404, "not_found_error", "model: not found"),
    "server": (500, "api_error", "Internal server error"),
}

OPENAI_ERRORS = {
    "overloaded": (503, "service_unavailable", None, "The engine is currently overloaded, please try again later"),
    "rate_limit": (429, "requests", "rate_limit_exceeded", "Rate limit reached for requests"),
    "invalid_request": (400, "invalid_request_error", None, "'messages' is a required property"),
    "authentication": (401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    "permission": (403, "invalid_request_error", "unsupported_country_region_territory", "Not allowed."),
    "not_found": (404, "invalid_request_error", "model_not_found", "The model does not exist."),
    "server": (500, "server_error", None, "The server had an error while processing your request."),
}

FINISH_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "refusal": "content_filter",
}


def tokens(value):
    return max(1, len(json.dumps(value, sort_keys=True, separators=(",", ":"))) // 4)


def without_cache_control(value):
    if isinstance(value, dict):
        return {k: without_cache_control(v) for k, v in value.items() if k != "cache_control"}
    if isinstance(value, list):
        return [without_cache_control(v) for v in value]
    return value


def digest(value):
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


ANTHROPIC_LOOKBACK = 20  # blocks looked back from each breakpoint for a cached prefix
OPENAI_MIN_CACHED = 1024  # OpenAI caches prompts of 1,024 tokens or more ...
OPENAI_CACHE_BLOCK = 128  # ... and matches them in blocks of 128 tokens


class Ticket:
    """One request's cache lookup: its usage and the entries it writes."""

    def __init__(self, dialect):
        self.dialect = dialect
        self.usage = None
        self.writes = []  # entry dicts made ready when the answer begins


class CacheBook:
    """The providers' prompt caches as the fake keeps them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = {}  # Anthropic: key -> {"key", "tokens", "created", "read", "ready"}
        self.openai_prefixes = {}  # key -> {"tokens", "ready"}

    def lookup(self, dialect, body):
        ticket = Ticket(dialect)
        if dialect == "anthropic":
            ticket.usage = self.anthropic_usage(body, ticket)
        else:
            ticket.usage = self.openai_usage(body, ticket)
        return ticket

    def began(self, ticket):
        """The answer to `ticket`'s request has begun: what it wrote is readable."""
        with self.lock:
            for entry in ticket.writes:
                entry["ready"] = True

    def anthropic_usage(self, body, ticket):
        segments = []
        for tool in body.get("tools") or []:
            segments.append(("tools", tool))
        system = body.get("system")
        if isinstance(system, str):
            segments.append(("system", {"type": "text", "text": system}))
        elif isinstance(system, list):
            for block in system:
                segments.append(("system", block))
        for index, message in enumerate(body.get("messages") or []):
            content = message.get("content")
            if isinstance(content, str):
                content = [{"type": "text", "text": content}]
            for block in content or []:
                segments.append(("message %d %s" % (index, message.get("role")), block))
        # A running hash of the canonical prefix: the key at every block
        # boundary, so a lookup can look back from each breakpoint.
        running = hashlib.sha256()
        total = 0
        boundaries = []  # (key, cumulative tokens) after each block
        breakpoints = []  # indexes into boundaries
        for where, block in segments:
            clean = without_cache_control(block)
            running.update(json.dumps([where, clean], sort_keys=True, separators=(",", ":")).encode("utf-8"))
            total += tokens(clean)
            boundaries.append((running.copy().hexdigest()[:16], total))
            if isinstance(block, dict) and block.get("cache_control"):
                breakpoints.append(len(boundaries) - 1)
        read = 0
        created = 0
        with self.lock:
            # "The system automatically checks for cache hits at all previous
            # content block boundaries (up to 20 blocks before the explicit
            # breakpoint)": the longest ready prefix found that way is read.
            hit = None
            for at in breakpoints:
                for j in range(at, max(-1, at - ANTHROPIC_LOOKBACK - 1), -1):
                    entry = self.entries.get(boundaries[j][0])
                    if entry and entry["ready"] and boundaries[j][1] > read:
                        read, hit = boundaries[j][1], entry
            if hit:
                hit["read"] += 1
            if breakpoints:
                created = boundaries[breakpoints[-1]][1] - read
                for at in breakpoints:
                    key, cumulative = boundaries[at]
                    if cumulative <= read:
                        continue
                    entry = self.entries.setdefault(
                        key, {"key": key, "tokens": cumulative, "created": 0, "read": 0, "ready": False})
                    if not entry["ready"]:
                        entry["created"] += 1
                        ticket.writes.append(entry)
        return {
            "input_tokens": total - read - created,
            "cache_creation_input_tokens": created,
            "cache_read_input_tokens": read,
        }

    def openai_usage(self, body, ticket):
        tools = body.get("tools") or []
        messages = body.get("messages") or []
        total = tokens({"tools": tools, "messages": messages})
        matched = 0
        with self.lock:
            keys = []
            for k in range(1, len(messages) + 1):
                part = {"tools": tools, "messages": messages[:k]}
                keys.append((digest(part), min(tokens(part), total)))
            for key, count in reversed(keys):
                entry = self.openai_prefixes.get(key)
                if entry and entry["ready"]:
                    matched = count
                    break
            for key, count in keys:
                if count <= matched:
                    continue
                entry = self.openai_prefixes.setdefault(key, {"tokens": count, "ready": False})
                if not entry["ready"]:
                    ticket.writes.append(entry)
        cached = 0
        if matched >= OPENAI_MIN_CACHED:
            cached = OPENAI_MIN_CACHED + (matched - OPENAI_MIN_CACHED) // OPENAI_CACHE_BLOCK * OPENAI_CACHE_BLOCK
        return total, cached


def sse(event, data, padding=""):
    return "event: %s\ndata: %s%s\n\n" % (event, json.dumps(data, separators=(",", ":"))[:-1] + padding, "}")


def pieces(text, size):
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


class LlmHandler(Handler):
    server_version = "fake_llm/1"

    # ------------------------------------------------------------ dispatch

    def dialect(self, path):
        if path == "/v1/messages":
            return "anthropic"
        if path.endswith("/chat/completions"):
            return "azure" if path.startswith("/openai/deployments/") else "openai"
        return None

    def control(self, method, path, body):
        if method == "GET" and path == "/__cache":
            with self.server.cache.lock:
                self.send_json(200, list(self.server.cache.entries.values()))
            return True
        if method == "POST" and path == "/__script":
            self.server.cache = CacheBook()
        return Handler.control(self, method, path, body)

    def run_step(self, step, record):
        dialect = self.dialect(record["path"])
        kinds = ("reply", "error")
        model_step = any(k in step for k in kinds) or step.get("fault") in ("error_event", "cut_stream", "invalid_json", "pings")
        if dialect is None or not model_step:
            return Handler.run_step(self, step, record)
        record["arrived"] = time.monotonic()
        self.ticket = None
        try:
            body = json.loads(record["body"] or "{}")
        except ValueError:
            return self.provider_error(dialect, "invalid_request", "the request body is not JSON")
        problem = self.check_request(dialect, record, body)
        if problem:
            return self.provider_error(dialect, problem[0], problem[1])
        # The cache is looked up as the request arrives; the delay is the
        # time to first token, after which the answer begins.
        self.ticket = self.server.cache.lookup(dialect, body) if "error" not in step else None
        self.record = record
        if step.get("delay"):
            time.sleep(float(step["delay"]))
        stream = bool(body.get("stream"))
        fault = step.get("fault")
        if "error" in step:
            return self.provider_error(dialect, step["error"], step.get("message"), step.get("headers"))
        if fault == "invalid_json":
            return self.send_plain(200, '{"id": "msg_fake", "content": [', "application/json")
        reply = step.get("reply") or {"text": "(the stream breaks before this is sent)"}
        if dialect == "anthropic":
            if not stream and not fault:
                return self.send_json(200, self.anthropic_message(body, reply, record))
            events = self.anthropic_events(body, reply, record)
        else:
            if not stream and not fault:
                return self.send_json(200, self.openai_completion(body, reply, record))
            events = self.openai_events(body, reply, record)
        if fault == "error_event":
            if dialect == "anthropic":
                events = events[:2] + [sse("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})]
            else:
                events = events[:1] + ["data: %s\n\n" % json.dumps({"error": {"message": "The server had an error while processing your request.", "type": "server_error", "param": None, "code": None}})]
            return self.send_chunks(200, events, {"Content-Type": "text/event-stream"}, float(step.get("chunk_delay", 0)))
        if fault == "cut_stream":
            self.send_cut_stream(events)
            return None
        if fault == "pings":
            self.send_pings(events[0], float(step.get("interval", 0.5)), float(step.get("seconds", 120)))
            return None
        chunk_delay = float(step.get("chunk_delay", 0))
        if step.get("stream_seconds"):  # the whole stream takes this long after its first event
            chunk_delay = float(step["stream_seconds"]) / max(1, len(events) - 1)
        self.send_chunks(200, events, {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}, chunk_delay)
        return None

    def answer_begins(self, status):
        ticket = getattr(self, "ticket", None)
        if ticket is not None and status == 200:
            self.ticket = None
            self.record["answer_began"] = time.monotonic()
            self.server.cache.began(ticket)

    def send_plain(self, status, body, content_type="application/json", headers=None):
        self.answer_begins(status)
        Handler.send_plain(self, status, body, content_type, headers)

    def send_chunks(self, status, chunks, headers=None, chunk_delay=0.0, content_type="text/event-stream"):
        self.answer_begins(status)
        Handler.send_chunks(self, status, chunks, headers, chunk_delay, content_type)

    def check_request(self, dialect, record, body):
        script = self.server.script_options()
        headers = record["headers"]
        if script.get("open"):
            return None
        if dialect == "anthropic":
            key = headers.get("x-api-key")
            if not key:
                return ("authentication", "x-api-key header is required")
            if script.get("key") and key != script["key"]:
                return ("authentication", "invalid x-api-key")
            if not headers.get("anthropic-version"):
                return ("invalid_request", "anthropic-version: header is required")
            for field in ("model", "max_tokens", "messages"):
                if field not in body:
                    return ("invalid_request", "%s: Field required" % field)
        else:
            if dialect == "azure":
                key = headers.get("api-key")
                if "api-version=" not in record["query"]:
                    return ("not_found", "Resource not found")
            else:
                auth = headers.get("authorization", "")
                key = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
            if not key:
                return ("authentication", "You didn't provide an API key.")
            if script.get("key") and key != script["key"]:
                return ("authentication", "Incorrect API key provided.")
            if "messages" not in body:
                return ("invalid_request", "'messages' is a required property")
        return None

    # ------------------------------------------------------------ errors

    def provider_error(self, dialect, kind, message=None, headers=None):
        headers = dict(headers or {})
        if dialect == "anthropic":
            status, error_type, default = ANTHROPIC_ERRORS[kind]
            headers.setdefault("x-should-retry", "true" if status in (408, 409, 429) or status >= 500 else "false")
            headers.setdefault("request-id", "req_fake_%d" % self.server.next_id())
            return self.send_json(status, {"type": "error", "error": {"type": error_type, "message": message or default},
                                           "request_id": headers["request-id"]}, headers)
        status, error_type, code, default = OPENAI_ERRORS[kind]
        return self.send_json(status, {"error": {"message": message or default, "type": error_type, "param": None, "code": code}}, headers)

    def send_cut_stream(self, events):
        """A 200 stream whose connection closes in the middle of an event."""
        self.answer_begins(200)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        cut = max(1, len(events) // 2)
        for event in events[:cut]:
            data = event.encode("utf-8")
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        half = events[cut].encode("utf-8")[: len(events[cut]) // 2]
        self.wfile.write(b"%x\r\n%s\r\n" % (len(half), half))
        self.wfile.flush()
        self.close_connection = True

    def send_pings(self, first, interval, seconds):
        """A 200 stream that starts an answer and then only keeps the connection alive."""
        self.answer_begins(200)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        until = time.monotonic() + seconds
        event = first
        try:
            while time.monotonic() < until:
                data = event.encode("utf-8")
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
                event = sse("ping", {"type": "ping"})
                time.sleep(interval)
        except (BrokenPipeError, ConnectionResetError):
            log("pings: the client went away")
        self.close_connection = True

    # ------------------------------------------------------------ anthropic

    def anthropic_content(self, reply, number):
        content = []
        if reply.get("text"):
            content.append({"type": "text", "text": reply["text"]})
        for i, call in enumerate(reply.get("tool_calls") or []):
            content.append({"type": "tool_use", "id": call.get("id", "toolu_fake%02d_%d" % (number, i)),
                            "name": call["name"], "input": call.get("input", {}), "caller": {"type": "direct"}})
        return content

    def anthropic_stop(self, reply):
        return reply.get("stop_reason") or ("tool_use" if reply.get("tool_calls") else "end_turn")

    def looked_up(self, dialect, body):
        """The usage of the cache lookup made when the request arrived."""
        ticket = getattr(self, "ticket", None)
        if ticket is None:  # not looked up (an error step): look up now, write nothing
            ticket = CacheBook().lookup(dialect, body)
        return ticket.usage

    def anthropic_usage(self, body, reply, record):
        usage = dict(self.looked_up("anthropic", body))
        usage["cache_creation"] = {"ephemeral_5m_input_tokens": usage["cache_creation_input_tokens"], "ephemeral_1h_input_tokens": 0}
        usage["output_tokens"] = int(reply.get("output_tokens", 0)) or max(1, tokens(reply) // 2)
        usage["service_tier"] = "standard"
        record["usage"] = usage
        return usage

    def anthropic_message(self, body, reply, record):
        number = self.server.next_id()
        return {
            "model": body.get("model"),
            "id": "msg_fake%06d" % number,
            "type": "message",
            "role": "assistant",
            "content": self.anthropic_content(reply, number),
            "stop_reason": self.anthropic_stop(reply),
            "stop_sequence": reply.get("stop_sequence"),
            "usage": self.anthropic_usage(body, reply, record),
        }

    def anthropic_events(self, body, reply, record):
        message = self.anthropic_message(body, reply, record)
        usage = message["usage"]
        start = dict(message, content=[], stop_reason=None, stop_sequence=None,
                     usage=dict(usage, output_tokens=1))
        events = [sse("message_start", {"type": "message_start", "message": start}, "   ")]
        for index, block in enumerate(message["content"]):
            if block["type"] == "text":
                events.append(sse("content_block_start", {"type": "content_block_start", "index": index,
                                                          "content_block": {"type": "text", "text": ""}}))
                if index == 0:
                    events.append(sse("ping", {"type": "ping"}))
                for piece in pieces(block["text"], 12):
                    events.append(sse("content_block_delta", {"type": "content_block_delta", "index": index,
                                                              "delta": {"type": "text_delta", "text": piece}}, "  "))
            else:
                events.append(sse("content_block_start", {"type": "content_block_start", "index": index,
                                                          "content_block": dict(block, input={})}, "        "))
                if index == 0:
                    events.append(sse("ping", {"type": "ping"}))
                for piece in [""] + pieces(json.dumps(block["input"]), 7):
                    events.append(sse("content_block_delta", {"type": "content_block_delta", "index": index,
                                                              "delta": {"type": "input_json_delta", "partial_json": piece}}, "    "))
            events.append(sse("content_block_stop", {"type": "content_block_stop", "index": index}, "     "))
        events.append(sse("message_delta", {"type": "message_delta",
                                            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": message["stop_sequence"]},
                                            "usage": {"input_tokens": usage["input_tokens"],
                                                      "cache_creation_input_tokens": usage["cache_creation_input_tokens"],
                                                      "cache_read_input_tokens": usage["cache_read_input_tokens"],
                                                      "output_tokens": usage["output_tokens"]}}, "  "))
        events.append(sse("message_stop", {"type": "message_stop"}, "     "))
        return events

    # ------------------------------------------------------------ openai

    def openai_message(self, reply, number):
        message = {"role": "assistant", "content": reply.get("text") or None,
                   "refusal": reply.get("refusal"), "annotations": []}
        calls = []
        for i, call in enumerate(reply.get("tool_calls") or []):
            calls.append({"id": call.get("id", "call_fake%02d_%d" % (number, i)), "type": "function",
                          "function": {"name": call["name"], "arguments": call.get("arguments", json.dumps(call.get("input", {})))}})
        if calls:
            message["tool_calls"] = calls
        return message

    def openai_finish(self, reply):
        if reply.get("finish_reason"):
            return reply["finish_reason"]
        stop = reply.get("stop_reason") or ("tool_use" if reply.get("tool_calls") else "end_turn")
        return FINISH_REASONS.get(stop, "stop")

    def openai_usage(self, body, reply, record):
        total, cached = self.looked_up("openai", body)
        completion = int(reply.get("output_tokens", 0)) or max(1, tokens(reply) // 2)
        usage = {"prompt_tokens": total, "completion_tokens": completion, "total_tokens": total + completion,
                 "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
                 "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                               "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}
        record["usage"] = usage
        return usage

    def openai_completion(self, body, reply, record):
        number = self.server.next_id()
        return {
            "id": "chatcmpl-fake%06d" % number,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": [{"index": 0, "message": self.openai_message(reply, number), "logprobs": None,
                         "finish_reason": self.openai_finish(reply)}],
            "usage": self.openai_usage(body, reply, record),
            "service_tier": "default",
        }

    def openai_events(self, body, reply, record):
        whole = self.openai_completion(body, reply, record)
        message = whole["choices"][0]["message"]

        def chunk(delta, finish=None, usage=None, choices=True):
            value = {"id": whole["id"], "object": "chat.completion.chunk", "created": whole["created"],
                     "model": whole["model"], "system_fingerprint": "fp_fake",
                     "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}] if choices else []}
            if usage is not None:
                value["usage"] = usage
            return "data: %s\n\n" % json.dumps(value)

        events = [chunk({"role": "assistant", "content": "", "refusal": None})]
        for piece in pieces(message.get("content") or "", 12) if message.get("content") else []:
            events.append(chunk({"content": piece}))
        if message.get("refusal"):
            events.append(chunk({"refusal": message["refusal"]}))
        for index, call in enumerate(message.get("tool_calls") or []):
            events.append(chunk({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                                 "function": {"name": call["function"]["name"], "arguments": ""}}]}))
            for piece in pieces(call["function"]["arguments"], 7):
                events.append(chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}))
        events.append(chunk({}, whole["choices"][0]["finish_reason"]))
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append(chunk(None, usage=whole["usage"], choices=False))
        events.append("data: [DONE]\n\n")
        return events


class LlmServer(scripted_server.Server):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache = CacheBook()
        self.counter = 0
        self.counter_lock = threading.Lock()

    def next_id(self):
        with self.counter_lock:
            self.counter += 1
            return self.counter

    def script_options(self):
        return self.script.options


def main():
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", help="JSON script file")
    args = parser.parse_args()
    data = None
    if args.script:
        with open(args.script, encoding="utf-8") as f:
            data = json.load(f)
    serve(LlmHandler, data, LlmServer)


if __name__ == "__main__":
    main()
