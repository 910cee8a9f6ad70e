"""Target 3: one worker's Zoom calls reuse one TCP connection to the stand-in."""

from __future__ import annotations

from common import report, served_stack, with_zoom_line

from zoom_standin.browserless import csrf_token

CALLS = 50


def run() -> dict[str, float]:
    with served_stack() as (stack, browser):
        csrf = csrf_token(browser.get(f"{stack.url}/appointments").text)
        headers = {"X-CSRFToken": csrf, "Accept": "application/json"}
        appointments = [with_zoom_line(stack) for _ in range(CALLS)]
        calls_before, connections_before = len(stack.zoom.calls), stack.zoom_server.connections
        for appointment in appointments:
            browser.post(
                f"{stack.url}/appointments/{appointment.id}/meeting/status", headers=headers
            ).raise_for_status()
        calls = len(stack.zoom.calls) - calls_before
        opened = stack.zoom_server.connections - connections_before
    # The worker opened its one connection when it read the host's account type on connecting.
    report(
        f"3  new TCP connections for {calls} sequential Zoom calls",
        f"{opened} (all on the worker's one kept-alive connection)",
        "<= 1",
        opened <= 1 and calls == CALLS,
    )
    return {"connections": opened}


if __name__ == "__main__":
    run()
