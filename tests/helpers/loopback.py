"""A real HTTP server on 127.0.0.1 in a background thread, for the fake APIs of the tests."""

from __future__ import annotations

import threading
from http.server import HTTPServer


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
