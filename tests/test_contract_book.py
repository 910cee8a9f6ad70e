"""One appointment-book contract, the same assertions against every implementation: the SQL store
(SQLite, or PostgreSQL with --database=postgresql) and the in-memory fake the service tests use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from simplespa_zoom.book import Book
from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.domain import Appointment, AppointmentDraft, AppointmentNotFound, VersionConflict
from simplespa_zoom.meetings.ports import AppointmentBook
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .fakes import InMemoryBook

START = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
LINK = "https://us05web.zoom.us/j/85746065432?pwd=Ab12Cd34Ef56.1"
LINE = "Zoom: [Appointment with Ana Souza] Tuesday, December 1 2026 3:00 pm \u2014 " + LINK
MEETING_ID = 85746065432


@dataclass
class Subject:
    """A book under the contract, and how to put a new appointment into it."""

    book: AppointmentBook
    add: Callable[[str], Appointment]


@pytest.fixture(params=["sql", "in-memory"])
def subject(request: pytest.FixtureRequest) -> Iterator[Subject]:
    if request.param == "in-memory":
        fake = InMemoryBook()
        yield Subject(fake, lambda text: fake.add("Ana Souza", START, text))
        return
    opened = Book.open(request.getfixturevalue("database"), ZOOM_LINE_FORMAT)
    opened.upgrade()
    store = opened.appointments
    yield Subject(store, lambda text: store.create(AppointmentDraft("Ana Souza", None, START, 60, text)))


def record(subject: Subject, appointment: Appointment, host_mark: str | None = "mark-1") -> Appointment:
    """As adding a meeting records it: the line appended, the meeting and its host remembered."""
    appended = notes.append_line(appointment.notes, LINE)
    return subject.book.record_meeting(
        appointment.id,
        appointment.version,
        appended,
        MEETING_ID,
        host_mark,
        1_000,
        meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, appended),
        line_digest=notes.fingerprint(LINE),
    )


def test_an_unknown_appointment_is_not_found(subject: Subject) -> None:
    with pytest.raises(AppointmentNotFound):
        subject.book.get(987654)


def test_a_write_based_on_the_read_version_saves_and_a_stale_one_conflicts_with_the_fresh_copy(
    subject: Subject,
) -> None:
    appointment = subject.add("Notes.")
    saved = subject.book.set_notes(appointment.id, appointment.version, "Edited.", meeting_ids=set())
    assert (saved.notes, saved.version) == ("Edited.", appointment.version + 1)
    assert subject.book.get(appointment.id) == saved
    with pytest.raises(VersionConflict) as conflict:
        subject.book.set_notes(appointment.id, appointment.version, "Lost edit.", meeting_ids=set())
    assert conflict.value.current == saved and subject.book.get(appointment.id) == saved


def test_one_claim_at_a_time_and_a_claim_released_in_doubt_is_taken_over_in_doubt(subject: Subject) -> None:
    appointment = subject.add("Notes.")
    first = subject.book.claim_for_create(appointment.id)
    assert first is not None and (first.appointment, first.in_doubt) == (appointment, False)
    assert subject.book.claim_for_create(appointment.id) is None
    subject.book.release_meeting(appointment.id)
    again = subject.book.claim_for_create(appointment.id)
    assert again is not None and again.in_doubt is False
    subject.book.release_meeting(appointment.id, in_doubt=True)
    taken_over = subject.book.claim_for_create(appointment.id)
    assert taken_over is not None and taken_over.in_doubt is True


def test_recording_a_meeting_saves_its_line_remembers_it_and_ends_the_claim(subject: Subject) -> None:
    claim = subject.book.claim_for_create(subject.add("Notes.").id)
    assert claim is not None
    saved = record(subject, claim.appointment)
    assert saved.notes == "Notes.\n" + LINE and saved.version == claim.appointment.version + 1
    assert (saved.zoom_meeting_id, saved.zoom_host_mark, saved.zoom_synced_ms) == (MEETING_ID, "mark-1", 1_000)
    assert saved.line_is_own and saved.zoom_line is not None and saved.zoom_line.join_url == LINK
    assert subject.book.find_by_meeting(MEETING_ID) == [saved]
    assert subject.book.claim_for_create(saved.id) is not None  # the claim ended with the write


def test_the_host_is_marked_only_on_the_meeting_named(subject: Subject) -> None:
    saved = record(subject, subject.add("Notes."), host_mark=None)
    subject.book.mark_host(saved.id, MEETING_ID + 1, "someone-else")
    assert subject.book.get(saved.id).zoom_host_mark is None
    subject.book.mark_host(saved.id, MEETING_ID, "mark-2")
    assert subject.book.get(saved.id).zoom_host_mark == "mark-2"


def test_a_rewritten_line_is_known_by_its_new_digest_and_what_it_shows_never_goes_back_in_time(
    subject: Subject,
) -> None:
    saved = record(subject, subject.add("Notes."))
    moved = LINE.replace("3:00 pm", "4:00 pm")
    text = saved.notes.replace(LINE, moved)
    newer = subject.book.set_notes(
        saved.id,
        saved.version,
        text,
        meeting_ids={MEETING_ID},
        synced_ms=2_000,
        own_line_digest=notes.fingerprint(moved),
    )
    assert newer.line_is_own and newer.zoom_synced_ms == 2_000 and newer.zoom_meeting_id == MEETING_ID
    with pytest.raises(VersionConflict) as older:
        subject.book.set_notes(newer.id, newer.version, saved.notes, meeting_ids={MEETING_ID}, synced_ms=1_999)
    assert older.value.current == newer


def test_forgetting_the_meeting_clears_everything_the_row_remembered_of_it(subject: Subject) -> None:
    saved = record(subject, subject.add("Notes."))
    forgotten = subject.book.set_notes(saved.id, saved.version, "Notes.", meeting_ids=set(), forget_meeting=True)
    assert (forgotten.zoom_meeting_id, forgotten.zoom_host_mark, forgotten.zoom_synced_ms) == (None, None, None)
    assert forgotten.zoom_line_digest is None and not forgotten.line_is_own
    assert subject.book.find_by_meeting(MEETING_ID) == []
