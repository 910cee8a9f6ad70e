"""Two gunicorn servers on one database (PostgreSQL in the PostgreSQL run), their workers racing on one
appointment, still create exactly one meeting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from simplespa_zoom import create_app
from simplespa_zoom.meetings import notes
from simplespa_zoom.web import the_book
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT
from zoom_standin.browserless import csrf_token, sign_in_and_connect

from .helpers import STAFF_EMAIL, STAFF_PASSWORD, Stack

WORKERS = 2  # per server
SERVERS = 2
RACERS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, deadline_seconds: float = 30) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:  # not listening yet, or its workers still booting
            threading.Event().wait(0.1)
    raise TimeoutError(f"{url} did not answer")


def serve(stack: Stack, log_path: Path) -> tuple[str, subprocess.Popen]:
    """One gunicorn server of the app, configured like the stack's app and sharing its database."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    stack.client.redirect_uris.append(f"{url}/zoom/callback")
    env = {
        **os.environ,
        "SECRET_KEY": stack.app.config["SECRET_KEY"],
        "DATABASE": stack.app.config["DATABASE"],
        "SPA_TIMEZONE": stack.app.config["SPA_TIMEZONE"],
        "ZOOM_CLIENT_ID": stack.client.client_id,
        "ZOOM_CLIENT_SECRET": stack.client.client_secret,
        "ZOOM_WEBHOOK_SECRET_TOKEN": stack.client.webhook_secret,
        "ZOOM_OAUTH_BASE_URL": stack.zoom_server.url,
        "ZOOM_API_BASE_URL": f"{stack.zoom_server.url}/v2",
        "SESSION_COOKIE_SECURE": "false",
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--threads", "2"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                *command,
                *("--bind", f"127.0.0.1:{port}", "--control-socket", str(log_path.with_suffix(".ctl"))),
                "simplespa_zoom.wsgi:app",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return url, process


@pytest.fixture
def gunicorns(stack: Stack, tmp_path: Path) -> Iterator[list[str]]:
    servers = [serve(stack, tmp_path / f"gunicorn-{number}.log") for number in range(SERVERS)]
    try:
        for url, process in servers:
            wait_until_serving(f"{url}/login", process)
        yield [url for url, _ in servers]
    finally:
        for _, process in servers:
            process.terminate()
        for _, process in servers:
            process.wait(10)


def test_racing_adds_across_two_servers_create_one_meeting(stack: Stack, gunicorns: list[str]) -> None:
    appointment = stack.add_appointment("Ana", "Keep this text.")
    browser = sign_in_and_connect(gunicorns[0], stack.zoom_server.url, STAFF_EMAIL, STAFF_PASSWORD)
    page = browser.get(f"{gunicorns[0]}/appointments/{appointment.id}").text
    assert 'data-zoom-connected="true"' in page
    csrf = csrf_token(page)
    cookies = browser.cookies.get_dict()
    stack.zoom.latency_ms = 200
    statuses: list[int] = []
    start = threading.Barrier(RACERS)

    def racer(server: str) -> None:
        with requests.Session() as own:
            own.cookies.update(cookies)
            start.wait()
            answer = own.post(
                f"{server}/appointments/{appointment.id}/meeting",
                headers={"X-CSRFToken": csrf, "Accept": "application/json"},
                timeout=30,
            )
            statuses.append(answer.status_code)

    threads = [threading.Thread(target=racer, args=(gunicorns[number % SERVERS],)) for number in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [200] * (RACERS - 1) + [201]
    assert len(stack.zoom.meetings) == 1
    with create_app({**stack.app.config, "TESTING": True}).app_context():
        stored = the_book().appointments.get(appointment.id)
    assert len(notes.find_lines(ZOOM_LINE_FORMAT, stored.notes)) == 1 and stored.notes.startswith("Keep this text.\n")
