"""Who is in the meeting (issue 21, item 3) and the record of attendance (item 4), through the webhook.

Every test delivers Zoom's signed events and asserts what staff see: the poll's and the page's
sentences, and the notes byte for byte.
"""

from __future__ import annotations

import random
import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import responses
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from simplespa_zoom.meetings import attendance, notes
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .helpers import (
    API,
    JOIN_URL,
    MEETING_ID,
    OAUTH,
    ZOOM_USER_ID,
    add_appointment,
    connect_zoom,
    get_appointment,
    line_for,
    login,
    post,
    race,
    sql,
    with_app_meeting,
)
from .test_webhooks import deliver

BEFORE, AFTER = "Bring a towel.\r\n", "\r\nPaid in advance."
PERSONAL_URL = f"https://us05web.zoom.us/w/{MEETING_ID}?tk=TOKEN123&pwd=Ab12Cd34Ef56"
# An hour ago to the minute: within the day presence is kept, and its clock reads the same every run.
BASE = (datetime.now(UTC) - timedelta(hours=1)).replace(second=0, microsecond=0)
GUEST = {"user_id": "16778241", "user_name": "Ana Souza", "id": "", "email": "ana@example.com"}
HOST = {"user_id": "16778240", "user_name": "Sam Host", "id": ZOOM_USER_ID, "email": "host@spa.example"}


def at(minutes: float) -> int:
    return int((BASE + timedelta(minutes=minutes)).timestamp() * 1000)


def clock(app: Flask, minutes: float) -> str:
    """'6:03 pm', spelled out here rather than by the code under test."""
    local = (BASE + timedelta(minutes=minutes)).astimezone(app.config["SPA_TZ"])
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"


def event(name: str, minutes: float, person: dict[str, Any] | None = None, session: str = "s1==") -> dict[str, Any]:
    obj: dict[str, Any] = {"uuid": session, "id": MEETING_ID, "host_id": ZOOM_USER_ID, "topic": "t", "type": 2}
    if person is not None:
        obj["participant"] = person
    return {"event": name, "event_ts": at(minutes), "payload": {"account_id": "acc", "object": obj}}


STARTED = "meeting.started"
ENDED = "meeting.ended"
WAITS = "meeting.participant_joined_waiting_room"
ADMITTED = "meeting.participant_left_waiting_room"
JOINS = "meeting.participant_joined"
LEAVES = "meeting.participant_left"


def session(*steps: tuple[str, float], person: dict[str, Any] = GUEST, name: str = "s1==") -> list[dict[str, Any]]:
    return [event(kind, minutes, None if kind in (STARTED, ENDED) else person, name) for kind, minutes in steps]


@pytest.fixture
def booked(app: Flask):
    appointment = add_appointment(app, notes=BEFORE.rstrip("\r\n"))
    appointment = with_app_meeting(app, appointment)
    # The staff's own text after the Zoom line, on its own line (and CRLF line breaks throughout).
    with app.app_context():
        line = line_for(app, appointment)
        text = BEFORE + line + AFTER
        sql(app, "UPDATE appointments SET notes = :n, zoom_line_digest = :d WHERE id = :i",
            n=text, d=notes.fingerprint(line), i=appointment.id)  # fmt: skip
    return get_appointment(app, appointment.id)


def poll(client, appointment_id: int) -> dict[str, Any]:
    answer = client.get(f"/appointments/{appointment_id}/presence")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    return answer.get_json()


def poll_url(page: str) -> str:
    """Where a page's script asks who is in the meeting."""
    found = re.search(r'data-presence-url="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def expected_notes(app: Flask, appointment, attendance_text: str) -> str:
    return BEFORE + line_for(app, appointment) + "\r\n" + attendance_text + AFTER


def test_a_client_in_the_waiting_room_shows_on_the_page_the_poll_and_the_day_list(app, client, booked) -> None:
    login(client)
    assert poll(client, booked.id)["presence"] == "Zoom has reported no one in the meeting yet."
    assert poll(client, booked.id)["attendance"] is None
    assert deliver(client, event(WAITS, 2, GUEST)).status_code == 204
    waiting = f"Someone is waiting since {clock(app, 2)}."
    assert poll(client, booked.id)["presence"] == waiting
    # The pages ask the poll where it is as they open (presence.js), and put its answer in the row's place.
    page = client.get(f"/appointments/{booked.id}").get_data(as_text=True)
    assert client.get(poll_url(page)).get_json()["presence"] == waiting
    day = booked.local_start(app.config["SPA_TZ"]).date().isoformat()
    day_page = client.get(f"/appointments?day={day}").get_data(as_text=True)
    assert f'data-presence-for="{booked.id}"' in day_page
    assert client.get(f"{poll_url(day_page)}?ids={booked.id},x,99").get_json()["presence"] == {str(booked.id): waiting}
    for kind, minutes in ((STARTED, 3), (ADMITTED, 3), (JOINS, 3)):
        deliver(client, event(kind, minutes, None if kind == STARTED else GUEST))
    assert poll(client, booked.id)["presence"] == f"Someone is in the meeting since {clock(app, 3)}."


def since(minutes: float) -> str:
    return (BASE + timedelta(minutes=minutes)).isoformat(timespec="milliseconds")


def test_the_poll_tells_the_arrival_alert_who_waits_since_when_named_as_the_topic_names_them(
    app, client, booked
) -> None:
    """Issue 29 item 10: the alert rides on the poll (any server's events, one shared database). An arrival is the
    appointment and the time its wait began; with MEETING_TOPIC=initials the client is named by initials only."""
    login(client)
    day = f"/appointments/presence?ids={booked.id}"
    assert poll(client, booked.id)["waiting"] == {} and client.get(day).get_json()["waiting"] == {}
    deliver(client, event(WAITS, 2, GUEST))
    arrived = {str(booked.id): {"since": since(2), "client": "Ana Souza", "someone": True}}
    assert poll(client, booked.id)["waiting"] == arrived and client.get(day).get_json()["waiting"] == arrived
    app.config["MEETING_TOPIC"] = "initials"
    assert poll(client, booked.id)["waiting"] == {
        str(booked.id): {"since": since(2), "client": "A. S.", "someone": True}
    }
    for kind, minutes in ((STARTED, 3), (ADMITTED, 3), (JOINS, 3)):
        deliver(client, event(kind, minutes, None if kind == STARTED else GUEST))
    assert poll(client, booked.id)["waiting"] == {} and client.get(day).get_json()["waiting"] == {}
    deliver(client, event(WAITS, 5, GUEST))  # put back in the waiting room: a new arrival
    assert client.get(day).get_json()["waiting"] == {
        str(booked.id): {"since": since(5), "client": "A. S.", "someone": True}
    }


def test_presence_is_told_only_while_the_line_is_the_apps_own(app, client, booked) -> None:
    """The marks outlive a removed or hand-edited line for a day; the page and the day list say nothing of them then."""
    login(client)
    deliver(client, event(WAITS, 2, GUEST))
    assert poll(client, booked.id)["presence"] == f"Someone is waiting since {clock(app, 2)}."
    sql(app, "UPDATE appointments SET zoom_line_digest = NULL WHERE id = :i", i=booked.id)  # edited by hand
    assert poll(client, booked.id)["presence"] is None
    assert client.get(f"/appointments/presence?ids={booked.id}").get_json()["presence"] == {}  # nor on the day's list


def zoom_time(minutes: float) -> str:
    return (BASE + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("person", "meeting", "said_at"),
    [
        ({"join_time": zoom_time(4), "leave_time": zoom_time(9)}, {"start_time": zoom_time(1)}, 4),
        ({"leave_time": zoom_time(9), "date_time": zoom_time(7)}, {"start_time": zoom_time(1)}, 9),
        ({"date_time": zoom_time(7)}, {"start_time": zoom_time(1)}, 7),
        ({"join_time": "not a time"}, {"start_time": zoom_time(1)}, 1),
    ],
)
def test_an_event_without_event_ts_is_placed_by_the_times_in_its_payload(
    app, client, booked, person: dict[str, str], meeting: dict[str, str], said_at: int
) -> None:
    """Zoom stamps every event; one that came without it is dated by its participant's times, then the meeting's."""
    login(client)
    waits = event(WAITS, 0, {**GUEST, **person})
    del waits["event_ts"]
    waits["payload"]["object"].update(meeting)
    assert deliver(client, waits).status_code == 204
    assert poll(client, booked.id)["presence"] == f"Someone is waiting since {clock(app, said_at)}."


@pytest.mark.parametrize(
    ("kind", "meeting", "said"),
    [
        (STARTED, {"start_time": zoom_time(1)}, "Meeting started at {1}; the client has not joined yet."),
        (ENDED, {"start_time": zoom_time(1), "end_time": zoom_time(30)}, "Meeting ended at {30}."),
    ],
)
def test_a_meeting_event_without_event_ts_is_placed_by_the_meetings_times(
    app, client, booked, kind: str, meeting: dict[str, str], said: str
) -> None:
    """With no participant, the meeting's own times date it: its end before its start."""
    login(client)
    sent = event(kind, 0)
    del sent["event_ts"]
    sent["payload"]["object"].update(meeting)
    assert deliver(client, sent).status_code == 204
    assert poll(client, booked.id)["presence"] == said.format(*[clock(app, m) for m in range(31)])


def test_the_host_is_told_from_the_client_by_the_host_id(app, client, booked) -> None:
    login(client)
    deliver(client, event(JOINS, 1, HOST))  # the host in: the meeting started, and no client counted
    assert poll(client, booked.id)["presence"] == f"Meeting started at {clock(app, 1)}; the client has not joined yet."
    deliver(client, event(STARTED, 1))
    assert poll(client, booked.id)["presence"] == f"Meeting started at {clock(app, 1)}; the client has not joined yet."


CASES = {
    "joins and leaves": (
        [(STARTED, 0), (WAITS, 1), (ADMITTED, 3), (JOINS, 3), (LEAVES, 44), (ENDED, 45)],
        "Zoom attendance: someone joined {3}, left {44} (41 min)",
    ),
    "leaves and rejoins": (
        [(STARTED, 0), (JOINS, 3), (LEAVES, 20), (JOINS, 25), (LEAVES, 44), (ENDED, 45)],
        "Zoom attendance: someone joined {3}, left {44} (36 min in all, joined 2 times)",
    ),
    "still in at the end": (
        [(STARTED, 0), (JOINS, 5), (ENDED, 45), (LEAVES, 45)],
        "Zoom attendance: someone joined {5}, left {45} (40 min)",
    ),
    "never joins": ([(STARTED, 0), (ENDED, 30)], "Zoom attendance: client did not join"),
    "only waits": ([(WAITS, 1), (STARTED, 2), (ENDED, 30)], "Zoom attendance: client waited but was not admitted"),
}


@pytest.mark.parametrize("order", ["in order", "reversed", "shuffled and replayed"])
@pytest.mark.parametrize("case", list(CASES))
def test_one_attendance_line_under_the_zoom_line_whatever_the_order(app, client, booked, case, order) -> None:
    steps, template = CASES[case]
    events = session(*steps)
    if order == "reversed":
        events.reverse()
    elif order == "shuffled and replayed":
        events = events + events[::2]
        random.Random(21).shuffle(events)
    for one in events:
        assert deliver(client, one).status_code == 204
    text = template.format(*[clock(app, m) if i in (3, 5, 44, 45) else "" for i, m in enumerate(range(46))])
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)
    login(client)
    assert poll(client, booked.id)["attendance"] == text
    assert text in client.get(f"/appointments/{booked.id}").get_data(as_text=True)


def test_a_second_instance_soon_after_adds_to_the_line(app, client, booked) -> None:
    """Off the appointment's hours, instances of the meeting that follow one another closely are one session too
    (issue 29 item 2): the second adds to the line, a late retry of the first's event changes nothing."""
    for one in session((STARTED, 0), (JOINS, 3), (LEAVES, 10), (ENDED, 11)):
        deliver(client, one)
    later = session((STARTED, 20), (JOINS, 21), (LEAVES, 44), (ENDED, 45), name="s2==")
    for one in later + session((LEAVES, 12)):  # and a late retry of the first session's event
        deliver(client, one)
    text = f"Zoom attendance: someone joined {clock(app, 3)}, left {clock(app, 44)} (30 min in all, joined 2 times)"
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)


def test_a_line_staff_typed_is_never_written_over(app, client, booked) -> None:
    typed = "Zoom attendance: client joined 1:00 pm, left 2:00 pm (60 min)"
    line = line_for(app, booked)
    sql(app, "UPDATE appointments SET notes = :n WHERE id = :i", n=BEFORE + line + "\r\n" + typed + AFTER, i=booked.id)
    for one in session((STARTED, 0), (ENDED, 30)):
        deliver(client, one)
    assert get_appointment(app, booked.id).notes == (
        BEFORE + line + "\r\nZoom attendance: client did not join\r\n" + typed + AFTER
    )


def test_the_attendance_line_stays_when_the_meeting_is_deleted_in_zoom(app, client, booked) -> None:
    for one in session((STARTED, 0), (ENDED, 30)):
        deliver(client, one)
    deliver(client, {"event": "meeting.deleted", "event_ts": at(40), "payload": {"object": {"id": MEETING_ID}}})
    assert get_appointment(app, booked.id).notes == BEFORE + "Zoom attendance: client did not join" + AFTER


def test_with_a_personal_link_only_the_registrant_counts_as_the_client(app, client) -> None:
    appointment = with_app_meeting(app, add_appointment(app, email="ana@example.com"), join_url=PERSONAL_URL)
    registrant = {**GUEST, "registrant_id": "r-1"}
    steps = [(STARTED, 0), (JOINS, 2)]
    for one in session(*steps, person=GUEST) + session((JOINS, 4), person=registrant):
        deliver(client, one)
    login(client)
    assert poll(client, appointment.id)["presence"] == f"Client is in the meeting since {clock(app, 4)}."


def test_with_a_personal_link_the_meetings_own_end_still_writes_the_record(app, client) -> None:
    """Started and ended are about no participant: they count for the appointment whatever its link."""
    appointment = with_app_meeting(app, add_appointment(app, email="ana@example.com"), join_url=PERSONAL_URL)
    for one in session((STARTED, 0), (ENDED, 30)):
        deliver(client, one)
    assert get_appointment(app, appointment.id).notes == appointment.notes + "\nZoom attendance: client did not join"


def test_the_host_is_also_known_by_zooms_participant_user_id(app, client, booked) -> None:
    """Zoom may name the host's user in "participant_user_id" with "id" empty: still the host, not the client."""
    assert deliver(client, event(JOINS, 2, {**HOST, "id": "", "participant_user_id": ZOOM_USER_ID})).status_code == 204
    login(client)
    assert poll(client, booked.id)["presence"] == f"Meeting started at {clock(app, 2)}; the client has not joined yet."


def test_presence_keeps_no_participant_name_email_or_zoom_id(app, client, booked) -> None:
    for one in session((WAITS, 1), (JOINS, 2), (LEAVES, 3), person={**GUEST, "registrant_id": "reg-secret"}):
        deliver(client, one)
    kept = repr(sql(app, "SELECT * FROM presence_marks")) + repr(sql(app, "SELECT * FROM attendance_written"))
    for secret in ("Ana", "ana@example.com", "16778241", "reg-secret", "s1=="):
        assert secret not in kept


def test_the_poll_needs_a_signed_in_staff_member(client, booked) -> None:
    assert client.get(f"/appointments/{booked.id}/presence").status_code in (302, 401)


LINE = f"Zoom: [Appointment with A] Friday, December 4 2026 6:00 pm \u2014 {JOIN_URL}"
TEXT = st.text(alphabet=st.sampled_from("ab \t\r\n\u2014Z:[]"), max_size=30)


@settings(max_examples=300, deadline=None)
@given(before=TEXT, glued=st.sampled_from(["", " (paid)", "."]), after=TEXT, crlf=st.booleans())
def test_placing_the_line_changes_no_other_byte(before: str, glued: str, after: str, crlf: bool) -> None:
    ending = "\r\n" if crlf else "\n"
    before = before if before == "" or before.endswith("\n") else before + ending
    original = before + LINE + glued + (ending + after if after else "")
    meeting_line = notes.find_line(ZOOM_LINE_FORMAT, original, MEETING_ID)
    assert meeting_line is not None
    text = "Zoom attendance: client did not join"
    placed = attendance.place(original, text, meeting_line, None)
    mine = [line for line in attendance.find_lines(ZOOM_LINE_FORMAT, placed) if placed[line.start : line.end] == text]
    assert mine, placed
    start = placed.index(text, meeting_line.end)
    end = start + len(text)
    # Without the line and the one line break it brought, the notes are what they were.
    if placed.startswith("\r\n", end) or placed.startswith("\n", end):
        removed = placed[:start] + placed[end + (2 if placed.startswith("\r\n", end) else 1) :]
    else:
        removed = placed[: start - (2 if placed[:start].endswith("\r\n") else 1)]
    assert removed == original
    assert placed[start - 1] == "\n"  # on a line of its own, under the Zoom line
    again = attendance.place(
        placed, "Zoom attendance: client joined 6:03 pm, left 6:44 pm (41 min)", meeting_line, mine[-1]
    )
    assert again.replace("client joined 6:03 pm, left 6:44 pm (41 min)", "client did not join") == placed


NOT_JOINED = "Zoom attendance: client did not join"


def held_and_ended(client) -> None:
    for one in session((STARTED, 0), (ENDED, 30)):
        deliver(client, one)


def test_the_attendance_line_stays_when_a_status_check_finds_the_meeting_gone(app, client, booked, zoom) -> None:
    held_and_ended(client)
    login(client)
    connect_zoom(client)
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=404, json={"code": 3001, "message": "Meeting does not exist."})
    assert post(client, f"/appointments/{booked.id}/meeting/status").get_json()["state"] == "gone"
    assert get_appointment(app, booked.id).notes == BEFORE + NOT_JOINED + AFTER


def test_the_attendance_line_stays_when_staff_remove_the_meeting(app, client, booked, zoom) -> None:
    held_and_ended(client)
    login(client)
    connect_zoom(client)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)
    assert post(client, f"/appointments/{booked.id}/meeting/remove").status_code == 200
    assert get_appointment(app, booked.id).notes == BEFORE + NOT_JOINED + AFTER


def test_the_end_and_a_late_leave_racing_on_two_servers_write_one_right_line(app, booked) -> None:
    for one in session((STARTED, 0), (JOINS, 3)):
        deliver(app.test_client(), one)
    racing = iter(session((LEAVES, 44), (ENDED, 45)))
    lock = threading.Lock()

    def deliver_one() -> bool:
        with lock:
            one = next(racing)
        return deliver(app.test_client(), one).status_code == 204

    assert race(2, deliver_one) == [True, True]
    text = f"Zoom attendance: someone joined {clock(app, 3)}, left {clock(app, 44)} (41 min)"
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)


def deauthorized(user_id: str) -> dict[str, Any]:
    payload = {"account_id": "acc", "user_id": user_id, "signature": "s", "client_id": "client-id"}
    return {"event": "app_deauthorized", "event_ts": at(0), "payload": {**payload, "deauthorization_time": "x"}}


def test_after_the_host_removes_the_app_their_meetings_say_presence_is_off_until_they_connect_again(
    app, client, booked
) -> None:
    """Zoom sends no events of a host's meetings once they removed the app (or disconnected it): their pages say
    so rather than showing nothing, a colleague's meetings are untouched, and connecting again turns it back."""
    from .test_connect import start_connect, token_answer

    colleague_link = JOIN_URL.replace(str(MEETING_ID), str(MEETING_ID + 1))
    colleague = with_app_meeting(
        app, add_appointment(app, "Bea"), meeting_id=MEETING_ID + 1, join_url=colleague_link, host="a-colleague"
    )
    login(client)
    assert deliver(client, deauthorized(ZOOM_USER_ID)).status_code == 204
    off = poll(client, booked.id)["presence"]
    assert off.startswith("Presence is off:") and "no longer tells who joins" in off
    nobody = poll(client, colleague.id)["presence"]  # a colleague's meeting still follows Zoom
    assert nobody == "Zoom has reported no one in the meeting yet."
    day = client.get(f"/appointments/presence?ids={booked.id},{colleague.id}").get_json()
    assert day["presence"] == {str(booked.id): off}
    assert deliver(client, deauthorized(ZOOM_USER_ID)).status_code == 204  # told twice: the same
    assert poll(client, booked.id)["presence"] == off

    state = start_connect(client)["state"][0]
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/token", json=token_answer())
        zoom.get(f"{API}/users/me", json={"id": ZOOM_USER_ID, "type": 1, "email": "host@spa.example"})
        client.get(f"/zoom/callback?code=abc&state={state}")
    assert poll(client, booked.id)["presence"] == nobody
    deliver(client, event(WAITS, 2, GUEST))
    assert poll(client, booked.id)["presence"] == f"Someone is waiting since {clock(app, 2)}."


def test_a_meeting_that_ended_before_its_host_removed_the_app_still_says_it_ended(app, client, booked) -> None:
    login(client)
    for step in session((STARTED, 1), (JOINS, 2), (LEAVES, 30), (ENDED, 31)):
        deliver(client, step)
    deliver(client, deauthorized(ZOOM_USER_ID))
    assert poll(client, booked.id)["presence"] == f"Meeting ended at {clock(app, 31)}."


def test_the_day_lists_poll_needs_sign_in(app, client, booked) -> None:
    deliver(client, event(WAITS, 2, GUEST))
    answer = client.get(f"/appointments/presence?ids={booked.id}", headers={"Accept": "application/json"})
    assert answer.status_code == 401 and str(booked.id) not in answer.get_data(as_text=True)


def test_the_day_lists_poll_reads_a_bounded_number_of_ids(app, client, booked) -> None:
    """A day has far fewer rows than the bound: a longer list is cut, so one request cannot make it read the book."""
    from simplespa_zoom.web.presence import POLL_IDS_MAX

    login(client)
    deliver(client, event(WAITS, 2, GUEST))
    filler = [str(booked.id + 1000 + number) for number in range(POLL_IDS_MAX)]
    assert client.get(f"/appointments/presence?ids={','.join([*filler, str(booked.id)])}").get_json()["presence"] == {}
    within = client.get(f"/appointments/presence?ids={','.join([*filler[1:], str(booked.id)])}").get_json()
    assert within["presence"] == {str(booked.id): f"Someone is waiting since {clock(app, 2)}."}
