"""gunicorn servers for the benchmarks: the app, or a baseline, in processes of their own, as deployed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import requests

from simplespa_zoom.config import ENV_NAMES
from zoom_standin.stack import LocalStack

BENCH = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(stack: LocalStack) -> dict[str, str]:
    """The stack's app configuration as the environment `simplespa_zoom.wsgi` reads (config.ENV_NAMES)."""
    environment = {}
    for name in ENV_NAMES:
        value = stack.app.config.get(name)
        if isinstance(value, bool):
            environment[name] = "true" if value else "false"
        elif isinstance(value, list):
            environment[name] = ",".join(value)
        elif value not in (None, ""):
            environment[name] = str(value)
    return environment


@contextmanager
def gunicorn(
    target: str, env: dict[str, str], workers: int = 2, threads: int = 0, options: Sequence[str] = ()
) -> Iterator[str]:
    """Serve `target` (module:app, from bench/) until the block ends; yields its URL.

    Sync workers, or with `threads` gthread workers as README's production section runs the app; `options`: more of
    gunicorn's own.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    if threads:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    command += list(options)
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
