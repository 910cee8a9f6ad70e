"""Round three, Zoom side: a slow Zoom stalls no page, a lost answer never makes a second meeting.

The end-to-end proofs run the app against the Zoom stand-in over real HTTP (its "late" fault does
the work and holds the answer), so timeouts, deadlines and the list of meetings are Zoom's as the
stand-in keeps them. Held answers are released when each test ends; nothing waits on a sleep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from responses import matchers
from sqlalchemy.exc import OperationalError

from simplespa_zoom.book.appointments import CLAIM_STALE_AFTER, AppointmentStore
from simplespa_zoom.config import ConfigError, from_environment
from simplespa_zoom.meetings import notes, timing
from simplespa_zoom.meetings.errors import MeetingNotSaved
from simplespa_zoom.meetings.host_marks import HostMarks
from simplespa_zoom.web import the_book
from simplespa_zoom.zoom.api import ZoomClient, ZoomRequestRejected, ZoomUnavailable, ZoomUnreadable
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT
from zoom_standin import Fault
from zoom_standin.browserless import csrf_token, sign_in_and_connect
from zoom_standin.stack import LocalStack, start_stack

from .helpers import (
    API,
    JOIN_URL,
    MEETING_ID,
    add_appointment,
    connect_zoom,
    flashes,
    form_values,
    get_appointment,
    local,
    login,
    post,
    race,
    save_with_start,
    sql,
    with_app_meeting,
    zoom_meeting,
)
from .test_meeting_service import START, TZ
from .test_meeting_service_over_zoom import ZoomWorld

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
    assert stored.zoom_meeting_id == meeting["id"]
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
    assert stored.zoom_meeting_id == made["id"] and stored.notes.endswith(made["join_url"])
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
    assert zoom_lines(stored.notes) == zoom_lines(with_line.notes) and stored.zoom_meeting_id == meeting["id"]
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
    assert stored.notes == NOTES + "\nCall moved." and stored.zoom_meeting_id is None
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


def test_a_failed_release_never_hides_a_refusal_from_zoom(app: Flask, zoom, monkeypatch: pytest.MonkeyPatch) -> None:
    client = app.test_client()
    login(client)
    appointment = add_appointment(app, "Ana", NOTES)
    connect_zoom(client)
    zoom.post(f"{API}/users/me/meetings", status=429, json={"code": 429, "message": "Too many requests."})
    monkeypatch.setattr(
        AppointmentStore,
        "release_meeting",
        lambda *_a, **_k: (_ for _ in ()).throw(OperationalError("UPDATE", {}, Exception("database is locked"))),
    )
    answer = post(client, f"/appointments/{appointment.id}/meeting")
    assert answer.status_code == 429 and answer.get_json()["error"]["code"] == "zoom_busy"


# --- 6, the service on its own: which failures leave Zoom's side unknown ----------------------------


def _lose_the_answer(world: Any, error: Exception) -> None:
    """Zoom makes the next meeting, then its answer is lost (raised as `error`)."""
    create = world.zoom.create_meeting

    def made_then_lost(*args: Any, **kwargs: Any) -> Any:
        world.zoom.create_meeting = create
        create(*args, **kwargs)
        raise error

    world.zoom.create_meeting = made_then_lost


def test_a_create_without_an_answer_is_looked_for_before_creating_again() -> None:
    world = ZoomWorld()
    appointment = world.book.add("Ana Souza", START, NOTES)
    _lose_the_answer(world, ZoomUnavailable())
    with pytest.raises(ZoomUnavailable):
        world.service.adding.add(appointment.id)
    outcome = world.service.adding.add(appointment.id)
    assert world.zoom.calls == ["create", "list"] and outcome.created is False
    [meeting_id] = world.zoom.meetings
    assert world.book.get(appointment.id).zoom_meeting_id == meeting_id
    assert world.service.adding.add(appointment.id).created is False and world.zoom.calls == ["create", "list"]


def test_a_create_zoom_refused_made_nothing_so_the_next_click_does_not_search() -> None:
    world = ZoomWorld()
    appointment = world.book.add("Ana Souza", START, NOTES)
    create = world.zoom.create_meeting

    def refused(*_args: Any, **_kwargs: Any) -> Any:
        world.zoom.create_meeting = create
        world.zoom.calls.append("create")
        raise ZoomRequestRejected("Zoom said no.")

    world.zoom.create_meeting = refused
    with pytest.raises(ZoomRequestRejected):
        world.service.adding.add(appointment.id)
    assert world.service.adding.add(appointment.id).created is True
    assert world.zoom.calls == ["create", "create"]


def test_a_meeting_whose_undo_failed_is_adopted_by_the_next_click() -> None:
    world = ZoomWorld()
    appointment = world.book.add("Ana Souza", START, NOTES)
    world.book.failing_writes = 1

    def unreachable(*_args: Any, **_kwargs: Any) -> None:
        raise ZoomUnavailable()

    delete = world.zoom.delete_meeting
    world.zoom.delete_meeting = unreachable  # type: ignore[method-assign]
    with pytest.raises(MeetingNotSaved) as failed:
        world.service.adding.add(appointment.id)
    assert failed.value.code == "meeting_not_saved_undo_failed"
    world.zoom.delete_meeting = delete  # type: ignore[method-assign]
    outcome = world.service.adding.add(appointment.id)
    assert outcome.created is False and len(world.zoom.meetings) == 1
    assert world.zoom.calls == ["create", "list"]
    assert world.book.get(appointment.id).zoom_meeting_id in world.zoom.meetings


@pytest.mark.parametrize("held", ["stale", "in doubt"])
def test_racing_takeovers_of_a_claim_let_exactly_one_search_and_create(app: Flask, held: str) -> None:
    racers = 6
    with app.app_context():
        store = the_book().appointments
        for _ in range(5):
            appointment = add_appointment(app, "Ana", NOTES)
            if held == "stale":
                assert store.claim_for_create(appointment.id, now=1_000.0) is not None
            else:
                assert store.claim_for_create(appointment.id) is not None
                store.release_meeting(appointment.id, in_doubt=True)

            def claim(appointment_id: int = appointment.id) -> bool:
                taken = store.claim_for_create(appointment_id)
                return taken is not None and taken.in_doubt

            assert race(racers, claim) == [False] * (racers - 1) + [True]


def test_a_reschedule_while_every_zoom_slot_is_held_is_saved_and_says_zoom_is_slow(app: Flask, zoom) -> None:
    client = app.test_client()
    login(client)
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(client)
    gate = app.extensions["zoom_connection"].gate
    taken = 0
    while gate.slots.acquire(blocking=False):  # slow Zoom calls of other requests hold every slot
        taken += 1
    try:
        page = save_with_start(client, app, appointment, appointment.starts_at + timedelta(days=1))
    finally:
        for _ in range(taken):
            gate.slots.release()
    assert flashes(page)[0] == ("info", "Appointment saved.")
    assert flashes(page)[1][0] == "warning" and "Zoom is slow to answer right now" in flashes(page)[1][1]
    assert get_appointment(app, appointment.id).starts_at == appointment.starts_at + timedelta(days=1)
    assert len(zoom.calls) == 0


@pytest.mark.parametrize(("value", "slots"), [("1", 1), ("3", 3), ("0", None), ("4x", None), ("65", None)])
def test_zoom_call_slots_come_from_the_environment_or_say_what_is_wrong(value: str, slots: int | None) -> None:
    if slots is None:
        with pytest.raises(ConfigError, match="ZOOM_CALL_SLOTS must be"):
            from_environment({"ZOOM_CALL_SLOTS": value})
    else:
        assert from_environment({"ZOOM_CALL_SLOTS": value}) == {"ZOOM_CALL_SLOTS": slots}


# --- 6, the pieces: the list of meetings, the reference, a save that lost a race --------------------


def test_the_search_pages_through_upcoming_meetings_and_skips_items_it_cannot_read(zoom) -> None:
    client = ZoomClient(API, backoff=0)
    wanted = {"id": MEETING_ID, "join_url": JOIN_URL, "agenda": "Booked with SimpleSpa (ref abc)."}
    first_page = {"next_page_token": "page-2", "meetings": [{"id": 1, "agenda": "ref abc"}, "junk", {"id": 2}]}
    zoom.get(
        f"{API}/users/me/meetings",
        json=first_page,
        match=[matchers.query_param_matcher({"type": "upcoming", "page_size": "300"})],
    )
    zoom.get(
        f"{API}/users/me/meetings",
        json={"next_page_token": "", "meetings": [{"id": 3, "join_url": JOIN_URL}, wanted]},
        match=[matchers.query_param_matcher({"type": "upcoming", "page_size": "300", "next_page_token": "page-2"})],
    )
    found = client.find_upcoming_meeting("token", lambda meeting: "ref abc" in meeting.agenda)
    assert found is not None and found.id == MEETING_ID and found.join_url == JOIN_URL
    assert len(zoom.calls) == 2


def test_the_search_says_so_when_zoom_lists_no_meetings_array(zoom) -> None:
    zoom.get(f"{API}/users/me/meetings", json={"next_page_token": ""})
    with pytest.raises(ZoomUnreadable):
        ZoomClient(API, backoff=0).find_upcoming_meeting("token", lambda meeting: True)


def test_a_reference_made_before_the_secret_key_rotated_is_still_found() -> None:
    old = HostMarks("the-old-secret-key-0123456789abcdefghij")
    rotated = HostMarks("the-new-secret-key-0123456789abcdefghij", ["the-old-secret-key-0123456789abcdefghij"])
    agenda = old.agenda(42)
    assert any(reference in agenda for reference in rotated.references(42))
    assert not any(reference in agenda for reference in rotated.references(43))
    assert rotated.agenda(42) != agenda


def test_a_save_that_finds_another_requests_meeting_recorded_deletes_its_own_and_keeps_one_line() -> None:
    """A request that took over a stale claim recorded its meeting while this one was saving."""
    world = ZoomWorld()
    appointment = world.book.add("Ana Souza", START, NOTES)
    theirs = world.zoom.create_meeting("access-1", topic="T", start=START, duration=60, timezone="UTC")
    their_line = notes.format_line(
        ZOOM_LINE_FORMAT, "Appointment with Ana Souza", START.astimezone(TZ), theirs.join_url
    )
    record = world.book.record_meeting

    def raced(*args: Any, **kwargs: Any) -> Any:
        world.book.record_meeting = record  # type: ignore[method-assign]
        current = world.book.get(appointment.id)
        appended = notes.append_line(current.notes, their_line)
        ids, digest = notes.meeting_ids(ZOOM_LINE_FORMAT, appended), notes.fingerprint(their_line)
        record(appointment.id, current.version, appended, theirs.id, None, meeting_ids=ids, line_digest=digest)
        return record(*args, **kwargs)  # now at an older version: a conflict

    world.book.record_meeting = raced  # type: ignore[method-assign]
    outcome = world.service.adding.add(appointment.id)
    stored = world.book.get(appointment.id)
    assert outcome.created is False and stored.zoom_meeting_id == theirs.id
    assert stored.notes == NOTES + "\n" + their_line
    assert list(world.zoom.meetings) == [theirs.id]  # ours deleted again
