"""A slow Zoom stalls no page, and a lost answer never makes a second meeting: end to end, over HTTP.

The app runs against the Zoom stand-in on loopback (its "late" fault does the work and holds the
answer), so timeouts, deadlines and the list of meetings are Zoom's as the stand-in keeps them. Held
answers are released when each test ends; nothing waits on a sleep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy.exc import OperationalError

from simplespa_zoom.book.appointments import CLAIM_STALE_AFTER, AppointmentStore
from simplespa_zoom.meetings import timing
from zoom_standin import Fault
from zoom_standin.browserless import csrf_token, sign_in_and_connect
from zoom_standin.stack import LocalStack, start_stack

from .helpers import (
    API,
    MEETING_ID,
    add_appointment,
    connect_zoom,
    form_values,
    get_appointment,
    local,
    login,
    post,
    sql,
    zoom_meeting,
)

NOTES = "Prefers lavender oil."
STAFF = ("zoom@spa.example", "a long enough password")
CREATE = "/v2/users/me/meetings"


class Served:
    """The app and the stand-in on loopback, and a signed-in browser connected to the stand-in."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.zoom = stack.zoom
        self.browser = sign_in_and_connect(stack.url, stack.zoom_server.url, *STAFF)

    def tab(self) -> requests.Session:
        """Another tab of the same browser (its own connection, the same cookies)."""
        other = requests.Session()
        other.cookies.update(self.browser.cookies)
        return other

    def post(self, path: str, tab: requests.Session | None = None, **data: str) -> requests.Response:
        """A POST as the page script sends it (CSRF header, JSON wanted), or as a form with data."""
        tab = tab or self.browser
        token = csrf_token(tab.get(f"{self.stack.url}/appointments").text)
        if data:
            return tab.post(f"{self.stack.url}{path}", data={"csrf_token": token, **data})
        headers = {"X-CSRFToken": token, "Accept": "application/json"}
        return tab.post(f"{self.stack.url}{path}", headers=headers)

    def hold_answers(self) -> threading.Event:
        """An event set as soon as the stand-in holds its first late answer."""
        held = threading.Event()
        zoom = self.zoom

        class NotingLateAnswers(threading.Event):
            def wait(self, timeout: float | None = None) -> bool:
                held.set()
                return super().wait(timeout)

        zoom.late_answers = NotingLateAnswers()
        return held

    def creates(self) -> int:
        return sum(1 for call in self.zoom.calls if call["method"] == "POST" and call["path"] == CREATE)


@pytest.fixture
def served(database: str) -> Iterator[Served]:
    stack = start_stack(
        database,
        timezone="America/New_York",
        staff=STAFF,
        config={"ZOOM_TIMEOUT": (2.0, 2.0), "ZOOM_CALL_SLOTS": 1},
    )
    stack.serve_app()
    try:
        yield Served(stack)
    finally:
        stack.zoom.release_late_answers()
        stack.stop()


def edit_form(served: Served, appointment: Any, notes: str) -> dict[str, str]:
    """The edit form as staff save it, the notes changed and nothing else."""
    return form_values(appointment, start=local(served.stack.app, appointment.starts_at), notes=notes)


def zoom_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Zoom: ")]


# --- 5. A slow Zoom stalls nothing -----------------------------------------------------------------


def test_a_status_check_gives_up_at_its_deadline_and_says_zoom_is_slow(served: Served) -> None:
    appointment = served.stack.add_appointment("Ana", NOTES)
    assert served.post(f"/appointments/{appointment.id}/meeting").status_code == 201
    before = served.stack.appointment(appointment.id)
    served.zoom.add_fault(Fault("GET", "/v2/meetings/", "late", remaining=10, retry_after="60"))

    answer = served.post(f"/appointments/{appointment.id}/meeting/status")
    assert answer.status_code == 200
    body = answer.json()
    assert body["state"] == "unchecked" and body["message"].startswith("Zoom is slow; checked later.")
    after = served.stack.appointment(appointment.id)
    assert (after.notes, after.version) == (before.notes, before.version)


def test_while_slow_zoom_calls_hold_every_slot_other_checks_answer_at_once_and_pages_are_served(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One slot (ZOOM_CALL_SLOTS=1) held by a check Zoom does not answer: the next check does not queue."""
    monkeypatch.setattr(timing, "CHECK_SECONDS", 120.0)
    monkeypatch.setitem(served.stack.app.config, "ZOOM_TIMEOUT", (60.0, 60.0))
    served.stack.app.extensions["zoom_connection"].client.timeout = (60.0, 60.0)
    first = served.stack.add_appointment("Ana", NOTES)
    second = served.stack.add_appointment("Ben", NOTES)
    for appointment in (first, second):
        assert served.post(f"/appointments/{appointment.id}/meeting").status_code == 201
    notes_before = [served.stack.appointment(a.id).notes for a in (first, second)]
    held = served.hold_answers()
    served.zoom.add_fault(Fault("GET", "/v2/meetings/", "late", remaining=1, retry_after="120"))
    answers: list[requests.Response] = []
    waiting = threading.Thread(
        target=lambda: answers.append(served.post(f"/appointments/{first.id}/meeting/status", served.tab()))
    )
    waiting.start()
    try:
        assert held.wait(30), "the stand-in never held the first check"
        other = served.post(f"/appointments/{second.id}/meeting/status")
        assert other.status_code == 200
        assert other.json()["state"] == "unchecked"
        assert other.json()["message"].startswith("Zoom is slow; checked later.")
        assert served.browser.get(f"{served.stack.url}/appointments").status_code == 200
        assert requests.get(f"{served.stack.url}/login").status_code == 200
        assert answers == []  # the first check is still waiting for Zoom
    finally:
        served.zoom.release_late_answers()
        waiting.join(30)
    assert answers[0].json()["state"] == "ok"
    assert [served.stack.appointment(a.id).notes for a in (first, second)] == notes_before


def test_an_add_when_every_slot_is_held_says_zoom_is_slow_and_makes_nothing(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timing, "CHECK_SECONDS", 120.0)
    served.stack.app.extensions["zoom_connection"].client.timeout = (60.0, 60.0)
    first = served.stack.add_appointment("Ana", NOTES)
    second = served.stack.add_appointment("Ben", NOTES)
    assert served.post(f"/appointments/{first.id}/meeting").status_code == 201
    held = served.hold_answers()
    served.zoom.add_fault(Fault("GET", "/v2/meetings/", "late", remaining=1, retry_after="120"))
    waiting = threading.Thread(target=lambda: served.post(f"/appointments/{first.id}/meeting/status", served.tab()))
    waiting.start()
    try:
        assert held.wait(30)
        answer = served.post(f"/appointments/{second.id}/meeting")
        assert answer.status_code == 503 and answer.json()["error"]["code"] == "zoom_slow"
        assert "Zoom is slow" in answer.json()["error"]["message"]
    finally:
        served.zoom.release_late_answers()
        waiting.join(30)
    assert served.stack.appointment(second.id).notes == NOTES and len(served.zoom.meetings) == 1


# --- 6. A lost answer never makes a second meeting -------------------------------------------------


def test_a_create_answered_after_the_timeout_is_adopted_by_the_next_click(served: Served) -> None:
    appointment = served.stack.add_appointment("Ana", NOTES)
    served.zoom.add_fault(Fault("POST", CREATE, "late", retry_after="60"))

    lost = served.post(f"/appointments/{appointment.id}/meeting")
    assert lost.status_code == 503 and "notes were not changed" in lost.json()["error"]["message"]
    assert served.stack.appointment(appointment.id).notes == NOTES
    assert len(served.zoom.meetings) == 1  # Zoom made it; the app never heard
    served.zoom.release_late_answers()

    again = served.post(f"/appointments/{appointment.id}/meeting")
    assert again.status_code in (200, 201)
    [meeting] = served.zoom.meetings.values()
    stored = served.stack.appointment(appointment.id)
    assert zoom_lines(stored.notes) == [zoom_lines(stored.notes)[0]]
    assert stored.notes.startswith(NOTES + "\n") and stored.notes.endswith(meeting["join_url"])
    assert stored.own_meeting_id == meeting["id"]
    assert served.creates() == 1 and len(served.zoom.meetings) == 1


def test_the_meeting_carries_an_opaque_reference_no_client_data(served: Served) -> None:
    appointment = served.stack.add_appointment("Ana Souza", NOTES, email="ana@client.example")
    assert served.post(f"/appointments/{appointment.id}/meeting").status_code == 201
    [meeting] = served.zoom.meetings.values()
    agenda = meeting["agenda"]
    assert agenda and len(agenda) <= 250
    for private in ("Ana", "Souza", "ana@client.example", NOTES):
        assert private not in agenda
    marks = served.stack.app.extensions["meetings"].marks
    assert agenda == marks.agenda(appointment.id) != marks.agenda(appointment.id + 1)


def test_a_killed_workers_claim_is_taken_over_soon_and_its_meeting_adopted(served: Served) -> None:
    """A worker died after Zoom made the meeting: its claim goes stale within half a minute, and the
    next click finds that meeting by its reference instead of making a second."""
    appointment = served.stack.add_appointment("Ana", NOTES)
    app = served.stack.app
    # The dead worker claimed the appointment 31 seconds ago (the app's clock is time.time()).
    sql(app, "UPDATE appointments SET meeting_claimed_at = :at WHERE id = :id", at=time.time() - 31, id=appointment.id)
    agenda = app.extensions["meetings"].marks.agenda(appointment.id)
    # What the dead worker's create left in Zoom, made with this browser's own token.
    zoom_token = next(grant.access_token for grant in served.zoom.grants)
    start = appointment.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    made = requests.post(
        f"{served.stack.zoom_server.url}{CREATE}",
        json={"topic": "Appointment with Ana", "type": 2, "start_time": start, "duration": 60, "agenda": agenda},
        headers={"Authorization": f"Bearer {zoom_token}"},
        timeout=10,
    ).json()

    answer = served.post(f"/appointments/{appointment.id}/meeting")
    assert answer.status_code == 200 and answer.json()["created"] is False
    stored = served.stack.appointment(appointment.id)
    assert stored.own_meeting_id == made["id"] and stored.notes.endswith(made["join_url"])
    assert len(zoom_lines(stored.notes)) == 1 and len(served.zoom.meetings) == 1


def test_a_line_deleted_by_hand_asks_and_the_next_click_adopts_the_same_meeting(served: Served) -> None:
    appointment = served.stack.add_appointment("Ana", NOTES)
    assert served.post(f"/appointments/{appointment.id}/meeting").status_code == 201
    with_line = served.stack.appointment(appointment.id)
    [meeting] = served.zoom.meetings.values()
    page = served.post(f"/appointments/{appointment.id}/edit", **edit_form(served, with_line, NOTES))
    assert page.status_code == 200
    assert "is no longer in the notes, but it is still scheduled in Zoom" in page.text
    assert "Delete the meeting in Zoom" in page.text and "Keep it" in page.text

    answer = served.post(f"/appointments/{appointment.id}/meeting")  # "Keep it", or Add Meeting
    assert answer.status_code == 200
    stored = served.stack.appointment(appointment.id)
    assert zoom_lines(stored.notes) == zoom_lines(with_line.notes) and stored.own_meeting_id == meeting["id"]
    assert served.creates() == 1 and len(served.zoom.meetings) == 1
    assert "still scheduled in Zoom" not in served.browser.get(f"{served.stack.url}/appointments/{appointment.id}").text


def test_a_line_deleted_by_hand_can_have_its_meeting_deleted_in_zoom(served: Served) -> None:
    appointment = served.stack.add_appointment("Ana", NOTES)
    assert served.post(f"/appointments/{appointment.id}/meeting").status_code == 201
    with_line = served.stack.appointment(appointment.id)
    served.post(f"/appointments/{appointment.id}/edit", **edit_form(served, with_line, NOTES + "\nCall moved."))

    answer = served.post(f"/appointments/{appointment.id}/meeting/remove")  # "Delete the meeting in Zoom"
    assert answer.status_code == 200 and answer.json()["meeting"] is None
    assert served.zoom.meetings == {}
    stored = served.stack.appointment(appointment.id)
    assert stored.notes == NOTES + "\nCall moved." and stored.own_meeting_id is None
    assert "still scheduled in Zoom" not in served.browser.get(f"{served.stack.url}/appointments/{appointment.id}").text


# --- 14. A locked database during Add --------------------------------------------------------------


def test_a_locked_database_during_add_says_not_saved_deletes_the_meeting_and_blocks_briefly(
    app: Flask, zoom, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    login(client)
    appointment = add_appointment(app, "Ana", NOTES)
    connect_zoom(client)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)

    def locked(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("UPDATE appointments", {}, Exception("database is locked"))

    monkeypatch.setattr(AppointmentStore, "record_meeting", locked)
    monkeypatch.setattr(AppointmentStore, "release_meeting", locked)
    answer = post(client, f"/appointments/{appointment.id}/meeting")
    assert answer.status_code == 500 and answer.get_json()["error"]["code"] == "meeting_not_saved"
    assert [call.request.method + " " + call.request.url for call in zoom.calls] == [
        f"POST {API}/users/me/meetings",
        f"DELETE {API}/meetings/{MEETING_ID}",
    ]
    assert get_appointment(app, appointment.id).notes == NOTES
    monkeypatch.undo()

    # The claim the failed release left goes stale within half a minute; then a click creates the meeting.
    sql(app, "UPDATE appointments SET meeting_claimed_at = meeting_claimed_at - :age", age=CLAIM_STALE_AFTER + 1)
    connect_zoom(client)
    zoom.get(f"{API}/users/me/meetings", json={"page_size": 300, "next_page_token": "", "meetings": []})
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(client, f"/appointments/{appointment.id}/meeting").status_code == 201
    assert len(zoom_lines(get_appointment(app, appointment.id).notes)) == 1
