"""Target 9: slow clients stall nothing behind the production recipe (deploy/). GET /login while 12
clients send their headers a line a second and 12 send a 1.2 MB form a kilobyte a second, against
the same with no slow clients, through Debian's nginx with the shipped site in front of gunicorn as
the shipped unit runs it (gthread 2 workers x 4 threads). Then the same clients against that gunicorn
without nginx: why the recipe puts nginx in front."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import requests
from common import report, timings_ms

from devtools.reverse_proxy import SlowClients, app_behind_nginx
from simplespa_zoom import create_app
from simplespa_zoom.web import the_book

SLOW_HEADERS = SLOW_BODIES = 12
ROUNDS = 6
PROBES = 15  # per round, within nginx's 10 s for a request's headers
BARE_PROBES = 3
BARE_TIMEOUT = 10  # seconds; the slow clients keep sending for 60 s


def _environment(database: str) -> dict[str, str]:
    env = {
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "DATABASE": database,
        "ZOOM_CLIENT_ID": "bench",
        "ZOOM_CLIENT_SECRET": "bench",
        "ZOOM_WEBHOOK_SECRET_TOKEN": "bench",
        "TRUSTED_PROXY_HOPS": "1",
    }
    app = create_app({**env, "TRUSTED_PROXY_HOPS": 1})
    with app.app_context():
        the_book().upgrade()
    app.extensions["book"].engine.dispose()
    return env


def _login(session: requests.Session, url: str, verify: Path | bool, timeout: float = 30) -> None:
    answer = session.get(f"{url}/login", verify=verify, timeout=timeout)
    if answer.status_code != 200:
        raise RuntimeError(f"GET /login answered {answer.status_code}")


def _bare_probes(url: str) -> list[float | None]:
    """Seconds per GET /login straight to gunicorn, None for one that had no answer in BARE_TIMEOUT."""
    took: list[float | None] = []
    for _ in range(BARE_PROBES):
        start = time.perf_counter()
        try:
            with requests.Session() as visitor:  # a new visitor, a new connection
                _login(visitor, url, False, BARE_TIMEOUT)
            took.append(time.perf_counter() - start)
        except requests.Timeout:
            took.append(None)
    return took


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="simplespa-bench-") as workdir:
        folder = Path(workdir)
        with (
            app_behind_nginx(_environment(str(folder / "bench.sqlite")), folder) as (proxy, app_port),
            requests.Session() as visitor,
        ):
            url, verify = proxy.url, proxy.certificate
            timings_ms(lambda: _login(visitor, url, verify), PROBES)  # warm up
            quiet: list[float] = []
            loaded: list[float] = []
            for _ in range(ROUNDS):  # the shared VM drifts: quiet and loaded take turns, a block each
                quiet += timings_ms(lambda: _login(visitor, url, verify), PROBES, warmup=0)
                with SlowClients(proxy.https_port, SLOW_HEADERS, SLOW_BODIES, tls=True) as slow:
                    slow.started(sends=2)  # held, past the burst of their connecting
                    loaded += timings_ms(lambda: _login(visitor, url, verify), PROBES, warmup=0)

            bare_url = f"http://127.0.0.1:{app_port}"
            bare_quiet = timings_ms(lambda: _login(visitor, bare_url, False), PROBES)
            with SlowClients(app_port, SLOW_HEADERS, SLOW_BODIES, tls=False, lines=60) as slow:
                slow.started()
                bare = _bare_probes(bare_url)
    ratio = statistics.median(loaded) / statistics.median(quiet)
    report(
        "9a GET /login median via nginx, 12+12 slow clients vs none",
        f"{statistics.median(loaded):.2f} / {statistics.median(quiet):.2f} ms = {ratio:.2f}",
        "<= 2",
        ratio <= 2,
    )
    report("   GET /login via nginx, slowest with slow clients", f"{max(loaded):.0f} ms", "< 1000", max(loaded) < 1000)
    stalled = sum(1 for seconds in bare if seconds is None)
    answered = ", ".join("no answer" if seconds is None else f"{seconds:.1f} s" for seconds in bare)
    report(
        "9b the same clients, gunicorn without nginx (why nginx)",
        f"{stalled} of {BARE_PROBES} stalled ({answered}); quiet {statistics.median(bare_quiet):.1f} ms",
        f"stalls (> {BARE_TIMEOUT} s)",
        stalled == BARE_PROBES,
    )
    return {"ratio": ratio}


if __name__ == "__main__":
    run()
