"""The app and the bare one-POST view, each timed inside its own server process, for gunicorn.

`gunicorn timed_wsgi:app` / `timed_wsgi:bare` from bench/. Served by threads inside the
benchmark's own process, the app would share one GIL with the Zoom stand-in and the HTTP
client, and every database call (which releases the GIL) could be made to wait for them: a
cost no deployment pays. Here each server times its requests and reports the time in a
`Server-Timing` header.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

import requests
from flask import Flask, jsonify, request

from simplespa_zoom.wsgi import app as simplespa_app


class ServerTiming:
    """WSGI middleware: the whole request, body included, timed and reported as `Server-Timing: app;dur=…`."""

    def __init__(self, inner: Callable[..., Iterable[bytes]]) -> None:
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        held: list[Any] = []
        start = time.perf_counter()
        answer = self.inner(environ, lambda status, headers, exc_info=None: held.extend([status, headers]))
        try:
            body = list(answer)
        finally:
            getattr(answer, "close", lambda: None)()
        status, headers = held
        start_response(status, [*headers, ("Server-Timing", f"app;dur={(time.perf_counter() - start) * 1000:.4f}")])
        return body


def bare_create_app(create_url: str) -> Flask:
    """A bare Flask view that makes the same kept-alive POST to Zoom's create endpoint and answers its JSON."""
    bare = Flask("bare-create")
    zoom_http = requests.Session()

    @bare.post("/bare-create")
    def bare_create() -> object:
        start = request.headers["X-Start"]
        answer = zoom_http.post(
            create_url,
            headers={"Authorization": f"Bearer {request.headers['X-Zoom-Token']}"},
            json={"topic": "Appointment with Client", "type": 2, "start_time": start, "duration": 60},
        )
        return jsonify(answer.json()), 201

    return bare


app = ServerTiming(simplespa_app)
bare = ServerTiming(bare_create_app(f"{os.environ['ZOOM_API_BASE_URL']}/users/me/meetings"))
