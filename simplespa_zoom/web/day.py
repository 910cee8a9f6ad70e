"""The day list's one request that checks today's meetings with Zoom together (the page itself never calls Zoom)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask import Blueprint, copy_current_request_context, current_app, jsonify, make_response, session
from flask.blueprints import BlueprintSetupState

from simplespa_zoom.meetings.day import DAY_CHECK_SECONDS
from simplespa_zoom.messages import say
from simplespa_zoom.web import meeting_services, meeting_setup, the_book
from simplespa_zoom.web.errors import error_answer, help_url
from simplespa_zoom.web.staff import login_required
from simplespa_zoom.web.words import say_check

T = TypeVar("T")

DAY_CHECKS_PER_MINUTE = 6  # one browser's day checks a minute, in one process: a page load each, a few reloads

bp = Blueprint("day", __name__, url_prefix="/appointments")


class DayCheckRefused(Exception):
    """This session's day check runs already, or it started enough of them this minute."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass
class SessionDayChecks:
    """The day checks of each session in this process: one at a time, and at most per_minute started a minute,
    so one browser firing checks cannot hold the process's threads or use up Zoom's shared per-second limit."""

    per_minute: int
    clock: Callable[[], float] = time.monotonic
    _started: dict[str, list[float]] = field(default_factory=dict)
    _running: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def one(self, key: str) -> Iterator[None]:
        """Run one check of this session; DayCheckRefused, with the seconds until one may start, if none may now."""
        with self._lock:
            now = self.clock()
            self._forget_before(now - 60)
            started = self._started.setdefault(key, [])
            if key in self._running:
                raise DayCheckRefused(DAY_CHECK_SECONDS - (now - started[-1]))
            if len(started) >= self.per_minute:
                raise DayCheckRefused(60 - (now - started[0]) if started else 60)
            started.append(now)
            self._running.add(key)
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(key)

    def _forget_before(self, moment: float) -> None:
        """Keep only the last minute's starts (and a running check's), so the table holds only recent sessions."""
        for key, starts in list(self._started.items()):
            kept = [start for start in starts if start > moment] or (starts[-1:] if key in self._running else [])
            if kept:
                self._started[key] = kept
            else:
                del self._started[key]


@bp.record_once
def _one_limit_per_process(state: BlueprintSetupState) -> None:
    state.app.extensions["day_checks"] = SessionDayChecks(DAY_CHECKS_PER_MINUTE)


def run_together(tasks: Sequence[Callable[[], T]], at_once: int) -> list[T]:
    """Run the tasks on at most at_once threads, each inside this request (its session holds the Zoom tokens)."""
    with ThreadPoolExecutor(max_workers=max(1, at_once), thread_name_prefix="day-check") as pool:
        futures = [pool.submit(copy_current_request_context(task)) for task in tasks]
        return [future.result() for future in futures]


@bp.post("/today/meetings")
@login_required
def check_today() -> Any:
    """Each of today's meetings checked as the appointment page checks one; what each row shows."""
    try:
        with current_app.extensions["day_checks"].one(str(session.get("session_id"))):
            return jsonify({"rows": _check_today()})
    except DayCheckRefused as refused:
        answer = make_response(error_answer("day_check_busy", say("day_check_busy"), 429))
        answer.headers["Retry-After"] = str(max(1, math.ceil(refused.retry_after)))
        return answer


def _check_today() -> list[dict[str, Any]]:
    setup = meeting_setup()
    today = setup.now().astimezone(setup.tz).date()  # the spa's date, whatever the server's zone
    start = datetime.combine(today, datetime.min.time(), setup.tz)
    appointments = the_book().appointments.between(start, start + timedelta(days=1))
    checks = meeting_services().day.check_day(appointments, run_together)
    return [
        {
            "appointment_id": check.appointment.id,
            "state": check.state,
            "message": say_check(check),
            "help": help_url(check.code),
            "has_meeting": check.appointment.meeting_line is not None,
        }
        for check in checks
    ]
