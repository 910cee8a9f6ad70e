"""Issue 18, round three: the app's own Zoom line, read and written exactly.

Zoom's events in the order Zoom meant (3), the app's line told from a typed copy (7), the staff's
text right after the join link kept (11), signed events with fields the app cannot use (13), and
join links on look-alike hosts never offered as a Zoom meeting (17).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import responses
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from simplespa_zoom.book import Book
from simplespa_zoom.book.database import head_revision
from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.domain import VersionConflict
from simplespa_zoom.meetings.following import orphaned_meeting
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .helpers import (
    API,
    JOIN_URL,
    MEETING_ID,
    add_appointment,
    connect_zoom,
    get_appointment,
    last_line_digest,
    line_for,
    page_meeting,
    post,
    with_app_meeting,
    zoom_meeting,
)
from .test_meeting_service import LINE, LINK, NOW_MS, START, World
from .test_webhooks import deliver, moved_event

NOTES = "Bring a towel."
OTHER_ID = 91234567890
TYPED = f"Zoom: [Call with Ana] Tuesday, December 1 2026 3:00 pm \u2014 https://us05web.zoom.us/j/{MEETING_ID}"


def zoom_time(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- 3. Two meeting.updated events at once: the newer one wins ------------------------------------


def test_two_updated_events_delivered_at_once_leave_the_newer_one_in_the_line(app: Flask, monkeypatch) -> None:
    """Both deliveries read the row, then the newer writes first: the older must not move the line back."""
    base = add_appointment(app, "Ana")
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    older_start, newer_start = base.starts_at + timedelta(hours=1), base.starts_at + timedelta(hours=2)
    now_ms = int(time.time() * 1000)
    older_ms, newer_ms = now_ms - 2_000, now_ms - 1_000
    store = app.extensions["book"].appointments
    find_by_meeting, set_notes = store.find_by_meeting, store.set_notes
    both_read, newer_written = threading.Barrier(2, timeout=30), threading.Event()

    def read_then_wait(meeting_id: int) -> list:
        found = find_by_meeting(meeting_id)
        both_read.wait()  # neither delivery writes before both have read the row
        return found

    def newer_writes_first(*args: object, **kwargs: object) -> object:
        if kwargs.get("synced_ms") == older_ms:
            assert newer_written.wait(30)
        try:
            return set_notes(*args, **kwargs)
        finally:
            if kwargs.get("synced_ms") == newer_ms:
                newer_written.set()

    monkeypatch.setattr(store, "find_by_meeting", read_then_wait)
    monkeypatch.setattr(store, "set_notes", newer_writes_first)
    statuses: list[int] = []

    def deliver_one(start: datetime, event_ms: int) -> None:
        statuses.append(deliver(app.test_client(), moved_event(start, event_ms)).status_code)

    threads = [
        threading.Thread(target=deliver_one, args=(older_start, older_ms)),
        threading.Thread(target=deliver_one, args=(newer_start, newer_ms)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [204, 204]
    stored = get_appointment(app, holder.id)
    assert stored.notes == notes.append_line(NOTES, line_for(app, base, start=newer_start))
    assert stored.synced_ms == newer_ms


class NewerMeanwhile(World):
    """A world where, just before the service's first write, a newer Zoom change reaches the row."""

    def __init__(self) -> None:
        super().__init__()
        self.newer: tuple[str, int] | None = None  # the notes and Zoom time the newer change leaves
        original = self.book.set_notes

        def set_notes(appointment_id: int, base_version: int, text: str, **kwargs: object) -> object:
            if self.newer:
                newer_notes, newer_ms = self.newer
                self.newer = None
                current = self.book.get(appointment_id)
                self.book.rows[appointment_id] = replace(
                    current,
                    notes=newer_notes,
                    synced_ms=newer_ms,
                    own_line_digest=last_line_digest(newer_notes, 85746065432),
                    version=current.version + 1,
                )
            return original(appointment_id, base_version, text, **kwargs)

        self.book.set_notes = set_notes  # type: ignore[method-assign]


def test_a_retry_after_a_conflict_re_checks_the_event_time_on_the_fresh_row() -> None:
    newer_line = LINE.replace("3:00 pm", "5:00 pm")
    world = NewerMeanwhile()
    appointment_id = world.with_meeting()
    world.newer = ("Prefers lavender oil.\n" + newer_line, NOW_MS + 2_000)
    assert (
        world.service.events.meeting_updated(85746065432, None, START + timedelta(hours=1), None, NOW_MS + 1_000) == 1
    )
    stored = world.book.get(appointment_id)
    assert (stored.notes, stored.synced_ms) == ("Prefers lavender oil.\n" + newer_line, NOW_MS + 2_000)


def test_a_retry_rebuilds_the_line_from_the_fresh_row_keeping_what_the_older_change_there_says() -> None:
    """An older change already applied meanwhile: this newer event's topic goes onto the fresh line's time."""
    moved_line = LINE.replace("3:00 pm", "5:00 pm")
    world = NewerMeanwhile()
    appointment_id = world.with_meeting()
    world.newer = ("Prefers lavender oil.\n" + moved_line, NOW_MS + 1_000)
    assert world.service.events.meeting_updated(85746065432, "Renamed", None, None, NOW_MS + 2_000) == 1
    stored = world.book.get(appointment_id)
    assert stored.notes == "Prefers lavender oil.\nZoom: [Renamed] Tuesday, December 1 2026 5:00 pm \u2014 " + LINK
    assert stored.synced_ms == NOW_MS + 2_000


@pytest.fixture
def book(database: str) -> Book:
    opened = Book.open(database, ZOOM_LINE_FORMAT)
    opened.upgrade()
    return opened


def test_the_store_refuses_to_move_the_lines_zoom_time_backwards(book: Book) -> None:
    from simplespa_zoom.meetings.domain import AppointmentDraft

    store = book.appointments
    saved = store.create(AppointmentDraft("Ana", None, START, 60, "Notes."))
    saved = store.set_notes(saved.id, saved.version, "Newer.", meeting_ids=set(), synced_ms=2_000)
    with pytest.raises(VersionConflict) as refused:
        store.set_notes(saved.id, saved.version, "Older.", meeting_ids=set(), synced_ms=1_999)
    assert refused.value.current == saved
    assert store.get(saved.id) == saved
    again = store.set_notes(saved.id, saved.version, "Same time.", meeting_ids=set(), synced_ms=2_000)
    assert (again.notes, again.synced_ms) == ("Same time.", 2_000)
    forgotten = store.set_notes(again.id, again.version, "Gone.", meeting_ids=set(), forget_meeting=True)
    assert forgotten.synced_ms is None


# --- 7. The app's own line, told from a typed copy with the same meeting id -----------------------


def test_zooms_events_change_the_apps_line_and_never_a_typed_copy_with_its_meeting_id() -> None:
    world = World()
    appointment_id = world.with_meeting()
    stored = world.book.get(appointment_id)
    typed = stored.notes + "\n" + TYPED + "\nafter"
    world.book.set_notes(
        appointment_id, stored.version, typed, meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, typed)
    )  # a staff edit: the app's line is not last
    assert world.service.events.meeting_updated(85746065432, "Renamed", None, None, NOW_MS + 1) == 1
    renamed = "Zoom: [Renamed] Tuesday, December 1 2026 3:00 pm \u2014 " + LINK
    assert world.book.get(appointment_id).notes == f"Prefers lavender oil.\n{renamed}\n{TYPED}\nafter"
    assert world.service.events.meeting_updated(85746065432, "Renamed again", None, None, NOW_MS + 2) == 1
    assert world.book.get(appointment_id).notes.count(TYPED) == 1
    world.service.events.meeting_deleted(85746065432)
    left = world.book.get(appointment_id)
    assert (left.notes, left.own_meeting_id) == (f"Prefers lavender oil.\n{TYPED}\nafter", None)


def test_the_page_shows_the_apps_line_and_webhooks_leave_a_typed_copy_byte_for_byte(app: Flask, signed_in) -> None:
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    own = holder.notes.splitlines()[-1]
    typed = TYPED + "  "
    edited = holder.notes + "\r\n" + typed
    app.extensions["book"].appointments.set_notes(
        holder.id, holder.version, edited, meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, edited)
    )
    meeting = page_meeting(signed_in.get(f"/appointments/{holder.id}").get_data(as_text=True))
    assert meeting is not None and (meeting["join_url"], meeting["created_here"]) == (JOIN_URL, True)
    event = {"event": "meeting.updated", "event_ts": 1, "payload": {"object": {"id": MEETING_ID, "topic": "Renamed"}}}
    assert deliver(signed_in, event).status_code == 204
    renamed = own.replace("[Appointment with Ana]", "[Renamed]")
    assert get_appointment(app, holder.id).notes == f"{NOTES}\n{renamed}\r\n{typed}"
    deleted = {"event": "meeting.deleted", "event_ts": 2, "payload": {"object": {"id": MEETING_ID}}}
    assert deliver(signed_in, deleted).status_code == 204
    assert get_appointment(app, holder.id).notes == f"{NOTES}\n{typed}"


def test_the_apps_line_edited_by_hand_is_no_longer_the_apps_and_the_last_exact_copy_is() -> None:
    world = World()
    appointment_id = world.with_meeting()
    stored = world.book.get(appointment_id)
    edited = stored.notes.replace("3:00 pm", "3:30 pm")  # staff changed the app's line by hand
    world.book.set_notes(
        appointment_id, stored.version, edited, meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, edited)
    )
    assert not world.book.get(appointment_id).line_is_own
    # Still in the notes: the page does not say the meeting's line is gone, nor offer to delete the meeting.
    assert orphaned_meeting(world.book.get(appointment_id)) is None
    assert world.service.events.meeting_updated(85746065432, "Renamed", None, None, NOW_MS + 1) == 0
    assert world.book.get(appointment_id).notes == edited
    twice = f"{LINE}\n{LINE}\n{TYPED}"
    own = notes.own_line(ZOOM_LINE_FORMAT, twice, 85746065432, notes.fingerprint(LINE))
    assert own is not None and own.start == len(LINE) + 1  # of two exact copies, the later one


def test_an_existing_database_learns_its_own_lines_from_the_last_line_of_each_meeting(book: Book) -> None:
    from alembic import command

    from simplespa_zoom.book.database import _alembic

    line = f"Zoom: [Appointment with Ana] Tuesday, December 1 2026 3:00 pm \u2014 {JOIN_URL}"
    with book.engine.begin() as connection:
        command.downgrade(_alembic(connection), "0002")
        for name, body in (("ana", f"{TYPED}\n{line}\nafter"), ("bea", "Line removed by hand.")):
            connection.execute(
                text(
                    "INSERT INTO appointments (client_name, client_search, starts_at, duration_minutes, notes,"
                    " zoom_meeting_id) VALUES (:name, :name, '2026-12-01T20:00:00Z', 60, :notes, :meeting)"
                ),
                {"name": name, "notes": body, "meeting": MEETING_ID},
            )
    assert book.upgrade() == head_revision()
    ana, bea = (book.appointments.search(name)[0] for name in ("ana", "bea"))
    assert ana.line_is_own and ana.notes[ana.meeting_line.start : ana.meeting_line.end] == line
    assert not bea.line_is_own and bea.meeting_line is None


# --- 11. Text typed right after the join link -----------------------------------------------------

DOTTED = "https://us05web.zoom.us/j/85746065432?pwd=Ab12Cd34Ef56.1"
DOTTED_LINE = f"Zoom: [Appointment with Ana] Tuesday, November 11 2025 6:00 pm \u2014 {DOTTED}"
NEW_LINE = DOTTED_LINE.replace("pwd=Ab12Cd34Ef56.1", "pwd=Fresh-Pass_word.2")
STAFF_TAILS = [
    " call first",
    "(paid)",
    ", paid",
    ". Paid in cash.",
    ".",
    "...",
    "?",
    "? ok",
    "!",
    "\tthanks",
    "#success",
    "]x",
    ")",
    "\u00e9t\u00e9",
    " \u2014 see above",
    "/",
]


@pytest.mark.parametrize("tail", STAFF_TAILS)
def test_text_after_the_join_link_stays_the_staffs_through_a_rewrite_and_a_removal(tail: str) -> None:
    before, after = "Notes.\r\n", "\r\nmore"
    text_ = before + DOTTED_LINE + tail + after
    line = notes.current_line(ZOOM_LINE_FORMAT, text_)
    assert line is not None and (line.join_url, text_[line.start : line.end]) == (DOTTED, DOTTED_LINE)
    rewritten = notes.replace_line(text_, line, NEW_LINE)
    assert rewritten == before + NEW_LINE + tail + after
    again = notes.find_line(ZOOM_LINE_FORMAT, rewritten, 85746065432)
    assert again is not None and rewritten[again.start : again.end] == NEW_LINE  # the tail was not swallowed
    assert notes.remove_line(text_, line) == before + tail + after


@pytest.mark.parametrize(
    ("glued", "link"),
    [
        ("https://us05web.zoom.us/j/85746065432?pwd=Ab.C.1", "https://us05web.zoom.us/j/85746065432?pwd=Ab.C.1"),
        ("https://us05web.zoom.us/j/85746065432?pwd=Ab.C.1.", "https://us05web.zoom.us/j/85746065432?pwd=Ab.C.1"),
        (
            "https://acme.zoom.us/w/85746065432?tk=x-Y_z.1&pwd=a&uuid=WN_q%3D",
            "https://acme.zoom.us/w/85746065432?tk=x-Y_z.1&pwd=a&uuid=WN_q%3D",
        ),
        ("https://zoom.us/j/85746065432?", "https://zoom.us/j/85746065432"),
    ],
)
def test_the_link_ends_where_zooms_join_links_end(glued: str, link: str) -> None:
    line = notes.current_line(ZOOM_LINE_FORMAT, f"Zoom: [x] Monday 9 am \u2014 {glued}")
    assert line is not None and line.join_url == link


@pytest.mark.parametrize(
    "glued",
    ["https://zoom.us/j/857460654321234567890", "https://zoom.us/j/85746065432abc", "https://zoom.us/j/85746065432.5"],
)
def test_text_a_rewritten_link_would_swallow_is_never_read_as_after_the_link(glued: str) -> None:
    assert notes.current_line(ZOOM_LINE_FORMAT, f"Zoom: [x] Monday 9 am \u2014 {glued}") is None


QUERY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~%=&-"
_secrets = st.builds(
    lambda body, last: body + last,
    st.text(alphabet=QUERY_CHARS + ".", max_size=30),
    st.sampled_from(QUERY_CHARS),
)
_links = st.builds(
    lambda host, kind, digits, query: f"https://{host}/{kind}/{digits}{query}",
    st.sampled_from(["zoom.us", "us05web.zoom.us", "acme.zoom.com", "zoomgov.com", "a-b.c.zoomgov.com"]),
    st.sampled_from(["j", "w"]),
    st.integers(min_value=10**8, max_value=10**19 - 1),
    st.one_of(st.just(""), st.builds(lambda secret: f"?pwd={secret}", _secrets)),
)
# The staff's text: perhaps blanks, full stops or question marks, then anything a join link never holds.
# (Blanks alone up to the line's end go with the line: they are no text.)
_starts = st.characters(codec="utf-8", exclude_characters=QUERY_CHARS + ".? \t\r\n")
_tails = st.builds(
    lambda blanks, stops, first, rest: blanks + stops + first + rest,
    st.text(alphabet=" \t", max_size=2),
    st.text(alphabet=".?", max_size=3),
    _starts,
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)


@settings(max_examples=400, deadline=None)
@given(link=_links, tail=_tails, before=st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_staff_text_after_any_join_link_round_trips_byte_for_byte(link: str, tail: str, before: str) -> None:
    line_text = notes.format_line(
        ZOOM_LINE_FORMAT, "Appointment with Ana", datetime(2026, 12, 1, 15, 0, tzinfo=UTC), link
    )
    prefix = before if before.endswith("\n") or not before else before + "\n"
    meeting_id = int(link.split("/")[4].split("?")[0])
    text_ = prefix + line_text + tail
    line = notes.find_line(ZOOM_LINE_FORMAT, text_, meeting_id)
    assert line is not None and (line.join_url, text_[line.start : line.end]) == (link, line_text)
    renamed = line_text.replace("[Appointment with Ana]", "[Renamed]")
    assert notes.replace_line(text_, line, renamed) == prefix + renamed + tail
    assert notes.remove_line(text_, line) == prefix + tail


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), st.integers(10**8, 10**11 - 1))
def test_the_line_an_append_writes_is_the_one_the_store_remembers(original: str, meeting_id: int) -> None:
    line = DOTTED_LINE.replace("85746065432", str(meeting_id))
    appended = notes.append_line(original, line)
    own = notes.own_line(ZOOM_LINE_FORMAT, appended, meeting_id, notes.fingerprint(line))
    assert own is not None and notes.line_text(appended, own) == line


def test_a_status_check_keeps_staff_text_glued_to_the_link_and_a_spaced_note_blocks_no_add(
    app: Flask, signed_in, zoom: responses.RequestsMock
) -> None:
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    edited = holder.notes + "(paid) call first"
    app.extensions["book"].appointments.set_notes(
        holder.id, holder.version, edited, meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, edited)
    )
    connect_zoom(signed_in)
    new_link = "https://us05web.zoom.us/j/85746065432?pwd=NEW.1"
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(holder, join_url=new_link))
    body = post(signed_in, f"/appointments/{holder.id}/meeting/status").get_json()
    assert body["state"] == "updated"
    expected = notes.append_line(NOTES, line_for(app, holder, new_link)) + "(paid) call first"
    assert get_appointment(app, holder.id).notes == expected
    again = post(signed_in, f"/appointments/{holder.id}/meeting")  # no create registered: Zoom is not asked
    assert again.status_code == 200 and get_appointment(app, holder.id).notes == expected


def test_a_quote_glued_to_the_link_stays_text_and_never_reaches_an_attribute(app: Flask, signed_in) -> None:
    link = "https://us05web.zoom.us/j/85746065432"
    line = f"Zoom: [Appointment with Ana] Tuesday, November 11 2025 6:00 pm \u2014 {link}"
    appointment = add_appointment(app, "Ana", line + '"onmouseover="x')
    page = signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    meeting = page_meeting(page)
    assert meeting is not None and meeting["join_url"] == link
    assert 'onmouseover="x' not in page


# --- 13. Signed events with fields the app cannot use ---------------------------------------------


@pytest.mark.parametrize("plain", ["ab\ud800", "", "ab\x00"])
def test_a_validation_challenge_with_an_unusable_token_is_acknowledged(client, plain: str) -> None:
    body = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": plain}}).encode()
    assert deliver(client, body).status_code == 204


@pytest.mark.parametrize(
    ("start", "applies"),
    [("1900-01-01T12:00:00Z", True), ("1899-12-31T12:00:00Z", False), ("2200-12-31T12:00:00Z", True)]
    + [("2201-01-01T12:00:00Z", False)],
)
def test_an_event_start_applies_within_the_years_the_book_takes(app: Flask, client, start: str, applies: bool) -> None:
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    event = {"event": "meeting.updated", "event_ts": 1, "payload": {"object": {"id": MEETING_ID, "start_time": start}}}
    assert deliver(client, event).status_code == 204
    stored = get_appointment(app, holder.id)
    assert (stored.notes != holder.notes) is applies


@pytest.mark.parametrize(
    "fields",
    [
        {"topic": "Ana \ud800"},
        {"topic": "Ana\x00"},
        {"start_time": "0001-01-01T00:00:00Z"},
        {"start_time": "9999-12-31T23:59:59-05:00"},
        {"start_time": "2026-12-01T20:00:00\ud800"},
        {"join_url": f"https://us05web.zoom.us/j/{OTHER_ID}?pwd=x"},
        {"join_url": f"https://us05web.zoom.us/j/{MEETING_ID}?pwd=\ud800"},
        {"join_url": f"https://evil.example/j/{MEETING_ID}"},
    ],
    ids=[
        "surrogate-topic",
        "nul-topic",
        "year-1",
        "past-year-9999",
        "surrogate-start",
        "another-meetings-link",
        "surrogate-link",
        "foreign-host",
    ],
)
def test_an_updated_event_with_an_unusable_field_is_acknowledged_and_writes_nothing(
    app: Flask, client, fields: dict
) -> None:
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    event = {"event": "meeting.updated", "event_ts": 1, "payload": {"object": {"id": MEETING_ID, **fields}}}
    assert deliver(client, json.dumps(event).encode()).status_code == 204
    assert get_appointment(app, holder.id).notes == holder.notes
    gone = {"event": "meeting.deleted", "event_ts": 2, "payload": {"object": {"id": MEETING_ID}}}
    assert deliver(client, gone).status_code == 204
    assert get_appointment(app, holder.id).notes == NOTES  # still the app's own line, so Zoom's deletion removes it


def test_the_usable_fields_of_an_event_still_apply_beside_an_unusable_one(app: Flask, client, caplog) -> None:
    base = add_appointment(app, "Ana")
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    moved = base.starts_at + timedelta(hours=3)
    event = moved_event(moved, 1, topic="Ana \ud800", join_url=f"https://us05web.zoom.us/j/{OTHER_ID}")
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.zoom.events"):
        assert deliver(client, json.dumps(event).encode()).status_code == 204
    assert get_appointment(app, holder.id).notes == notes.append_line(NOTES, line_for(app, base, start=moved))
    assert caplog.messages == [
        "Zoom webhook: meeting.updated with unusable topic, join_url; those fields ignored",
        "Zoom webhook: meeting.updated applied to 1 appointment(s)",
    ]


def test_an_unreadable_start_is_named_in_the_log_and_the_topic_still_applies(app: Flask, client, caplog) -> None:
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    fields = {"id": MEETING_ID, "topic": "Ana's new topic", "start_time": "next Tuesday"}
    event = {"event": "meeting.updated", "event_ts": 1, "payload": {"object": fields}}
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.zoom.events"):
        assert deliver(client, json.dumps(event).encode()).status_code == 204
    assert "[Ana's new topic]" in get_appointment(app, holder.id).notes
    assert caplog.messages[0] == "Zoom webhook: meeting.updated with unusable start_time; those fields ignored"


# --- 17. Join links on look-alike hosts ------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["evilzoom.us", "notzoom.com", "us05web.myzoomgov.com", "zoom.us.evil.example", "evil-zoom.com"],
)
def test_a_line_on_a_look_alike_host_is_never_offered_as_a_client_link(app: Flask, signed_in, host: str) -> None:
    when = "Tuesday, December 1 2026 3:00 pm"
    real = add_appointment(app, "Ana", f"Zoom: [Call] {when} \u2014 https://us05web.zoom.us/j/{MEETING_ID}?pwd=x")
    meeting = page_meeting(signed_in.get(f"/appointments/{real.id}").get_data(as_text=True))
    assert meeting is not None and meeting["join_url"].startswith("https://us05web.zoom.us/")  # the control
    link = f"https://{host}/j/{MEETING_ID}?pwd=x"
    fake = add_appointment(app, "Ana", f"Zoom: [Call] {when} \u2014 {link}")
    page = signed_in.get(f"/appointments/{fake.id}").get_data(as_text=True)
    assert page_meeting(page) is None  # no widget: no Client link, no Copy link, no invitation
    assert f'href="{link}"' not in page
