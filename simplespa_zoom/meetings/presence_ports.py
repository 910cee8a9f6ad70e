"""What the presence service needs to keep: marks of who came when, and the app's attendance line.

A mark is one fact from the provider ("the client joined the waiting room at t") about one session
of a meeting. Marks hold no name, email or provider id of any participant: only a kind and a time.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple, Protocol

from simplespa_zoom.meetings.domain import Appointment


class Kind(StrEnum):
    """What happened; the order of the members is the order of marks that share one millisecond."""

    STARTED = "started"
    HOST_JOINED = "host_joined"  # the host, told apart by the provider's host id (the client's own kinds below)
    HOST_AWAITED = "host_awaited"  # the client arrived before the host, who has not started the meeting
    EARLY_JOINED = "early_joined"  # the client got in before the host (join before host on): no longer awaiting
    WAITING = "waiting"
    PUT_BACK = "put_back"  # the host moved the client from the meeting back into the waiting room
    WAITING_LEFT = "waiting_left"
    ADMITTED = "admitted"  # the host admitted the client from the waiting room
    JOINED = "joined"
    LEFT = "left"
    HOST_LEFT = "host_left"
    ENDED = "ended"


class Mark(NamedTuple):
    """One fact about one session (a digest of the provider's session id) at at_ms (epoch milliseconds)."""

    session: str
    kind: Kind
    at_ms: int


class PresenceLog(Protocol):
    """Where marks and the app's attendance line are kept (the SQL store; a dict in tests).

    add is idempotent: the same mark delivered twice is kept once, so a replay changes nothing.
    """

    def add(self, appointment_id: int, mark: Mark) -> None: ...

    def marks(self, appointment_ids: list[int]) -> dict[int, list[Mark]]:
        """Every kept mark of each appointment (those with none are left out)."""
        ...

    def attendance_digest(self, appointment_id: int) -> str | None:
        """The digest of the attendance line the app last wrote into this appointment's notes."""
        ...

    def write_attendance(self, appointment_id: int, base_version: int, notes: str, digest: str) -> Appointment:
        """Save notes holding the app's attendance line of this digest, if still at base_version (else
        VersionConflict with the fresh row): one transaction."""
        ...

    def forget_before(self, cutoff_ms: int) -> None:
        """Drop marks older than cutoff_ms: presence is kept only while it is news."""
        ...

    def host_removed(self, host_marks: list[str], at_ms: int) -> None:
        """Remember that the host of these fingerprints removed the app: the provider sends no events of their
        meetings from then on (idempotent: the same removal again changes nothing but its time)."""
        ...

    def host_back(self, host_marks: list[str]) -> None:
        """The host connected again: their meetings' events come again."""
        ...

    def of_removed_hosts(self, appointment_ids: list[int]) -> set[int]:
        """Which of these appointments' meetings are hosted by someone who removed the app (one read)."""
        ...
