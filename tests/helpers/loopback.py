"""A real HTTP server on 127.0.0.1 in a background thread, for the fake APIs of the tests."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from typing import Any, Self


class LoopbackServer:
    """Owns a bound server and its thread; subclasses add the fake API's state."""

    def __init__(self, server: HTTPServer) -> None:
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start_serving(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class JsonHandler(BaseHTTPRequestHandler):
    """Hands each request to ``server.fake.handle(method, target, headers, raw)`` and writes the
    ``(status, headers, body)`` it returns: JSON, or bytes as they are."""

    def _serve(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake = self.server.fake  # type: ignore[attr-defined]
        status, extra, body = fake.handle(self.command, self.path, headers, raw)
        data = (
            body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
        )
        self.send_response(status)
        for key, value in {"content-type": "application/json", **extra}.items():
            self.send_header(key, value)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test output is for failures."""


@dataclass
class Seen:
    """One request as a fake API received it."""

    method: str
    path: str
    operation: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclass
class Scripted:
    """An answer queued for the next call of one operation."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeApi(LoopbackServer):
    """A fake forge API: records requests, serves scripted answers, runs as a context manager."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.scripts: dict[str, list[Scripted]] = {}
        self.fail_all: int | None = None  # answer every request with this status (an outage)
        server = ThreadingHTTPServer(("127.0.0.1", 0), JsonHandler)
        server.fake = self  # type: ignore[attr-defined]
        super().__init__(server)

    def __enter__(self) -> Self:
        self.start_serving()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def script(self, operation: str, status: int, body: Any = None, **headers: str) -> None:
        """The next call of ``operation`` gets this answer instead of the model's."""
        self.scripts.setdefault(operation, []).append(Scripted(status, body, headers))

    def calls(self, operation: str) -> list[Seen]:
        return [r for r in self.requests if r.operation == operation]
