"""The day list's check while Zoom is slow, end to end over HTTP against the stand-in: no row waits for a
call slot, and the whole request ends at its own deadline whatever ZOOM_TIMEOUT is (issue 30)."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from simplespa_zoom.meetings import day, timing
from simplespa_zoom.zoom.api import ZoomGate
from zoom_standin import Fault
from zoom_standin.stack import start_stack

from .test_slow_or_lost_zoom_over_http import NOTES, STAFF, Served

CHECK_URL = "/appointments/today/meetings"
ZOOM_TIMEOUT = (60.0, 60.0)  # far beyond any deadline of the day's check
SLOW_ROW = "Zoom is slow; checked later. Nothing was changed."


@pytest.fixture
def served(database: str) -> Iterator[Served]:
    """The app with one Zoom call slot and a minute's ZOOM_TIMEOUT, and a browser connected to the stand-in."""
    stack = start_stack(
        database, timezone="America/New_York", staff=STAFF, config={"ZOOM_TIMEOUT": ZOOM_TIMEOUT, "ZOOM_CALL_SLOTS": 1}
    )
    stack.serve_app()
    try:
        yield Served(stack)
    finally:
        stack.zoom.release_late_answers()
        stack.stop()


def meetings_of_one_day(served: Served, count: int) -> list[Any]:
    """Appointments with the app's meetings on one day, and the app's clock at 8 am that day (all still to come)."""
    appointments = [served.stack.add_appointment(f"Client {number}", NOTES) for number in range(count)]
    for appointment in appointments:
        assert served.post(f"/appointments/{appointment.id}/meeting").status_code == 201
    app = served.stack.app
    morning = appointments[0].starts_at.astimezone(app.config["SPA_TZ"]).replace(hour=8, minute=0)
    app.extensions["meetings"] = dataclasses.replace(app.extensions["meetings"], now=lambda: morning)
    return [served.stack.appointment(appointment.id) for appointment in appointments]


def slow_zoom_everywhere(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """Zoom holds every meeting read; the app would wait a minute (ZOOM_TIMEOUT) but for its deadlines."""
    monkeypatch.setattr(timing, "CHECK_SECONDS", 120.0)
    served.zoom.add_fault(Fault("GET", "/v2/meetings/", "late", remaining=10, retry_after="120"))


def test_a_day_check_row_never_waits_for_a_zoom_call_slot(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """The only call slot (ZOOM_CALL_SLOTS=1) is held by a page's check Zoom does not answer: the day's
    check answers at once, its rows "checked later", instead of waiting up to its 12 s for the slot."""
    held_page, *today = meetings_of_one_day(served, 3)
    slow_zoom_everywhere(served, monkeypatch)
    held = served.hold_answers()
    waiting = threading.Thread(target=lambda: served.post(f"/appointments/{held_page.id}/meeting/status", served.tab()))
    waiting.start()
    try:
        assert held.wait(30), "the stand-in never held the page's check"
        started = time.monotonic()
        answer = served.post(CHECK_URL)
        took = time.monotonic() - started
    finally:
        served.zoom.release_late_answers()
        waiting.join(30)
    assert answer.status_code == 200
    rows = {row["appointment_id"]: row for row in answer.json()["rows"]}
    assert [rows[appointment.id]["message"] for appointment in today] == [SLOW_ROW] * len(today)
    assert took < day.DAY_CHECK_SECONDS / 2  # no slot to take: nothing to wait for (it was 12 s)
    assert [served.stack.appointment(a.id).notes for a in today] == [a.notes for a in today]


def test_the_day_check_ends_at_its_own_deadline_whatever_zoom_timeout_is(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Zoom holds its answers, ZOOM_TIMEOUT is a minute, the day's deadline is 2 s, two call slots: the request
    ends at about 2 s. The two rows that took the slots gave up at the deadline; the third, whose turn came
    only then, gets no time of its own: all three were checked later."""
    monkeypatch.setattr(day, "DAY_CHECK_SECONDS", 2.0)
    served.stack.app.extensions["zoom_connection"].gate = ZoomGate(slots=2)
    today = meetings_of_one_day(served, 3)
    slow_zoom_everywhere(served, monkeypatch)
    started = time.monotonic()
    answer = served.post(CHECK_URL)
    took = time.monotonic() - started
    assert answer.status_code == 200
    assert [row["message"] for row in answer.json()["rows"]] == [SLOW_ROW] * len(today)
    assert 2.0 <= took < 2.0 + 1.5
