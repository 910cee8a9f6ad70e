"""Target 2: Add Meeting costs little over one kept-alive POST to Zoom, at 0 and 100 ms of Zoom; calls per operation.

Both sides run as deployed, each in its own gunicorn worker process, and report their
server time in a `Server-Timing` header (see timed_wsgi.py); the stand-in and this client
run in the benchmark's process.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import requests
from common import STAFF, interleaved_medians, ok_get, report, served_stack
from servers import app_environment, gunicorn

from simplespa_zoom.meetings.domain import Appointment
from zoom_standin.browserless import csrf_token, sign_in_and_connect
from zoom_standin.stack import LocalStack

REPEAT = {0: 400, 100: 60}  # per Zoom latency in ms
# Zoom takes 100 ms or more, so a few milliseconds over a bare view are what a user could never
# notice on this click: the target is at 100 ms. The 0-ms ratio is reported only (retired, issue 19).
TARGET: dict[int, float | None] = {0: None, 100: 1.05}
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


def server_ms(answer: requests.Response) -> float:
    found = SERVER_TIMING.fullmatch(answer.headers["Server-Timing"])
    assert found, answer.headers["Server-Timing"]
    return float(found.group(1))


Served = tuple[str, str, requests.Session, dict[str, str]]  # app URL, bare URL, signed-in browser, its headers


@contextmanager
def app_and_bare(stack: LocalStack) -> Iterator[Served]:
    """The app and the bare one-POST view, each in its own gunicorn worker; a connected browser and its headers."""
    env = app_environment(stack)
    with (
        gunicorn("timed_wsgi:app", env, workers=1) as app_url,
        gunicorn("timed_wsgi:bare", env, workers=1) as bare_url,
    ):
        stack.point_zoom_at(app_url)
        browser = sign_in_and_connect(app_url, stack.zoom_server.url, *STAFF)
        csrf = csrf_token(ok_get(browser, f"{app_url}/appointments").text)
        yield app_url, bare_url, browser, {"X-CSRFToken": csrf, "Accept": "application/json"}


def add_action(served: Served, appointments: Iterator[Appointment]) -> Callable[[], requests.Response]:
    """Add Meeting on the next appointment, as the page's button posts it."""
    app_url, _bare_url, browser, headers = served

    def add() -> requests.Response:
        answer = browser.post(f"{app_url}/appointments/{next(appointments).id}/meeting", headers=headers)
        assert answer.status_code == 201, answer.text
        return answer

    return add


def bare_action(stack: LocalStack, served: Served) -> Callable[[], requests.Response]:
    """The bare view's one POST to Zoom's create endpoint, with the stand-in's latest token."""
    bare_url = served[1]
    start = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def bare() -> requests.Response:
        token = stack.zoom.grants[-1].access_token
        answer = requests.post(f"{bare_url}/bare-create", headers={"X-Zoom-Token": token, "X-Start": start})
        assert answer.status_code == 201, answer.text
        return answer

    return bare


def server_medians(actions: dict[str, Callable[[], requests.Response]], repeat: int) -> dict[str, float]:
    """Median Server-Timing of each action, the actions taking turns call by call (warm-up calls included)."""
    samples: dict[str, list[float]] = {name: [] for name in actions}

    def timed(name: str) -> Callable[[], None]:
        return lambda: samples[name].append(server_ms(actions[name]()))

    interleaved_medians({name: timed(name) for name in actions}, repeat)
    return {name: statistics.median(values) for name, values in samples.items()}


def add_vs_bare(
    stack: LocalStack, served: Served, appointments: Iterator[Appointment], repeat: dict[int, int]
) -> dict[int, tuple[float, float]]:
    """Median server times (Add Meeting, bare POST) per Zoom latency."""
    server: dict[int, tuple[float, float]] = {}
    actions = {"add": add_action(served, appointments), "bare": bare_action(stack, served)}
    try:
        for latency, times in repeat.items():
            stack.zoom.latency_ms = latency
            medians = server_medians(actions, times)
            server[latency] = (medians["add"], medians["bare"])
    finally:
        stack.zoom.latency_ms = 0
    return server


def run() -> dict[str, float]:
    with served_stack() as (stack, _in_process_browser):
        appointments = iter([stack.add_appointment(f"Client {n}") for n in range(sum(REPEAT.values()) + 60)])
        with app_and_bare(stack) as served:
            server = add_vs_bare(stack, served, appointments, REPEAT)
            app_url, _bare_url, browser, headers = served
            counts = zoom_calls_per_operation(stack, browser, app_url, headers, next(appointments).id)
    for latency, (add_ms, bare_ms) in server.items():
        ratio, target = add_ms / bare_ms, TARGET[latency]
        report(
            f"2  Add Meeting server time vs one POST to Zoom, Zoom +{latency} ms",
            f"{add_ms:.2f} / {bare_ms:.2f} ms = {ratio:.3f}",
            f"<= {target}" if target else "none (reported only)",
            target is None or ratio <= target,
        )
    expected = {"page view": 0, "add": 1, "status": 1, "remove": 1}
    report(
        "   Zoom calls per operation",
        ", ".join(f"{k} {v}" for k, v in counts.items()),
        "0 / 1 / 1 / 1",
        counts == expected,
    )
    return {"add_ms": server[0][0], "bare_create_ms": server[0][1]}


def zoom_calls_per_operation(
    stack, browser: requests.Session, app_url: str, headers: dict[str, str], appointment_id: int
) -> dict[str, int]:
    base = f"{app_url}/appointments/{appointment_id}"
    operations = {
        "page view": lambda: ok_get(browser, base),
        "add": lambda: browser.post(f"{base}/meeting", headers=headers).raise_for_status(),
        "status": lambda: browser.post(f"{base}/meeting/status", headers=headers).raise_for_status(),
        "remove": lambda: browser.post(f"{base}/meeting/remove", headers=headers).raise_for_status(),
    }
    counts = {}
    for name, operation in operations.items():
        before = len(stack.zoom.calls)
        operation()
        counts[name] = len(stack.zoom.calls) - before
    return counts


if __name__ == "__main__":
    run()
