"""Issue 28 items 1-2: what the client is told is always true.

A meeting deleted in Zoom is not a cancelled appointment, and Remove meeting is not Cancel appointment: the
client never reads METHOD:CANCEL or "cancelled" while the appointment is booked. Every letter says what changed,
and after every action staff read what the client was sent or will be sent. Against a real SMTP server; the
calendar files are read with icalendar.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient

from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.when import format_clock
from zoom_standin.mailbox import Mailbox, Received

from .helpers import (
    API,
    CLIENT_EMAIL,
    JOIN_URL,
    MEETING_ID,
    add_appointment,
    connect_zoom,
    day_page,
    delivered,
    flashes,
    form_post,
    form_values,
    get_appointment,
    local,
    mail_config,
    post,
    sql,
    staffed_app,
    the_event,
    zoom_meeting,
)
from .test_webhooks import deliver

GONE = {"code": 3001, "message": f"Meeting does not exist: {MEETING_ID}."}
NEW_MEETING_ID = 85746065499
NEW_JOIN_URL = f"https://us05web.zoom.us/j/{NEW_MEETING_ID}?pwd=Fresh77"
NEW_PASSCODE_URL = f"https://us05web.zoom.us/j/{MEETING_ID}?pwd=NewPass99"
UID_OF = "appointment-{}@spa.example"


@pytest.fixture
def app(database: str, mail_server: Mailbox) -> Iterator[Flask]:
    app = staffed_app(database, **mail_config(mail_server))
    yield app
    delivered(app)


def add_meeting(app: Flask, client: FlaskClient, zoom: responses.RequestsMock) -> Appointment:
    """Ana Souza's appointment (with her email) gets a meeting by Add Meeting; her invitation is written."""
    appointment = add_appointment(app, email=CLIENT_EMAIL)
    connect_zoom(client)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    answer = post(client, f"/appointments/{appointment.id}/meeting")
    assert answer.status_code == 201
    return get_appointment(app, appointment.id)


def test_add_meeting_tells_staff_what_the_client_gets(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_appointment(app, email=CLIENT_EMAIL)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    answer = post(signed_in, f"/appointments/{appointment.id}/meeting").get_json()
    assert answer["told"] == "Ana Souza will get the invitation by email."
    mail_server.wait_for(1)


def method(received: Received) -> str:
    for part in received.message.walk():
        if part.get_content_type() == "text/calendar":
            return str(part.get_param("method"))
    raise AssertionError("no calendar part")


def never_a_cancellation(received: Received) -> None:
    """The invariant while the appointment is booked: no METHOD:CANCEL, no STATUS:CANCELLED, no "cancel" word."""
    assert method(received) == "REQUEST"
    assert str(the_event(received)["status"]) == "CONFIRMED"
    assert not re.search("cancel", received.raw.decode(), re.IGNORECASE), received.subject


def an_update_of(received: Received, appointment: Appointment, sequence: int) -> Any:
    """The letter updates the one calendar entry: same UID, the next SEQUENCE, METHOD:REQUEST."""
    event = the_event(received)
    assert str(event["uid"]) == UID_OF.format(appointment.id) and int(event["sequence"]) == sequence
    never_a_cancellation(received)
    return event


def deleted_in_zoom(client: FlaskClient) -> None:
    """Zoom's signed meeting.deleted event for the meeting, as when someone deletes it in Zoom."""
    event = {"event": "meeting.deleted", "event_ts": 1, "payload": {"object": {"id": MEETING_ID, "type": 2}}}
    assert deliver(client, event).status_code == 204


def page_of(client: FlaskClient, appointment: Appointment) -> str:
    return client.get(f"/appointments/{appointment.id}").get_data(True)


def deleted_notice(page: str) -> str:
    found = re.search(
        r'<div class="flash flash-warning deleted-in-zoom" role="alert" id="deleted-in-zoom"( hidden)?>'
        r"\s*<p data-deleted-text>(.*?)</p>",
        page,
        re.DOTALL,
    )
    assert found, "the page has no place for the notice"
    return "" if found.group(1) else found.group(2)


def test_remove_meeting_keeps_the_appointment_and_its_calendar_entry_and_says_so(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    page = page_of(signed_in, appointment)
    assert "will get an update saying the session is no longer online by email." in page  # the question says so
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)
    answer = post(signed_in, f"/appointments/{appointment.id}/meeting/remove").get_json()
    assert answer["told"] == "Ana Souza will get an update saying the session is no longer online by email."
    invitation, update = mail_server.wait_for(2)
    delivered(app)
    assert len(mail_server.messages) == 2
    event = an_update_of(update, appointment, 1)
    assert "location" not in event and "url" not in event and JOIN_URL not in update.raw.decode()
    assert event.decoded("dtstart") == appointment.starts_at
    assert "stays booked, but it is no longer a video call" in update.part("text/plain")
    assert update.subject.endswith("is no longer a video call")
    assert get_appointment(app, appointment.id).status == "booked"


def test_cancelling_after_remove_meeting_removes_the_calendar_entry(app: Flask, signed_in, zoom, mail_server) -> None:
    """Only the appointment's own cancel writes METHOD:CANCEL, even when its meeting went before."""
    appointment = add_meeting(app, signed_in, zoom)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)
    post(signed_in, f"/appointments/{appointment.id}/meeting/remove")
    mail_server.wait_for(2)
    page = form_post(signed_in, f"/appointments/{appointment.id}/cancel", follow_redirects=True).get_data(True)
    assert ("info", "Ana Souza will get a cancellation by email.") in flashes(page)
    *_, cancellation = mail_server.wait_for(3)
    event = the_event(cancellation)
    assert method(cancellation) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == UID_OF.format(appointment.id) and int(event["sequence"]) == 2


def test_a_meeting_deleted_in_zoom_writes_the_client_nothing_and_staff_are_told_on_the_page_and_the_day_list(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    deleted_in_zoom(signed_in)
    delivered(app)
    assert len(mail_server.messages) == 1 and sql(app, "SELECT count(*) FROM outbox") == [(1,)]
    stored = get_appointment(app, appointment.id)
    assert stored.status == "booked" and stored.meeting_line is None
    notice = deleted_notice(page_of(signed_in, appointment))
    assert notice.startswith("The Zoom meeting was deleted in Zoom on ")
    assert "Ana Souza was not told, and still holds its link from the spa&#39;s email" in notice
    day = signed_in.get(day_page(app, appointment)).get_data(True)
    assert re.search(r'role="note">Zoom meeting deleted in Zoom on [^<]+; the client still holds its link\.<', day)


def test_telling_the_client_it_is_no_longer_online_updates_the_calendar_entry_without_the_link(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    deleted_in_zoom(signed_in)
    page = page_of(signed_in, appointment)
    assert "Tell the client it is no longer online</button>" in page
    url = f"/appointments/{appointment.id}/no-longer-online"
    assert signed_in.post(url).status_code == 400  # a POST without the page's CSRF token does nothing
    page = form_post(signed_in, url, follow_redirects=True).get_data(True)
    assert ("info", "Ana Souza will get an update saying the session is no longer online by email.") in flashes(page)
    assert deleted_notice(page) == ""
    _, update = mail_server.wait_for(2)
    event = an_update_of(update, appointment, 1)
    assert "location" not in event and JOIN_URL not in update.raw.decode()
    form_post(signed_in, url)  # again, from an older tab: nothing more goes
    delivered(app)
    assert len(mail_server.messages) == 2


def test_a_check_that_finds_the_meeting_gone_writes_nothing_and_add_meeting_sends_the_new_link_as_an_update(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=404, json=GONE)
    checked = post(signed_in, f"/appointments/{appointment.id}/meeting/status").get_json()
    assert checked["state"] == "gone" and "deleted in Zoom" in checked["deleted_in_zoom"]["text"]
    delivered(app)
    assert len(mail_server.messages) == 1

    replacement = {**zoom_meeting(appointment), "id": NEW_MEETING_ID, "join_url": NEW_JOIN_URL}
    zoom.post(f"{API}/users/me/meetings", json=replacement, status=201)
    answer = post(signed_in, f"/appointments/{appointment.id}/meeting").get_json()
    assert answer["told"] == "Ana Souza will get an update with the new join link by email."
    assert answer["deleted_in_zoom"] is None
    _, update = mail_server.wait_for(2)
    event = an_update_of(update, appointment, 1)
    assert str(event["location"]) == NEW_JOIN_URL and update.subject.startswith("New join link:")
    assert "has a new join link: the link you had before no longer works" in update.part("text/plain")
    assert deleted_notice(page_of(signed_in, appointment)) == ""


def test_the_notice_stays_until_the_appointment_is_over(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    deleted_in_zoom(signed_in)
    assert deleted_notice(page_of(signed_in, appointment)) != ""
    over = datetime.now(UTC) - timedelta(hours=2)
    sql(app, "UPDATE appointments SET starts_at = :at WHERE id = :id", at=over.isoformat(), id=appointment.id)
    assert deleted_notice(page_of(signed_in, appointment)) == ""


def test_a_new_passcode_reads_as_a_new_join_link(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, join_url=NEW_PASSCODE_URL))
    assert post(signed_in, f"/appointments/{appointment.id}/meeting/status").get_json()["state"] == "updated"
    _, update = mail_server.wait_for(2)
    an_update_of(update, appointment, 1)
    assert update.subject.startswith("New join link:") and "is now" not in update.subject
    assert "has a new join link" in update.part("text/plain") and "is now" not in update.part("text/plain")


def test_a_booked_appointments_client_never_reads_a_cancellation_whatever_staff_and_zoom_do(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    """Add, new passcode, move, new length, remove, add again, deleted in Zoom, no longer online: every
    letter updates the one entry; only the cancel at the end removes it."""
    appointment = add_meeting(app, signed_in, zoom)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, join_url=NEW_PASSCODE_URL))
    post(signed_in, f"/appointments/{appointment.id}/meeting/status")
    moved = appointment.starts_at + timedelta(days=1)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, start=moved, join_url=NEW_PASSCODE_URL))
    stored = get_appointment(app, appointment.id)
    page = form_post(
        signed_in,
        f"/appointments/{appointment.id}/edit",
        form_values(stored, start=local(app, moved)),
        follow_redirects=True,
    ).get_data(True)
    assert ("info", "Ana Souza will get an update with the new time by email.") in flashes(page)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    zoom.get(
        f"{API}/meetings/{MEETING_ID}",
        json={**zoom_meeting(appointment, start=moved, join_url=NEW_PASSCODE_URL), "duration": 90},
    )
    stored = get_appointment(app, appointment.id)
    form_post(
        signed_in, f"/appointments/{appointment.id}/edit", form_values(stored, start=local(app, moved), duration="90")
    )
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)
    post(signed_in, f"/appointments/{appointment.id}/meeting/remove")
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment, start=moved), status=201)
    post(signed_in, f"/appointments/{appointment.id}/meeting")
    deleted_in_zoom(signed_in)
    form_post(signed_in, f"/appointments/{appointment.id}/no-longer-online")
    letters = mail_server.wait_for(7)
    delivered(app)
    assert len(mail_server.messages) == 7
    for sequence, received in enumerate(letters):
        an_update_of(received, appointment, sequence)
    subjects = [received.subject.split(":")[0] for received in letters]
    assert subjects[1:4] == ["New join link", "Changed", "Changed"]
    assert letters[3].subject.endswith(
        "now ends at " + format_clock((moved + timedelta(minutes=90)).astimezone(app.config["SPA_TZ"]))
    )

    form_post(signed_in, f"/appointments/{appointment.id}/cancel")
    *_, cancellation = mail_server.wait_for(8)
    assert method(cancellation) == "CANCEL" and int(the_event(cancellation)["sequence"]) == 7


def test_a_meeting_deleted_in_zoom_after_its_appointment_was_cancelled_still_sends_the_cancellation(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    """Cancelled while Zoom was not connected, the meeting and line stayed and the client was not told yet; the
    deletion in Zoom then ends it, and the cancellation, true by now, goes."""
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    with signed_in.session_transaction() as session:
        del session["zoom"]
    page = form_post(signed_in, f"/appointments/{appointment.id}/cancel", follow_redirects=True).get_data(True)
    assert ("info", "The spa emails nothing to Ana Souza yet: they hear of it once the Zoom meeting follows.") in (
        flashes(page)
    )
    deleted_in_zoom(signed_in)
    _, cancellation = mail_server.wait_for(2)
    assert method(cancellation) == "CANCEL" and int(the_event(cancellation)["sequence"]) == 1
    assert 'id="deleted-in-zoom"' not in page_of(signed_in, appointment)  # a cancelled appointment has no notice


def test_help_lists_each_email_the_client_gets_in_staff_words(client) -> None:
    page = client.get("/help").get_data(as_text=True)
    section = page[page.index('<h2 id="letters">') : page.index('<h2 id="changes">')]
    for kind in ("Invitation", "New time", "New end", "New join link", "No longer a video call", "Cancellation"):
        assert f"<strong>{kind}</strong>" in section, kind
    assert "never gets one" in section
    for operator_word in ("SMTP_URL", "outbox", "send-mail", "the book"):
        assert operator_word not in section


@pytest.mark.parametrize("status", ["booked", "cancelled"])
def test_the_core_writes_a_cancellation_only_for_a_cancelled_appointment(status: str) -> None:
    """Every letter the core can write for an appointment the client was invited to: a cancellation is among them
    only when the appointment itself is cancelled."""
    from dataclasses import replace

    from simplespa_zoom.meetings import notes
    from simplespa_zoom.meetings.domain import DeletedInProvider
    from simplespa_zoom.meetings.invitations import Letters
    from simplespa_zoom.meetings.ports import LetterKind
    from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

    from .test_meeting_service import LINE, START, TZ

    invited = Appointment(
        id=1,
        client_name="Ana Souza",
        client_email=CLIENT_EMAIL,
        starts_at=START,
        duration_minutes=60,
        status=status,
        notes=LINE,
        version=3,
        own_meeting_id=MEETING_ID,
        own_line_digest=notes.fingerprint(LINE),
        mail_sequence=1,
        line_format=ZOOM_LINE_FORMAT,
    )
    gone = replace(invited, deleted_in_provider=DeletedInProvider(START, JOIN_URL))
    letters = Letters(True, TZ)
    line = invited.own_meeting_line
    assert line is not None
    written = [
        letters.after_removal(invited, line),
        letters.after_removal(invited, None),
        letters.cancellation(invited),
        letters.not_online(gone),
        letters.invitation(gone, NEW_MEETING_ID, LINE.replace(str(MEETING_ID), str(NEW_MEETING_ID))),
        letters.after_edit(invited, line, LINE.replace("pwd=", "pwd=New")),
        letters.after_new_length(invited),
        letters.resend(invited),
    ]
    kinds = {letter.kind for letter in written if letter is not None}
    assert (LetterKind.CANCELLATION in kinds) is (status == "cancelled")
    if status == "booked":
        assert kinds == {LetterKind.NOT_ONLINE, LetterKind.NEW_LINK, LetterKind.NEW_LENGTH, LetterKind.INVITATION}
