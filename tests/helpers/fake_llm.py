"""Real HTTP servers on 127.0.0.1 that speak the OpenAI and Anthropic chat APIs, scripted per test.

Each server records every request (path, headers, JSON body) and the usage it billed
(``billed``), and measures how many requests it
was serving at once, so tests can assert on what really crossed the wire. A script is a
function of the request returning a ``Say`` (status, answer text or raw body, usage, delay,
dropped connection) or just the answer text.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from tests.helpers.loopback import LoopbackServer

Flavour = Literal["openai", "anthropic"]
DEFAULT_USAGE = (1000, 100, 0)  # input, output, cached input
EMPTY_ANSWER = '{"findings": []}'


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    index: int
    path: str
    headers: dict[str, str]
    raw: bytes
    body: Any

    @property
    def prompt(self) -> str:
        """All message text of the request (system and user), for assertions."""
        if not isinstance(self.body, dict):
            return ""
        parts = [str(self.body.get("system", ""))]
        parts += [str(m.get("content", "")) for m in self.body.get("messages", [])]
        return "\n".join(parts)


@dataclass(frozen=True)
class Say:
    """What the server answers: an answer text in its flavour, or a raw body, or nothing."""

    text: str | None = EMPTY_ANSWER
    status: int = 200
    usage: tuple[int, int, int] | None = DEFAULT_USAGE
    raw: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    drop: bool = False


Script = Callable[[Seen], "Say | str"]


def envelope(flavour: Flavour, text: str, usage: tuple[int, int, int] | None) -> dict[str, Any]:
    """A successful response body of ``flavour`` carrying ``text``."""
    if flavour == "anthropic":
        body: dict[str, Any] = {"type": "message", "content": [{"type": "text", "text": text}]}
        if usage:
            body["usage"] = {"input_tokens": usage[0] - usage[2], "output_tokens": usage[1],
                             "cache_read_input_tokens": usage[2]}  # fmt: skip
        return body
    body = {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}
    if usage:
        body["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1],
                         "prompt_tokens_details": {"cached_tokens": usage[2]}}  # fmt: skip
    return body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the bench opens 16+ connections at once


class FakeLLM(LoopbackServer):
    """A scripted chat API server; use as a context manager or through ``serve``."""

    def __init__(self, flavour: Flavour = "openai", script: Script | None = None) -> None:
        self.flavour: Flavour = flavour
        self.script: Script = script or (lambda seen: Say())
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.billed: list[tuple[int, int, int]] = []  # usage of every answer sent: in, out, cached
        self._lock = threading.Lock()
        super().__init__(_Server(("127.0.0.1", 0), self._handler()))

    @property
    def base_url(self) -> str:
        """What goes into ``providers[].base_url`` for this flavour."""
        return f"{self.url}/v1"

    def start(self) -> FakeLLM:
        self.start_serving()
        return self

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def bodies(self) -> str:
        """Every byte received, decoded: for asserting what never reached the server."""
        return "\n".join(s.raw.decode("utf-8", "replace") for s in self.seen)

    def _enter(self, seen_args: tuple[str, dict[str, str], bytes]) -> Seen:
        path, headers, raw = seen_args
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with self._lock:
            seen = Seen(len(self.seen), path, headers, raw, body)
            self.seen.append(seen)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        return seen

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                """``/__stats``: counters for a server running in another process (the bench)."""
                stats = {"requests": len(fake.seen), "max_in_flight": fake.max_in_flight}
                self._answer(Say(raw=json.dumps(stats)))

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                seen = fake._enter((self.path, {k.lower(): v for k, v in self.headers.items()},
                                    raw))  # fmt: skip
                try:
                    said = fake.script(seen)
                    self._answer(said if isinstance(said, Say) else Say(text=said))
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    fake._leave()

            def _answer(self, say: Say) -> None:
                if say.delay_s:
                    time.sleep(say.delay_s)
                if say.drop:
                    self.close_connection = True
                    return
                if say.raw is not None:
                    payload = say.raw.encode()
                elif say.status == 200 and say.text is not None:
                    payload = json.dumps(envelope(fake.flavour, say.text, say.usage)).encode()
                    if say.usage is not None:
                        with fake._lock:
                            fake.billed.append(say.usage)
                else:
                    payload = json.dumps({"error": {"message": say.text or "error"}}).encode()
                self.send_response(say.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for name, value in say.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        return Handler


@contextmanager
def serve(flavour: Flavour = "openai", script: Script | None = None) -> Iterator[FakeLLM]:
    with FakeLLM(flavour, script) as fake:
        yield fake


def sequence(*says: Say | str) -> Script:
    """A script answering the n-th request with the n-th item (the last one repeats)."""
    items = list(says)

    def script(seen: Seen) -> Say | str:
        return items[min(seen.index, len(items) - 1)]

    return script


def findings(*items: dict[str, Any]) -> str:
    """A model answer with these findings."""
    return json.dumps({"findings": list(items)})
