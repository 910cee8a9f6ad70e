"""Several gunicorn workers racing on one appointment still create exactly one meeting."""

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
from zoom_standin.browserless import csrf_token, sign_in_and_connect

from .conftest import STAFF_EMAIL, STAFF_PASSWORD, Stack

WORKERS = 3
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
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            threading.Event().wait(0.1)
    raise TimeoutError(f"{url} did not answer")


@pytest.fixture
def gunicorn(stack: Stack, tmp_path: Path) -> Iterator[str]:
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
    with open(tmp_path / "gunicorn.log", "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(WORKERS),
                "--threads",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "simplespa_zoom.wsgi:app",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(f"{url}/login", process)
            yield url
        finally:
            process.terminate()
            process.wait(10)


def test_racing_adds_across_workers_create_one_meeting(stack: Stack, gunicorn: str) -> None:
    appointment = stack.add_appointment("Ana", "Keep this text.")
    browser = sign_in_and_connect(gunicorn, stack.zoom_server.url, STAFF_EMAIL, STAFF_PASSWORD)
    page = browser.get(f"{gunicorn}/appointments/{appointment.id}").text
    assert 'data-zoom-connected="true"' in page
    csrf = csrf_token(page)
    cookies = browser.cookies.get_dict()
    stack.zoom.latency_ms = 200
    statuses: list[int] = []
    start = threading.Barrier(RACERS)

    def racer() -> None:
        with requests.Session() as own:
            own.cookies.update(cookies)
            start.wait()
            answer = own.post(
                f"{gunicorn}/appointments/{appointment.id}/meeting",
                headers={"X-CSRFToken": csrf, "Accept": "application/json"},
                timeout=30,
            )
            statuses.append(answer.status_code)

    threads = [threading.Thread(target=racer) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [200] * (RACERS - 1) + [201]
    assert len(stack.zoom.meetings) == 1
    with create_app({**stack.app.config, "TESTING": True}).app_context():
        stored = the_book().appointments.get(appointment.id)
    assert len(notes.find_lines(stored.notes)) == 1 and stored.notes.startswith("Keep this text.\n")
