"""Serve a WSGI app on loopback in a background thread, counting TCP connections."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _CountingHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        counter = getattr(self.server, "connection_count", None)
        if counter is not None:
            with counter["lock"]:
                counter["n"] += 1

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Quiet: request lines would only repeat what the tests already check."""


@dataclass
class RunningServer:
    server: BaseWSGIServer
    thread: threading.Thread
    counter: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    @property
    def connections(self) -> int:
        return int(self.counter["n"])

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Start a threaded HTTP/1.1 server (keep-alive on); port 0 picks a free one."""
    server = make_server(host, port, app, threaded=True, request_handler=_CountingHandler)
    counter: dict[str, Any] = {"n": 0, "lock": threading.Lock()}
    server.connection_count = counter  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, name=f"server-{server.port}", daemon=True)
    thread.start()
    return RunningServer(server, thread, counter)
