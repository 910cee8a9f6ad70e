"""The core's domain types: an appointment as the meeting services see it, and the book's errors.

Any appointment book (the SQL store, the in-memory fake) builds and returns these; none of them
knows how the app's line is parsed: an appointment reads its own line through the core, in the
line format of the provider the book was opened with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.notes import indexable

if TYPE_CHECKING:
    from simplespa_zoom.meetings.ports import MeetingLineFormat

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "Appointment",
    "AppointmentDraft",
    "AppointmentNotFound",
    "Claim",
    "DeletedInProvider",
    "VersionConflict",
    "indexable",
]

FIRST_YEAR, LAST_YEAR = 1900, 2200  # the years an appointment may start in, in the spa's zone


class AppointmentNotFound(LookupError):
    """No appointment with that id."""


class VersionConflict(Exception):
    """The appointment changed since it was read; carries the fresh copy."""

    def __init__(self, current: Appointment) -> None:
        super().__init__(f"appointment {current.id} is at version {current.version}")
        self.current = current


@dataclass(frozen=True)
class DeletedInProvider:
    """The app's meeting the provider deleted while the appointment stood: nothing went to the client by itself,
    so staff are told until they act (a new meeting, or telling the client the session is no longer online)."""

    at: datetime
    join_url: str | None  # the link of the deleted meeting, which the client may still hold


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
    # The app's own meeting, as the book remembers it (its columns keep their first names, zoom_*):
    own_meeting_id: int | None = None  # the meeting the app created for this appointment
    host_mark: str | None = None  # a keyed fingerprint of that meeting's host (hosts.py)
    synced_ms: int | None = None  # when what the line shows came from the provider (orders its events)
    own_line_digest: str | None = None  # notes.fingerprint of the exact line the app last wrote
    meeting_minutes: int | None = None  # the length the provider was last given for that meeting (None: not known)
    start_readable: bool = True
    client_timezone: str | None = None  # the client's IANA zone, if staff gave one
    mail_sequence: int = 0  # calendar letters written so far (the next one's SEQUENCE)
    deleted_in_provider: DeletedInProvider | None = None  # its meeting deleted in the provider, staff not yet acted
    line_format: MeetingLineFormat = field(kw_only=True, repr=False, compare=False)  # how its notes' line reads

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @cached_property
    def own_meeting_line(self) -> notes.MeetingLine | None:
        """The line the app wrote for its meeting, recognised by its exact text (a typed copy is not it).

        Parsed once per loaded appointment (the notes never change on it).
        """
        if self.own_meeting_id is None or self.own_line_digest is None:
            return None
        return notes.own_line(self.line_format, self.notes, self.own_meeting_id, self.own_line_digest)

    @cached_property
    def meeting_line(self) -> notes.MeetingLine | None:
        """The line the page shows: the app's own line, else the last line of the app's shape in the notes."""
        return self.own_meeting_line or notes.current_line(self.line_format, self.notes)

    @property
    def line_is_own(self) -> bool:
        """Whether the shown line is the one the app wrote for the meeting it created (not copied or typed)."""
        return self.own_meeting_line is not None

    def has_ended(self, now: datetime | None = None) -> bool:
        """Start plus duration is past: Zoom may have expired its meeting ID, so Zoom's answers prove nothing."""
        end = self.starts_at + timedelta(minutes=self.duration_minutes)
        return end <= (now or datetime.now(UTC))

    def deletion_to_tell(self, now: datetime) -> DeletedInProvider | None:
        """The deletion in the provider staff still need to act on: none once the appointment is cancelled or over."""
        if self.deleted_in_provider is None or self.cancelled or self.has_ended(now):
            return None
        return self.deleted_in_provider

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
    client_timezone: str | None = None

    def meeting_ids(self, line_format: MeetingLineFormat) -> set[int]:
        """The meeting ids the draft's notes name: what the book indexes with them."""
        return notes.meeting_ids(line_format, self.notes)
