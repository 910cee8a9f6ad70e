"""The day list's one request that checks today's meetings with Zoom together (the page itself never calls Zoom)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from flask import Blueprint, copy_current_request_context, current_app, jsonify

from simplespa_zoom.web import meeting_services, the_book
from simplespa_zoom.web.errors import help_url
from simplespa_zoom.web.staff import login_required
from simplespa_zoom.web.words import say_check

T = TypeVar("T")

bp = Blueprint("day", __name__, url_prefix="/appointments")


def run_together(tasks: Sequence[Callable[[], T]], at_once: int) -> list[T]:
    """Run the tasks on at most at_once threads, each inside this request (its session holds the Zoom tokens)."""
    with ThreadPoolExecutor(max_workers=max(1, at_once), thread_name_prefix="day-check") as pool:
        futures = [pool.submit(copy_current_request_context(task)) for task in tasks]
        return [future.result() for future in futures]


@bp.post("/today/meetings")
@login_required
def check_today() -> Any:
    """Each of today's meetings checked as the appointment page checks one; what each row shows."""
    tz = current_app.config["SPA_TZ"]
    today = datetime.now(tz).date()
    start = datetime.combine(today, time(0), tz)
    appointments = the_book().appointments.between(start, start + timedelta(days=1))
    checks = meeting_services().day.check_day(appointments, run_together)
    rows = [
        {
            "appointment_id": check.appointment.id,
            "state": check.state,
            "message": say_check(check),
            "help": help_url(check.code),
            "has_meeting": check.appointment.meeting_line is not None,
        }
        for check in checks
    ]
    return jsonify({"rows": rows})
