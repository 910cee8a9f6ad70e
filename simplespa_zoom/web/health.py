"""Health for load balancers: /healthz while the process serves, /readyz while the database answers.

Neither signs anyone in, reads the session, sets a cookie or calls Zoom, and neither may be cached.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as Late
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, jsonify
from flask.blueprints import BlueprintSetupState
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

bp = Blueprint("health", __name__)
PATHS = frozenset({"/healthz", "/readyz"})

READY_TIMEOUT = 2.0  # seconds: under the 5 s a load balancer's probe commonly waits


class DatabaseProbe:
    """`SELECT 1` through the app's own pool, answered within a deadline whatever the database does.

    The query runs in its own thread, so a pool with no free connection or a server that stopped
    answering costs the probe READY_TIMEOUT, not the pool's or TCP's timeouts; probes arriving
    while one is still waiting share it, so a hung database holds one thread, not one per probe.
    """

    def __init__(self, engine: Engine, timeout: float = READY_TIMEOUT) -> None:
        self.engine = engine
        self.timeout = timeout
        self._lock = threading.Lock()
        self._running: Future[None] | None = None

    def answers(self) -> bool:
        with self._lock:
            if self._running is None or self._running.done():
                self._running = Future()
                threading.Thread(target=self._select_one, args=(self._running,), name="readyz", daemon=True).start()
            running = self._running
        try:
            running.result(timeout=self.timeout)
        except (Late, SQLAlchemyError):
            return False
        return True

    def _select_one(self, future: Future[None]) -> None:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:  # handed to the waiting request, which answers 503 (or 500 if unexpected)
            future.set_exception(error)
        else:
            future.set_result(None)


class WithoutCookies:
    """Health requests reach the app without their Cookie header: the session is never opened,
    so no answer refreshes, re-seals or ends one (a browser's stale session would otherwise be)."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in PATHS:
            environ = {key: value for key, value in environ.items() if key != "HTTP_COOKIE"}
        return self.app(environ, start_response)


@bp.record_once
def _set_up(state: BlueprintSetupState) -> None:
    state.app.extensions["readiness"] = DatabaseProbe(state.app.extensions["book"].engine)
    state.app.wsgi_app = WithoutCookies(state.app.wsgi_app)  # type: ignore[method-assign]


def _answer(status: str, http_status: int) -> Response:
    response = jsonify(status=status)
    response.status_code = http_status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def alive() -> Response:
    """The process serves requests; nothing else is asked, so a database outage never restarts it."""
    return _answer("ok", 200)


@bp.get("/readyz")
def ready() -> Response:
    """Send traffic here only while the database answers; 503 takes the server out of rotation."""
    if current_app.extensions["readiness"].answers():
        return _answer("ready", 200)
    return _answer("database unavailable", 503)
