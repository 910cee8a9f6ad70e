"""Target 1: the appointment page never waits for Zoom, and costs little over a bare view."""

from __future__ import annotations

from collections.abc import Callable

import requests
from common import (
    baseline_app,
    interleaved_medians,
    ok_get,
    report,
    served_stack,
    with_zoom_line,
)

from zoom_standin.server import serve_in_thread

REPEAT = 300


def run() -> dict[str, float]:
    with served_stack() as (stack, browser):
        appointment = with_zoom_line(stack)
        page_url = f"{stack.url}/appointments/{appointment.id}"
        bare = baseline_app(
            stack.app.config["DATABASE"], stack.app.template_folder, {"SPA_TZ": stack.app.config["SPA_TZ"]}
        )
        bare_server = serve_in_thread(bare)
        zoom_calls_before = len(stack.zoom.calls)

        def page_with_zoom_latency(ms: int) -> Callable[[], object]:
            def view() -> object:
                stack.zoom.latency_ms = ms
                return ok_get(browser, page_url)

            return view

        try:
            with requests.Session() as plain:
                medians = interleaved_medians(
                    {
                        "zoom_0ms": page_with_zoom_latency(0),
                        "zoom_500ms": page_with_zoom_latency(500),
                        "bare": lambda: ok_get(plain, f"{bare_server.url}/bare/{appointment.id}"),
                    },
                    REPEAT,
                )
        finally:
            bare_server.stop()
        page_zoom_calls = len(stack.zoom.calls) - zoom_calls_before
    fast, slow, baseline = medians["zoom_0ms"], medians["zoom_500ms"], medians["bare"]
    report(
        "1a page median, Zoom at 500 ms vs 0 ms",
        f"{slow:.2f} / {fast:.2f} ms = {slow / fast:.3f}",
        "<= 1.05",
        slow / fast <= 1.05,
    )
    report(
        "1b page median vs bare Flask view, same row and template",
        f"{fast:.2f} / {baseline:.2f} ms = {fast / baseline:.3f}",
        "<= 1.5",
        fast / baseline <= 1.5,
    )
    report("   Zoom calls made by page views", f"{page_zoom_calls}", "0", page_zoom_calls == 0)
    return {"page_ms": fast}


if __name__ == "__main__":
    run()
