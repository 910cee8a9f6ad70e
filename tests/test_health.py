"""Health for load balancers, a clear answer while the database is down, and webhook signatures.

The outage is real: on PostgreSQL a cluster of the test's own is stopped (and started again), on
SQLite the database's folder goes away (as a lost disk or mount would take it).
"""

from __future__ import annotations

import hmac
import json
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import IntegrityError

from devtools.postgres import ThrowawayCluster
from simplespa_zoom import create_app
from simplespa_zoom.book.staff import StaffStore
from simplespa_zoom.messages import say
from simplespa_zoom.zoom import webhook_signature

from .helpers import (
    MEETING_ID,
    TEST_CONFIG,
    add_appointment,
    connect_zoom,
    login,
    post,
    staffed_app,
    with_app_meeting,
)
from .test_webhooks import deliver

UNAVAILABLE = say("book_unavailable")
PUBLIC_PAGES = ("/help", "/privacy", "/support", "/login", "/static/app.css", "/healthz")
GUARD = 20  # seconds a request may take before the test calls it hung (the app answers in 2 to 3)


@dataclass
class Outage:
    """An app on a database the test can take down and bring back."""

    app: Flask
    down: Callable[[], None]
    up: Callable[[], None]


@pytest.fixture
def outage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outage]:
    if request.config.getoption("--database") == "postgresql":
        cluster = ThrowawayCluster().start()
        app = staffed_app(cluster.create_database())
        pg_ctl = str(cluster.bin / "pg_ctl")
        # pg_ctl restart starts a stopped server again with the options it last ran with.
        state = Outage(
            app,
            down=lambda: cluster._run(pg_ctl, "-D", str(cluster.data), "-m", "fast", "-w", "stop"),
            up=lambda: cluster._run(pg_ctl, "-D", str(cluster.data), "-l", str(cluster.root / "log"), "-w", "restart"),
        )
        yield state
        app.extensions["book"].engine.dispose()
        if not (cluster.data / "postmaster.pid").exists():
            state.up()
        cluster.stop()
        return
    folder, away = tmp_path / "book", tmp_path / "gone"
    folder.mkdir()
    app = staffed_app(str(folder / "book.sqlite"))

    def down() -> None:
        folder.rename(away)
        app.extensions["book"].engine.dispose()  # open files would outlive the folder; new connections can't

    yield Outage(app, down=down, up=lambda: away.rename(folder))
    app.extensions["book"].engine.dispose()


def no_cookie_and_no_cache(response: Any) -> None:
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert response.headers["Cache-Control"] == "no-store"


def in_time(call: Callable[[], Any]) -> Any:
    """The call's result, or a failure if it has not answered within GUARD (it would hang the suite)."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(call).result(timeout=GUARD)
    finally:
        pool.shutdown(wait=False)


# --- /healthz and /readyz --------------------------------------------------------------------


def test_health_and_readiness_need_no_sign_in_set_no_cookie_and_call_no_zoom(app: Flask, client, zoom) -> None:
    for who in ("stranger", "signed in and connected to Zoom"):
        if who != "stranger":
            login(client)
            connect_zoom(client)
        alive, ready = client.get("/healthz"), client.get("/readyz")
        assert (alive.status_code, alive.get_json()) == (200, {"status": "ok"}), who
        assert (ready.status_code, ready.get_json()) == (200, {"status": "ready"}), who
        for response in (alive, ready):
            no_cookie_and_no_cache(response)
        assert client.head("/healthz").status_code == 200
    assert len(zoom.calls) == 0


def test_health_answers_leave_a_session_that_needs_rewriting_alone(app: Flask, client) -> None:
    """A session an older key opened is re-sealed by any page; a health answer must not touch it."""
    login(client)
    cookie = client.get_cookie("session")
    assert cookie is not None
    rotated = create_app(
        {**TEST_CONFIG, "DATABASE": app.config["DATABASE"], "SECRET_KEY": "a-new-key-" + "k" * 40}
        | {"SECRET_KEY_FALLBACKS": [TEST_CONFIG["SECRET_KEY"]]}
    )
    browser = rotated.test_client()
    browser.set_cookie("session", cookie.value)
    for path in ("/healthz", "/readyz"):
        answer = browser.get(path)
        assert answer.status_code == 200, path
        no_cookie_and_no_cache(answer)
    assert browser.get("/help").headers.getlist("Set-Cookie")  # the same cookie on a page: re-sealed


def test_readyz_follows_the_database_down_and_back_up(outage: Outage) -> None:
    client = outage.app.test_client()
    assert client.get("/readyz").status_code == 200
    outage.down()
    alive, ready = client.get("/healthz"), in_time(lambda: client.get("/readyz"))
    assert (alive.status_code, ready.status_code) == (200, 503)
    assert ready.get_json() == {"status": "database unavailable"}
    no_cookie_and_no_cache(ready)
    outage.up()
    assert client.get("/readyz").status_code == 200


def test_readyz_answers_in_time_when_every_connection_is_taken(app: Flask, client) -> None:
    """A pool with no free connection would make the probe wait 30 s; the balancer needs an answer now."""
    engine = app.extensions["book"].engine
    held = [engine.connect() for _ in range(engine.pool.size() + engine.pool._max_overflow)]
    try:
        assert in_time(lambda: client.get("/readyz")).status_code == 503
    finally:
        for connection in held:
            connection.close()
    assert client.get("/readyz").status_code == 200


# --- pages while the database is down -------------------------------------------------------


def test_pages_say_the_book_is_unavailable_and_public_pages_still_render(outage: Outage) -> None:
    app = outage.app
    appointment = add_appointment(app, "Ana Souza")
    with_app_meeting(app, appointment)
    staff, stranger = app.test_client(), app.test_client()
    login(staff)
    connect_zoom(staff)
    outage.down()

    page = staff.get("/appointments")
    assert page.status_code == 503
    assert UNAVAILABLE in page.get_data(as_text=True) and 'href="/help#book_unavailable"' in page.get_data(True)
    assert staff.get(f"/appointments/{appointment.id}").status_code == 503
    answer = post(staff, f"/appointments/{appointment.id}/meeting/status")
    assert answer.status_code == 503
    assert answer.get_json()["error"] == {
        "code": "book_unavailable",
        "message": UNAVAILABLE,
        "help": "/help#book_unavailable",
    }

    for client in (staff, stranger):
        for path in PUBLIC_PAGES:
            with client.get(path) as response:
                assert response.status_code == 200, path
    refused = login(stranger)
    assert refused.status_code == 503 and UNAVAILABLE in refused.get_data(as_text=True)
    event = deliver(stranger, {"event": "meeting.deleted", "payload": {"object": {"id": MEETING_ID}}})
    assert event.status_code == 503  # not 2xx, so Zoom delivers the event again later

    outage.up()
    back = staff.get(f"/appointments/{appointment.id}")
    assert back.status_code == 200 and "Ana Souza" in back.get_data(as_text=True)  # still signed in


def test_a_database_error_that_is_a_bug_stays_an_internal_error(app: Flask, client, monkeypatch) -> None:
    """Only "not answering" reads as unavailable; a refused write is a bug to report, not to wait out."""
    login(client)

    def refused(*_: object) -> None:
        raise IntegrityError("INSERT …", {}, ValueError("duplicate key"))

    monkeypatch.setattr(StaffStore, "signed_in", refused)
    for path in ("/appointments", "/help"):
        answer = client.get(path)
        assert answer.status_code == 500 and say("internal_error") in answer.get_data(as_text=True), path


def test_a_database_server_that_never_answers_is_reported_within_seconds() -> None:
    """A silent server (a blackholed address, a hung host) holds a connect for ever without a timeout."""
    with socket.socket() as silent, socket.socket() as closed:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections complete in the kernel, but nothing ever answers them
        closed.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        for sock in (silent, closed):
            port = sock.getsockname()[1]
            app = create_app({**TEST_CONFIG, "DATABASE": f"postgresql+psycopg://spa@127.0.0.1:{port}/book"})
            client: FlaskClient = app.test_client()
            assert in_time(partial(client.get, "/readyz")).status_code == 503
            refused = in_time(partial(login, client))
            assert refused.status_code == 503 and UNAVAILABLE in refused.get_data(as_text=True)
            assert client.get("/help").status_code == 200
            app.extensions["book"].engine.dispose()


# --- webhook signatures ----------------------------------------------------------------------


def test_the_constant_time_comparison_decides_whether_a_signature_is_accepted(client, monkeypatch) -> None:
    """`==` would accept the same signatures, only in time that leaks how much of a guess was right."""
    body = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": "x"}}).encode()
    compared: list[tuple[bytes, bytes]] = []

    def comparing(expected: bytes, given: bytes) -> bool:
        compared.append((expected, given))
        return hmac.compare_digest(expected, given)

    monkeypatch.setattr(webhook_signature, "hmac", SimpleNamespace(new=hmac.new, compare_digest=comparing))
    assert deliver(client, body).status_code == 200
    assert len(compared) == 1 and compared[0][0] == compared[0][1]
    monkeypatch.setattr(webhook_signature, "hmac", SimpleNamespace(new=hmac.new, compare_digest=lambda *_: False))
    assert deliver(client, body).status_code == 401
