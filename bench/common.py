"""Shared pieces of the benchmarks: a local stack, a baseline app, timing and reporting."""

from __future__ import annotations

import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from flask import Flask, g, render_template

from simplespa_zoom.book.appointments import AppointmentStore
from simplespa_zoom.book.database import open_engine
from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.summary import meeting_summary
from simplespa_zoom.web import RowIdConverter, the_book
from simplespa_zoom.web.appointments import bp as appointments_bp
from simplespa_zoom.web.connect import bp as connect_bp
from simplespa_zoom.web.day import bp as day_bp
from simplespa_zoom.web.meetings import bp as meetings_bp
from simplespa_zoom.web.pages import bp as pages_bp
from simplespa_zoom.web.presence import bp as presence_bp
from simplespa_zoom.web.staff import bp as staff_bp
from simplespa_zoom.web.templating import init_app as init_templating
from simplespa_zoom.web.words import say_meeting
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT
from zoom_standin.browserless import sign_in_and_connect
from zoom_standin.stack import LocalStack, start_stack

STAFF = ("bench@spa.example", "bench password 123")
TIMEZONE = "America/New_York"
JOIN_URL = "https://us05web.zoom.us/j/85746065432?pwd=AbCdEfGhIjKlMnOpQrStUvWxYz012345"


def machine() -> str:
    import os

    cpu = platform.processor() or platform.machine()
    return f"{platform.node()} · {cpu} · {os.cpu_count()} cores · Python {platform.python_version()}"


def timings_ms(action: Callable[[], Any], repeat: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def median_ms(action: Callable[[], Any], repeat: int, warmup: int = 5) -> float:
    return statistics.median(timings_ms(action, repeat, warmup))


def interleaved_medians(actions: dict[str, Callable[[], Any]], repeat: int, warmup: int = 5) -> dict[str, float]:
    """Medians of several actions run in turn, one call of each at a time.

    A shared VM speeds up and slows down from one moment to the next; taking turns call
    by call lets every such moment fall on all the actions alike, so their ratio holds
    still where blocks of calls would catch different moments.
    """
    for _ in range(warmup):
        for action in actions.values():
            action()
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


class ServerTimer:
    """WSGI middleware that records how long the app spends on each request to one path suffix."""

    def __init__(self, app: Flask, path_suffix: str) -> None:
        self.inner = app.wsgi_app
        self.path_suffix = path_suffix
        self.samples: list[float] = []
        app.wsgi_app = self  # type: ignore[method-assign]

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        if not environ["PATH_INFO"].endswith(self.path_suffix):
            return self.inner(environ, start_response)
        start = time.perf_counter()
        try:
            return list(self.inner(environ, start_response))
        finally:
            self.samples.append((time.perf_counter() - start) * 1000)

    def median(self) -> float:
        return statistics.median(self.samples)


def ok_get(session: requests.Session, url: str) -> requests.Response:
    response = session.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def report(name: str, value: str, target: str, ok: bool) -> None:
    print(f"{name:<58} {value:<34} target {target:<22} {'PASS' if ok else 'MISS'}")


def with_zoom_line(stack: LocalStack, **details: Any) -> Appointment:
    """An appointment (details: add_appointment's) with the app's meeting, as Add Meeting leaves it."""
    appointment = stack.add_appointment(notes="Prefers lavender oil.", **details)
    tz = stack.app.config["SPA_TZ"]
    line = notes.format_line(
        ZOOM_LINE_FORMAT, notes.topic_for(appointment.client_name), appointment.starts_at.astimezone(tz), JOIN_URL
    )
    host_mark = stack.app.extensions["meetings"].marks.mark(stack.zoom.current_user_id)
    with stack.app.app_context():  # as the app records a meeting it created, hosted by the stand-in's user
        appended = notes.append_line(appointment.notes, line)
        return the_book().appointments.record_meeting(
            appointment.id,
            appointment.version,
            appended,
            notes.current_line(ZOOM_LINE_FORMAT, line).meeting_id,
            host_mark,
            meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, appended),
            line_digest=notes.fingerprint(line),
        )


@contextmanager
def served_stack(**options: Any) -> Iterator[tuple[LocalStack, requests.Session]]:
    """The app and the stand-in on loopback, and a signed-in, connected HTTP client (options: start_stack's)."""
    with tempfile.TemporaryDirectory(prefix="simplespa-bench-") as workdir:
        stack = start_stack(str(Path(workdir) / "bench.sqlite"), timezone=TIMEZONE, staff=STAFF, **options)
        stack.zoom.daily_write_limit = 10**6
        stack.serve_app()
        try:
            browser = sign_in_and_connect(stack.url, stack.zoom_server.url, *STAFF)
            yield stack, browser
        finally:
            stack.stop()


def baseline_app(database: str, template_folder: str, timezone_config: dict[str, Any]) -> Flask:
    """A bare Flask view: read the same row through a pooled engine, render the same template, nothing else."""
    app = Flask("baseline", template_folder=template_folder, static_folder=None, static_url_path="/static")
    app.config.update(timezone_config)
    init_templating(app)
    app.url_map.converters["row_id"] = RowIdConverter
    app.jinja_env.globals["csrf_token"] = lambda: "x" * 64
    app.jinja_env.globals["page_csrf_token"] = lambda: "x" * 64
    for blueprint in (staff_bp, appointments_bp, meetings_bp, day_bp, presence_bp, connect_bp, pages_bp):
        app.register_blueprint(blueprint)  # only so url_for in the templates resolves
    app.extensions["zoom_connection"] = None  # the header asks whether this browser is connected: it is not
    app.jinja_env.globals["attendance_of"] = lambda appointment: None  # no read
    app.jinja_env.globals["versions_of"] = lambda appointments: {}  # no read
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=lambda filename: "")

    store = AppointmentStore(open_engine(database), ZOOM_LINE_FORMAT)

    @app.get("/bare/<int:appointment_id>")
    def bare(appointment_id: int) -> str:
        appointment = store.get(appointment_id)
        g.staff = type("Staff", (), {"email": STAFF[0]})()
        return render_template(
            "appointments/view.html",
            appointment=appointment,
            meeting=say_meeting(meeting_summary(appointment, app.config["SPA_TZ"])),
            zoom_connected=True,
            auto_add=False,
        )

    return app
