"""Appointments and their store, with optimistic concurrency on every change."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import notes as notes_text

CLAIM_STALE_AFTER = 120.0


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
    start_readable: bool = True

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @cached_property
    def zoom_line(self) -> notes_text.ZoomLine | None:
        """The line the page shows: the app's own meeting's line, else the last Zoom line in the notes.

        Parsed once per loaded appointment (the notes never change on it).
        """
        if self.zoom_meeting_id is not None and (own := notes_text.find_line(self.notes, self.zoom_meeting_id)):
            return own
        return notes_text.current_line(self.notes)

    @property
    def line_is_own(self) -> bool:
        """Whether the shown line is the meeting the app created for this appointment (not copied or typed)."""
        line = self.zoom_line
        return line is not None and line.meeting_id == self.zoom_meeting_id

    def has_ended(self, now: datetime | None = None) -> bool:
        """Start plus duration is past: Zoom may have expired its meeting ID, so Zoom's answers prove nothing."""
        end = self.starts_at + timedelta(minutes=self.duration_minutes)
        return end <= (now or datetime.now(UTC))

    def local_start(self, tz: ZoneInfo) -> datetime:
        return self.starts_at.astimezone(tz)


@dataclass(frozen=True)
class AppointmentDraft:
    """What a form or the CLI supplies for a new or edited appointment."""

    client_name: str
    client_email: str | None
    starts_at: datetime
    duration_minutes: int
    notes: str


UNREADABLE_START = datetime(1900, 1, 1, tzinfo=UTC)


def _to_db(instant: datetime) -> str:
    """ISO 8601 in UTC with a four-digit year: it sorts as text and always reads back."""
    return instant.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _read_start(text: object) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(text))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _from_row(row: sqlite3.Row) -> Appointment:
    """One row as an appointment; a start that no longer reads (hand-edited data) is flagged, not fatal."""
    start = _read_start(row["starts_at"])
    return Appointment(
        id=row["id"],
        client_name=row["client_name"],
        client_email=row["client_email"],
        starts_at=start or UNREADABLE_START,
        start_readable=start is not None,
        duration_minutes=row["duration_minutes"],
        status=row["status"],
        notes=row["notes"],
        version=row["version"],
        zoom_meeting_id=row["zoom_meeting_id"],
        zoom_host_mark=row["zoom_host_mark"],
        zoom_synced_ms=row["zoom_synced_ms"],
    )


class AppointmentStore:
    """All reads and writes of appointments; each write checks the version it was based on."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def get(self, appointment_id: int) -> Appointment:
        row = self.db.execute("SELECT * FROM appointments WHERE id = ?", (appointment_id,)).fetchone()
        if row is None:
            raise AppointmentNotFound(appointment_id)
        return _from_row(row)

    def upcoming_first(self, now: datetime | None = None) -> list[Appointment]:
        """Upcoming appointments soonest first, then past ones most recent first."""
        now_text = _to_db(now or datetime.now(UTC))
        rows = self.db.execute(
            """
            SELECT * FROM appointments
            ORDER BY starts_at < ?, CASE WHEN starts_at >= ? THEN starts_at END ASC, starts_at DESC
            """,
            (now_text, now_text),
        ).fetchall()
        return [_from_row(row) for row in rows]

    def create(self, draft: AppointmentDraft) -> Appointment:
        cursor = self.db.execute(
            """
            INSERT INTO appointments (client_name, client_email, starts_at, duration_minutes, notes)
            VALUES (?, ?, ?, ?, ?)
            """,
            (draft.client_name, draft.client_email, _to_db(draft.starts_at), draft.duration_minutes, draft.notes),
        )
        return self.get(int(cursor.lastrowid or 0))

    def update(self, appointment_id: int, base_version: int, draft: AppointmentDraft) -> Appointment:
        return self._write(
            appointment_id,
            base_version,
            "client_name = ?, client_email = ?, starts_at = ?, duration_minutes = ?, notes = ?",
            (draft.client_name, draft.client_email, _to_db(draft.starts_at), draft.duration_minutes, draft.notes),
        )

    def set_notes(
        self,
        appointment_id: int,
        base_version: int,
        notes: str,
        *,
        forget_meeting: bool = False,
        synced_ms: int | None = None,
    ) -> Appointment:
        """Save notes; with forget_meeting the app's own meeting is gone with its line; with synced_ms
        the line now shows what Zoom held at that time."""
        assignments, values = ["notes = ?"], [notes]
        if forget_meeting:
            assignments.append("zoom_meeting_id = NULL, zoom_host_mark = NULL, zoom_synced_ms = NULL")
        elif synced_ms is not None:
            assignments.append("zoom_synced_ms = ?")
            values.append(synced_ms)
        return self._write(appointment_id, base_version, ", ".join(assignments), tuple(values))

    def record_meeting(
        self,
        appointment_id: int,
        base_version: int,
        notes: str,
        meeting_id: int,
        host_mark: str | None,
        synced_ms: int | None = None,
    ) -> Appointment:
        """Save the notes with the new meeting's line, remember the meeting and end the claim: one write."""
        return self._write(
            appointment_id,
            base_version,
            "notes = ?, zoom_meeting_id = ?, zoom_host_mark = ?, zoom_synced_ms = ?, meeting_claimed_at = NULL",
            (notes, meeting_id, host_mark, synced_ms),
        )

    def mark_host(self, appointment_id: int, meeting_id: int, host_mark: str) -> None:
        """Remember who hosts the app's meeting, once a connected browser has seen it in Zoom."""
        self.db.execute(
            "UPDATE appointments SET zoom_host_mark = ? WHERE id = ? AND zoom_meeting_id = ?",
            (host_mark, appointment_id, meeting_id),
        )

    def cancel(self, appointment_id: int, base_version: int) -> Appointment:
        return self._write(appointment_id, base_version, "status = 'cancelled'", ())

    def find_by_meeting(self, meeting_id: int) -> list[Appointment]:
        """Appointments for which the app created this meeting (by index, not by reading notes)."""
        rows = self.db.execute("SELECT * FROM appointments WHERE zoom_meeting_id = ?", (int(meeting_id),)).fetchall()
        return [_from_row(row) for row in rows]

    def _write(self, appointment_id: int, base_version: int, assignments: str, values: tuple) -> Appointment:
        row = self.db.execute(
            f"UPDATE appointments SET {assignments}, version = version + 1 WHERE id = ? AND version = ? RETURNING *",
            (*values, appointment_id, base_version),
        ).fetchone()
        if row is None:
            raise VersionConflict(self.get(appointment_id))
        return _from_row(row)

    def claim_meeting(self, appointment_id: int, now: float | None = None) -> Appointment | None:
        """Take the right to create this appointment's meeting.

        Returns the appointment as it stands once claimed, or None while another request
        holds the claim (a claim older than CLAIM_STALE_AFTER is taken over).
        """
        now = time.time() if now is None else now
        row = self.db.execute(
            """
            UPDATE appointments SET meeting_claimed_at = ?
            WHERE id = ? AND (meeting_claimed_at IS NULL OR meeting_claimed_at < ?)
            RETURNING *
            """,
            (now, appointment_id, now - CLAIM_STALE_AFTER),
        ).fetchone()
        return None if row is None else _from_row(row)

    def release_meeting(self, appointment_id: int) -> None:
        self.db.execute("UPDATE appointments SET meeting_claimed_at = NULL WHERE id = ?", (appointment_id,))
