"""Target 7: a slow Zoom stalls no page. GET /login while Zoom answers in 12 s and 8 status checks
are in flight, against the same with Zoom at 0 ms, under gunicorn gthread 2 workers × 4 threads."""

from __future__ import annotations

import statistics
import threading
import time

import requests
from common import STAFF, ok_get, report, served_stack
from servers import app_environment, gunicorn

from zoom_standin import Fault
from zoom_standin.browserless import csrf_token, sign_in_and_connect

ZOOM_SECONDS = 12
CHECKS_IN_FLIGHT = 8
REOPEN_SECONDS = 1.0
WINDOW_SECONDS = ZOOM_SECONDS + 6  # longer than one slow Zoom answer: every check goes through full cycles


def _login_ms(url: str, seconds: float) -> list[float]:
    """GET /login from a browser that is not signed in, one request after another for `seconds`."""
    samples = []
    with requests.Session() as visitor:
        for _ in range(5):
            ok_get(visitor, f"{url}/login")
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            start = time.perf_counter()
            ok_get(visitor, f"{url}/login")
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def run() -> dict[str, float]:
    with served_stack() as (stack, _browser):
        env = {**app_environment(stack), "ZOOM_CALL_SLOTS": "2"}
        with gunicorn("simplespa_zoom.wsgi:app", env, workers=2, threads=4) as url:
            stack.point_zoom_at(url)
            browser = sign_in_and_connect(url, stack.zoom_server.url, *STAFF)
            token = csrf_token(browser.get(f"{url}/appointments").text)
            headers = {"X-CSRFToken": token, "Accept": "application/json"}
            pages = []
            for number in range(CHECKS_IN_FLIGHT):
                appointment = stack.add_appointment(f"Client {number}")
                response = browser.post(f"{url}/appointments/{appointment.id}/meeting", headers=headers)
                if response.status_code != 201:
                    raise RuntimeError(f"Add Meeting answered {response.status_code}")
                pages.append(f"{url}/appointments/{appointment.id}/meeting/status")

            fast = _login_ms(url, 3)

            stack.zoom.add_fault(Fault("GET", "/v2/meetings/", "late", 10**6, str(ZOOM_SECONDS)))
            stop = threading.Event()
            checks: list[tuple[float, str]] = []

            def keep_checking(status_url: str) -> None:
                """A staff member reopening one appointment page: its check, then again a second after it began
                (or at once when it took longer), so each page keeps a check in flight while Zoom is slow."""
                with requests.Session() as tab:
                    tab.cookies.update(browser.cookies)
                    while not stop.is_set():
                        start = time.perf_counter()
                        answer = tab.post(status_url, headers=headers, timeout=60)
                        state = answer.json().get("state", "error") if answer.ok else f"HTTP {answer.status_code}"
                        took = time.perf_counter() - start
                        checks.append((took, state))
                        stop.wait(max(0.0, REOPEN_SECONDS - took))

            workers = [threading.Thread(target=keep_checking, args=(page,)) for page in pages]
            for worker in workers:
                worker.start()
            try:
                time.sleep(1.0)  # let all 8 checks be in flight before measuring (a load shape, not a synchronisation)
                slow = _login_ms(url, WINDOW_SECONDS)
            finally:
                stop.set()
                stack.zoom.release_late_answers()
                for worker in workers:
                    worker.join(60)
            stack.zoom.faults.clear()
            fast += _login_ms(url, 3)  # the shared VM drifts: the baseline is taken before and after
    ratio = statistics.median(slow) / statistics.median(fast)
    report(
        "7a GET /login median, Zoom at 12 s + 8 checks vs Zoom 0 ms",
        f"{statistics.median(slow):.2f} / {statistics.median(fast):.2f} ms = {ratio:.2f}",
        "<= 2",
        ratio <= 2,
    )
    report("   GET /login slowest while Zoom is slow", f"{max(slow):.0f} ms", "< 1000 (was 28,800)", max(slow) < 1000)
    longest = max(seconds for seconds, _ in checks)
    unchecked = sum(1 for _, state in checks if state == "unchecked")
    others = sorted({state for _, state in checks} - {"unchecked"})
    report(
        "7b status check: longest wait, answers 'checked later'",
        f"{longest:.1f} s, {unchecked} of {len(checks)}" + (f" (also {', '.join(others)})" if others else ""),
        "<= 5 s (was 30.8 s)",
        longest <= 5,
    )
    return {"ratio": ratio}


if __name__ == "__main__":
    run()
