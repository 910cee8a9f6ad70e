"""In-memory stand-ins for what the meeting service depends on: no Flask, no database, no HTTP.

They keep the contracts the service relies on: versioned writes that raise VersionConflict,
a claim only one caller holds, the meeting provider's port with its neutral errors (InMemoryProvider),
and, for the Zoom adapter's own tests, Zoom's REST client shape with rotating refresh tokens (FakeZoom).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from simplespa_zoom.book.appointments import (
    FEW_MATCHES,
    LOOKED_UP_WORDS,
    RARE_IN_LATEST,
    SEARCH_LIMIT,
    SEARCH_REACH,
    TRIGRAM,
    Found,
)
from simplespa_zoom.meetings.domain import Appointment, AppointmentNotFound, Claim, DeletedInProvider, VersionConflict
from simplespa_zoom.meetings.ports import (
    Letter,
    MeetingLineFormat,
    ProviderMeeting,
    ProviderMeetingGone,
    ProviderNotConnected,
    Registrant,
    StartLink,
)
from simplespa_zoom.meetings.presence_ports import Mark, Written
from simplespa_zoom.zoom.api import ZoomMeetingGone, ZoomTokenInvalid, ZoomUser
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT
from simplespa_zoom.zoom.oauth import Tokens


class InMemoryBook:
    """The appointment book as a dict; `conflicts` makes the next writes fail as if someone edited first."""

    def __init__(self, line_format: MeetingLineFormat = ZOOM_LINE_FORMAT) -> None:
        self.line_format = line_format
        self.rows: dict[int, Appointment] = {}
        self.claimed: set[int] = set()
        self.in_doubt: set[int] = set()  # released by an attempt whose outcome is unknown
        self.ids = itertools.count(1)
        self.edits_meanwhile: list[str] = []  # notes another user saves just before our next write
        self.failing_writes = 0
        self.releases = 0
        self.outbox: list[Letter] = []  # letters written with the notes, their SEQUENCE given

    def add(self, client: str, start: datetime, notes: str = "", **fields: object) -> Appointment:
        appointment = Appointment(
            next(self.ids),
            client,
            fields.pop("client_email", None),
            start,
            60,
            "booked",
            notes,
            1,
            line_format=self.line_format,
        )
        self.rows[appointment.id] = replace(appointment, **fields)  # type: ignore[arg-type]
        return self.rows[appointment.id]

    def get(self, appointment_id: int) -> Appointment:
        if appointment_id not in self.rows:
            raise AppointmentNotFound(appointment_id)
        return self.rows[appointment_id]

    def many(self, appointment_ids: Collection[int]) -> list[Appointment]:
        return [self.rows[key] for key in appointment_ids if key in self.rows]

    def claim_for_create(self, appointment_id: int) -> Claim | None:
        if appointment_id in self.claimed:
            return None
        self.claimed.add(appointment_id)
        in_doubt = appointment_id in self.in_doubt
        self.in_doubt.discard(appointment_id)
        return Claim(self.get(appointment_id), in_doubt)

    def release_meeting(self, appointment_id: int, *, in_doubt: bool = False) -> None:
        self.releases += 1
        self.claimed.discard(appointment_id)
        if in_doubt:
            self.in_doubt.add(appointment_id)

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
    ) -> Appointment:
        saved = self._write(
            appointment_id,
            base_version,
            letter,
            notes=notes,
            own_meeting_id=meeting_id,
            host_mark=host_mark,
            synced_ms=synced_ms,
            own_line_digest=line_digest,
            meeting_minutes=meeting_minutes,
            deleted_in_provider=None,
        )
        self.claimed.discard(appointment_id)
        return saved

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
        changes: dict[str, object] = {"notes": notes}
        if forget_meeting:
            changes.update(
                own_meeting_id=None, host_mark=None, synced_ms=None, own_line_digest=None, meeting_minutes=None
            )
            if deleted is not None:
                changes["deleted_in_provider"] = deleted
        else:
            if synced_ms is not None:
                changes["synced_ms"] = synced_ms
            if own_line_digest is not None:
                changes["own_line_digest"] = own_line_digest
        current = self.get(appointment_id)
        if synced_ms is not None and not forget_meeting and (current.synced_ms or 0) > synced_ms:
            raise VersionConflict(current)  # as the store: what the line shows never goes back in Zoom's time
        return self._write(appointment_id, base_version, letter, **changes)

    def forget_deletion(self, appointment_id: int, base_version: int, letter: Letter | None) -> Appointment:
        return self._write(appointment_id, base_version, letter, deleted_in_provider=None)

    def queue_letter(
        self, appointment_id: int, letter: Letter, *, unless_invited_since: datetime | None = None
    ) -> Appointment | None:
        """As the store, but the fake keeps no letter times: it never refuses a resend as too soon."""
        current = self.get(appointment_id)
        return self._write(appointment_id, current.version, letter)

    def mark_host(self, appointment_id: int, meeting_id: int, host_mark: str) -> None:
        self._remember(appointment_id, meeting_id, host_mark=host_mark)

    def mark_length(self, appointment_id: int, meeting_id: int, minutes: int) -> None:
        self._remember(appointment_id, meeting_id, meeting_minutes=minutes)

    def _remember(self, appointment_id: int, meeting_id: int, **values: object) -> None:
        current = self.get(appointment_id)
        if current.own_meeting_id == meeting_id:
            self.rows[appointment_id] = replace(current, **values)  # type: ignore[arg-type]

    def find_by_meeting(self, meeting_id: int) -> list[Appointment]:
        return [row for row in self.rows.values() if row.own_meeting_id == meeting_id]

    def search(self, part: str, limit: int = SEARCH_LIMIT) -> list[Appointment]:
        return self.search_book(part, limit).appointments

    def search_book(self, part: str, limit: int = SEARCH_LIMIT, reach: int = SEARCH_REACH) -> Found:
        """As the SQL store (SQLite's index): the case-folded name holds the case-folded text, every character
        literal; latest first. First among the latest reach; beyond them only by a word of three characters or
        more that few of their names hold and at most FEW_MATCHES names of the book."""
        latest = sorted(self.rows.values(), key=lambda row: (row.starts_at, row.id), reverse=True)
        folded = part.casefold()
        found = [row for row in latest[:reach] if folded in row.client_name.casefold()][:limit]
        if len(found) == limit or len(latest) <= reach:
            return Found(found)
        names = [row.client_name.casefold() for row in latest[:reach]]
        words = [word for word in folded.split(" ") if len(word) >= TRIGRAM]
        rare = [word for word in words if sum(word in name for name in names) <= RARE_IN_LATEST]
        looked_up = sorted(set(rare), key=lambda word: (-len(word), word))[:LOOKED_UP_WORDS]
        if any(sum(word in row.client_name.casefold() for row in latest) <= FEW_MATCHES for word in looked_up):
            return Found([row for row in latest if folded in row.client_name.casefold()][:limit])
        return Found(found, only_latest=reach)

    def _write(
        self, appointment_id: int, base_version: int, letter: Letter | None = None, **changes: object
    ) -> Appointment:
        if self.failing_writes:
            self.failing_writes -= 1
            raise RuntimeError("disk full")
        current = self.get(appointment_id)
        if self.edits_meanwhile:
            current = replace(current, notes=self.edits_meanwhile.pop(0), version=current.version + 1)
            self.rows[appointment_id] = current
        if current.version != base_version:
            raise VersionConflict(current)
        if letter is not None:
            self.outbox.append(replace(letter, sequence=current.mail_sequence))
            changes["mail_sequence"] = current.mail_sequence + 1
        self.rows[appointment_id] = replace(current, **changes, version=current.version + 1)  # type: ignore[arg-type]
        return self.rows[appointment_id]


@dataclass
class InMemoryProvider:
    """The meeting-provider port as dicts: meetings by id, one connected user (licensed or not), no tokens.

    Held to the Zoom adapter by tests/test_contract_provider.py. `calls` names each call on a meeting,
    so a test can see that none reached the provider (who is connected, and their licence, are known
    from connecting, as the Zoom adapter keeps them with the tokens).
    """

    user: str = "host-1"
    is_licensed: bool = False
    connected: bool = True
    meetings: dict[int, ProviderMeeting] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    next_id: int = 85746065432
    join_host: str = "us05web.zoom.us"  # links the book's line format reads (Zoom's, unless a test gives another)
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    @contextmanager
    def within(self, seconds: float, *, wait: float | None = None) -> Iterator[None]:
        yield

    def time_left(self) -> float | None:
        return None

    def take_turn(self, seconds: float) -> bool:
        return True

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
        self._call("create")
        meeting_id, self.next_id = self.next_id, self.next_id + 1
        join_url = f"https://{self.join_host}/j/{meeting_id}?pwd=Ab12Cd34Ef56.1"
        # The app asks for a passcode and the waiting room; the fake applies both, as Zoom does.
        meeting = ProviderMeeting(
            meeting_id, topic, starts_at.astimezone(UTC), join_url, self.user, agenda, passcode=True, waiting_room=True
        )
        self.meetings[meeting_id] = meeting
        if registrant is not None and self.is_licensed:
            return replace(meeting, join_url=self._personal_link(meeting_id, registrant))
        return meeting

    def get(self, meeting_id: int) -> ProviderMeeting:
        self._call(f"get {meeting_id}")
        return self._meeting(meeting_id)

    def move(self, meeting_id: int, *, starts_at: datetime, duration: int, timezone: str) -> ProviderMeeting:
        self._call(f"move {meeting_id}")
        meeting = self._meeting(meeting_id)
        if starts_at > self.now():  # as Zoom, a start in the past is ignored
            meeting = self.meetings[meeting_id] = replace(meeting, starts_at=starts_at.astimezone(UTC))
        return meeting

    def delete(self, meeting_id: int, *, notify_registrants: bool) -> None:
        self._call(f"delete {meeting_id}" + (" notify" if notify_registrants else ""))
        self.meetings.pop(meeting_id, None)  # already gone counts as deleted

    def find_upcoming(self, wanted: Callable[[ProviderMeeting], bool]) -> ProviderMeeting | None:
        self._call("list")
        return next((meeting for meeting in self.meetings.values() if wanted(meeting)), None)  # as FakeZoom

    def user_id(self) -> str | None:
        self._connected()
        return self.user

    def licensed(self) -> bool:
        self._connected()
        return self.is_licensed

    def start_link(self, meeting_id: int) -> StartLink:
        self._call(f"start {meeting_id}")
        meeting = self._meeting(meeting_id)
        link = f"https://{self.join_host}/s/{meeting_id}?zak=host-only-{len(self.calls)}"  # fresh at each read
        return StartLink(host_id=meeting.host_id, url=link)

    def _call(self, call: str) -> None:
        self._connected()
        self.calls.append(call)

    def _connected(self) -> None:
        if not self.connected:
            raise ProviderNotConnected()

    def _meeting(self, meeting_id: int) -> ProviderMeeting:
        if meeting_id not in self.meetings:
            raise ProviderMeetingGone()
        return self.meetings[meeting_id]

    def _personal_link(self, meeting_id: int, registrant: Registrant) -> str:
        return f"https://{self.join_host}/w/{meeting_id}?tk=personal-{registrant.first_name}"


@dataclass
class InMemoryTokens:
    """A browser's token store."""

    tokens: Tokens | None = None

    def get(self) -> Tokens | None:
        return self.tokens

    def set(self, tokens: Tokens) -> None:
        self.tokens = tokens

    def delete(self) -> None:
        self.tokens = None


@dataclass
class FakeZoom:
    """Zoom's REST API as the service uses it: meetings by id, one user, access tokens it accepts."""

    user_id: str = "host-1"
    licensed: bool = False
    valid_tokens: set[str] = field(default_factory=lambda: {"access-1"})
    meetings: dict[int, ProviderMeeting] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    next_id: int = 85746065432
    join_host: str = "us05web.zoom.us"
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def at(self, _base_url: str | None) -> FakeZoom:
        return self

    def _check(self, token: str, call: str) -> None:
        self.calls.append(call)
        if token not in self.valid_tokens:
            raise ZoomTokenInvalid()

    def create_meeting(
        self,
        token: str,
        *,
        topic: str,
        start: datetime,
        duration: int,
        timezone: str,
        registration: bool = False,
        registrant_emails: bool = True,
        agenda: str = "",
    ) -> ProviderMeeting:
        self._check(token, "create")
        meeting_id, self.next_id = self.next_id, self.next_id + 1
        join_url = f"https://{self.join_host}/j/{meeting_id}?pwd=Ab12Cd34Ef56.1"
        meeting = ProviderMeeting(
            meeting_id, topic, start.astimezone(UTC), join_url, self.user_id, agenda, passcode=True, waiting_room=True
        )
        self.meetings[meeting_id] = meeting
        return meeting

    def find_upcoming_meeting(self, token: str, wanted: Callable[[ProviderMeeting], bool]) -> ProviderMeeting | None:
        self._check(token, "list")
        return next((meeting for meeting in self.meetings.values() if wanted(meeting)), None)

    def get_meeting(self, token: str, meeting_id: int) -> ProviderMeeting:
        self._check(token, f"get {meeting_id}")
        if meeting_id not in self.meetings:
            raise ZoomMeetingGone()
        return self.meetings[meeting_id]

    def update_meeting(self, token: str, meeting_id: int, *, start: datetime, duration: int, timezone: str) -> None:
        self._check(token, f"patch {meeting_id}")
        if meeting_id not in self.meetings:
            raise ZoomMeetingGone()
        if start > self.now():  # as Zoom, a start in the past is ignored
            self.meetings[meeting_id] = replace(self.meetings[meeting_id], starts_at=start.astimezone(UTC))

    def delete_meeting(self, token: str, meeting_id: int, *, notify_registrants: bool = False) -> None:
        self._check(token, f"delete {meeting_id}" + (" notify" if notify_registrants else ""))
        self.meetings.pop(meeting_id, None)  # already gone counts as deleted, as the real client does

    def start_link(self, token: str, meeting_id: int) -> StartLink:
        self._check(token, f"start {meeting_id}")
        if meeting_id not in self.meetings:
            raise ZoomMeetingGone()
        link = f"https://{self.join_host}/s/{meeting_id}?zak=host-only-{len(self.calls)}"  # fresh at each read
        return StartLink(host_id=self.meetings[meeting_id].host_id, url=link)

    def get_me(self, token: str) -> ZoomUser:
        self._check(token, "me")
        return ZoomUser(self.user_id, self.licensed)

    def add_registrant(self, token: str, meeting_id: int, *, email: str, first_name: str, last_name: str = "") -> str:
        self._check(token, f"register {meeting_id}")
        return f"https://{self.join_host}/w/{meeting_id}?tk=personal-{first_name}"


@dataclass
class FakeTokenEndpoint:
    """Zoom's /oauth/token: each refresh rotates both tokens; a refused refresh token answers None."""

    zoom: FakeZoom
    refused: set[str] = field(default_factory=set)
    refreshes: int = 0
    revoked: list[str] = field(default_factory=list)

    def refresh(self, refresh_token: str) -> Tokens | None:
        if refresh_token in self.refused:
            return None
        self.refreshes += 1
        access = f"access-{self.refreshes + 1}"
        self.zoom.valid_tokens = {access}
        return Tokens(access, f"refresh-{self.refreshes + 1}", datetime.now(UTC).timestamp() + 3600)

    def revoke(self, access_token: str) -> None:
        self.revoked.append(access_token)


class InMemoryPresenceLog:
    """The presence log (meetings.presence_ports.PresenceLog) as sets and dicts, writing notes through an
    InMemoryBook so its versions and conflicts hold."""

    def __init__(self, book: InMemoryBook) -> None:
        self.book = book
        self.kept: dict[int, set[Mark]] = {}
        self.written: dict[int, dict[int, Written]] = {}
        self.removed_hosts: dict[str, int] = {}

    def add(self, appointment_id: int, mark: Mark) -> bool:
        if appointment_id not in self.book.rows or mark in self.kept.get(appointment_id, set()):
            return False
        self.kept.setdefault(appointment_id, set()).add(mark)
        return True

    def with_marks(self) -> list[int]:
        return [key for key, marks in self.kept.items() if marks]

    def marks(self, appointment_ids: list[int]) -> dict[int, list[Mark]]:
        return {key: list(self.kept[key]) for key in appointment_ids if self.kept.get(key)}

    def attendance_written(self, appointment_ids: list[int]) -> dict[int, dict[int, Written]]:
        return {key: dict(self.written[key]) for key in appointment_ids if key in self.written}

    def write_attendance(self, appointment_id: int, base_version: int, notes: str, written: Written) -> Appointment:
        saved = self.book._write(appointment_id, base_version, notes=notes)
        self.written.setdefault(appointment_id, {})[written.meeting_id] = written
        return saved

    def forget_before(self, cutoff_ms: int) -> int:
        forgotten = 0
        for marks in self.kept.values():
            old = {mark for mark in marks if mark.at_ms < cutoff_ms}
            marks -= old
            forgotten += len(old)
        return forgotten

    def host_removed(self, host_marks: list[str], at_ms: int) -> None:
        self.removed_hosts.update(dict.fromkeys(host_marks, at_ms))

    def host_back(self, host_marks: list[str]) -> None:
        for mark in host_marks:
            self.removed_hosts.pop(mark, None)

    def of_removed_hosts(self, appointment_ids: list[int]) -> set[int]:
        rows = (self.book.rows[key] for key in appointment_ids if key in self.book.rows)
        return {row.id for row in rows if row.host_mark in self.removed_hosts}
