"""Target 3: one worker's Zoom calls reuse one TCP connection to the stand-in."""

from __future__ import annotations

from common import report, served_stack, with_zoom_line

from simplespa_zoom.sandbox.browserless import csrf_token

CALLS = 50


def run() -> dict[str, float]:
    with served_stack() as (stack, browser):
        appointment = with_zoom_line(stack)
        stack.zoom.meetings.clear()
        csrf = csrf_token(browser.get(f"{stack.url}/appointments").text)
        headers = {"X-CSRFToken": csrf, "Accept": "application/json"}
        add_url = f"{stack.url}/appointments/{appointment.id}/meeting/remove"
        before = stack.zoom_server.connections
        for _ in range(CALLS):
            other = with_zoom_line(stack)
            answer = browser.post(f"{stack.url}/appointments/{other.id}/meeting/status", headers=headers)
            answer.raise_for_status()
        opened = stack.zoom_server.connections - before
        del add_url
    report(f"3  TCP connections opened for {CALLS} sequential Zoom calls", str(opened), "1", opened <= 1)
    return {"connections": opened}


if __name__ == "__main__":
    run()
