"""A mail server that accepts a message and answers its final dot late gets one copy (RFC 5321 §4.5.3.2), and
every attempt at a letter carries the same Message-ID, so a copy sent again is recognisable. On SQLite and
PostgreSQL, against the real SMTP server (the mailbox) made to hold its answer to the final dot."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from simplespa_zoom.mail.compose import Letterhead, compose
from simplespa_zoom.mail.settings import parse_sender
from simplespa_zoom.mail.smtp import LONGEST_SEND_SECONDS, SmtpPostman
from simplespa_zoom.meetings.invitations import MailRound, Tally
from simplespa_zoom.meetings.ports import Letter, LetterKind
from zoom_standin.mailbox import Mailbox

from .helpers import JOIN_URL, MEETING_ID, SPA_SENDER, add_appointment, mail_config, sql, staffed_app

COMMAND_SECONDS = 0.2  # the tests' wait for every step but the final answer, for speed
CLIENT = "ana@client.example"


@pytest.fixture
def app(database: str, mail_server: Mailbox) -> Iterator[Flask]:
    """The app with mail, its courier unplugged: letters wait in the outbox until a test's round sends them."""
    app = staffed_app(database, **mail_config(mail_server))
    app.extensions["book"].appointments.on_letter = None
    yield app
    mail_server.healthy()  # nothing stays held


def mail_round(app: Flask, final_reply_seconds: float, at: datetime | None = None) -> MailRound:
    """The app's delivery round with short waits (as set), at a given time if one is given."""
    the_round = app.extensions["mail"].round
    old = the_round.postman
    postman = SmtpPostman(old.server, old.head, timeout=COMMAND_SECONDS, final_reply_timeout=final_reply_seconds)
    return replace(the_round, postman=postman, now=(lambda: at) if at else the_round.now)


def queue_invitation(app: Flask) -> int:
    """An invitation waiting in the outbox for a new appointment; the appointment's id."""
    appointment = add_appointment(app, email=CLIENT)  # a letter goes to the address the appointment has then
    letter = Letter(
        appointment.id,
        LetterKind.INVITATION,
        CLIENT,
        "Ana Souza",
        MEETING_ID,
        JOIN_URL,
        datetime.now(UTC) + timedelta(days=2),
        60,
    )
    app.extensions["book"].appointments.queue_letter(appointment.id, letter)
    return appointment.id


def test_a_late_answer_to_the_final_dot_is_waited_for_and_the_letter_goes_once(
    app: Flask, mail_server: Mailbox
) -> None:
    queue_invitation(app)
    mail_server.answers_late(1.0)  # has the message, answers its final dot after 1 s (5× any other step's wait)
    assert mail_round(app, final_reply_seconds=30).deliver_due() == Tally(sent=1)
    later = datetime.now(UTC) + timedelta(hours=2)  # past every retry
    assert mail_round(app, final_reply_seconds=30, at=later).deliver_due() == Tally()
    assert len(mail_server.messages) == 1
    assert sql(app, "SELECT state FROM outbox") == [("sent",)]


def test_every_attempt_at_a_letter_carries_its_one_message_id(app: Flask, mail_server: Mailbox) -> None:
    appointment_id = queue_invitation(app)
    mail_server.answers_late(60)  # has the message, answers its final dot later than the app waits
    assert mail_round(app, final_reply_seconds=COMMAND_SECONDS).deliver_due() == Tally(retrying=1)
    mail_server.wait_for(1)
    mail_server.healthy()
    later = datetime.now(UTC) + timedelta(hours=2)
    assert mail_round(app, final_reply_seconds=30, at=later).deliver_due() == Tally(sent=1)
    first, second = mail_server.wait_for(2)
    [(letter_id, queued)] = sql(app, "SELECT id, created_at FROM outbox")
    expected = f"<letter-{letter_id}.{appointment_id}.{datetime.fromisoformat(queued):%Y%m%d%H%M%S}@spa.example>"
    assert first.message["Message-ID"] == second.message["Message-ID"] == expected


def test_no_other_sender_takes_a_letter_while_its_final_answer_is_awaited(app: Flask, mail_server: Mailbox) -> None:
    """The courier waits on a slow server; a send-mail run 11 minutes later (past the old 10-minute stale
    claim) must not send the letter again."""
    queue_invitation(app)
    mail_server.answers_late(60)
    tallies: list[Tally] = []
    first = threading.Thread(target=lambda: tallies.append(mail_round(app, final_reply_seconds=30).deliver_due()))
    first.start()
    try:
        mail_server.wait_until_held(1)  # the message is in; its answer is held
        eleven_minutes_on = datetime.now(UTC) + timedelta(minutes=11)
        assert mail_round(app, final_reply_seconds=30, at=eleven_minutes_on).deliver_due() == Tally()
    finally:
        mail_server.release()
        first.join(30)
    assert tallies == [Tally(sent=1)]
    assert len(mail_server.messages) == 1


def test_a_claim_outlives_the_longest_send(app: Flask, mail_server: Mailbox) -> None:
    queue_invitation(app)
    outbox = app.extensions["book"].outbox
    now = datetime.now(UTC)
    assert outbox.claim_next(now) is not None
    assert outbox.claim_next(now + timedelta(seconds=LONGEST_SEND_SECONDS + 60)) is None


def test_a_new_letter_given_a_purged_letters_id_gets_its_own_message_id() -> None:
    """SQLite may give the id of the newest letter, once purged, to the next one: a mailbox that already
    holds a Message-ID may drop a message carrying it again."""
    head = Letterhead(parse_sender(SPA_SENDER), ZoneInfo("UTC"))
    old = Letter(7, LetterKind.INVITATION, CLIENT, "Ana", MEETING_ID, JOIN_URL, datetime(2030, 1, 1, tzinfo=UTC), 60)
    old = replace(old, id=100, queued_at=datetime(2029, 11, 1, 9, tzinfo=UTC))
    new = replace(old, queued_at=datetime(2029, 12, 15, 9, tzinfo=UTC))
    assert compose(old, head)["Message-ID"] == compose(replace(old, attempts=3), head)["Message-ID"]
    assert compose(old, head)["Message-ID"] != compose(new, head)["Message-ID"]


def test_the_app_waits_ten_minutes_for_the_final_answer_and_thirty_seconds_for_each_other_step(app: Flask) -> None:
    postman = app.extensions["mail"].round.postman
    assert (postman.timeout, postman.final_reply_timeout) == (30, 600)
