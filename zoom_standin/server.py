"""Serve a WSGI app on loopback in a background thread, with keep-alive, counting TCP connections.

waitress rather than Werkzeug's development server: Werkzeug closes every connection,
while Zoom keeps them alive, and the benchmarks measure that the app reuses them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server


@dataclass
class RunningServer:
    server: BaseWSGIServer
    thread: threading.Thread
    counter: dict[str, Any]

    @property
    def url(self) -> str:
        return f"http://{self.server.effective_host}:{self.server.effective_port}"

    @property
    def connections(self) -> int:
        """TCP connections accepted so far."""
        return int(self.counter["n"])

    def stop(self) -> None:
        """Let running requests finish, then close every socket from inside the server's loop."""
        self.server.task_dispatcher.shutdown(timeout=5)
        try:
            self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        except OSError:  # the wake-up pipe is already gone; close from here instead
            wasyncore.close_all(self.server._map, ignore_all=True)
        self.thread.join(timeout=5)


def serve_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> RunningServer:
    """Start serving now; port 0 picks a free port (see RunningServer.url)."""
    counter: dict[str, Any] = {"n": 0, "lock": threading.Lock()}

    class CountingChannel(HTTPChannel):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            with counter["lock"]:
                counter["n"] += 1

    server = create_server(app, host=host, port=port, threads=threads, ident="simplespa-local", channel_timeout=30)
    server.channel_class = CountingChannel
    thread = threading.Thread(target=server.run, name=f"server-{server.effective_port}", daemon=True)
    thread.start()
    return RunningServer(server, thread, counter)
