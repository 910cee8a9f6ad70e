"""The outbox on SQLite and PostgreSQL: each letter claimed by one sender, in order per appointment, and a dead
sender's claim taken over."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from simplespa_zoom.book.outbox import STALE_CLAIM
from simplespa_zoom.meetings.ports import Letter, LetterKind
from zoom_standin.mailbox import Mailbox

from .helpers import JOIN_URL, MEETING_ID, add_appointment, mail_config, race, sql, staffed_app

LETTERS_EACH = 3
APPOINTMENTS = 4


@pytest.fixture
def app(database: str, mail_server: Mailbox) -> Iterator[Flask]:
    """The app with mail, its courier unplugged: letters wait in the outbox until a test's round sends them."""
    app = staffed_app(database, **mail_config(mail_server))
    app.extensions["book"].appointments.on_letter = None
    yield app


def queue(app: Flask, appointment_id: int, kind: LetterKind = LetterKind.INVITATION) -> None:
    letter = Letter(
        appointment_id,
        kind,
        f"client{appointment_id}@client.example",
        "Ana",
        MEETING_ID,
        JOIN_URL,
        datetime.now(UTC) + timedelta(days=2),
        60,
    )
    app.extensions["book"].appointments.queue_letter(appointment_id, letter)


def test_two_concurrent_rounds_send_each_letter_once(app: Flask, mail_server: Mailbox) -> None:
    for number in range(APPOINTMENTS):
        appointment = add_appointment(app, email=f"client{number}@client.example")
        for _ in range(LETTERS_EACH):
            queue(app, appointment.id)
    mail_round = app.extensions["mail"].round
    counts: list[int] = []
    race(2, lambda: counts.append(mail_round.deliver_due().sent) is None)
    assert sum(counts) == APPOINTMENTS * LETTERS_EACH  # each sender says it sent its share, no letter by both
    messages = mail_server.wait_for(APPOINTMENTS * LETTERS_EACH)
    assert len(messages) == APPOINTMENTS * LETTERS_EACH
    sequences = sorted((m.rcpt_tos[0], m.part("text/calendar").split("SEQUENCE:")[1][:1]) for m in messages)
    assert len(set(sequences)) == APPOINTMENTS * LETTERS_EACH  # no letter twice
    assert sql(app, "SELECT DISTINCT state FROM outbox") == [("sent",)]


def test_a_later_letter_waits_behind_an_earlier_one_of_its_appointment(app: Flask, mail_server: Mailbox) -> None:
    appointment = add_appointment(app)
    queue(app, appointment.id)
    queue(app, appointment.id, LetterKind.CANCELLATION)
    later = datetime.now(UTC) + timedelta(hours=1)
    sql(app, "UPDATE outbox SET due_at = :later WHERE kind = 'invitation'", later=later.isoformat())
    outbox = app.extensions["book"].outbox
    assert outbox.claim_next(datetime.now(UTC)) is None  # the cancellation never overtakes its invitation
    assert outbox.claim_next(later).kind is LetterKind.INVITATION


def test_a_dead_senders_claim_is_taken_over(app: Flask, mail_server: Mailbox) -> None:
    appointment = add_appointment(app)
    queue(app, appointment.id)
    outbox = app.extensions["book"].outbox
    now = datetime.now(UTC)
    claimed = outbox.claim_next(now)
    assert claimed is not None and outbox.claim_next(now) is None
    taken = outbox.claim_next(now + STALE_CLAIM + timedelta(seconds=1))
    assert taken is not None and taken.id == claimed.id and taken.attempts == 2
