"""Issue 28 items 6-8, against a real SMTP server: a letter is composed from the appointment as it is when it goes
(address, name, join link, start), the page lists the client's letters with a Stop for a waiting one, a change
inside the reminder window is the reminder, a move away and back gets its reminder, resends are limited, and
the outbox keeps what it sent no longer than the privacy statement says."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient

from simplespa_zoom.config import ConfigError, from_environment
from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.errors import ResendTooSoon
from simplespa_zoom.meetings.invitations import resend
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
    mail_config,
    post,
    race,
    send_mail,
    sql,
    staffed_app,
    the_event,
    zoom_meeting,
)

NEW_EMAIL = "ana.souza@client.example"
NEW_JOIN_URL = "https://us05web.zoom.us/j/85746065432?pwd=NewPass99"
LATER = timedelta(minutes=2)  # past the first retry of a letter the mail server did not take


@pytest.fixture
def app(database: str, mail_server: Mailbox) -> Iterator[Flask]:
    app = staffed_app(database, **mail_config(mail_server))
    yield app
    delivered(app)


def add_meeting(app: Flask, client: FlaskClient, zoom: responses.RequestsMock, **fields: object) -> Appointment:
    appointment = add_appointment(app, email=CLIENT_EMAIL, **fields)
    connect_zoom(client)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(client, f"/appointments/{appointment.id}/meeting").status_code == 201
    delivered(app)
    return get_appointment(app, appointment.id)


def letters_listed(client: FlaskClient, appointment: Appointment) -> list[tuple[str, bool]]:
    """The page's list of letters to the client: each line's text, and whether it has a Stop button."""
    page = client.get(f"/appointments/{appointment.id}").get_data(True)
    section = re.search(r'<section class="letters" id="letters".*?</section>', page, re.S)
    if section is None:
        return []
    items = re.findall(r"<li data-letter=\"[a-z_]+\">(.*?)</li>", section.group(0), re.S)
    return [
        (html.unescape(re.sub(r"<[^>]+>", " ", item).split("Stop")[0]).strip(), "Stop</button>" in item)
        for item in items
    ]


def stop_url(client: FlaskClient, appointment: Appointment) -> str:
    page = client.get(f"/appointments/{appointment.id}").get_data(True)
    match = re.search(r'<form method="post" class="stop-letter" action="([^"]+)"', page)
    assert match, "no Stop button on the page"
    return html.unescape(match.group(1))


def now() -> datetime:
    return datetime.now(UTC)


def soon(minutes: int = 30) -> datetime:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).replace(second=0, microsecond=0)


# --- item 6: the address at sending time, the page's list and Stop --------------------------------------------


def test_a_waiting_invitation_goes_to_the_address_staff_corrected(app: Flask, signed_in, zoom, mail_server) -> None:
    mail_server.down()
    appointment = add_meeting(app, signed_in, zoom)
    fixed = form_values(appointment, start=local(app, appointment.starts_at), client_email=NEW_EMAIL)
    form_post(signed_in, f"/appointments/{appointment.id}/edit", fixed)
    assert letters_listed(signed_in, appointment) == [(f"The invitation to {NEW_EMAIL} is waiting to be sent.", True)]
    mail_server.up()
    assert "Sent 1," in send_mail(app, at=datetime.now(UTC) + LATER)
    [received] = mail_server.wait_for(1)
    assert received.rcpt_tos == (NEW_EMAIL,) and str(received.message["To"]) == f"Ana Souza <{NEW_EMAIL}>"
    assert str(the_event(received)["attendee"]) == f"mailto:{NEW_EMAIL}"
    [(line, stoppable)] = letters_listed(signed_in, appointment)
    assert line.startswith(f"The invitation was sent to {NEW_EMAIL} on ") and not stoppable


def test_a_waiting_invitation_is_dropped_when_the_address_is_removed(app: Flask, signed_in, zoom, mail_server) -> None:
    mail_server.down()
    appointment = add_meeting(app, signed_in, zoom)
    no_email = form_values(appointment, start=local(app, appointment.starts_at), client_email="")
    form_post(signed_in, f"/appointments/{appointment.id}/edit", no_email)
    listed = [("The invitation is not sent: the appointment has no client email.", False)]
    assert letters_listed(signed_in, appointment) == listed
    mail_server.up()
    assert "Sent 0," in send_mail(app, at=datetime.now(UTC) + LATER)
    assert mail_server.messages == [] and letters_listed(signed_in, appointment) == listed
    as_saved = get_appointment(app, appointment.id)  # staff add the address again and resend, as Help says
    again = form_values(as_saved, start=local(app, as_saved.starts_at), client_email=NEW_EMAIL)
    form_post(signed_in, f"/appointments/{appointment.id}/edit", again)
    assert "Resend invitation</button>" in signed_in.get(f"/appointments/{appointment.id}").get_data(True)
    form_post(signed_in, f"/appointments/{appointment.id}/resend-invitation")
    assert mail_server.wait_for(1)[0].rcpt_tos == (NEW_EMAIL,)


def test_staff_stop_a_waiting_letter_and_the_page_says_so(app: Flask, signed_in, zoom, mail_server) -> None:
    mail_server.down()
    appointment = add_meeting(app, signed_in, zoom)
    url = stop_url(signed_in, appointment)
    assert signed_in.post(url).status_code == 400  # no CSRF token: nothing stopped
    page = form_post(signed_in, url, follow_redirects=True).get_data(True)
    assert ("info", "The invitation is stopped: it will not be sent.") in flashes(page)
    [(line, stoppable)] = letters_listed(signed_in, appointment)
    assert line.startswith(f"The invitation to {CLIENT_EMAIL} was stopped on ") and not stoppable
    assert "Resend invitation</button>" in signed_in.get(f"/appointments/{appointment.id}").get_data(True)
    again = form_post(signed_in, url, follow_redirects=True).get_data(True)
    assert flashes(again)[0][1].startswith("That letter is no longer waiting, so it could not be stopped")
    mail_server.up()
    assert "Sent 0," in send_mail(app, at=datetime.now(UTC) + LATER)
    assert mail_server.messages == []


def test_the_page_lists_each_letter_sent_what_when_and_to_whom(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_meeting(app, signed_in, zoom)
    moved = appointment.starts_at + timedelta(days=1)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, start=moved))
    form_post(signed_in, f"/appointments/{appointment.id}/edit", form_values(appointment, start=local(app, moved)))
    mail_server.wait_for(2)
    delivered(app)
    listed = letters_listed(signed_in, appointment)
    assert [line.split(" on ")[0] for line, _ in listed] == [
        f"The invitation was sent to {CLIENT_EMAIL}",
        f"The updated invitation was sent to {CLIENT_EMAIL}",
    ]
    assert all(re.search(r" on \w+day, \w+ \d+ \d{4} \d+:\d\d [ap]m\.$", line) for line, _ in listed)


# --- item 7: reminders that say the truth ----------------------------------------------------------------------


def test_a_reminder_waiting_when_zoom_gives_a_new_passcode_becomes_one_update_with_the_new_link(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    appointment = add_meeting(app, signed_in, zoom, start=soon())
    mail_server.wait_for(1)
    mail_server.down()
    assert "reminders queued 1" in send_mail(app)  # queued; the mail server is down
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, join_url=NEW_JOIN_URL))
    assert post(signed_in, f"/appointments/{appointment.id}/meeting/status").get_json()["state"] == "updated"
    delivered(app)
    mail_server.up()
    assert "Sent 1," in send_mail(app, at=datetime.now(UTC) + LATER)
    _, update = mail_server.wait_for(2)
    assert len(mail_server.messages) == 2  # no reminder with the dead link before it
    assert update.subject.startswith("New join link:") and NEW_JOIN_URL in update.part("text/plain")
    assert JOIN_URL not in update.raw.decode()


def test_a_waiting_letter_carries_the_line_as_it_is_when_it_goes(app: Flask, signed_in, zoom, mail_server) -> None:
    """The invitation waits while the mail server is down; meanwhile Zoom gives a new passcode. Both letters that
    then go carry the new link: none hands the client a dead one."""
    mail_server.down()
    appointment = add_meeting(app, signed_in, zoom)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, join_url=NEW_JOIN_URL))
    assert post(signed_in, f"/appointments/{appointment.id}/meeting/status").get_json()["state"] == "updated"
    delivered(app)
    mail_server.up()
    assert "Sent 2," in send_mail(app, at=datetime.now(UTC) + LATER)
    for received in mail_server.wait_for(2):
        assert NEW_JOIN_URL in received.part("text/plain") and JOIN_URL not in received.raw.decode()


def test_a_reschedule_inside_the_reminder_window_is_one_update_and_no_second_reminder(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    appointment = add_meeting(app, signed_in, zoom, start=soon(30))
    assert "reminders queued 1" in send_mail(app)
    mail_server.wait_for(2)  # the invitation and its reminder
    moved = soon(40)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, start=moved))
    form_post(signed_in, f"/appointments/{appointment.id}/edit", form_values(appointment, start=local(app, moved)))
    update = mail_server.wait_for(3)[2]
    delivered(app)
    assert update.subject.startswith("Changed:")
    assert "reminders queued 0" in send_mail(app)  # the update told the client the new time inside the window
    assert len(mail_server.messages) == 3


def test_moved_away_and_back_the_appointment_still_gets_its_reminder(app: Flask, signed_in, zoom, mail_server) -> None:
    appointment = add_meeting(app, signed_in, zoom, start=soon(30))
    mail_server.wait_for(1)
    mail_server.down()
    assert "reminders queued 1" in send_mail(app)  # for A; the mail server is down
    move = "UPDATE appointments SET starts_at = :start WHERE id = :id"
    sql(app, move, id=appointment.id, start="2099-01-01T10:00:00Z")  # to B
    mail_server.up()
    assert "reminders no longer due 1" in send_mail(app, at=datetime.now(UTC) + LATER)
    sql(app, move, id=appointment.id, start=appointment.starts_at.isoformat().replace("+00:00", "Z"))  # back to A
    assert "Sent 1, to retry 0, refused 0, reminders queued 1" in send_mail(app, at=datetime.now(UTC) + LATER)
    reminder = mail_server.wait_for(2)[1]
    assert reminder.subject.startswith("Reminder") and JOIN_URL in reminder.part("text/plain")


# --- item 8: resend limits and how long the outbox keeps letters ------------------------------------------------


def test_resend_invitation_goes_at_most_once_every_five_minutes(app: Flask, signed_in, zoom, mail_server) -> None:
    mail_server.refuse_recipient(CLIENT_EMAIL)
    appointment = add_meeting(app, signed_in, zoom)
    mail_server.healthy()
    url = f"/appointments/{appointment.id}/resend-invitation"
    assert ("info", "The invitation is queued again.") in flashes(
        form_post(signed_in, url, follow_redirects=True).get_data(True)
    )
    mail_server.wait_for(1)
    for _ in range(5):
        page = form_post(signed_in, url, follow_redirects=True).get_data(True)
        assert flashes(page)[0] == (
            "error",
            "The invitation went to the client less than 5 minutes ago, so it is not sent again yet: "
            "one resend every 5 minutes keeps the client's inbox clear.",
        )
    answer = post(signed_in, url)
    assert answer.status_code == 429
    assert answer.get_json()["error"]["code"] == "mail_resend_too_soon"
    assert answer.get_json()["error"]["help"] == "/help#mail_resend_too_soon"
    delivered(app)
    assert len(mail_server.messages) == 1
    sql(app, "UPDATE outbox SET created_at = :then", then=(datetime.now(UTC) - timedelta(minutes=6)).isoformat())
    assert ("info", "The invitation is queued again.") in flashes(
        form_post(signed_in, url, follow_redirects=True).get_data(True)
    )
    mail_server.wait_for(2)


def test_help_says_how_often_an_invitation_can_be_resent(client: FlaskClient) -> None:
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get("/help").get_data(True)).split())
    assert "Resend invitation sends the invitation again at most once every 5 minutes" in page
    assert "Stop beside a waiting email keeps it from being sent." in page


def test_two_resends_at_the_same_moment_queue_one_invitation(app: Flask, signed_in, zoom, mail_server) -> None:
    mail_server.refuse_recipient(CLIENT_EMAIL)
    appointment = add_meeting(app, signed_in, zoom)  # refused: a resend is due
    mail_server.healthy()
    app.extensions["book"].appointments.on_letter = None  # the resends' letters wait: nothing is sent meanwhile

    def resend_now() -> bool:
        try:
            resend(app.extensions["book"].appointments, app.extensions["meetings"].letters, appointment.id, now())
        except ResendTooSoon:
            return False
        return True

    assert race(2, resend_now) == [False, True]
    assert sql(app, "SELECT count(*) FROM outbox WHERE state = 'queued'") == [(1,)]
    assert get_appointment(app, appointment.id).mail_sequence == 2  # the refused resend took no SEQUENCE


def test_stopped_and_unsent_letters_are_deleted_after_mail_keep_days_too(
    app: Flask, signed_in, zoom, mail_server
) -> None:
    mail_server.down()
    appointment = add_meeting(app, signed_in, zoom)
    form_post(signed_in, stop_url(signed_in, appointment))
    assert "purged 0" in send_mail(app, at=datetime.now(UTC) + timedelta(days=29))
    assert "purged 1" in send_mail(app, at=datetime.now(UTC) + timedelta(days=31))
    assert sql(app, "SELECT count(*) FROM outbox") == [(0,)]
    mail_server.up()


def test_the_outbox_keeps_letters_no_longer_than_the_privacy_statement_says(client: FlaskClient) -> None:
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get("/privacy").get_data(True)).split())
    assert "deleted at most 30 days after (fewer if the spa sets MAIL_KEEP_DAYS lower)" in page
    assert from_environment({"MAIL_KEEP_DAYS": "30"})["MAIL_KEEP_DAYS"] == 30
    with pytest.raises(ConfigError, match="MAIL_KEEP_DAYS must be .* 1 to 30"):
        from_environment({"MAIL_KEEP_DAYS": "31"})
