"""One presence-log contract against the SQL store (SQLite, or PostgreSQL with --database=postgresql) and
the in-memory fake; and the presence service over the fakes, without Flask, SQL or Zoom."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from simplespa_zoom.book import Book
from simplespa_zoom.meetings import attendance, notes
from simplespa_zoom.meetings.domain import Appointment, AppointmentDraft, VersionConflict
from simplespa_zoom.meetings.host_marks import HostMarks
from simplespa_zoom.meetings.presence import STATES, Presence, PresenceEvents, PresenceNote, Who, presence_now
from simplespa_zoom.meetings.presence_ports import Kind, Mark, PresenceLog, Written
from simplespa_zoom.web.words import say_presence
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .fakes import InMemoryBook, InMemoryPresenceLog
from .test_contract_book import LINE, MEETING_ID, START
from .test_line_format import MEET, MEET_LINE

TZ = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
MS = int(NOW.timestamp() * 1000)


@dataclass
class Subject:
    log: PresenceLog
    appointment: Appointment


@pytest.fixture(params=["sql", "in-memory"])
def subject(request: pytest.FixtureRequest) -> Iterator[Subject]:
    if request.param == "in-memory":
        book = InMemoryBook()
        yield Subject(InMemoryPresenceLog(book), book.add("Ana Souza", START, "Keep."))
        return
    opened = Book.open(request.getfixturevalue("database"), ZOOM_LINE_FORMAT)
    opened.upgrade()
    yield Subject(opened.presence, opened.appointments.create(AppointmentDraft("Ana Souza", None, START, 60, "Keep.")))


def test_a_mark_given_twice_is_kept_once(subject: Subject) -> None:
    mark = Mark("s1", Kind.JOINED, MS)
    subject.log.add(subject.appointment.id, mark)
    subject.log.add(subject.appointment.id, mark)
    subject.log.add(subject.appointment.id, Mark("s1", Kind.LEFT, MS))
    kept = subject.log.marks([subject.appointment.id, 999])
    assert sorted(kept[subject.appointment.id]) == sorted([mark, Mark("s1", Kind.LEFT, MS)]) and 999 not in kept


def test_marks_of_no_appointment_are_not_kept(subject: Subject) -> None:
    subject.log.add(999_999, Mark("s1", Kind.JOINED, MS))
    assert subject.log.marks([999_999]) == {}


def test_old_marks_are_forgotten(subject: Subject) -> None:
    for at in (MS - 10, MS, MS + 10):
        subject.log.add(subject.appointment.id, Mark("s1", Kind.JOINED, at))
    subject.log.forget_before(MS)
    assert sorted(m.at_ms for m in subject.log.marks([subject.appointment.id])[subject.appointment.id]) == [MS, MS + 10]


def test_the_attendance_write_checks_the_version_and_records_what_it_wrote(subject: Subject) -> None:
    appointment = subject.appointment
    assert subject.log.attendance_written([appointment.id]) == {}
    first = Written(MEETING_ID, "line", "d1", MS)
    saved = subject.log.write_attendance(appointment.id, appointment.version, "Keep.\nline", first)
    assert saved.notes == "Keep.\nline" and saved.version == appointment.version + 1
    assert subject.log.attendance_written([appointment.id]) == {appointment.id: {MEETING_ID: first}}
    with pytest.raises(VersionConflict) as conflict:
        subject.log.write_attendance(appointment.id, appointment.version, "other", first._replace(digest="d2"))
    assert conflict.value.current.notes == "Keep.\nline"
    assert subject.log.attendance_written([appointment.id]) == {appointment.id: {MEETING_ID: first}}
    later = Written(MEETING_ID, "line 2", "d3", MS + 1)  # rewritten in place: one record per meeting
    subject.log.write_attendance(appointment.id, saved.version, "Keep.\nline 2", later)
    assert subject.log.attendance_written([appointment.id]) == {appointment.id: {MEETING_ID: later}}


def service() -> tuple[InMemoryBook, PresenceEvents, Appointment]:
    book = InMemoryBook()
    appointment = book.add(
        "Ana Souza", START, "Keep.\n" + LINE, own_meeting_id=MEETING_ID, own_line_digest=notes.fingerprint(LINE)
    )
    return book, PresenceEvents(book, InMemoryPresenceLog(book), TZ, lambda: NOW, HostMarks("secret")), appointment


def test_a_concurrent_edit_is_kept_and_the_line_still_written_once() -> None:
    book, presence, appointment = service()
    presence.record(MEETING_ID, "s", Kind.STARTED, Who.MEETING, MS)
    book.edits_meanwhile.append("Typed meanwhile.\n" + LINE)
    presence.record(MEETING_ID, "s", Kind.ENDED, Who.MEETING, MS + 60_000)
    presence.record(MEETING_ID, "s", Kind.ENDED, Who.MEETING, MS + 60_000)  # replayed
    assert book.get(appointment.id).notes == "Typed meanwhile.\n" + LINE + "\nZoom attendance: client did not join"


def test_the_host_and_marks_older_than_a_day_do_not_count() -> None:
    book, presence, appointment = service()
    assert presence.record(MEETING_ID, "s", Kind.JOINED, Who.HOST, MS) == 1  # kept as the host's own mark
    assert presence.now_of([appointment.id])[appointment.id].times_joined == 0  # never as the client's
    presence.record(MEETING_ID, "s", Kind.WAITING, Who.GUEST, int((NOW - timedelta(days=2)).timestamp() * 1000))
    presence.record(MEETING_ID, "s", Kind.STARTED, Who.MEETING, MS)
    note = presence.now_of([appointment.id])[appointment.id].note()
    assert note == PresenceNote("presence_started", NOW)  # the core says what and when; the web words it
    assert say_presence(note, TZ, NOW) == "Meeting started at 4:00 pm; the client has not joined yet."


def test_a_time_not_of_today_is_said_with_its_date() -> None:
    """Marks are kept a day: yesterday evening's news is said with its date, not read as today's (issue 29 item 7)."""
    note = PresenceNote("presence_ended", NOW)  # 4:00 pm in New York on Tuesday, December 1
    assert say_presence(note, TZ, NOW + timedelta(hours=7)) == "Meeting ended at 4:00 pm."  # 11 pm: still that day
    next_day = NOW + timedelta(hours=9)  # 1 am on the 2nd in New York
    assert say_presence(note, TZ, next_day) == "Meeting ended at Tuesday, December 1 2026 4:00 pm."


def test_the_attendance_label_is_the_providers_own() -> None:
    """Under a second provider's line the core writes that provider's attendance label (it names none)."""
    book = InMemoryBook(line_format=MEET)
    appointment = book.add(
        "Ana Souza",
        NOW,  # the session below is on time
        "Keep.\n" + MEET_LINE,
        own_meeting_id=MEETING_ID,
        own_line_digest=notes.fingerprint(MEET_LINE),
    )
    presence = PresenceEvents(book, InMemoryPresenceLog(book), TZ, lambda: NOW, HostMarks("secret"))
    presence.record(MEETING_ID, "s", Kind.STARTED, Who.MEETING, MS)
    presence.record(MEETING_ID, "s", Kind.JOINED, Who.GUEST, MS + 3 * 60_000)
    presence.record(MEETING_ID, "s", Kind.ENDED, Who.MEETING, MS + 44 * 60_000)
    written = book.get(appointment.id).notes
    assert written == "Keep.\n" + MEET_LINE + "\nMeet attendance: someone joined 4:03 pm, left 4:44 pm (41 min)"
    assert attendance.find_lines(ZOOM_LINE_FORMAT, written) == []  # not Zoom's line, though of the same shape


# Issue 28 item 4: each state of a session, its one sentence (the README's and Help's table), from its marks.
STATE_TABLE = {
    "nobody yet": ([], "presence_nobody"),
    "client waiting": ([(Kind.WAITING, 1)], "presence_waiting"),
    "client waiting for the host": ([(Kind.HOST_AWAITED, 1)], "presence_waiting_for_host"),
    "waited for the host, now in the waiting room": (
        [(Kind.HOST_AWAITED, 0), (Kind.STARTED, 1), (Kind.HOST_JOINED, 1), (Kind.WAITING, 1)],
        "presence_waiting_host_in",
    ),
    "admitted, joined and left": (
        [(Kind.HOST_JOINED, 0), (Kind.WAITING, 1), (Kind.ADMITTED, 2), (Kind.JOINED, 2), (Kind.LEFT, 3)],
        "presence_client_left",
    ),
    "put back in the waiting room": (
        [(Kind.HOST_JOINED, 0), (Kind.JOINED, 2), (Kind.PUT_BACK, 3)],
        "presence_waiting_host_in",
    ),
    "host in, client waiting": (
        [(Kind.STARTED, 0), (Kind.HOST_JOINED, 0), (Kind.WAITING, 1)],
        "presence_waiting_host_in",
    ),
    "host in, no client yet": ([(Kind.STARTED, 0), (Kind.HOST_JOINED, 0)], "presence_started"),
    "both in": (
        [(Kind.HOST_JOINED, 0), (Kind.WAITING, 1), (Kind.WAITING_LEFT, 2), (Kind.JOINED, 2)],
        "presence_both_in",
    ),
    "client in, no host seen": ([(Kind.JOINED, 2)], "presence_in_meeting"),
    "client left": ([(Kind.HOST_JOINED, 0), (Kind.JOINED, 2), (Kind.LEFT, 3)], "presence_client_left"),
    "client left, host left": (
        [(Kind.HOST_JOINED, 0), (Kind.JOINED, 2), (Kind.LEFT, 3), (Kind.HOST_LEFT, 4)],
        "presence_host_left",
    ),
    "host left, client in": ([(Kind.HOST_JOINED, 0), (Kind.JOINED, 2), (Kind.HOST_LEFT, 4)], "presence_host_left"),
    "host back": (
        [(Kind.HOST_JOINED, 0), (Kind.JOINED, 2), (Kind.HOST_LEFT, 4), (Kind.HOST_JOINED, 5)],
        "presence_both_in",
    ),
    "client back": ([(Kind.HOST_JOINED, 0), (Kind.JOINED, 2), (Kind.LEFT, 3), (Kind.JOINED, 6)], "presence_both_in"),
    "ended": ([(Kind.HOST_JOINED, 0), (Kind.JOINED, 2), (Kind.HOST_LEFT, 9), (Kind.ENDED, 9)], "presence_ended"),
    "ended at Zoom's 40-minute limit": (
        [(Kind.STARTED, 0), (Kind.HOST_JOINED, 0), (Kind.JOINED, 2), (Kind.LEFT, 40), (Kind.ENDED, 40)],
        "presence_limit",
    ),
    "ended at 40 minutes, alone": ([(Kind.STARTED, 0), (Kind.JOINED, 2), (Kind.ENDED, 40)], "presence_ended"),
    "closed, no end came": ([(Kind.STARTED, 0), (Kind.JOINED, 2), (Kind.CLOSED, 60)], "presence_closed"),
    "an end came after the close": ([(Kind.JOINED, 2), (Kind.CLOSED, 60), (Kind.ENDED, 45)], "presence_ended"),
}
EXPECTED_AT = {
    "nobody yet": None, "client waiting": 1, "client waiting for the host": 1,
    "waited for the host, now in the waiting room": 1, "admitted, joined and left": 3,
    "put back in the waiting room": 3, "host in, client waiting": 1, "host in, no client yet": 0, "both in": 2,
    "client in, no host seen": 2, "client left": 3, "client left, host left": 4, "host left, client in": 4,
    "host back": 5, "client back": 6, "ended": 9, "ended at Zoom's 40-minute limit": 40,
    "ended at 40 minutes, alone": 40, "closed, no end came": 60, "an end came after the close": 45,
}  # fmt: skip


@pytest.mark.parametrize("state", list(STATE_TABLE))
def test_each_state_of_a_session_has_its_one_sentence(state: str) -> None:
    marks, code = STATE_TABLE[state]
    presence = Presence.of([Mark("s", kind, MS + minutes * 60_000) for kind, minutes in marks])
    note = presence_now(presence if marks else None, over=False, now=NOW)
    minutes = EXPECTED_AT[state]
    assert note == PresenceNote(code, NOW + timedelta(minutes=minutes or 0))
    assert code in STATES and say_presence(note, TZ, NOW)  # worded from the message table


def test_nobody_yet_is_said_only_until_the_appointment_is_over() -> None:
    assert presence_now(None, over=True, now=NOW) is None  # then the attendance line is the record
    assert presence_now(Presence.of([]), over=True, now=NOW) is None


class WithoutTheLeave:
    """The presence log as a server saw it before the client's leave arrived (the leave's event reached another)."""

    def __init__(self, log: InMemoryPresenceLog) -> None:
        self.log = log

    def __getattr__(self, name: str) -> object:
        return getattr(self.log, name)

    def marks(self, appointment_ids: list[int]) -> dict[int, list[Mark]]:
        return {
            key: [m for m in kept if m.kind is not Kind.LEFT] for key, kept in self.log.marks(appointment_ids).items()
        }


def ended_with_a_late_leave() -> tuple[InMemoryBook, PresenceEvents, Appointment]:
    """The session over, every mark kept, no attendance line written yet."""
    book, presence, appointment = service()
    presence.record(MEETING_ID, "s", Kind.STARTED, Who.MEETING, MS)
    presence.record(MEETING_ID, "s", Kind.JOINED, Who.GUEST, MS + 60_000)
    presence.record(MEETING_ID, "s", Kind.LEFT, Who.GUEST, MS + 41 * 60_000)
    presence.log.add(appointment.id, Mark("s", Kind.ENDED, MS + 42 * 60_000, MEETING_ID))
    return book, presence, appointment


def test_a_line_another_server_writes_while_this_one_decides_is_corrected_never_taken_for_staffs() -> None:
    """The end reached one server and the late leave another. The server with the leave read the row just before
    the other's line (and its record) landed: it must see that line as the app's own and correct it, not take it
    for a line staff removed and leave the wrong one."""
    right = (
        "Keep.\n"
        + LINE
        + "\nZoom attendance: someone joined 4:01 pm, left 4:41 pm (40 min); late: arrived 61 min after the start"
    )
    book, presence, appointment = ended_with_a_late_leave()
    other = PresenceEvents(book, WithoutTheLeave(presence.log), TZ, lambda: NOW, HostMarks("secret"))  # type: ignore[arg-type]
    read_row = book.get
    raced: list[bool] = []

    def get_then_the_other_server_writes(appointment_id: int) -> Appointment:
        row = read_row(appointment_id)
        if not raced:
            raced.append(True)
            other.write_attendance(appointment_id)  # lands after this server's read of the row
        return row

    book.get = get_then_the_other_server_writes  # type: ignore[method-assign]
    presence.write_attendance(appointment.id)
    final = read_row(appointment.id).notes
    assert raced and final == right and final.count("Zoom attendance") == 1
