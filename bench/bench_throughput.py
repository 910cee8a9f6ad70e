"""Target 6: the appointment page under gunicorn (2 workers) keeps up with a bare Flask page."""

from __future__ import annotations

import os
import threading
import time

import requests
from common import STAFF, report, served_stack, with_zoom_line
from servers import app_environment, gunicorn

from zoom_standin.browserless import sign_in_and_connect

DURATION = float(os.environ.get("BENCH_DURATION", "20"))
CLIENTS = 4
SLICES = 8


def load(url: str, cookies: dict[str, str], seconds: float) -> tuple[float, int, int]:
    """Seconds taken, responses and errors from CLIENTS threads loading url for `seconds`."""
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        ok = errors = 0
        with requests.Session() as http:
            http.cookies.update(cookies)
            while time.monotonic() < stop_at:
                try:
                    answer = http.get(url, timeout=10)
                    ok, errors = (ok + 1, errors) if answer.status_code == 200 else (ok, errors + 1)
                except requests.RequestException:
                    errors += 1
        with lock:
            counts["ok"] += ok
            counts["errors"] += errors

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - start, counts["ok"], counts["errors"]


def alternating_load(targets: dict[str, tuple[str, dict[str, str]]]) -> dict[str, tuple[float, int, int]]:
    """Requests/s, responses and errors per target, loaded in turns of DURATION / SLICES.

    The VM's speed drifts over a minute; one 20 s window per server would catch different
    moments, so each gets the same number of short turns, one after the other.
    """
    totals = {name: [0.0, 0, 0] for name in targets}
    for _ in range(SLICES):
        for name, (url, cookies) in targets.items():
            for index, value in enumerate(load(url, cookies, DURATION / SLICES)):
                totals[name][index] += value
    return {name: (ok / seconds, ok, errors) for name, (seconds, ok, errors) in totals.items()}


def run() -> dict[str, float]:
    with served_stack() as (stack, _browser):
        appointment = with_zoom_line(stack)
        env = app_environment(stack)
        with gunicorn("simplespa_zoom.wsgi:app", env) as app_url, gunicorn("baseline_wsgi:app", env) as bare_url:
            stack.point_zoom_at(app_url)
            browser = sign_in_and_connect(app_url, stack.zoom_server.url, *STAFF)
            page = f"{app_url}/appointments/{appointment.id}"
            bare_page = f"{bare_url}/bare/{appointment.id}"
            page_bytes = len(browser.get(page).content)
            bare_bytes = len(requests.get(bare_page).content)
            results = alternating_load({"app": (page, browser.cookies.get_dict()), "bare": (bare_page, {})})
    (app_rps, app_ok, app_errors), (bare_rps, _, bare_errors) = results["app"], results["bare"]
    ratio = app_rps / bare_rps
    print(
        f"   app page {page_bytes} bytes, bare page {bare_bytes} bytes; "
        f"{CLIENTS} client threads, {DURATION:.0f} s each in {SLICES} turns"
    )
    report(
        "5  page requests/s under gunicorn -w 2 vs bare Flask+Jinja",
        f"{app_rps:.0f} / {bare_rps:.0f} = {ratio:.2f}",
        ">= 0.7",
        ratio >= 0.7,
    )
    report(
        "   errors during the load",
        f"app {app_errors} of {app_ok + app_errors}, bare {bare_errors}",
        "0",
        app_errors == bare_errors == 0,
    )
    return {"app_rps": app_rps, "bare_rps": bare_rps}


if __name__ == "__main__":
    run()
