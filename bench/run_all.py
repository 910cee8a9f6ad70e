"""Run every benchmark and print the figures (`scripts/bench`). Not part of the test suite."""

from __future__ import annotations

import datetime
import logging

import bench_add
import bench_connections
import bench_day_check
import bench_mail
import bench_notes
import bench_page
import bench_poll
import bench_scale
import bench_session
import bench_slow_clients
import bench_slow_zoom
import bench_throughput
from common import machine


def main() -> None:
    logging.disable(logging.WARNING)
    print(f"simplespa-zoom benchmarks · {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC · {machine()}\n")
    page = bench_page.run()
    bench_add.run()
    bench_connections.run()
    bench_session.run(page_ms=page["page_ms"])
    bench_notes.run()
    bench_throughput.run()
    bench_scale.run()
    bench_slow_zoom.run()
    bench_day_check.run()
    bench_mail.run()
    bench_slow_clients.run()
    bench_poll.run()


if __name__ == "__main__":
    main()
