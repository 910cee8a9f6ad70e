"""What the meeting service needs from the rest of the app, as small protocols (fakes fit in tests)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Protocol

from simplespa_zoom.meetings.domain import Appointment, Claim
from simplespa_zoom.zoom.oauth import TokenStore

__all__ = ["AppointmentBook", "Clock", "TokenStore"]

Clock = Callable[[], datetime]  # the time now, aware


class AppointmentBook(Protocol):
    """The appointments the service reads and writes; every write checks the version it was based on
    (and set_notes with synced_ms that the line was not synced later) and raises VersionConflict
    with the fresh copy otherwise."""

    def get(self, appointment_id: int) -> Appointment: ...

    def claim_for_create(self, appointment_id: int) -> Claim | None: ...

    def release_meeting(self, appointment_id: int, *, in_doubt: bool = False) -> None: ...

    def record_meeting(
        self,
        appointment_id: int,
        base_version: int,
        notes: str,
        meeting_id: int,
        host_mark: str | None,
        synced_ms: int | None = None,
        *,
        meeting_ids: Collection[int],
        line_digest: str,
    ) -> Appointment: ...

    def set_notes(
        self,
        appointment_id: int,
        base_version: int,
        notes: str,
        *,
        meeting_ids: Collection[int],
        forget_meeting: bool = False,
        synced_ms: int | None = None,
        own_line_digest: str | None = None,
    ) -> Appointment: ...

    def mark_host(self, appointment_id: int, meeting_id: int, host_mark: str) -> None: ...

    def find_by_meeting(self, meeting_id: int) -> list[Appointment]: ...
