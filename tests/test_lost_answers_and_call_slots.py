"""A lost answer never makes a second meeting, and Zoom's call slots and deadlines: the rules on their own,
with the in-memory fakes, a Flask test client and Zoom's answers mocked (no stand-in).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from responses import matchers
from sqlalchemy.exc import OperationalError

from simplespa_zoom.book.appointments import AppointmentStore
from simplespa_zoom.config import ConfigError, from_environment
from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.errors import MeetingNotSaved
from simplespa_zoom.meetings.following import CheckState
from simplespa_zoom.meetings.host_marks import HostMarks
from simplespa_zoom.meetings.ports import ProviderNotConnected
from simplespa_zoom.web import the_book
from simplespa_zoom.zoom.api import ZoomClient, ZoomRequestRejected, ZoomUnavailable, ZoomUnreadable
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .helpers import (
    API,
    JOIN_URL,
    MEETING_ID,
    add_appointment,
    connect_zoom,
    flashes,
    get_appointment,
    login,
    post,
    race,
    save_with_start,
    with_app_meeting,
)
from .test_meeting_service import START, TZ
from .test_meeting_service_over_zoom import ZoomWorld

NOTES = "Prefers lavender oil."


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


def _after_a_lost_answer(error: Exception | None = None) -> tuple[ZoomWorld, Appointment]:
    """A first click whose create reached Zoom but whose answer was lost (raised as `error`)."""
    world = ZoomWorld()
    appointment = world.book.add("Ana Souza", START, NOTES)
    lost = error or ZoomUnavailable()
    _lose_the_answer(world, lost)
    with pytest.raises(type(lost)):
        world.service.adding.add(appointment.id)
    return world, appointment


def test_a_create_without_an_answer_is_looked_for_before_creating_again() -> None:
    world, appointment = _after_a_lost_answer()
    outcome = world.service.adding.add(appointment.id)
    assert world.zoom.calls == ["create", "list"] and outcome.created is False
    [meeting_id] = world.zoom.meetings
    assert world.book.get(appointment.id).own_meeting_id == meeting_id
    assert world.service.adding.add(appointment.id).created is False and world.zoom.calls == ["create", "list"]


def test_an_adopted_meeting_whose_line_cannot_be_saved_is_left_in_zoom_for_the_next_click() -> None:
    """The meeting is found, but the notes refuse the line: it is never deleted (nothing shows it was made for
    this click), the claim stays in doubt, and the next click adopts the same meeting, with its protections."""
    world, appointment = _after_a_lost_answer()
    [meeting_id] = world.zoom.meetings
    world.book.failing_writes = 1
    with pytest.raises(MeetingNotSaved) as failed:
        world.service.adding.add(appointment.id)
    assert failed.value.code == "meeting_not_saved" and list(world.zoom.meetings) == [meeting_id]
    outcome = world.service.adding.add(appointment.id)
    assert world.zoom.calls == ["create", "list", "list"] and outcome.created is False
    assert outcome.meeting is not None and outcome.meeting.id == meeting_id
    stored = world.book.get(appointment.id)
    assert stored.own_meeting_id == meeting_id and stored.host_mark is not None  # its host known: no second ask


def test_a_click_that_stops_before_zoom_keeps_an_earlier_lost_answer_in_doubt() -> None:
    """Not connected on the second click: it asks Zoom nothing, and the click after it still looks first."""
    world, appointment = _after_a_lost_answer()
    connected = world.tokens.get()
    assert connected is not None
    world.tokens.delete()
    world.next_request()
    with pytest.raises(ProviderNotConnected):
        world.service.adding.add(appointment.id)
    world.tokens.set(connected)
    world.next_request()
    assert world.service.adding.add(appointment.id).created is False
    assert world.zoom.calls == ["create", "list"] and len(world.zoom.meetings) == 1


def test_a_create_that_failed_in_an_unexpected_way_is_looked_for_before_creating_again() -> None:
    """Not one of the provider's errors (a bug, a library failing after the request was sent): Zoom may have
    made the meeting, so the next click looks for it first."""
    world, appointment = _after_a_lost_answer(RuntimeError("failed after the request was sent"))
    assert world.service.adding.add(appointment.id).created is False
    assert world.zoom.calls == ["create", "list"] and len(world.zoom.meetings) == 1


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
    assert world.book.get(appointment.id).own_meeting_id in world.zoom.meetings


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


class EverySlotHeld:
    """A gate's call slots, every one held by slow calls of other requests: notes how long each caller would
    queue for one, and none ever frees up."""

    def __init__(self) -> None:
        self.queued_for: list[float | None] = []

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        self.queued_for.append(timeout)
        return False

    def release(self) -> None:
        raise AssertionError("released a slot that was never taken")


def test_a_page_check_while_every_zoom_slot_is_held_answers_at_once_without_queueing() -> None:
    world = ZoomWorld()
    appointment_id = world.with_meeting()
    notes_before = world.book.get(appointment_id).notes
    slots = EverySlotHeld()
    world.connection.gate.slots = slots  # type: ignore[assignment]
    check = world.service.checking.check(appointment_id)
    assert (check.state, check.code) == (CheckState.UNCHECKED, "meeting_check_slow")
    assert slots.queued_for == [0]  # a check is never worth waiting for: the page renders now
    assert world.calls == [] and world.book.get(appointment_id).notes == notes_before


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
    assert outcome.created is False and stored.own_meeting_id == theirs.id
    assert stored.notes == NOTES + "\n" + their_line
    assert list(world.zoom.meetings) == [theirs.id]  # ours deleted again
