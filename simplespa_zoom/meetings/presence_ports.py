"""What the presence service needs to keep: marks of who came when, and the app's attendance line.

A mark is one fact from the provider ("the client joined the waiting room at t") about one instance
of a meeting. Marks hold no name, email or provider id of any participant: a kind, a time, the meeting
it is about (the app's own meeting id, so a new meeting starts clean) and a one-way digest of who.
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
    CLOSED = "closed"  # the app's own: the provider's end never came, so the tick closed the session


class Mark(NamedTuple):
    """One fact about one instance of a meeting (session: a digest of the provider's instance id) at at_ms
    (epoch milliseconds). participant is a one-way digest telling two people (or one person's two devices)
    apart when their events share a kind and a millisecond; meeting_id the meeting the event was about."""

    session: str
    kind: Kind
    at_ms: int
    meeting_id: int = 0
    participant: str = ""


class Written(NamedTuple):
    """The app wrote the attendance line of this meeting (of one appointment): what it wrote, its digest, when
    (epoch ms). Recorded with the notes, so the app never writes a second line nor relies on reading its own
    text back; text is None for a line written before the record kept it."""

    meeting_id: int
    text: str | None
    digest: str
    at_ms: int


class PresenceLog(Protocol):
    """Where marks and the app's attendance line are kept (the SQL store; a dict in tests).

    add is idempotent: the same mark delivered twice is kept once, so a replay changes nothing.
    """

    def add(self, appointment_id: int, mark: Mark) -> bool:
        """Keep the mark; whether it is new (False: kept already, or no such appointment)."""
        ...

    def with_marks(self) -> list[int]:
        """The appointments that have any mark kept (the tick looks at these only)."""
        ...

    def marks(self, appointment_ids: list[int]) -> dict[int, list[Mark]]:
        """Every kept mark of each appointment (those with none are left out)."""
        ...

    def attendance_written(self, appointment_ids: list[int]) -> dict[int, dict[int, Written]]:
        """What the app wrote of each appointment's meetings, by meeting id (those with none are left out)."""
        ...

    def write_attendance(self, appointment_id: int, base_version: int, notes: str, written: Written) -> Appointment:
        """Save notes holding the app's attendance line and record that it wrote it, if still at base_version
        (else VersionConflict with the fresh row): one transaction."""
        ...

    def forget_before(self, cutoff_ms: int) -> int:
        """Drop marks older than cutoff_ms (presence is kept only while it is news); how many."""
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
