"""The spa's own mail, against a real SMTP server: invitation, update, cancellation, reminders, failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient

from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.when import format_clock
from zoom_standin.mailbox import Mailbox

from .helpers import (
    API,
    CLIENT_EMAIL,
    JOIN_URL,
    MEETING_ID,
    add_appointment,
    connect_zoom,
    delivered,
    flashes,
    form_post,
    form_values,
    get_appointment,
    local,
    login,
    mail_config,
    page_meeting,
    post,
    race,
    send_mail,
    sql,
    staffed_app,
    the_event,
    zoom_meeting,
)

REGISTRANT_URL = "https://us05web.zoom.us/w/85746065432?tk=RegToken123&pwd=Ab12Cd34Ef56"
NEW_JOIN_URL = "https://us05web.zoom.us/j/85746065432?pwd=NewPass99"


@pytest.fixture
def app(database: str, mail_server: Mailbox) -> Iterator[Flask]:
    """The app sending the spa's own mail through the real SMTP server of the test."""
    app = staffed_app(database, **mail_config(mail_server))
    yield app
    delivered(app)  # no delivery still holds a connection when the test's database goes


def add_meeting(app: Flask, client: FlaskClient, zoom: responses.RequestsMock, **fields: Any) -> Appointment:
    """Add Meeting on a new appointment of Ana (with her email), Zoom creating the meeting."""
    appointment = add_appointment(app, email=CLIENT_EMAIL, **fields)
    connect_zoom(client)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    response = post(client, f"/appointments/{appointment.id}/meeting")
    assert response.status_code == 201, response.get_json()
    return get_appointment(app, appointment.id)


def widget(client: FlaskClient, appointment: Appointment) -> dict[str, Any]:
    meeting = page_meeting(client.get(f"/appointments/{appointment.id}").get_data(True))
    assert meeting is not None
    return meeting


def test_add_meeting_sends_one_invitation_with_a_calendar_file(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    [received] = mail_server.wait_for(1)
    delivered(app)
    assert received.rcpt_tos == (CLIENT_EMAIL,)
    assert str(received.message["To"]) == f"Ana Souza <{CLIENT_EMAIL}>"
    assert str(received.message["From"]) == "Serene Spa <bookings@spa.example>"
    local_start = appointment.starts_at.astimezone(app.config["SPA_TZ"])
    text = received.part("text/plain")
    assert JOIN_URL in text and f"{local_start:%B} {local_start.day} {local_start.year} 6:00 pm" in text
    assert "6:00 pm (New York time)" in text and "America/New_York" not in text
    assert "Serene Spa" in received.subject
    assert f'<a href="{JOIN_URL}">' in received.part("text/html")
    event = the_event(received)
    assert str(received.message.get_content_type()) == "multipart/alternative"
    assert str(the_calendar_method(received)) == "REQUEST"
    assert str(event["uid"]) == f"appointment-{appointment.id}@spa.example"
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == appointment.starts_at
    assert f"DTSTART:{appointment.starts_at:%Y%m%dT%H%M%S}Z" in received.part("text/calendar")  # in UTC
    assert event.decoded("dtend") == appointment.starts_at + timedelta(minutes=60)
    assert str(event["location"]) == JOIN_URL and str(event["url"]) == JOIN_URL
    assert str(event["organizer"]) == "mailto:bookings@spa.example"
    assert event["organizer"].params["CN"] == "Serene Spa"
    assert "zak=" not in received.raw.decode() and "HOST-SECRET" not in received.raw.decode()
    state = widget(signed_in, appointment)["mail"]
    assert state["state"] == "sent" and state["text"].startswith(f"The invitation was sent to {CLIENT_EMAIL} on ")


def the_calendar_method(received: Any) -> str:
    for part in received.message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_param("method")
    raise AssertionError("no calendar part")


def test_on_a_paid_plan_the_invitation_carries_the_registrant_link_and_zoom_emails_no_one(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    appointment = add_appointment(app, email=CLIENT_EMAIL)
    connect_zoom(signed_in, licensed=True)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    zoom.post(f"{API}/meetings/{MEETING_ID}/registrants", json={"join_url": REGISTRANT_URL}, status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    settings = json.loads(zoom.calls[0].request.body)["settings"]
    assert settings["approval_type"] == 0
    assert settings["registrants_confirmation_email"] is False and settings["registrants_email_notification"] is False
    [received] = mail_server.wait_for(1)
    assert str(the_event(received)["location"]) == REGISTRANT_URL and REGISTRANT_URL in received.part("text/plain")


def test_the_clients_own_zone_is_in_the_letter(app: Flask, signed_in, zoom, mail_server) -> None:
    start = datetime(2030, 3, 12, 23, 0, tzinfo=UTC)  # 7:00 pm in New York, 11:00 pm in Lisbon
    appointment = add_appointment(app, email=CLIENT_EMAIL, start=start)
    sql(app, "UPDATE appointments SET client_timezone = 'Europe/Lisbon' WHERE id = :id", id=appointment.id)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    [received] = mail_server.wait_for(1)
    text = received.part("text/plain")
    assert "Tuesday, March 12 2030 7:00 pm (New York time)" in text
    assert "In your time zone that is Tuesday, March 12 2030 11:00 pm (Lisbon time)." in text


def test_html_escapes_the_clients_name(app: Flask, signed_in, zoom, mail_server) -> None:
    add_meeting(app, signed_in, zoom, client_name="Ana <b>Souza</b> & Co")
    [received] = mail_server.wait_for(1)
    assert "Hello Ana &lt;b&gt;Souza&lt;/b&gt; &amp; Co," in received.part("text/html")
    assert "<b>" not in received.part("text/html")
    assert "Hello Ana <b>Souza</b> & Co," in received.part("text/plain")


def test_reschedule_sends_one_update_with_the_same_uid_and_a_higher_sequence(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    moved = appointment.starts_at + timedelta(days=1)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, start=moved))
    form_post(signed_in, f"/appointments/{appointment.id}/edit", form_values(appointment, start=local(app, moved)))
    invitation, update = mail_server.wait_for(2)
    delivered(app)
    assert len(mail_server.messages) == 2
    first, second = the_event(invitation), the_event(update)
    assert str(second["uid"]) == str(first["uid"]) and int(second["sequence"]) == 1
    assert second.decoded("dtstart") == moved and the_calendar_method(update) == "REQUEST"
    assert update.subject.startswith("Changed:")


@pytest.mark.parametrize("new_link", [None, NEW_JOIN_URL], ids=["same link", "a new link from Zoom"])
def test_a_new_length_sends_one_update_with_the_new_end(
    app: Flask, signed_in, zoom, mail_server, new_link: str | None
) -> None:
    """The calendar file shows the end; when Zoom's answer also changes the line, still one update, not two."""
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    answer = {**zoom_meeting(appointment), "duration": 90, **({"join_url": new_link} if new_link else {})}
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=answer)
    same_start = local(app, appointment.starts_at)
    form_post(
        signed_in, f"/appointments/{appointment.id}/edit", form_values(appointment, start=same_start, duration="90")
    )
    invitation, update = mail_server.wait_for(2)
    delivered(app)
    assert len(mail_server.messages) == 2
    first, second = the_event(invitation), the_event(update)
    assert first.decoded("dtend") - first.decoded("dtstart") == timedelta(minutes=60)
    assert second.decoded("dtend") - second.decoded("dtstart") == timedelta(minutes=90)
    assert str(second["uid"]) == str(first["uid"]) and int(second["sequence"]) == 1
    assert str(second["location"]) == (new_link or JOIN_URL)
    end = format_clock((appointment.starts_at + timedelta(minutes=90)).astimezone(app.config["SPA_TZ"]))
    if new_link:  # a new join link reads as one, and still names the new end
        assert update.subject.startswith("New join link:") and f"until {end} has a new join link" in update.part(
            "text/plain"
        )
    else:  # a new length names the new end
        assert update.subject.startswith("Changed:") and update.subject.endswith(f"now ends at {end}")


def test_a_new_length_zoom_missed_is_sent_when_the_appointment_is_saved_again(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    """Saved in a browser not connected to Zoom, the new length is not in Zoom and the client is not told; the
    warning says to connect and save again, and saving again, nothing changed, moves the meeting and tells them."""
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    with signed_in.session_transaction() as session:
        del session["zoom"]
    same_start = local(app, appointment.starts_at)
    longer = form_values(appointment, start=same_start, duration="90")
    saved = form_post(signed_in, f"/appointments/{appointment.id}/edit", longer, follow_redirects=True)
    assert "its Zoom meeting was not updated" in saved.get_data(as_text=True)
    connect_zoom(signed_in)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json={**zoom_meeting(appointment), "duration": 90})
    as_saved = get_appointment(app, appointment.id)
    form_post(signed_in, f"/appointments/{appointment.id}/edit", form_values(as_saved, start=same_start))
    assert json.loads(zoom.calls[-2].request.body)["duration"] == 90
    _, update = mail_server.wait_for(2)
    delivered(app)
    assert len(mail_server.messages) == 2
    assert the_event(update).decoded("dtend") - the_event(update).decoded("dtstart") == timedelta(minutes=90)
    assert update.subject.startswith("Changed:")


def test_cancel_sends_one_cancellation(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)
    form_post(signed_in, f"/appointments/{appointment.id}/cancel")
    invitation, cancellation = mail_server.wait_for(2)
    delivered(app)
    assert len(mail_server.messages) == 2
    event = the_event(cancellation)
    assert the_calendar_method(cancellation) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(the_event(invitation)["uid"]) and int(event["sequence"]) == 1
    # The spa tells the client itself: Zoom is not asked to email them too.
    assert "cancel_meeting_reminder" not in zoom.calls[-1].request.url


def test_a_new_passcode_learnt_from_zoom_sends_an_update(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, join_url=NEW_JOIN_URL))
    assert post(signed_in, f"/appointments/{appointment.id}/meeting/status").get_json()["state"] == "updated"
    _, update = mail_server.wait_for(2)
    assert str(the_event(update)["location"]) == NEW_JOIN_URL and NEW_JOIN_URL in update.part("text/plain")


def test_keeping_a_meeting_whose_line_was_deleted_by_hand_sends_no_second_invitation(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    sql(app, "UPDATE appointments SET notes = '' WHERE id = :id", id=appointment.id)  # the line deleted by hand
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment))
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 200  # "Keep it"
    assert get_appointment(app, appointment.id).meeting_line is not None
    delivered(app)
    assert len(mail_server.messages) == 1


def test_a_slow_mail_server_does_not_hold_the_click(app: Flask, signed_in, zoom, mail_server) -> None:
    mail_server.slow(30)
    appointment = add_meeting(app, signed_in, zoom)  # answered while the server still holds the message
    assert mail_server.messages == []
    assert widget(signed_in, appointment)["mail"]["text"] == f"The invitation to {CLIENT_EMAIL} is waiting to be sent."
    mail_server.release()
    mail_server.wait_for(1)
    delivered(app)
    assert widget(signed_in, appointment)["mail"]["state"] == "sent"


def test_mail_down_then_up_loses_nothing_and_sends_nothing_twice(app: Flask, signed_in, zoom, mail_server) -> None:
    mail_server.down()
    appointment = add_meeting(app, signed_in, zoom)
    delivered(app)
    assert get_appointment(app, appointment.id).meeting_line is not None  # the meeting and its line are there
    assert widget(signed_in, appointment)["mail"]["state"] == "queued"
    send_mail(app)  # not due again yet: nothing goes, nothing is lost
    mail_server.up()
    assert "Sent 0" in send_mail(app)
    assert "Sent 1," in send_mail(app, at=datetime.now(UTC) + timedelta(minutes=2))
    assert "Sent 0," in send_mail(app, at=datetime.now(UTC) + timedelta(hours=2))
    assert len(mail_server.wait_for(1)) == 1 and len(mail_server.messages) == 1
    assert widget(signed_in, appointment)["mail"]["state"] == "sent"


def test_a_temporary_refusal_is_retried_with_backoff(app: Flask, signed_in, zoom, mail_server) -> None:
    mail_server.temporary_failure()
    appointment = add_meeting(app, signed_in, zoom)
    delivered(app)
    later = datetime.now(UTC) + timedelta(minutes=2)
    assert "to retry 1" in send_mail(app, at=later)  # second try fails too: next in 2 minutes
    assert "Sent 0, to retry 0" in send_mail(app, at=later + timedelta(seconds=90))
    mail_server.healthy()
    assert "Sent 1," in send_mail(app, at=later + timedelta(minutes=3))
    assert widget(signed_in, appointment)["mail"]["state"] == "sent"


def test_a_permanent_refusal_is_shown_to_staff_with_resend(app: Flask, signed_in, zoom, mail_server) -> None:
    mail_server.refuse_recipient(CLIENT_EMAIL)
    appointment = add_meeting(app, signed_in, zoom)
    delivered(app)
    page = signed_in.get(f"/appointments/{appointment.id}").get_data(True)
    state = page_meeting(page)["mail"]
    assert state["failed"] and state["text"].startswith(
        f"The invitation to {CLIENT_EMAIL} could not be delivered: 550 5.1.1 Mailbox stand-in: no such mailbox"
    )
    assert "Resend invitation</button>" in page
    assert "Sent 0, to retry 0, refused 0" in send_mail(app, at=datetime.now(UTC) + timedelta(hours=1))
    mail_server.healthy()
    answer = form_post(signed_in, f"/appointments/{appointment.id}/resend-invitation", follow_redirects=True)
    assert ("info", "The invitation is queued again.") in flashes(answer.get_data(True))
    assert ("info", "Ana Souza will get the invitation by email.") in flashes(answer.get_data(True))
    [received] = mail_server.wait_for(1)
    assert int(the_event(received)["sequence"]) == 1
    delivered(app)
    assert "Resend invitation</button>" not in signed_in.get(f"/appointments/{appointment.id}").get_data(True)


def test_a_5xx_answer_to_the_message_is_refused_for_good(app: Flask, signed_in, zoom, mail_server) -> None:
    mail_server.permanent_failure()
    appointment = add_meeting(app, signed_in, zoom)
    delivered(app)
    assert "554 5.7.1" in widget(signed_in, appointment)["mail"]["text"]


def test_resend_needs_a_csrf_token(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    assert signed_in.post(f"/appointments/{appointment.id}/resend-invitation").status_code == 400
    delivered(app)
    assert len(mail_server.messages) == 1


def test_resend_without_a_meeting_says_why(app: Flask, signed_in, mail_server) -> None:
    appointment = add_appointment(app, email=CLIENT_EMAIL)
    page = form_post(signed_in, f"/appointments/{appointment.id}/resend-invitation", follow_redirects=True)
    assert flashes(page.get_data(True))[0][1].startswith("There is no invitation to resend")


def test_no_client_email_no_letter(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_appointment(app)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    assert sql(app, "SELECT count(*) FROM outbox") == [(0,)]
    assert widget(signed_in, appointment)["mail"] is None


def test_delivered_letters_are_purged_after_mail_keep_days(app: Flask, signed_in, zoom, mail_server) -> None:
    add_meeting(app, signed_in, zoom)
    mail_server.wait_for(1)
    delivered(app)
    assert "purged 0" in send_mail(app, at=datetime.now(UTC) + timedelta(days=29))
    assert "purged 1" in send_mail(app, at=datetime.now(UTC) + timedelta(days=31))
    assert sql(app, "SELECT count(*) FROM outbox") == [(0,)]


def test_without_smtp_url_nothing_is_sent(database: str, mail_server: Mailbox, zoom) -> None:
    app = staffed_app(database)
    client = app.test_client()
    login(client)
    appointment = add_meeting(app, client, zoom)
    assert widget(client, appointment).get("mail") is None
    assert "nothing to send" in send_mail(app)
    assert mail_server.messages == [] and sql(app, "SELECT count(*) FROM outbox") == [(0,)]


# --- reminders ----------------------------------------------------------------------------------------


def soon(minutes: int = 30) -> datetime:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).replace(second=0, microsecond=0)


def test_a_reminder_goes_once_across_two_concurrent_send_mail_runs(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_meeting(app, signed_in, zoom, start=soon())
    mail_server.wait_for(1)
    delivered(app)
    mail_round = app.extensions["mail"].round

    def run() -> bool:
        return mail_round.run().reminders_queued == 1

    assert race(2, run) == [False, True]
    reminders = [received for received in mail_server.wait_for(2) if received.subject.startswith("Reminder")]
    assert send_mail(app).startswith("Sent 0, to retry 0, refused 0, reminders queued 0")
    assert len(reminders) == 1 and len(mail_server.messages) == 2
    assert JOIN_URL in reminders[0].part("text/plain") and reminders[0].part("text/calendar") is None
    assert get_appointment(app, appointment.id).mail_sequence == 1  # a reminder changes no calendar entry


def test_no_reminder_before_reminder_minutes(app: Flask, signed_in, zoom, mail_server) -> None:
    add_meeting(app, signed_in, zoom, start=soon(90))
    mail_server.wait_for(1)
    assert "reminders queued 0" in send_mail(app)


def test_no_reminder_for_a_cancelled_appointment(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_meeting(app, signed_in, zoom, start=soon())
    mail_server.wait_for(1)
    sql(app, "UPDATE appointments SET status = 'cancelled' WHERE id = :id", id=appointment.id)
    assert "reminders queued 0" in send_mail(app)


def test_a_queued_reminder_is_dropped_when_the_appointment_moved_meanwhile(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    appointment = add_meeting(app, signed_in, zoom, start=soon())
    mail_server.wait_for(1)
    delivered(app)
    mail_server.down()
    assert "reminders queued 1" in send_mail(app)  # queued, could not go
    sql(
        app,
        "UPDATE appointments SET starts_at = :later WHERE id = :id",
        id=appointment.id,
        later="2099-01-01T10:00:00Z",
    )
    mail_server.up()
    assert "reminders no longer due 1" in send_mail(app, at=datetime.now(UTC) + timedelta(minutes=5))
    assert len(mail_server.messages) == 1


def test_reminders_off_with_zero_minutes(database: str, mail_server: Mailbox, zoom) -> None:
    app = staffed_app(database, **mail_config(mail_server, REMINDER_MINUTES=0))
    client = app.test_client()
    login(client)
    add_meeting(app, client, zoom, start=soon())
    mail_server.wait_for(1)
    assert "reminders queued 0" in send_mail(app)
    delivered(app)


@pytest.mark.parametrize(("password", "arrives"), [("s3cret", True), ("wrong", False)])
def test_the_spa_logs_in_to_the_mail_server_when_smtp_url_has_a_user(
    database: str, zoom, password: str, arrives: bool
) -> None:
    with Mailbox(login=("spa", "s3cret")) as mailbox:
        url = f"smtp://spa:{password}@{mailbox.host}:{mailbox.port}"
        app = staffed_app(database, **mail_config(mailbox, SMTP_URL=url))
        client = app.test_client()
        login(client)
        appointment = add_meeting(app, client, zoom)
        delivered(app)
        assert len(mailbox.messages) == int(arrives)
        state = widget(client, appointment)["mail"]
        assert state["state"] == ("sent" if arrives else "queued")  # a refused login is the spa's to fix: kept
