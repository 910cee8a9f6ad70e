"""Who is in an appointment's meeting, live, and the record of attendance once it ends.

The provider's events arrive late, twice, or out of order, and at any of several servers at once. So
nothing here is a running total: each event is kept as a mark (a kind and a time, no one's name or
id), a replay is the same mark, and the state is worked out from the sorted marks whenever it is
needed. The attendance line is rewritten from them, so a late event can only make it more right.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from simplespa_zoom.meetings.presence_ports import Kind, Mark, PresenceLog, Written

KEPT_FOR = timedelta(hours=24)  # marks are news for a day; the attendance line is the lasting record
EARLY = timedelta(hours=1)  # an instance started this long before the appointment still belongs to it
GRACE = timedelta(hours=1)  # … and one started up to this long after its end; a session with no end is closed then
RUN_GAP_MS = 15 * 60_000  # off the appointment's hours, instances this close one after another are one session
FREE_LIMIT_MS = 40 * 60_000  # Zoom ends a Basic account's meeting of two or more people at 40 minutes
LIMIT_SLACK_MS = 60_000  # … give or take the minute events take to be stamped
HOST_KINDS = {Kind.JOINED: Kind.HOST_JOINED, Kind.LEFT: Kind.HOST_LEFT}  # the host's marks, kept apart
KIND_ORDER = {kind: index for index, kind in enumerate(Kind)}


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
    "presence_closed",  # the provider never said the meeting ended: the tick closed the session after a grace
    "presence_limit",  # the provider ended the meeting at the free account's time limit; the link starts it again
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
    at_limit: bool = False  # the last instance ended at the free account's time limit, with two or more in
    closed: bool = False  # no end came from the provider: the tick closed the session

    @classmethod
    def of(cls, marks: list[Mark]) -> Presence:
        """The state after these marks of one session, whatever order they came in. The marks name no one, so
        a join or an admission ends every wait, and a leave of no one inside ends the waits too (Zoom may send
        an admission without "left the waiting room", and a leave for someone who gave up waiting).

        A session may span several instances of the meeting (the provider ends a free account's meeting at its
        time limit, and the same link starts a new instance): an instance's end closes that instance, and a
        mark of another instance after it opens the session again; what a closed instance hears later is
        no one's time in it. The app's own close counts only for an instance of which no end came.
        """
        started = ended = waiting_since = inside_since = first = last = host_since = host_left = awaited = None
        instance_first = instance_started = None
        waiting = inside = times = attended = host = peak = 0
        limit = closed = False
        over: set[str] = set()  # the instances that ended
        told_end = {mark.session for mark in marks if mark.kind is Kind.ENDED}
        for mark in sorted(marks, key=lambda m: (m.at_ms, KIND_ORDER[m.kind], m.participant)):
            at, kind = mark.at_ms, mark.kind
            if mark.session in over or (kind is Kind.CLOSED and mark.session in told_end):
                continue  # that instance is over (or its real end is known): nothing here counts
            if ended is not None:
                ended, limit, closed, peak = None, False, False, 0  # a new instance: the session goes on
                instance_first = instance_started = None
            instance_first = at if instance_first is None else instance_first
            if kind in (Kind.STARTED, Kind.HOST_JOINED, Kind.EARLY_JOINED, Kind.WAITING, Kind.JOINED, Kind.LEFT):
                awaited = None  # the wait for the host is over: the meeting is on, or the client is elsewhere
            if kind is Kind.STARTED:
                started = at if started is None else started
                instance_started = at if instance_started is None else instance_started
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
            elif kind in (Kind.ENDED, Kind.CLOSED):
                ended, closed, over = at, kind is Kind.CLOSED, over | {mark.session}
                began = instance_started if instance_started is not None else instance_first or at
                limit = peak >= 2 and abs(at - began - FREE_LIMIT_MS) <= LIMIT_SLACK_MS
                if inside and inside_since is not None:
                    attended, last = attended + at - inside_since, at
                inside = waiting = host = 0
                host_left = awaited = None
            peak = max(peak, inside + host)
        return cls(
            started, ended, waiting_since if waiting else None, inside_since if inside else None,
            first, last, attended, times, host_since if host else None, host_left, awaited, limit and not closed,
            closed,
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
            ("presence_closed", self.ended_ms if self.closed else None),
            ("presence_limit", self.ended_ms if self.at_limit else None),
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


def _ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def _ms_of(span: timedelta) -> int:
    return int(span.total_seconds() * 1000)


class Ticked(NamedTuple):
    """What one tick did to presence: marks forgotten, sessions closed, attendance lines left for the next."""

    forgotten: int
    closed: int
    busy: int


class Session(NamedTuple):
    """An appointment's session: the marks that make it, and whether its instances are in the appointment's
    window (only such a session is closed by the tick: one off the appointment's hours may still be going)."""

    marks: list[Mark]
    in_window: bool


def session_of(appointment: Appointment, marks: list[Mark], now: datetime) -> Session:
    """The marks of the appointment's session: those of its own meeting (a removed meeting's are not), not older
    than a day, of every instance that started from EARLY before the appointment to GRACE after its end.

    A later (or earlier) instance outside that window never replaces it. With no instance in the window (a
    meeting held off the appointment's hours) the session is the latest run of instances that followed one
    another closely."""
    if appointment.own_meeting_id is None:
        return Session([], False)
    cutoff = _ms(now - KEPT_FOR)
    mine = [m for m in marks if m.meeting_id == appointment.own_meeting_id and m.at_ms >= cutoff]
    spans: dict[str, tuple[int, int]] = {}
    for mark in mine:
        low, high = spans.get(mark.session, (mark.at_ms, mark.at_ms))
        spans[mark.session] = (min(low, mark.at_ms), max(high, mark.at_ms))
    opens = _ms(appointment.starts_at - EARLY)
    closes = _ms(appointment.starts_at + timedelta(minutes=appointment.duration_minutes) + GRACE)
    chosen = {session for session, (low, _) in spans.items() if opens <= low <= closes}
    in_window = bool(chosen)
    if not chosen and spans:
        ordered = sorted(spans.items(), key=lambda item: item[1][0], reverse=True)
        chosen = {ordered[0][0]}
        for (session, (_, high)), (_, (later_low, _)) in zip(ordered[1:], ordered, strict=False):
            if later_low - high > RUN_GAP_MS:
                break
            chosen.add(session)
    return Session([m for m in mine if m.session in chosen], in_window)


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

    def record(
        self, meeting_id: int, session: str, kind: Kind, who: Who, at_ms: int | None, participant: str = ""
    ) -> int:
        """Keep the mark for each appointment whose meeting this is; write the attendance line once the
        session has ended. How many appointments it concerned (at_ms None: now)."""
        now = self.now()
        self.log.forget_before(_ms(now - KEPT_FOR))
        at_ms = _ms(now) if at_ms is None else at_ms
        concerned = 0
        if who is Who.HOST:  # the host's own comings and goings; the host's wait (if any) says nothing
            kind = HOST_KINDS.get(kind, kind)
            if kind not in HOST_KINDS.values():
                return 0
        for appointment in self.book.find_by_meeting(meeting_id):
            if who not in (Who.MEETING, Who.HOST) and not counts_as_client(who, appointment):
                continue
            self.log.add(appointment.id, Mark(session, kind, at_ms, meeting_id, participant))
            self.write_attendance(appointment.id)
            concerned += 1
        return concerned

    def sessions_of(
        self, appointment_ids: list[int], known: dict[int, Appointment] | None = None
    ) -> dict[int, tuple[Appointment, Session]]:
        """The one place that picks each appointment's session (session_of: its own meeting's instances in the
        window around it), with the appointment, from the store alone (no provider call): one read of the marks,
        and one read (book.many) of only the appointments that have any and are not already known (those with
        nothing reported left out). The page, its poll, the attendance line and the tick all see the session this
        picks."""
        now = self.now()
        known = dict(known or {})
        marks = self.log.marks(appointment_ids)
        unknown = [key for key in marks if key not in known]
        if unknown:
            known.update((appointment.id, appointment) for appointment in self.book.many(unknown))
        found = {}
        for key, its_marks in marks.items():
            appointment = known.get(key)
            if appointment is None:
                continue  # deleted since its marks were written
            session = session_of(appointment, its_marks, now)
            if session.marks:
                found[key] = (appointment, session)
        return found

    def now_with(self, appointment_ids: list[int]) -> dict[int, tuple[Appointment, Presence]]:
        """Each appointment's session with the appointment (those with nothing reported left out)."""
        return {
            key: (appointment, Presence.of(session.marks))
            for key, (appointment, session) in self.sessions_of(appointment_ids).items()
        }

    def presence_of(self, appointments: Sequence[Appointment]) -> dict[int, Presence]:
        """The session of each of these appointments, read already (a page's poll reads its rows itself): one read
        of the marks, none of the appointments (those with nothing reported left out)."""
        known = {appointment.id: appointment for appointment in appointments}
        return {key: Presence.of(session.marks) for key, (_, session) in self.sessions_of(list(known), known).items()}

    def now_of(self, appointment_ids: list[int]) -> dict[int, Presence]:
        """Each appointment's session (those with nothing reported left out)."""
        return {key: presence for key, (_, presence) in self.now_with(appointment_ids).items()}

    def write_attendance(self, appointment_id: int) -> Appointment | None:
        """Once the session has ended (the provider's end, or the tick's close), its attendance line in the
        notes, written once per meeting: the store records that the app wrote it (not read back from the text), a
        late event (or the next instance of the meeting) may rewrite the app's own unedited line, and a line staff
        edited (or removed) is theirs, never rewritten. The row is read before the marks, so a write based on
        marks read too early meets a newer version and is decided again; the record is read before the row and
        again after it, so a line another server wrote in between (its notes and record land together) is never
        taken for a line staff removed."""
        for _ in range(timing.SAVE_ATTEMPTS):
            recorded = self.log.attendance_written([appointment_id]).get(appointment_id, {})
            appointment = self.book.get(appointment_id)
            chosen = self.sessions_of([appointment_id], {appointment_id: appointment}).get(appointment_id)
            marks = chosen[1].marks if chosen is not None else []
            presence = Presence.of(marks)
            meeting_line = own_line(appointment)
            if not marks or presence.ended_ms is None or meeting_line is None:
                return None
            line_format = appointment.line_format
            if self.log.attendance_written([appointment_id]).get(appointment_id, {}) != recorded:
                continue  # another server wrote the line meanwhile: the row read may predate it
            written = recorded.get(meeting_line.meeting_id)
            mine = attendance.own_line(line_format, appointment.notes, written.digest) if written else None
            if written is not None and mine is None:
                return None  # staff edited or removed it: their correction is the record
            attended = presence.attended()
            end = appointment.starts_at + timedelta(minutes=appointment.duration_minutes)
            verdict = attendance.judge(attended, outcome_of(marks, presence), appointment.starts_at, end)
            someone = not client_identified(appointment)
            text = attendance.format_line(line_format, attended, self.tz, verdict, someone=someone)
            if mine is not None and mine.text == text:
                return None
            edited = attendance.place(appointment.notes, text, meeting_line, mine)
            record = Written(meeting_line.meeting_id, text, notes.fingerprint(text), _ms(self.now()))
            try:
                return self.log.write_attendance(appointment_id, appointment.version, edited, record)
            except VersionConflict:
                continue
        raise NotesBusy()

    def tick(self) -> Ticked:
        """The periodic work on presence, safe on any number of servers at once: forget marks older than a day,
        and close each session of an appointment whose provider end never came (its delivery failed and was
        dropped) GRACE after the appointment's end and the last mark heard, writing its attendance line (with its
        outcome) from the marks received, through write_attendance like any other. A close is a mark like any
        other: two servers closing at once keep one, and the attendance write is checked against the row's
        version and recorded, so the line is written once."""
        now = self.now()
        forgotten = self.log.forget_before(_ms(now - KEPT_FOR))
        closed = busy = 0
        for appointment_id, (appointment, session) in self.sessions_of(self.log.with_marks()).items():
            if not session.in_window or Presence.of(session.marks).ended_ms is not None:
                continue
            last = max(session.marks, key=lambda mark: mark.at_ms)
            close_at = max(last.at_ms, _ms(appointment.starts_at + timedelta(minutes=appointment.duration_minutes)))
            if _ms(now) < close_at + _ms_of(GRACE):
                continue
            if self.log.add(appointment_id, Mark(last.session, Kind.CLOSED, close_at, last.meeting_id)):
                closed += 1
            try:
                self.write_attendance(appointment_id)
            except NotesBusy:
                busy += 1  # the next tick writes it
        return Ticked(forgotten, closed, busy)


# Which marks tell, for the attendance line's outcome (attendance.judge), that the meeting was on, that the client
# waited in the waiting room, and that the client came (the first of them is when).
ON_KINDS = frozenset({Kind.STARTED, Kind.HOST_JOINED, Kind.EARLY_JOINED, Kind.ADMITTED, Kind.JOINED})
WAITED_KINDS = frozenset({Kind.WAITING, Kind.PUT_BACK})
CAME_KINDS = frozenset({Kind.HOST_AWAITED, Kind.WAITING, Kind.JOINED})


def outcome_of(marks: list[Mark], presence: Presence) -> attendance.Session:
    """What the marks of an ended session say beyond the client's times (attendance.Session): marks after its
    end belong to no one's time in it."""
    ended = presence.ended_ms if presence.ended_ms is not None else max(mark.at_ms for mark in marks)
    within = [mark for mark in marks if mark.at_ms <= ended]
    came = [mark.at_ms for mark in within if mark.kind in CAME_KINDS]
    return attendance.Session(
        started=any(mark.kind in ON_KINDS for mark in within),
        waited=any(mark.kind in WAITED_KINDS for mark in within),
        arrived=instant(min(came)) if came else None,
        ended=instant(ended),
    )
