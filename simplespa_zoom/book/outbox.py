"""The outbox of the spa's letters: each claimed by one sender at a time, on SQLite and PostgreSQL alike.

A claim is one compare-and-set UPDATE on the row (its state and claim time as read): on PostgreSQL a
concurrent claim waits for the first to commit, re-checks the condition and finds the row taken; SQLite
has one writer. So two `send-mail` runs at the same moment never send one letter twice. A sender that
died mid-letter leaves a claim that is taken over after STALE_CLAIM.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Row, Select, and_, delete, exists, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from simplespa_zoom.book.appointments import from_row, letter_values, to_db
from simplespa_zoom.book.database import Reads
from simplespa_zoom.book.schema import appointments, outbox
from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.ports import Letter, LetterKind, LetterState, LetterStatus, MeetingLineFormat

# Longer than one letter can take (mail/smtp.py LONGEST_SEND_SECONDS: up to 10 minutes for the answer to
# the final dot alone), so a sender still waiting on a slow mail server keeps its letter.
STALE_CLAIM = timedelta(minutes=30)
CANDIDATES = 10
WAITING = (str(LetterState.QUEUED), str(LetterState.SENDING))
SETTLED = (str(LetterState.SENT), str(LetterState.FAILED), str(LetterState.DROPPED))


def _read_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _letter(row: Row[Any]) -> Letter:
    return Letter(
        appointment_id=row.appointment_id,
        kind=LetterKind(row.kind),
        recipient=row.recipient,
        recipient_name=row.recipient_name,
        meeting_id=row.meeting_id,
        join_url=row.join_url,
        starts_at=datetime.fromisoformat(row.starts_at),
        duration_minutes=row.duration_minutes,
        client_timezone=row.client_timezone,
        sequence=row.sequence,
        id=row.id,
        attempts=row.attempts,
        queued_at=datetime.fromisoformat(row.created_at),
    )


def _status(row: Row[Any]) -> LetterStatus:
    state = LetterState(row.state)
    waiting = state in (LetterState.QUEUED, LetterState.SENDING)
    return LetterStatus(
        kind=LetterKind(row.kind),
        recipient=(row.current_email or "") if waiting else row.recipient,
        state=LetterState.QUEUED if waiting else state,
        sent_at=_read_time(row.settled_at) if state is LetterState.SENT else None,
        error=row.error if state in (LetterState.FAILED, LetterState.DROPPED) else None,
        id=row.id,
        settled_at=_read_time(row.settled_at),
    )


class OutboxStore:
    """The outbox's reads and writes; letters themselves are written with the notes (AppointmentStore)."""

    def __init__(self, engine: Engine, line_format: MeetingLineFormat, reads: Reads | None = None) -> None:
        self.engine = engine
        self.reads = reads or Reads(engine)  # the page's reads (latest, letters); the sender's take their own
        self.line_format = line_format  # the reminders' appointments read their line in it

    def claim_next(self, now: datetime) -> Letter | None:
        """The oldest due letter that no earlier waiting letter of its appointment precedes, claimed now."""
        earlier = outbox.alias("earlier")
        due = or_(
            and_(outbox.c.state == str(LetterState.QUEUED), outbox.c.due_at <= to_db(now)),
            and_(outbox.c.state == str(LetterState.SENDING), outbox.c.claimed_at < to_db(now - STALE_CLAIM)),
        )
        waits_behind = exists().where(
            earlier.c.appointment_id == outbox.c.appointment_id,
            earlier.c.id < outbox.c.id,
            earlier.c.state.in_(WAITING),
        )
        query = (
            select(outbox.c.id, outbox.c.state, outbox.c.claimed_at)
            .where(due, ~waits_behind)
            .order_by(outbox.c.id)
            .limit(CANDIDATES)
        )
        while True:
            with self.engine.connect() as connection:
                candidates = connection.execute(query).all()
            if not candidates:
                return None
            for candidate in candidates:
                if (row := self._claim(candidate, now)) is not None:
                    return _letter(row)
            # every candidate was taken by another sender meanwhile: look again

    def _claim(self, candidate: Row[Any], now: datetime) -> Row[Any] | None:
        """Take the row if it is still as read (compare and set); the claimed row, or None."""
        as_read = (
            outbox.c.claimed_at.is_(None)
            if candidate.claimed_at is None
            else outbox.c.claimed_at == candidate.claimed_at
        )
        statement = (
            update(outbox)
            .where(outbox.c.id == candidate.id, outbox.c.state == candidate.state, as_read)
            .values(state=str(LetterState.SENDING), claimed_at=to_db(now), attempts=outbox.c.attempts + 1)
            .returning(outbox)
        )
        with self.engine.begin() as connection:
            return connection.execute(statement).first()

    def settle(self, letter: Letter, state: LetterState, now: datetime, *, error: str | None) -> None:
        """Sent, refused for good or dropped: the letter's last state, with when and why. A dropped reminder gives
        up its key, so the appointment back at that start (moved away and back) gets its reminder."""
        key = {"reminder_key": None} if state is LetterState.DROPPED else {}
        self._finish(letter, state=str(state), settled_at=to_db(now), error=error, **key)

    def retry(self, letter: Letter, due_at: datetime, *, error: str) -> None:
        """Back in the queue until due_at, with the reason it did not go this time."""
        self._finish(letter, state=str(LetterState.QUEUED), due_at=to_db(due_at), error=error)

    def _finish(self, letter: Letter, **values: Any) -> None:
        """Record the letter as it was composed this time (the address and line at sending time) and its state."""
        content = {
            "recipient": letter.recipient,
            "recipient_name": letter.recipient_name,
            "join_url": letter.join_url,
            "starts_at": to_db(letter.starts_at),
            "duration_minutes": letter.duration_minutes,
            "client_timezone": letter.client_timezone,
        }
        with self.engine.begin() as connection:
            connection.execute(
                update(outbox)
                .where(outbox.c.id == letter.id, outbox.c.state == str(LetterState.SENDING))
                .values(claimed_at=None, **content, **values)
            )

    def stop(self, appointment_id: int, letter_id: int, now: datetime, *, reason: str) -> LetterKind | None:
        """Drop the letter if it still waits for its turn (a compare and set: a sender's claim and a stop exclude each
        other). A stopped reminder keeps its key: stopped stays stopped."""
        statement = (
            update(outbox)
            .where(
                outbox.c.id == letter_id,
                outbox.c.appointment_id == appointment_id,
                outbox.c.state == str(LetterState.QUEUED),
            )
            .values(state=str(LetterState.DROPPED), settled_at=to_db(now), error=reason)
            .returning(outbox.c.kind)
        )
        with self.engine.begin() as connection:
            kind = connection.execute(statement).scalar()
        return None if kind is None else LetterKind(kind)

    def updated_since(
        self, appointment_id: int, since: datetime, *, not_kinds: Collection[LetterKind], besides: int | None = None
    ) -> bool:
        query = select(
            exists().where(
                outbox.c.appointment_id == appointment_id,
                outbox.c.kind.not_in([str(kind) for kind in not_kinds]),
                outbox.c.join_url != "",
                outbox.c.id != (besides or 0),
                or_(
                    outbox.c.state.in_(WAITING),
                    and_(outbox.c.state == str(LetterState.SENT), outbox.c.settled_at >= to_db(since)),
                ),
            )
        )
        with self.reads.connection() as connection:
            return bool(connection.execute(query).scalar())

    def reminders_due(self, now: datetime, until: datetime) -> list[Appointment]:
        """Appointments holding the app's meeting and a client email that start in (now, until], by start index."""
        query = select(appointments).where(
            appointments.c.starts_at > to_db(now),
            appointments.c.starts_at <= to_db(until),
            appointments.c.status != "cancelled",
            appointments.c.zoom_meeting_id.is_not(None),
            appointments.c.zoom_line_digest.is_not(None),
            appointments.c.client_email.is_not(None),
            appointments.c.client_email != "",
        )
        with self.engine.connect() as connection:
            return [from_row(row, self.line_format) for row in connection.execute(query)]

    def add_reminder(self, letter: Letter, now: datetime) -> bool:
        """Queue it under its key (appointment and start): a second run's insert is refused by the unique index."""
        values = {**letter_values(letter, letter.sequence, now), "reminder_key": reminder_key(letter)}
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(outbox).values(values))
        except IntegrityError:
            return False
        return True

    def latest(self, appointment_id: int) -> LetterStatus | None:
        query = (
            self._statuses(appointment_id)
            .where(outbox.c.kind != str(LetterKind.REMINDER))
            .order_by(outbox.c.id.desc())
            .limit(1)
        )
        with self.reads.connection() as connection:
            row = connection.execute(query).first()
        return None if row is None else _status(row)

    def letters(self, appointment_id: int) -> list[LetterStatus]:
        with self.reads.connection() as connection:
            rows = connection.execute(self._statuses(appointment_id).order_by(outbox.c.id)).all()
        return [_status(row) for row in rows]

    @staticmethod
    def _statuses(appointment_id: int) -> Select[Any]:
        """The appointment's letters with the address a waiting one will go to: the appointment's, as it is now."""
        return (
            select(outbox, appointments.c.client_email.label("current_email"))
            .join(appointments, appointments.c.id == outbox.c.appointment_id)
            .where(outbox.c.appointment_id == appointment_id)
        )

    def purge(self, before: datetime) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(outbox).where(outbox.c.state.in_(SETTLED), outbox.c.settled_at < to_db(before))
            )
        return result.rowcount or 0


def reminder_key(letter: Letter) -> str:
    """One reminder per appointment and start: a moved appointment gets its own at the new time."""
    return f"{letter.appointment_id}@{to_db(letter.starts_at)}"
