"""Appointments and their store, with optimistic concurrency on every change."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Row, Update, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from simplespa_zoom.book.schema import appointments, note_meetings
from simplespa_zoom.meetings import notes as notes_text

# A claim outlives its holder's Zoom deadline (service.CHANGE_SECONDS) only when the holder died;
# taking it over is safe, as a takeover first looks for the meeting the holder may have made.
CLAIM_STALE_AFTER = 30.0
IN_DOUBT = 0.0  # the claim of an attempt whose outcome is unknown: stale at once, and its taker searches first


class AppointmentNotFound(LookupError):
    """No appointment with that id."""


class VersionConflict(Exception):
    """The appointment changed since it was read; carries the fresh copy."""

    def __init__(self, current: Appointment) -> None:
        super().__init__(f"appointment {current.id} is at version {current.version}")
        self.current = current


@dataclass(frozen=True)
class Appointment:
    id: int
    client_name: str
    client_email: str | None
    starts_at: datetime
    duration_minutes: int
    status: str
    notes: str
    version: int
    zoom_meeting_id: int | None = None
    zoom_host_mark: str | None = None
    zoom_synced_ms: int | None = None  # when what the line shows came from Zoom (orders Zoom's events)
    zoom_line_digest: str | None = None  # notes.fingerprint of the exact line the app last wrote
    start_readable: bool = True

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @cached_property
    def own_zoom_line(self) -> notes_text.ZoomLine | None:
        """The line the app wrote for its meeting, recognised by its exact text (a typed copy is not it).

        Parsed once per loaded appointment (the notes never change on it).
        """
        if self.zoom_meeting_id is None or self.zoom_line_digest is None:
            return None
        return notes_text.own_line(self.notes, self.zoom_meeting_id, self.zoom_line_digest)

    @cached_property
    def zoom_line(self) -> notes_text.ZoomLine | None:
        """The line the page shows: the app's own line, else the last Zoom line in the notes."""
        return self.own_zoom_line or notes_text.current_line(self.notes)

    @property
    def line_is_own(self) -> bool:
        """Whether the shown line is the one the app wrote for the meeting it created (not copied or typed)."""
        return self.own_zoom_line is not None

    def has_ended(self, now: datetime | None = None) -> bool:
        """Start plus duration is past: Zoom may have expired its meeting ID, so Zoom's answers prove nothing."""
        end = self.starts_at + timedelta(minutes=self.duration_minutes)
        return end <= (now or datetime.now(UTC))

    def local_start(self, tz: ZoneInfo) -> datetime:
        return self.starts_at.astimezone(tz)


@dataclass(frozen=True)
class Claim:
    """The right to create an appointment's meeting: the row as claimed, and whether it was taken over
    from an attempt whose outcome is unknown (a stale claim, or one released in doubt)."""

    appointment: Appointment
    in_doubt: bool


@dataclass(frozen=True)
class AppointmentDraft:
    """What a form or the CLI supplies for a new or edited appointment."""

    client_name: str
    client_email: str | None
    starts_at: datetime
    duration_minutes: int
    notes: str


FIRST_YEAR, LAST_YEAR = 1900, 2200  # the years an appointment may start in, in the spa's zone
# The stored UTC instants a start in that range can have in any time zone. A start outside, written by
# hand or another tool, is read as unreadable: years 1 or 9999 overflow once shifted to a zone or
# given a duration, and no page can show or change them.
_READABLE_FROM = datetime(FIRST_YEAR - 1, 12, 30, tzinfo=UTC)
_READABLE_UNTIL = datetime(LAST_YEAR + 1, 1, 2, tzinfo=UTC)
UNREADABLE_START = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
SEARCH_LIMIT = 50


def to_db(instant: datetime) -> str:
    """ISO 8601 in UTC with a four-digit year: it sorts as text and always reads back."""
    return instant.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _read_start(text: object) -> datetime | None:
    """The stored start, or None when it does not read as a start in the book's years."""
    try:
        parsed = datetime.fromisoformat(str(text))
        start = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return start if _READABLE_FROM <= start < _READABLE_UNTIL else None
    except (ValueError, OverflowError):
        return None


def _from_row(row: Row[Any]) -> Appointment:
    """One row as an appointment; a start that no longer reads (hand-edited data) is flagged, not fatal."""
    start = _read_start(row.starts_at)
    return Appointment(
        id=row.id,
        client_name=row.client_name,
        client_email=row.client_email,
        starts_at=start or UNREADABLE_START,
        start_readable=start is not None,
        duration_minutes=row.duration_minutes,
        status=row.status,
        notes=row.notes,
        version=row.version,
        zoom_meeting_id=row.zoom_meeting_id,
        zoom_host_mark=row.zoom_host_mark,
        zoom_synced_ms=row.zoom_synced_ms,
        zoom_line_digest=row.zoom_line_digest,
    )


def search_key(client_name: str) -> str:
    return client_name.casefold()


def _draft_values(draft: AppointmentDraft) -> dict[str, Any]:
    return {
        "client_name": draft.client_name,
        "client_search": search_key(draft.client_name),
        "client_email": draft.client_email,
        "starts_at": to_db(draft.starts_at),
        "duration_minutes": draft.duration_minutes,
        "notes": draft.notes,
    }


def _index_notes(connection: Connection, appointment_id: int, notes: str) -> None:
    """Keep the meeting-id index in step with the notes, in the same transaction as their write."""
    connection.execute(_UNINDEX, {"target_id": appointment_id})
    if ids := notes_text.meeting_ids(notes):
        connection.execute(
            insert(note_meetings), [{"appointment_id": appointment_id, "meeting_id": found} for found in sorted(ids)]
        )


def _index_appended(connection: Connection, appointment_id: int, meeting_id: int) -> None:
    """The index for notes that only gained this meeting's line: one entry more, unless the id was there."""
    if notes_text.indexable(meeting_id):
        entry = {"appointment_id": appointment_id, "meeting_id": meeting_id}
        connection.execute(_INDEX_ONE[connection.dialect.name], entry)


# Statements on every page or click are built once: each call then only binds its values
# (SQLAlchemy caches the SQL of each, so building them anew per call was most of their cost).
_BY_ID = select(appointments).where(appointments.c.id == bindparam("id"))
_INDEX_ONE = {
    "sqlite": sqlite.insert(note_meetings).on_conflict_do_nothing(),
    "postgresql": postgresql.insert(note_meetings).on_conflict_do_nothing(),
}
_UNINDEX = delete(note_meetings).where(note_meetings.c.appointment_id == bindparam("target_id"))
_CLAIM = (
    update(appointments)
    .where(
        appointments.c.id == bindparam("target_id"),
        appointments.c.meeting_claimed_at.is_(None) | (appointments.c.meeting_claimed_at < bindparam("stale_before")),
    )
    .values(meeting_claimed_at=bindparam("claimed_at"))
    .returning(appointments)
)
_CLAIM_FREE = (
    update(appointments)
    .where(appointments.c.id == bindparam("target_id"), appointments.c.meeting_claimed_at.is_(None))
    .values(meeting_claimed_at=bindparam("claimed_at"))
    .returning(appointments)
)
_CLAIM_HELD = select(appointments.c.meeting_claimed_at).where(appointments.c.id == bindparam("target_id"))
_TAKE_OVER = (
    update(appointments)
    .where(appointments.c.id == bindparam("target_id"), appointments.c.meeting_claimed_at == bindparam("held_at"))
    .values(meeting_claimed_at=bindparam("claimed_at"))
    .returning(appointments)
)
_RELEASE = (
    update(appointments)
    .where(appointments.c.id == bindparam("target_id"))
    .values(meeting_claimed_at=bindparam("released_to"))
)


@functools.cache
def _versioned_update(columns: tuple[str, ...], never_older: bool = False) -> Update:
    """UPDATE of these columns, only if the row is still at the version it was read at; one per shape.

    never_older: nor if the line already shows what Zoom held at a later time than new_zoom_synced_ms.
    """
    condition = (appointments.c.id == bindparam("target_id")) & (appointments.c.version == bindparam("base_version"))
    if never_older:
        synced = appointments.c.zoom_synced_ms
        condition &= synced.is_(None) | (synced <= bindparam("new_zoom_synced_ms"))
    return (
        update(appointments)
        .where(condition)
        .values({**{name: bindparam(f"new_{name}") for name in columns}, "version": appointments.c.version + 1})
        .returning(appointments)
    )


_MENTIONING = (
    select(appointments)
    .join(note_meetings, note_meetings.c.appointment_id == appointments.c.id)
    .where(note_meetings.c.meeting_id == bindparam("meeting_id"))
    .order_by(appointments.c.starts_at, appointments.c.id)
    .limit(bindparam("limit"))
)


class AppointmentStore:
    """All reads and writes of appointments; each write checks the version it was based on.

    Built once per app: each call takes a pooled connection for one short transaction.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, appointment_id: int) -> Appointment:
        with self.engine.connect() as connection:
            row = connection.execute(_BY_ID, {"id": appointment_id}).first()
        if row is None:
            raise AppointmentNotFound(appointment_id)
        return _from_row(row)

    def between(self, start: datetime, end: datetime) -> list[Appointment]:
        """Appointments starting in [start, end), in order: one day of the book, by index."""
        query = (
            select(appointments)
            .where(appointments.c.starts_at >= to_db(start), appointments.c.starts_at < to_db(end))
            .order_by(appointments.c.starts_at, appointments.c.id)
        )
        with self.engine.connect() as connection:
            return [_from_row(row) for row in connection.execute(query)]

    def search(self, text: str, limit: int = SEARCH_LIMIT) -> list[Appointment]:
        """Appointments whose client name contains text (any case), latest first, at most limit."""
        pattern = "%" + text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = (
            select(appointments)
            .where(appointments.c.client_search.like(pattern, escape="\\"))
            .order_by(appointments.c.starts_at.desc(), appointments.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [_from_row(row) for row in connection.execute(query)]

    def create(self, draft: AppointmentDraft) -> Appointment:
        with self.engine.begin() as connection:
            row = connection.execute(insert(appointments).values(_draft_values(draft)).returning(appointments)).one()
            _index_notes(connection, row.id, draft.notes)
        return _from_row(row)

    def update(self, appointment_id: int, base_version: int, draft: AppointmentDraft) -> Appointment:
        return self._write(appointment_id, base_version, _draft_values(draft))

    def set_notes(
        self,
        appointment_id: int,
        base_version: int,
        notes: str,
        *,
        forget_meeting: bool = False,
        synced_ms: int | None = None,
        own_line: str | None = None,
    ) -> Appointment:
        """Save notes; with forget_meeting the app's own meeting is gone with its line; with own_line the
        app rewrote its line to that text; with synced_ms the line now shows what Zoom held at that time.

        A synced_ms older than the row's is refused like a stale version (VersionConflict with the
        fresh row): what the line shows never goes back in Zoom's time, whoever writes.
        """
        values: dict[str, Any] = {"notes": notes}
        if forget_meeting:
            values.update(zoom_meeting_id=None, zoom_host_mark=None, zoom_synced_ms=None, zoom_line_digest=None)
        else:
            if own_line is not None:
                values["zoom_line_digest"] = notes_text.fingerprint(own_line)
            if synced_ms is not None:
                values["zoom_synced_ms"] = synced_ms
        never_older = not forget_meeting and synced_ms is not None
        return self._write(appointment_id, base_version, values, never_older=never_older)

    def record_meeting(
        self,
        appointment_id: int,
        base_version: int,
        notes: str,
        meeting_id: int,
        host_mark: str | None,
        synced_ms: int | None = None,
    ) -> Appointment:
        """Save the notes with the new meeting's line, remember the meeting and end the claim: one write.

        `notes` are the notes at `base_version` with the meeting's line appended (notes.append_line),
        so the index only gains that meeting, and that last line is the one the app will know as its own.
        """
        return self._write(
            appointment_id,
            base_version,
            {
                "notes": notes,
                "zoom_meeting_id": meeting_id,
                "zoom_host_mark": host_mark,
                "zoom_synced_ms": synced_ms,
                "zoom_line_digest": notes_text.last_line_digest(notes, meeting_id),
                "meeting_claimed_at": None,
            },
            appended_meeting=meeting_id,
        )

    def mark_host(self, appointment_id: int, meeting_id: int, host_mark: str) -> None:
        """Remember who hosts the app's meeting, once a connected browser has seen it in Zoom."""
        with self.engine.begin() as connection:
            connection.execute(
                update(appointments)
                .where(appointments.c.id == appointment_id, appointments.c.zoom_meeting_id == meeting_id)
                .values(zoom_host_mark=host_mark)
            )

    def cancel(self, appointment_id: int, base_version: int) -> Appointment:
        return self._write(appointment_id, base_version, {"status": "cancelled"})

    def find_by_meeting(self, meeting_id: int) -> list[Appointment]:
        """Appointments for which the app created this meeting (by index, not by reading notes)."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(appointments).where(appointments.c.zoom_meeting_id == int(meeting_id)))
            return [_from_row(row) for row in rows]

    def mentioning(self, meeting_id: int, limit: int = SEARCH_LIMIT) -> list[Appointment]:
        """Appointments whose notes hold a Zoom line of this meeting, whoever wrote it (by index)."""
        if not notes_text.indexable(meeting_id):
            return []  # never in the index
        with self.engine.connect() as connection:
            rows = connection.execute(_MENTIONING, {"meeting_id": int(meeting_id), "limit": limit})
            return [_from_row(row) for row in rows]

    def _write(
        self,
        appointment_id: int,
        base_version: int,
        values: dict[str, Any],
        appended_meeting: int | None = None,
        never_older: bool = False,
    ) -> Appointment:
        statement = _versioned_update(tuple(values), never_older)
        bound = {"target_id": appointment_id, "base_version": base_version}
        bound.update({f"new_{name}": value for name, value in values.items()})
        with self.engine.begin() as connection:
            row = connection.execute(statement, bound).first()
            if row is not None and appended_meeting is not None:
                _index_appended(connection, appointment_id, appended_meeting)
            elif row is not None and "notes" in values:
                _index_notes(connection, appointment_id, values["notes"])
        if row is None:
            raise VersionConflict(self.get(appointment_id))
        return _from_row(row)

    def claim_meeting(self, appointment_id: int, now: float | None = None) -> Appointment | None:
        """Take the right to create this appointment's meeting: one statement on either database.

        Returns the appointment as it stands once claimed, or None while another request
        holds the claim (a claim older than CLAIM_STALE_AFTER is taken over). PostgreSQL
        re-checks the condition on the row a concurrent claim just wrote, so one wins.
        """
        now = time.time() if now is None else now
        bound = {"target_id": appointment_id, "claimed_at": now, "stale_before": now - CLAIM_STALE_AFTER}
        with self.engine.begin() as connection:
            row = connection.execute(_CLAIM, bound).first()
        return None if row is None else _from_row(row)

    def claim_for_create(self, appointment_id: int, now: float | None = None) -> Claim | None:
        """Take the right to create this appointment's meeting, saying whether an earlier attempt's outcome is unknown.

        A free claim is one statement. A held one is taken over only when stale or released in
        doubt, and only if no one changed it since it was read (compare and set), so one wins.
        """
        now = time.time() if now is None else now
        with self.engine.begin() as connection:
            row = connection.execute(_CLAIM_FREE, {"target_id": appointment_id, "claimed_at": now}).first()
        if row is not None:
            return Claim(_from_row(row), in_doubt=False)
        with self.engine.connect() as connection:
            held_at = connection.execute(_CLAIM_HELD, {"target_id": appointment_id}).scalar()
        if held_at is None or held_at >= now - CLAIM_STALE_AFTER:
            return None  # released meanwhile (the caller asks again), or held by a live request
        with self.engine.begin() as connection:
            bound = {"target_id": appointment_id, "claimed_at": now, "held_at": held_at}
            row = connection.execute(_TAKE_OVER, bound).first()
        return None if row is None else Claim(_from_row(row), in_doubt=True)

    def release_meeting(self, appointment_id: int, *, in_doubt: bool = False) -> None:
        """End the claim; in doubt, the next claim (at once) first looks for the meeting this attempt may have made."""
        with self.engine.begin() as connection:
            connection.execute(_RELEASE, {"target_id": appointment_id, "released_to": IN_DOUBT if in_doubt else None})
