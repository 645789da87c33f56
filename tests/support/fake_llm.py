"""An OpenAI-compatible chat-completions server on loopback, scripted per test.

Standard library only, so it runs as a plain script as well as in-thread:

    python tests/support/fake_llm.py --port 8089 --mode echo-rules [--delay 0.5]

    with FakeLlm() as server:                 # in a fixture: started once, reset per test
        server.script(Reply.rate_limited(0.2), Reply.answer({...}))
        ... OpenAI(base_url=server.url) ...
        server.requests                       # what the client sent, with arrival times

Each POST /v1/chat/completions takes the next scripted `Reply` (status, body or content, headers,
delay, usage); with none left, the server's mode answers:

    echo-rules     a valid, grounded answer: every section of the sent document split at its
                   一是 / (一) / 1. markers (or one item per paragraph), quotes copied verbatim
    zero-latency   at once, a valid answer with no items (the cheapest possible server)

`--delay` (or `delay_s`) holds every mode answer back, for slow-job tests. With
`reject_json_schema`, a request asking for `response_format` json_schema gets a 400, like servers
that only know JSON mode. Token usage is counted with a crude tokenizer (one token per Chinese
character or punctuation mark, one per four letters or digits), the same for every request, so
that figures compare.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("echo-rules", "zero-latency")
EMPTY_ANSWER = '{"problems":[],"measures":[],"plans":[]}'

_TOKEN = re.compile(r"[A-Za-z0-9]+|\S")
_DOCUMENT = re.compile(r"<document>\n?(.*?)\n?</document>", re.S)
_SECTION = re.compile(r"^【(.+?)】$", re.M)
_CN = "一二三四五六七八九十"
_MARKER = re.compile(rf"[{_CN}]{{1,2}}是[,:]?|\([{_CN}]{{1,2}}\)|(?<![\d.])[1-9][.、](?!\d)")
_REMEDY = re.compile(r"我局将|我们将|将继续|将进一步|下一步|下步|今后")
_EDGE = re.compile(r"^[\s,.:;、。]+|[\s,.:;、。!?]+$")


def count_tokens(text: str) -> int:
    return sum(
        math.ceil(len(t) / 4) if t.isascii() and t.isalnum() else 1 for t in _TOKEN.findall(text)
    )


@dataclass
class Reply:
    """One scripted answer. `content` None and `body` None: the server's mode answers."""

    status: int = 200
    content: str | None = None
    body: Any = None  # a JSON-able body sent as is (error bodies, malformed completions)
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    usage: tuple[int, int] | None = None  # (prompt, completion) to report; None: counted
    report_usage: bool = True
    finish_reason: str = "stop"

    @classmethod
    def answer(cls, content: str | dict[str, Any], **kw: Any) -> Reply:
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        return cls(content=text, **kw)

    @classmethod
    def error(cls, status: int, message: str, **kw: Any) -> Reply:
        kind = (
            "rate_limit_exceeded"
            if status == 429
            else "server_error"
            if status >= 500
            else "invalid_request_error"
        )
        return cls(
            status=status, body={"error": {"message": message, "type": kind, "code": status}}, **kw
        )

    @classmethod
    def rate_limited(cls, retry_after: float | str) -> Reply:
        return cls.error(429, "Rate limit reached", headers={"Retry-After": str(retry_after)})

    @classmethod
    def slow(cls, delay_s: float, content: str | dict[str, Any] | None = None) -> Reply:
        if content is None:
            return cls(delay_s=delay_s)
        return cls.answer(content, delay_s=delay_s)


@dataclass
class Received:
    body: dict[str, Any]
    at: float  # time.monotonic() on arrival
    status: int = 0  # what it was answered with
    usage: tuple[int, int] | None = None  # what the answer reported

    @property
    def response_format(self) -> str | None:
        fmt = self.body.get("response_format")
        return fmt.get("type") if isinstance(fmt, dict) else None

    @property
    def last_user(self) -> str:
        users = [m["content"] for m in self.body.get("messages", []) if m.get("role") == "user"]
        return str(users[-1]) if users else ""


class FakeLlm:
    def __init__(
        self,
        *,
        mode: str = "echo-rules",
        host: str = "127.0.0.1",
        port: int = 0,
        delay_s: float = 0.0,
        reject_json_schema: bool = False,
        model: str = "fake-llm",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.default_mode = self.mode = mode
        self.default_delay_s = self.delay_s = delay_s
        self.default_reject_json_schema = self.reject_json_schema = reject_json_schema
        self.model = model
        self.requests: list[Received] = []
        self.errors: list[str] = []  # handler crashes: a test can assert there were none
        self.max_in_flight = 0  # most requests answered at the same time (since the reset)
        self._in_flight = 0
        # Set by reset() and stop(): handlers still sleeping through an earlier test's delay
        # wake up and leave, and count no more.
        self._wake = threading.Event()
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._server = _Server((host, port), _Handler)
        self._server.fake = self
        self._thread: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeLlm:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._wake.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLlm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- scripting --------------------------------------------------------------------------
    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def reset(self) -> None:
        """Back to the state after start: no script, no history, default mode and delay."""
        with self._lock:
            self._wake.set()
            self._wake = threading.Event()
            self._queue.clear()
            self.requests.clear()
            self.errors.clear()
            self.max_in_flight = self._in_flight = 0
            self.mode, self.delay_s = self.default_mode, self.default_delay_s
            self.reject_json_schema = self.default_reject_json_schema

    @property
    def pending(self) -> int:
        """Scripted replies not used yet."""
        with self._lock:
            return len(self._queue)

    def served_usage(self) -> tuple[int, int]:
        """Prompt and completion tokens reported in every answer sent so far."""
        with self._lock:
            used = [r.usage for r in self.requests if r.usage is not None]
        return sum(u[0] for u in used), sum(u[1] for u in used)

    # --- answering --------------------------------------------------------------------------
    def _next(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            if self.reject_json_schema and received.response_format == "json_schema":
                return Reply.error(400, "response_format type json_schema is not supported")
            if self._queue:
                return self._queue.popleft()
            return Reply(delay_s=self.delay_s)

    def _content(self, reply: Reply, received: Received) -> str:
        if reply.content is not None:
            return reply.content
        if self.mode == "zero-latency":
            return EMPTY_ANSWER
        return json.dumps(echo_rules(received.last_user), ensure_ascii=False)

    def respond(self, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            wake = self._wake
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            return self._respond(body, wake)
        finally:
            with self._lock:
                if wake is self._wake:  # not a leftover from before a reset
                    self._in_flight -= 1

    def _respond(
        self, body: dict[str, Any], wake: threading.Event
    ) -> tuple[int, dict[str, str], bytes]:
        received = Received(body=body, at=time.monotonic())
        reply = self._next(received)
        if reply.delay_s and wake.wait(reply.delay_s):
            return 503, {}, b'{"error": {"message": "server reset or stopping"}}'
        if reply.body is not None:
            received.status = reply.status
            payload = (
                reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            )
            return reply.status, reply.headers, payload
        content = self._content(reply, received)
        usage = reply.usage or (_prompt_tokens(body), count_tokens(content))
        completion: dict[str, Any] = {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(body.get("model", self.model)),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": reply.finish_reason,
                }
            ],
        }
        if reply.report_usage:
            completion["usage"] = {
                "prompt_tokens": usage[0],
                "completion_tokens": usage[1],
                "total_tokens": usage[0] + usage[1],
            }
            received.usage = usage
        received.status = reply.status
        return reply.status, reply.headers, json.dumps(completion, ensure_ascii=False).encode()


def _prompt_tokens(body: dict[str, Any]) -> int:
    messages = body.get("messages", [])
    return sum(4 + count_tokens(str(m.get("content", ""))) for m in messages)


# --- echo-rules: a deterministic, grounded answer ----------------------------------------------
def echo_rules(user_message: str) -> dict[str, list[dict[str, str]]]:
    answer: dict[str, list[dict[str, str]]] = {"problems": [], "measures": [], "plans": []}
    found = _DOCUMENT.search(user_message)
    document = found.group(1) if found else user_message
    heads = list(_SECTION.finditer(document))
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(document)
        section_category = _category(head.group(1))
        for paragraph in document[head.end() : end].split("\n"):
            for piece in _pieces(paragraph):
                text = _EDGE.sub(
                    "", _MARKER.sub("", piece, count=1) if _MARKER.match(piece) else piece
                )
                category = section_category
                if category == "problems" and _REMEDY.search(text):
                    category = "measures"  # a problems section may run its remedies in
                if len(text) >= 4:
                    answer[category].append({"text": text, "quote": piece})
    return answer


def _category(heading: str) -> str:
    if re.search(r"问题|不足|差距", heading):
        return "problems"
    if re.search(r"措施|改进|整改", heading):
        return "measures"
    return "plans"


def _pieces(paragraph: str) -> list[str]:
    paragraph = paragraph.strip()
    starts = [m.start() for m in _MARKER.finditer(paragraph)]
    if not starts:
        return [paragraph] if paragraph else []
    bounds = [*starts, len(paragraph)]
    return [paragraph[a:b].strip() for a, b in itertools.pairwise(bounds)]


# --- HTTP plumbing ------------------------------------------------------------------------------
class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeLlm

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.fake.errors.append(f"{sys.exc_info()[0]}: {sys.exc_info()[1]}")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the body would wait for
    # the client's delayed ACK (40 ms on Linux), which is no part of any real server's latency.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; `FakeLlm.requests` is the log

    def do_GET(self) -> None:
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            model = self.server.fake.model
            self._send(
                200,
                {},
                json.dumps({"object": "list", "data": [{"id": model, "object": "model"}]}).encode(),
            )
        elif self.path == "/health":
            self._send(200, {}, b'{"status": "ok"}')
        else:
            self._send(404, {}, b'{"error": {"message": "not found"}}')

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            self._send(404, {}, b'{"error": {"message": "not found"}}')
            return
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            self._send(400, {}, b'{"error": {"message": "request body is not JSON"}}')
            return
        self._send(*self.server.fake.respond(body))

    def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up first (a timeout test): nobody is left to answer.
            self.close_connection = True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="OpenAI-compatible fake LLM server (loopback)")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--mode", choices=MODES, default="echo-rules")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--reject-json-schema", action="store_true")
    args = parser.parse_args(argv)
    server = FakeLlm(
        mode=args.mode,
        host=args.host,
        port=args.port,
        delay_s=args.delay,
        reject_json_schema=args.reject_json_schema,
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    server.start()
    print(f"fake-llm listening on {server.url} mode={args.mode}", flush=True)
    while not done.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
