"""gunicorn servers for the benchmarks: the app, or a baseline, in processes of their own, as deployed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from zoom_standin.stack import LocalStack

BENCH = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(stack: LocalStack) -> dict[str, str]:
    """The stack's app configuration as the environment `simplespa_zoom.wsgi` reads."""
    config = stack.app.config
    names = (
        "SECRET_KEY",
        "DATABASE",
        "SPA_TIMEZONE",
        "ZOOM_CLIENT_ID",
        "ZOOM_CLIENT_SECRET",
        "ZOOM_WEBHOOK_SECRET_TOKEN",
        "ZOOM_OAUTH_BASE_URL",
        "ZOOM_API_BASE_URL",
    )
    return {
        **{name: config[name] for name in names},
        "ZOOM_HOSTS": ",".join(config["ZOOM_HOSTS"]),
        "SESSION_COOKIE_SECURE": "false",
    }


@contextmanager
def gunicorn(target: str, env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """Serve `target` (module:app, from bench/) with sync workers until the block ends; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "--chdir", str(BENCH), target],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(url, timeout=5)
                break
            except requests.RequestException:  # not listening yet, or its workers still booting
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"gunicorn {target} did not start") from None
                threading.Event().wait(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)
