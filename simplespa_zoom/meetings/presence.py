"""Who is in an appointment's meeting, live, and the record of attendance once it ends.

The provider's events arrive late, twice, or out of order, and at any of several servers at once. So
nothing here is a running total: each event is kept as a mark (a kind and a time, no one's name or
id), a replay is the same mark, and the state is worked out from the sorted marks whenever it is
needed. The attendance line is rewritten from them, so a late event can only make it more right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import attendance, notes, timing
from simplespa_zoom.meetings.domain import Appointment, VersionConflict
from simplespa_zoom.meetings.errors import NotesBusy
from simplespa_zoom.meetings.host_marks import HostMarks
from simplespa_zoom.meetings.lines import own_line
from simplespa_zoom.meetings.ports import AppointmentBook, Clock
from simplespa_zoom.meetings.presence_ports import Kind, Mark, PresenceLog

KEPT_FOR = timedelta(hours=24)  # marks are news for a day; the attendance line is the lasting record
HOST_KINDS = {Kind.JOINED: Kind.HOST_JOINED, Kind.LEFT: Kind.HOST_LEFT}  # the host's marks, kept apart


class Who(Enum):
    """Who an event is about, as the provider's event tells it."""

    MEETING = "meeting"  # the meeting itself (started, ended)
    HOST = "host"  # the meeting's host (the event's host id, or the host's email when the event gives it)
    REGISTRANT = "registrant"  # someone who joined with a registrant's personal link: the client, exactly
    GUEST = "guest"  # anyone else: the client, or staff the event does not tell apart (the host on a second
    # device without signing in, an alternative host, a co-host, a colleague); the app says "someone"


def instant(at_ms: int) -> datetime:
    return datetime.fromtimestamp(at_ms / 1000, UTC)


class PresenceNote(NamedTuple):
    """What the page shows about a session, as a message code and its time (the web layer words it)."""

    code: str
    at: datetime


# What the widget and the day list say in each state of a session (README "Who is in the meeting", and Help).
# The first state that holds is told; each sentence claims only what that state makes true.
STATES = (
    "presence_ended",  # the meeting ended
    "presence_waiting_host_in",  # the client waits in the waiting room while the host is in
    "presence_waiting",  # the client waits, no host in (not yet, or gone)
    "presence_waiting_for_host",  # the client arrived before the host, who has not started the meeting
    "presence_host_left",  # the host left and has not come back; the meeting goes on
    "presence_both_in",  # client and host in the meeting
    "presence_in_meeting",  # the client in the meeting, no host seen
    "presence_client_left",  # the client was in and left (may rejoin)
    "presence_started",  # the meeting started (or the host is in); the client never came
    "presence_nobody",  # nothing reported yet (told only until the appointment is over)
)


@dataclass(frozen=True)
class Presence:
    """One session as its marks tell it (times in epoch ms; None: not so)."""

    started_ms: int | None = None
    ended_ms: int | None = None
    waiting_since_ms: int | None = None
    in_meeting_since_ms: int | None = None
    first_joined_ms: int | None = None
    last_left_ms: int | None = None
    attended_ms: int = 0
    times_joined: int = 0
    host_in_since_ms: int | None = None
    host_left_ms: int | None = None  # the host's last leave, while not back in
    host_awaited_since_ms: int | None = None  # the client arrived before the host and waits for the meeting to start

    @classmethod
    def of(cls, marks: list[Mark]) -> Presence:
        """The state after these marks of one session, whatever order they came in. The marks name no one, so
        a join or an admission ends every wait, and a leave of no one inside ends the waits too (Zoom may send
        an admission without "left the waiting room", and a leave for someone who gave up waiting)."""
        started = ended = waiting_since = inside_since = first = last = host_since = host_left = awaited = None
        waiting = inside = times = attended = host = 0
        for mark in sorted(marks, key=lambda m: (m.at_ms, list(Kind).index(m.kind))):
            at, kind = mark.at_ms, mark.kind
            if ended is not None:
                break  # the session is over: what comes after belongs to no one's time in it
            if kind in (Kind.STARTED, Kind.HOST_JOINED, Kind.EARLY_JOINED, Kind.WAITING, Kind.JOINED, Kind.LEFT):
                awaited = None  # the wait for the host is over: the meeting is on, or the client is elsewhere
            if kind is Kind.STARTED:
                started = at if started is None else started
            elif kind is Kind.HOST_JOINED:
                host_since, host_left = host_since if host else at, None
                host += 1
            elif kind is Kind.HOST_LEFT and host:
                host -= 1
                host_left = None if host else at
            elif kind is Kind.HOST_AWAITED:
                awaited = at if awaited is None else awaited
            elif kind is Kind.PUT_BACK and inside:
                inside -= 1
                if not inside and inside_since is not None:
                    attended, last = attended + at - inside_since, at
            if kind in (Kind.WAITING, Kind.PUT_BACK):
                waiting, waiting_since = waiting + 1, waiting_since if waiting else at
            elif kind is Kind.WAITING_LEFT:
                waiting = max(waiting - 1, 0)
            elif kind in (Kind.ADMITTED, Kind.JOINED):
                waiting = 0
            if kind is Kind.JOINED:
                if not inside:
                    inside_since, times, first = at, times + 1, first if first is not None else at
                inside += 1
            elif kind is Kind.LEFT and inside:
                inside -= 1
                if not inside and inside_since is not None:
                    attended, last = attended + at - inside_since, at
            elif kind is Kind.LEFT:
                waiting = 0  # a leave of no one inside: someone left the waiting room (Zoom: "Leave waiting room.")
            elif kind is Kind.ENDED:
                ended = at
                if inside and inside_since is not None:
                    attended, last = attended + at - inside_since, at
                inside = waiting = host = 0
                awaited = None
        return cls(
            started, ended, waiting_since if waiting else None, inside_since if inside else None,
            first, last, attended, times, host_since if host else None, host_left, awaited,
        )  # fmt: skip

    def attended(self) -> attendance.Attended:
        joined = instant(self.first_joined_ms) if self.first_joined_ms is not None else None
        left = instant(self.last_left_ms) if self.last_left_ms is not None else None
        return attendance.Attended(joined, left, round(self.attended_ms / 60000), self.times_joined)

    def note(self) -> PresenceNote | None:
        """What the widget and the day list show: the first state of STATES that holds, with its time, or None
        when nothing was reported yet."""
        client_in, waiting, host_in = self.in_meeting_since_ms, self.waiting_since_ms, self.host_in_since_ms
        started = min((at for at in (self.started_ms, host_in) if at is not None), default=None)
        client_left = self.last_left_ms if self.times_joined and client_in is None else None
        for code, at_ms in (
            ("presence_ended", self.ended_ms),
            ("presence_waiting_host_in", waiting if host_in is not None else None),
            ("presence_waiting", waiting),
            ("presence_waiting_for_host", self.host_awaited_since_ms),
            ("presence_host_left", self.host_left_ms),
            ("presence_both_in", max(client_in, host_in) if client_in is not None and host_in is not None else None),
            ("presence_in_meeting", client_in),
            ("presence_client_left", client_left),
            ("presence_started", started),
        ):
            if at_ms is not None:
                return PresenceNote(code, instant(at_ms))
        return None


def presence_now(presence: Presence | None, over: bool, now: datetime) -> PresenceNote | None:
    """What an appointment page says of its meeting: the session's state, or, until the appointment is over,
    that nothing was reported yet (after it, the attendance line is the record and silence says nothing false)."""
    note = presence.note() if presence is not None else None
    if note is None and not over:
        return PresenceNote("presence_nobody", now)
    return note


def latest_session(marks: list[Mark]) -> list[Mark]:
    """The marks of the session heard of last (a later session of the same meeting replaces an earlier one)."""
    if not marks:
        return []
    session = max(marks, key=lambda m: m.at_ms).session
    return [mark for mark in marks if mark.session == session]


def client_identified(appointment: Appointment) -> bool:
    """Whether the provider's events tell this appointment's client from staff: only where the app's line is a
    registrant's personal link (paid plans), whose registrant id marks the client. Elsewhere (a free account's
    plain link) a participant who is not the signed-in host may be staff, so pages and the attendance line say
    "someone", never "client"."""
    line = own_line(appointment)
    return line is not None and appointment.line_format.is_personal_link(line.join_url)


def counts_as_client(who: Who, appointment: Appointment) -> bool:
    """Whose comings and goings are told for the appointment: never the host's; where the app's line is a
    registrant's personal link, only a registrant's (the link the client was given); elsewhere anyone else's,
    told as someone's (client_identified)."""
    if who in (Who.MEETING, Who.HOST):
        return False
    return who is Who.REGISTRANT or not client_identified(appointment)


@dataclass(frozen=True)
class PresenceEvents:
    """Applies the provider's meeting and participant events to the appointments of that meeting."""

    book: AppointmentBook
    log: PresenceLog
    tz: ZoneInfo
    now: Clock
    marks: HostMarks

    def host_removed(self, user_id: str) -> None:
        """The provider says this user removed the app (or it was disconnected): no events of their meetings
        come from now on, so their pages say presence is off rather than showing nothing."""
        self.log.host_removed(self.marks.every_mark(user_id), int(self.now().timestamp() * 1000))

    def host_back(self, user_id: str) -> None:
        """The user connected again: their meetings' events come again."""
        self.log.host_back(self.marks.every_mark(user_id))

    def off_for(self, appointment_ids: list[int]) -> set[int]:
        """The appointments whose meeting's host removed the app: what they show of presence would be stale."""
        return self.log.of_removed_hosts(appointment_ids)

    def record(self, meeting_id: int, session: str, kind: Kind, who: Who, at_ms: int | None) -> int:
        """Keep the mark for each appointment whose meeting this is; write the attendance line once the
        session has ended. How many appointments it concerned (at_ms None: now)."""
        now = self.now()
        self.log.forget_before(int((now - KEPT_FOR).timestamp() * 1000))
        at_ms = int(now.timestamp() * 1000) if at_ms is None else at_ms
        concerned = 0
        if who is Who.HOST:  # the host's own comings and goings; the host's wait (if any) says nothing
            kind = HOST_KINDS.get(kind, kind)
            if kind not in HOST_KINDS.values():
                return 0
        for appointment in self.book.find_by_meeting(meeting_id):
            if who not in (Who.MEETING, Who.HOST) and not counts_as_client(who, appointment):
                continue
            self.log.add(appointment.id, Mark(session, kind, at_ms))
            self.write_attendance(appointment.id)
            concerned += 1
        return concerned

    def now_of(self, appointment_ids: list[int]) -> dict[int, Presence]:
        """Each appointment's latest session, from the store alone (no provider call)."""
        return {key: Presence.of(latest_session(marks)) for key, marks in self.log.marks(appointment_ids).items()}

    def write_attendance(self, appointment_id: int) -> Appointment | None:
        """Once the latest session has ended, its attendance line in the notes: written once, rewritten
        when a late event changes it. The row is read before the marks, so a write based on marks read
        too early meets a newer version and is decided again."""
        for _ in range(timing.SAVE_ATTEMPTS):
            appointment = self.book.get(appointment_id)
            presence = self.now_of([appointment_id]).get(appointment_id)
            meeting_line = own_line(appointment)
            if presence is None or presence.ended_ms is None or meeting_line is None:
                return None
            digest = self.log.attendance_digest(appointment_id)
            mine = attendance.own_line(appointment.line_format, appointment.notes, digest)
            someone = not client_identified(appointment)
            text = attendance.format_line(appointment.line_format, presence.attended(), self.tz, someone)
            if mine is not None and mine.text == text:
                return None
            edited = attendance.place(appointment.notes, text, meeting_line, mine)
            try:
                return self.log.write_attendance(appointment_id, appointment.version, edited, notes.fingerprint(text))
            except VersionConflict:
                continue
        raise NotesBusy()
