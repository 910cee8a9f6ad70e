"""One appointment's meeting session as Zoom really runs it (issue 29 items 2, 3, 6 and 7), through the webhook and
the `simplespa-zoom tick` command: every test delivers Zoom's signed events and asserts what staff see (the poll's
sentence, the notes byte for byte).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from simplespa_zoom.cli import main
from simplespa_zoom.meetings import notes

from .helpers import (
    API,
    JOIN_URL,
    MEETING_ID,
    add_appointment,
    connect_zoom,
    get_appointment,
    line_for,
    login,
    post,
    race,
    spelled_out,
    sql,
    with_app_meeting,
)
from .test_presence import (
    AFTER,
    BASE,
    BEFORE,
    ENDED,
    GUEST,
    HOST,
    JOINS,
    LEAVES,
    STARTED,
    WAITS,
    clock,
    event,
    expected_notes,
    poll,
    session,
)
from .test_webhooks import deliver

PACE_AND_VERSION = {"version": None, "next_poll_seconds": None}  # told apart by test_open_pages, test_poll_cost


def booked_at(app: Flask, minutes: int, duration: int = 60):
    """An appointment starting `minutes` after BASE with the app's meeting, its line amid the staff's text."""
    appointment = with_app_meeting(
        app,
        add_appointment(app, notes=BEFORE.rstrip("\r\n"), start=BASE + timedelta(minutes=minutes), duration=duration),
    )
    with app.app_context():
        line = line_for(app, appointment)
        sql(app, "UPDATE appointments SET notes = :n, zoom_line_digest = :d WHERE id = :i",
            n=BEFORE + line + AFTER, d=notes.fingerprint(line), i=appointment.id)  # fmt: skip
    return get_appointment(app, appointment.id)


def said(app: Flask, minutes: float) -> str:
    """A time as the poll says it: its clock today, with its date on another day (spelled out here)."""
    tz = app.config["SPA_TZ"]
    local = (BASE + timedelta(minutes=minutes)).astimezone(tz)
    return clock(app, minutes) if local.date() == datetime.now(UTC).astimezone(tz).date() else spelled_out(local)


def tick(app: Flask) -> str:
    result = app.test_cli_runner().invoke(main, args=["tick"])
    assert result.exit_code == 0, result.output
    return result.output


@contextmanager
def later(app: Flask, hours: float) -> Iterator[None]:
    """The presence service's clock moved on by `hours` (the tick and the reads as they will be then)."""
    presence = app.extensions["presence"]
    moved = datetime.now(UTC) + timedelta(hours=hours)
    app.extensions["presence"] = dataclasses.replace(presence, now=lambda: moved)
    try:
        yield
    finally:
        app.extensions["presence"] = presence


def deliver_all(client, events: list[dict[str, Any]]) -> None:
    for one in events:
        assert deliver(client, one).status_code == 204


def test_zooms_40_minute_limit_and_the_rejoin_are_one_session(app, client) -> None:
    """A free account's meeting ends at 40 minutes; the same link starts a new instance (new uuid). The page says
    what happened and that the client can rejoin; the line counts both parts (issue 29 item 2)."""
    booked = booked_at(app, 0)
    login(client)
    first = session((STARTED, 0), (JOINS, 0), person=HOST) + session((JOINS, 1), (LEAVES, 40))
    deliver_all(client, first)
    deliver_all(client, session((LEAVES, 40), (ENDED, 40), person=HOST))
    assert poll(client, booked.id)["presence"] == (
        f"Zoom ended the meeting at {said(app, 40)}, at its 40-minute limit for free accounts; "
        "the client can rejoin with the same link."
    )
    text = f"Zoom attendance: someone joined {clock(app, 1)}, left {clock(app, 40)} (39 min)"
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)

    deliver_all(client, session((STARTED, 42), (JOINS, 42), person=HOST, name="s2=="))
    deliver_all(client, session((JOINS, 43), name="s2=="))
    assert poll(client, booked.id)["presence"] == f"Someone is in the meeting with the host since {said(app, 43)}."
    deliver_all(client, session((LEAVES, 60), (ENDED, 61), name="s2=="))
    assert poll(client, booked.id)["presence"] == f"Meeting ended at {said(app, 61)}."
    text = f"Zoom attendance: someone joined {clock(app, 1)}, left {clock(app, 60)} (56 min in all, joined 2 times)"
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)


def test_a_later_session_outside_the_appointments_window_never_erases_the_record(app, client) -> None:
    """The host started the same meeting again hours later and the client did not return (issue 29 item 3)."""
    booked = booked_at(app, -240)  # 5 hours ago, for an hour
    deliver_all(client, session((STARTED, -240), (JOINS, -237), (LEAVES, -220), (JOINS, -215), (LEAVES, -196),
                                (ENDED, -195)))  # fmt: skip
    text = (
        f"Zoom attendance: someone joined {clock(app, -237)}, left {clock(app, -196)} (36 min in all, joined 2 times)"
    )
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)
    deliver_all(client, session((STARTED, 0), (JOINS, 0), (LEAVES, 20), (ENDED, 20), person=HOST, name="s2=="))
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)
    login(client)
    assert poll(client, booked.id) | PACE_AND_VERSION == {
        "presence": f"Meeting ended at {said(app, -195)}.", "attendance": text, "waiting": {}, **PACE_AND_VERSION,
    }  # fmt: skip


def test_the_latest_session_is_the_latest_in_time_whatever_order_its_events_came_in(app, client) -> None:
    """Off the appointment's hours the page tells of the latest run of instances: the one latest in time, not the
    one whose events came in last (Zoom retries an earlier instance's late) nor the one the database reads last
    (SQLite reads them in its key's order, of digests of Zoom's uuids: these three read latest first)."""
    booked = booked_at(app, 240)  # in four hours: none of the instances below is in its window
    deliver_all(client, session((STARTED, -60), (JOINS, -59), (LEAVES, -41), (ENDED, -40), name="s5=="))
    deliver_all(client, session((STARTED, -200), (JOINS, -199), (LEAVES, -181), (ENDED, -180), name="s4=="))
    deliver_all(client, session((STARTED, -120), (JOINS, -119), (LEAVES, -101), (ENDED, -100), name="s3=="))
    login(client)
    ended = f"Meeting ended at {said(app, -40)}."
    assert poll(client, booked.id)["presence"] == ended
    day = client.get(f"/appointments/presence?ids={booked.id}").get_json()
    assert day["presence"] == {str(booked.id): ended}  # the day list says the same


def test_the_tick_closes_a_session_whose_end_never_came_and_a_late_end_corrects_it(app, client) -> None:
    """Zoom dropped meeting.ended (and the client's leave) after its retries: an hour after the appointment's end
    the tick closes the session from the marks received and writes the line; Zoom's late retry corrects it."""
    booked = booked_at(app, -240)
    deliver_all(client, session((STARTED, -240), (JOINS, -237)))
    login(client)
    assert poll(client, booked.id)["presence"] == f"Someone is in the meeting since {said(app, -237)}."
    output = tick(app)
    assert "Meeting sessions closed without Zoom's end 1," in output
    assert poll(client, booked.id)["presence"] == (
        f"Zoom never said when the meeting ended; the record of it stops at {said(app, -180)}."
    )
    text = f"Zoom attendance: someone joined {clock(app, -237)}, left {clock(app, -180)} (57 min)"
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)
    assert "Meeting sessions closed without Zoom's end 0," in tick(app)  # once
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)

    deliver_all(client, session((LEAVES, -200), (ENDED, -199)))  # Zoom's last retry, an hour late
    assert poll(client, booked.id)["presence"] == f"Meeting ended at {said(app, -199)}."
    text = f"Zoom attendance: someone joined {clock(app, -237)}, left {clock(app, -200)} (37 min)"
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)


def test_the_tick_leaves_a_session_alone_within_the_grace(app, client) -> None:
    booked = booked_at(app, -30)  # ends in half an hour: Zoom may still be retrying meeting.ended an hour after
    deliver_all(client, session((STARTED, -30), (JOINS, -27)))
    assert "Meeting sessions closed without Zoom's end 0," in tick(app)
    assert get_appointment(app, booked.id).notes == BEFORE + line_for(app, booked) + AFTER


def test_ticks_on_many_servers_at_once_close_a_session_once(app, client) -> None:
    booked = booked_at(app, -240)
    deliver_all(client, session((STARTED, -240), (JOINS, -237), (LEAVES, -190)))
    presence = app.extensions["presence"]
    assert race(4, lambda: presence.tick().closed == 1) == [False, False, False, True]
    text = (
        f"Zoom attendance: someone joined {clock(app, -237)}, left {clock(app, -190)} (47 min); "
        "left early: 10 min before the end"
    )  # the tick's close writes the line with its outcome, like Zoom's end
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)
    assert len(sql(app, "SELECT * FROM presence_marks WHERE kind = 'closed'")) == 1


def test_send_mail_is_the_ticks_first_name(app, client) -> None:
    booked = booked_at(app, -240)
    deliver_all(client, session((STARTED, -240), (JOINS, -237), (LEAVES, -190)))
    result = app.test_cli_runner().invoke(main, args=["send-mail"])
    assert result.exit_code == 0 and "Meeting sessions closed without Zoom's end 1," in result.output
    assert "someone joined" in get_appointment(app, booked.id).notes


def test_a_client_on_two_devices_in_the_same_millisecond_stays_two(app, client) -> None:
    """Two joins of one kind in one millisecond (the client's phone and laptop): the first leave is not the end of
    their time in the meeting (issue 29 item 6)."""
    booked = booked_at(app, 0)
    phone = {**GUEST, "user_id": "16778242", "participant_uuid": "phone-uuid"}
    laptop = {**GUEST, "user_id": "16778243", "participant_uuid": "laptop-uuid"}
    deliver_all(client, session((STARTED, 0)) + session((JOINS, 3), person=phone) + session((JOINS, 3), person=laptop))
    deliver_all(client, session((LEAVES, 10), person=phone) + session((LEAVES, 30), person=laptop))
    deliver_all(client, session((ENDED, 31)))
    text = f"Zoom attendance: someone joined {clock(app, 3)}, left {clock(app, 30)} (27 min)"
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)
    kept = repr(sql(app, "SELECT * FROM presence_marks"))
    assert "phone-uuid" not in kept and "16778242" not in kept  # a digest, no Zoom id


def test_a_new_meeting_starts_clean_and_the_old_attendance_line_stays_the_staffs(app, client, zoom) -> None:
    """After Remove meeting and Add Meeting, the new meeting shows no old session, the old line is not its
    attendance, and the new meeting's line goes under the new Zoom line (issue 29 item 7)."""
    booked = with_app_meeting(app, add_appointment(app, notes="Bring a towel."))
    deliver_all(client, session((STARTED, 0), (WAITS, 1), (ENDED, 30)))
    old_line = "Zoom attendance: client waited but was not admitted"
    login(client)
    assert poll(client, booked.id) | PACE_AND_VERSION == {
        "presence": f"Meeting ended at {said(app, 30)}.", "attendance": old_line, "waiting": {}, **PACE_AND_VERSION
    }  # fmt: skip
    connect_zoom(client)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)
    assert post(client, f"/appointments/{booked.id}/meeting/remove").status_code == 200
    new_url = JOIN_URL.replace(str(MEETING_ID), str(MEETING_ID + 7))
    renewed = with_app_meeting(app, get_appointment(app, booked.id), meeting_id=MEETING_ID + 7, join_url=new_url)
    assert renewed.notes == "Bring a towel.\n" + old_line + "\n" + line_for(app, booked, new_url)
    assert poll(client, booked.id) | PACE_AND_VERSION == {
        "presence": "Zoom has reported no one in the meeting yet.", "attendance": None, "waiting": {},
        **PACE_AND_VERSION,
    }  # fmt: skip
    new_meeting = [dict(one) for one in session((STARTED, 40), (JOINS, 41), (LEAVES, 50), (ENDED, 51), name="s9==")]
    for one in new_meeting:
        one["payload"]["object"]["id"] = MEETING_ID + 7
    deliver_all(client, new_meeting)
    text = f"Zoom attendance: someone joined {clock(app, 41)}, left {clock(app, 50)} (9 min)"
    assert get_appointment(app, booked.id).notes == renewed.notes + "\n" + text


def test_presence_older_than_a_day_is_never_shown_and_the_tick_forgets_it(app, client) -> None:
    booked = with_app_meeting(app, add_appointment(app))  # in two days: "nobody yet" is said until then
    deliver_all(client, [event(WAITS, -60 * 24, GUEST)])  # 25 hours ago (a retry that came very late)
    login(client)
    assert poll(client, booked.id)["presence"] == "Zoom has reported no one in the meeting yet."
    deliver_all(client, [event(WAITS, 2, GUEST)])
    assert poll(client, booked.id)["presence"] == f"Someone is waiting since {said(app, 2)}."
    with later(app, hours=24):
        assert poll(client, booked.id)["presence"] == "Zoom has reported no one in the meeting yet."
        assert "presence marks older than a day forgotten 1." in tick(
            app
        )  # the older one went as the second event came
    assert sql(app, "SELECT * FROM presence_marks") == []
