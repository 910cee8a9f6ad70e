"""What the meeting services need from the rest of the app, as small protocols (fakes fit in tests):
the appointment book, the meeting provider (Zoom today) and the clock, with the provider's neutral
results and errors. Adapters implement these; the core imports nothing of theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from simplespa_zoom.meetings.domain import Appointment, Claim, DeletedInProvider

Clock = Callable[[], datetime]  # the time now, aware


class LetterKind(StrEnum):
    """What a letter tells the client: the calendar letters share one UID per appointment; a reminder has none.

    Only CANCELLATION removes the calendar entry, and only for a cancelled appointment: every other calendar
    letter updates it (a booked appointment that is no longer online keeps its entry, without a link).
    """

    INVITATION = "invitation"
    UPDATE = "update"  # a new start
    NEW_LINK = "new_link"  # the same start, a new join link (a new passcode, a new meeting)
    NEW_LENGTH = "new_length"  # the same start and link, a new end
    NOT_ONLINE = "not_online"  # the appointment stays, no longer a video call: no link
    CANCELLATION = "cancellation"
    REMINDER = "reminder"


class LetterState(StrEnum):
    """Where a letter stands in the outbox."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"  # not sent: stopped by staff, no address any more, or a reminder no longer due


@dataclass(frozen=True)
class Letter:
    """One message to a client, holding only what the message needs (never a start link or a token)."""

    appointment_id: int
    kind: LetterKind
    recipient: str
    recipient_name: str
    meeting_id: int
    join_url: str
    starts_at: datetime
    duration_minutes: int
    client_timezone: str | None = None
    sequence: int = 0  # the calendar file's SEQUENCE, given by the book when it writes the letter
    id: int | None = None
    attempts: int = 0  # delivery attempts so far, this one included once claimed
    queued_at: datetime | None = None  # when the book wrote it (its Message-ID is unique by it)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class LetterStatus:
    """Where one of an appointment's letters stands, as staff see it. A waiting letter names the address it will go
    to (the appointment's at sending time: empty when it has none)."""

    kind: LetterKind
    recipient: str
    state: LetterState
    sent_at: datetime | None = None
    error: str | None = None  # why it was refused or not sent
    id: int | None = None
    settled_at: datetime | None = None  # when it was sent, refused or dropped


class AppointmentBook(Protocol):
    """The appointments the services read and write; every write checks the version it was based on
    (and set_notes with synced_ms that the line was not synced later) and raises VersionConflict
    with the fresh copy otherwise. Each notes write comes with the meeting ids the notes name, and
    with the letter it causes, if any: written to the outbox in the same transaction, with the
    appointment's next SEQUENCE."""

    def get(self, appointment_id: int) -> Appointment: ...

    def many(self, appointment_ids: Collection[int]) -> list[Appointment]:
        """Those of these appointments that exist, in one read (a page's poll reads many at once)."""
        ...

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
        meeting_minutes: int | None = None,
        letter: Letter | None = None,
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
        letter: Letter | None = None,
        deleted: DeletedInProvider | None = None,
    ) -> Appointment:
        """With forget_meeting and deleted, the meeting went in the provider: the row remembers when and its link."""
        ...

    def forget_deletion(self, appointment_id: int, base_version: int, letter: Letter | None) -> Appointment:
        """Staff acted on a meeting deleted in the provider: forget the deletion, with the letter it causes."""
        ...

    def queue_letter(
        self, appointment_id: int, letter: Letter, *, unless_invited_since: datetime | None = None
    ) -> Appointment | None:
        """Write a letter to the outbox with the appointment's next SEQUENCE (a resend), in one transaction; None,
        with nothing written, if an invitation written since `unless_invited_since` waits or went."""
        ...

    def mark_host(self, appointment_id: int, meeting_id: int, host_mark: str) -> None: ...

    def mark_length(self, appointment_id: int, meeting_id: int, minutes: int) -> None:
        """Remember the length the provider took for the app's meeting (only while the row names that meeting)."""
        ...

    def find_by_meeting(self, meeting_id: int) -> list[Appointment]: ...


class MeetingLineFormat(Protocol):
    """What the app's line in the notes says that is the provider's own ("Zoom: [topic] when — link").

    The core writes, finds and rewrites the line; the provider says how its label, its join links and
    its meeting ids look. Patterns are regex sources that RE2 and Python's `re` read alike (no
    lookaround, no `\\d` or `\\s`, no groups of their own): RE2 finds lines in linear time, `re` reads them.
    """

    @property
    def label(self) -> str:
        """The word that starts the line, before its colon."""
        ...

    @property
    def attendance_label(self) -> str:
        """The words that start the app's attendance line under its line, before their colon."""
        ...

    @property
    def id_digits(self) -> tuple[int, int]:
        """The fewest and the most digits a meeting id has."""
        ...

    @property
    def after_link(self) -> str:
        """Where the staff's own text may start right after a join link: text a link could take in never does."""
        ...

    def link_pattern(self, meeting_id: str) -> str:
        """A join link, with the source meeting_id matching its meeting id."""
        ...

    def is_personal_link(self, url: str) -> bool:
        """A registrant's own join link: the meeting's plain join link must never replace it."""
        ...

    def display_id(self, meeting_id: int) -> str:
        """A meeting id grouped as the provider shows it."""
        ...


@dataclass(frozen=True)
class ProviderMeeting:
    """What the app needs of a provider's meeting (never the host's start link)."""

    id: int
    topic: str
    starts_at: datetime | None
    join_url: str
    host_id: str | None = None
    agenda: str = ""
    passcode: bool | None = None  # whether joining needs a passcode, as the provider applied it (None: not said)
    waiting_room: bool | None = None  # whether clients wait to be let in, as the provider applied it


@dataclass(frozen=True)
class StartLink:
    """The host's start link as read at the click, with the host that same read names: handed on, never kept."""

    host_id: str | None
    url: str = field(repr=False)  # it logs anyone in as the host: never in a log line, even by repr


@dataclass(frozen=True)
class Registrant:
    """A client to register for a meeting, so the provider emails them their own link."""

    email: str
    first_name: str
    last_name: str = ""


class MeetingProvider(Protocol):
    """One browser's connection to the meeting provider, bound for one request.

    Calls that change or read meetings run inside `within(seconds)`: one of the provider's few
    call slots, and one deadline for every call inside (refreshes and retries included).
    """

    def within(self, seconds: float, *, wait: float | None = None) -> AbstractContextManager[None]: ...

    def time_left(self) -> float | None: ...

    def take_turn(self, seconds: float) -> bool:
        """For calls made together: wait for this process's next turn under the provider's per-second limit,
        if it comes within `seconds`; False (no turn taken) otherwise."""
        ...

    def create(
        self,
        *,
        topic: str,
        starts_at: datetime,
        duration: int,
        timezone: str,
        agenda: str,
        registrant: Registrant | None,
        provider_emails: bool = True,
    ) -> ProviderMeeting:
        """A new meeting carrying agenda; a registrant the host's account can register gets their own link,
        emailed by the provider unless provider_emails is false (the spa sends its own invitation).

        Registering the client is part of creating: a provider may need registration turned on when the
        meeting is made, and a registration that fails must not repeat the create (the meeting keeps its
        shared link instead).
        """
        ...

    def get(self, meeting_id: int) -> ProviderMeeting: ...

    def move(self, meeting_id: int, *, starts_at: datetime, duration: int, timezone: str) -> ProviderMeeting:
        """The meeting as the provider holds it once asked to move it."""
        ...

    def delete(self, meeting_id: int, *, notify_registrants: bool) -> None:
        """Delete; a meeting already gone counts as deleted."""
        ...

    def find_upcoming(self, wanted: Callable[[ProviderMeeting], bool]) -> ProviderMeeting | None: ...

    def user_id(self) -> str | None:
        """Who is connected in this browser (None: the provider named no one); MeetingNotConnected if no one."""
        ...

    def licensed(self) -> bool:
        """Whether the connected host's account can register clients."""
        ...

    def start_link(self, meeting_id: int) -> StartLink:
        """A fresh link that starts the meeting as its host, read with the host it names: for this browser only."""
        ...


class ProviderError(Exception):
    """A provider call that did not go through: `code` names the message (and its Help entry), `data` its values.

    The core words nothing: the web layer makes the sentence staff read from the code and the data.
    """

    code: ClassVar[str] = "provider_failed"
    http_status: ClassVar[int] = 502

    def __init__(self, **data: Any) -> None:
        super().__init__(self.code)
        self.data = data


class ProviderNotConnected(ProviderError):
    """No connection in this browser."""

    code = "provider_not_connected"
    http_status = 401


class ProviderReconnect(ProviderError):
    """The connection is dead: staff connect again."""

    code = "provider_reconnect"
    http_status = 401


class ProviderRetry(ProviderError):
    """Refused for now, perhaps by another tab's refresh: ask again once."""

    code = "provider_retry"
    http_status = 409


class ProviderMeetingGone(ProviderError):
    """The provider says the meeting does not exist (perhaps only for this user, or since it ended)."""

    code = "provider_meeting_gone"
    http_status = 404


class ProviderUnavailable(ProviderError):
    """No usable answer: try again later."""

    code = "provider_unavailable"
    http_status = 503


class ProviderSlow(ProviderUnavailable):
    """No answer within the request's deadline, or every call slot held by slow calls."""

    code = "provider_slow"


class ProviderRateLimited(ProviderError):
    """Too many calls for now."""

    code = "provider_busy"
    http_status = 429


class ProviderDailyLimit(ProviderRateLimited):
    """The day's quota is spent until resets_at."""

    code = "provider_daily_limit"

    resets_at: datetime


class ProviderMissingPermission(ProviderError):
    """The connection lacks a permission only the provider app's admin can add."""

    code = "provider_missing_permission"
    http_status = 403


class ProviderRejected(ProviderError):
    """Understood and refused: repeating will not help."""

    code = "provider_rejected"


class MailError(Exception):
    """A letter that did not go; `reason` is the mail server's own answer (e.g. "550 5.1.1 no such mailbox")
    or, when the server said nothing, the code of what went wrong (`mail_*`), which the web layer words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MailDeferred(MailError):
    """Not now (server down, a 4xx answer, a timeout): the letter is retried later."""


class MailRefused(MailError):
    """Refused for good (a 5xx answer, a bad address): staff are shown why and may resend."""


class Postman(Protocol):
    """Turns a letter into a message and hands it to the spa's mail server; raises MailDeferred or MailRefused."""

    def send(self, letter: Letter) -> None: ...


class Outbox(Protocol):
    """The letters waiting, sent or refused. Each letter is claimed by one sender at a time (exactly once)."""

    def claim_next(self, now: datetime) -> Letter | None:
        """The oldest due letter no earlier letter of its appointment waits before, now claimed; None if none."""
        ...

    def settle(self, letter: Letter, state: LetterState, now: datetime, *, error: str | None) -> None: ...

    def retry(self, letter: Letter, due_at: datetime, *, error: str) -> None: ...

    def reminders_due(self, now: datetime, until: datetime) -> list[Appointment]:
        """Appointments with the app's meeting and a client email that start in (now, until]."""
        ...

    def add_reminder(self, letter: Letter, now: datetime) -> bool:
        """Queue the reminder for this appointment's start unless one was already; whether this call queued it."""
        ...

    def latest(self, appointment_id: int) -> LetterStatus | None:
        """The appointment's latest calendar letter (not a reminder), as staff see it."""
        ...

    def letters(self, appointment_id: int) -> list[LetterStatus]:
        """Every letter of the appointment the outbox still keeps, oldest first."""
        ...

    def stop(self, appointment_id: int, letter_id: int, now: datetime, *, reason: str) -> LetterKind | None:
        """Drop a letter of this appointment still waiting for its turn; its kind, or None if none was waiting."""
        ...

    def updated_since(
        self, appointment_id: int, since: datetime, *, not_kinds: Collection[LetterKind], besides: int | None = None
    ) -> bool:
        """Whether a letter with a join link, of none of those kinds and other than `besides`, waits or went since
        then (an update, which can stand in for a reminder)."""
        ...

    def purge(self, before: datetime) -> int:
        """Forget letters delivered, refused or dropped before this time; how many."""
        ...
