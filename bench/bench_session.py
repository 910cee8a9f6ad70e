"""Target 4: sealing and opening a connected session is a small part of a page view."""

from __future__ import annotations

import json
import time

from common import median_ms, report

from simplespa_zoom.web.session import SessionCrypto

TOKEN = "eyJhbGciOiJIUzUxMiIsInYiOiIyLjAifQ." + "x" * 1100 + "." + "s" * 86


def connected_session() -> dict:
    return {
        "staff_id": 1,
        "staff_generation": 0,
        "csrf_token": "c" * 40,
        "zoom": {
            "access_token": TOKEN[:1200],
            "refresh_token": TOKEN[:1200].replace("x", "y"),
            "expires_at": time.time() + 3599,
            "licensed": False,
        },
    }


def run(page_ms: float | None = None) -> dict[str, float]:
    crypto = SessionCrypto("a-secret-key-that-is-long-enough-for-the-benchmark")
    data = connected_session()
    sealed = crypto.seal(f"[1,2]\n{json.dumps(data, separators=(',', ':'))}".encode(), b"session")

    def round_trip() -> None:
        payload, _ = crypto.open(
            crypto.seal(f"[1,2]\n{json.dumps(data, separators=(',', ':'))}".encode(), b"session"), b"session"
        )
        deadlines, _, body = payload.decode().partition("\n")
        json.loads(deadlines)
        json.loads(body)

    cost = median_ms(round_trip, 3000)
    cookie_bytes = len("session=v1.1.") + len(sealed)
    if page_ms is None:
        from bench_page import run as page_run

        page_ms = page_run()["page_ms"]
    share = cost / page_ms
    report(
        "4  session seal + open vs median page time",
        f"{cost * 1000:.0f} µs / {page_ms:.2f} ms = {share:.1%}",
        "<= 5 %",
        share <= 0.05,
    )
    report(
        "   connected session cookie (two 1,200-char tokens)",
        f"{cookie_bytes} bytes in 1 cookie",
        "<= 4096 per cookie",
        cookie_bytes <= 4096,
    )
    return {"session_us": cost * 1000, "cookie_bytes": cookie_bytes}


if __name__ == "__main__":
    run()
