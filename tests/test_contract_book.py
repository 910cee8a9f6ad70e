"""One appointment-book contract, the same assertions against every implementation: the SQL store
(SQLite, or PostgreSQL with --database=postgresql) and the in-memory fake the service tests use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from simplespa_zoom.book import Book
from simplespa_zoom.book.appointments import Found
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
    add: Callable[..., Appointment]  # (notes, client="Ana Souza", start=START)


@pytest.fixture(params=["sql", "in-memory"])
def subject(request: pytest.FixtureRequest) -> Iterator[Subject]:
    if request.param == "in-memory":
        fake = InMemoryBook()
        yield Subject(fake, lambda text, client="Ana Souza", start=START: fake.add(client, start, text))
        return
    opened = Book.open(request.getfixturevalue("database"), ZOOM_LINE_FORMAT)
    opened.upgrade()
    store = opened.appointments

    def add(text: str, client: str = "Ana Souza", start: datetime = START) -> Appointment:
        return store.create(AppointmentDraft(client, None, start, 60, text))

    yield Subject(store, add)


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
        meeting_minutes=60,
    )


def test_an_unknown_appointment_is_not_found(subject: Subject) -> None:
    with pytest.raises(AppointmentNotFound):
        subject.book.get(987654)


def test_many_reads_those_appointments_that_exist(subject: Subject) -> None:
    first, second = subject.add("One."), subject.add("Two.")
    assert sorted(subject.book.many([second.id, 987654, first.id]), key=lambda a: a.id) == [first, second]
    assert subject.book.many([]) == []


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
    assert (saved.own_meeting_id, saved.host_mark, saved.synced_ms) == (MEETING_ID, "mark-1", 1_000)
    assert saved.meeting_minutes == 60
    assert saved.line_is_own and saved.meeting_line is not None and saved.meeting_line.join_url == LINK
    assert subject.book.find_by_meeting(MEETING_ID) == [saved]
    assert subject.book.claim_for_create(saved.id) is not None  # the claim ended with the write


def test_the_host_is_marked_only_on_the_meeting_named(subject: Subject) -> None:
    saved = record(subject, subject.add("Notes."), host_mark=None)
    subject.book.mark_host(saved.id, MEETING_ID + 1, "someone-else")
    assert subject.book.get(saved.id).host_mark is None
    subject.book.mark_host(saved.id, MEETING_ID, "mark-2")
    assert subject.book.get(saved.id).host_mark == "mark-2"


def test_the_length_the_provider_took_is_remembered_only_on_the_meeting_named_and_is_no_notes_edit(
    subject: Subject,
) -> None:
    saved = record(subject, subject.add("Notes."))
    subject.book.mark_length(saved.id, MEETING_ID + 1, 45)
    assert subject.book.get(saved.id).meeting_minutes == 60
    subject.book.mark_length(saved.id, MEETING_ID, 90)
    assert (subject.book.get(saved.id).meeting_minutes, subject.book.get(saved.id).version) == (90, saved.version)


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
    assert newer.line_is_own and newer.synced_ms == 2_000 and newer.own_meeting_id == MEETING_ID
    with pytest.raises(VersionConflict) as older:
        subject.book.set_notes(newer.id, newer.version, saved.notes, meeting_ids={MEETING_ID}, synced_ms=1_999)
    assert older.value.current == newer


def test_forgetting_the_meeting_clears_everything_the_row_remembered_of_it(subject: Subject) -> None:
    saved = record(subject, subject.add("Notes."))
    forgotten = subject.book.set_notes(saved.id, saved.version, "Notes.", meeting_ids=set(), forget_meeting=True)
    assert (forgotten.own_meeting_id, forgotten.host_mark, forgotten.synced_ms) == (None, None, None)
    assert (forgotten.own_line_digest, forgotten.meeting_minutes) == (None, None) and not forgotten.line_is_own
    assert subject.book.find_by_meeting(MEETING_ID) == []


# What the search box matches, pinned: the text anywhere in the client's name, in any case by Unicode
# case folding (ß is ss, final ς is σ), accents as typed, spaces and every other character literal
# (no LIKE wildcards, no full-text query syntax), latest first. Short texts (under three characters,
# too short for a trigram) and long ones alike.
ODD = '100% Zen_Spa "VIP" (a*b) -x: NEAR^ C:\\Temp'
NAMES = (
    "Ana Souza",
    "Anabel Straße",
    "JOSÉ Núñez",
    "Jose Nunez",
    ODD,
    "O'Brien",
    "ΟΔΥΣΣΕΑΣ Σίσυφος",
)
SEARCHES = [
    ("ana", ["Anabel Straße", "Ana Souza"]),
    ("NA S", ["Ana Souza"]),
    ("na  s", []),
    ("sou", ["Ana Souza"]),
    ("ou", ["Ana Souza"]),
    ("a", [ODD, "Anabel Straße", "Ana Souza"]),
    ("STRASSE", ["Anabel Straße"]),
    ("straẞe", ["Anabel Straße"]),
    ("ß", ["Anabel Straße"]),
    ("josé", ["JOSÉ Núñez"]),
    ("jose", ["Jose Nunez"]),
    ("NÚÑEZ", ["JOSÉ Núñez"]),
    ("σίσυφοσ", ["ΟΔΥΣΣΕΑΣ Σίσυφος"]),
    ("οδυσσεας", ["ΟΔΥΣΣΕΑΣ Σίσυφος"]),
    ("0% z", [ODD]),
    ("a%", []),
    ("n_s", [ODD]),
    ("a_a", []),
    ("_", [ODD]),
    ('"vip"', [ODD]),
    ('"', [ODD]),
    ("(a*b) -x: near^", [ODD]),
    ("*", [ODD]),
    ("c:\\t", [ODD]),
    ("\\%", []),
    ("o'b", ["O'Brien"]),
    ("'", ["O'Brien"]),
    ("near", [ODD]),
    ("souza AND zen", []),
    ("lima", []),
]


@pytest.mark.parametrize(("text", "expected"), SEARCHES)
def test_a_search_finds_the_text_anywhere_in_the_name_in_any_case_and_takes_every_character_literally(
    subject: Subject, text: str, expected: list[str]
) -> None:
    for day, name in enumerate(NAMES):
        subject.add("Notes.", client=name, start=START + timedelta(days=day))
    assert [found.client_name for found in subject.book.search(text)] == expected


def test_a_search_answers_the_latest_first_at_most_the_limit(subject: Subject) -> None:
    older = subject.add("", client="Ana Souza", start=START)
    same_time = [subject.add("", client="Ana Souza", start=START + timedelta(days=1)) for _ in range(2)]
    assert [found.id for found in subject.book.search("souza")] == [same_time[1].id, same_time[0].id, older.id]
    assert [found.id for found in subject.book.search("souza", limit=2)] == [same_time[1].id, same_time[0].id]


def test_a_text_too_short_for_the_index_is_looked_for_in_the_latest_appointments_only_and_says_so(
    subject: Subject,
) -> None:
    ana, bea, cid = (
        subject.add("", client=name, start=START + timedelta(days=day))
        for day, name in enumerate(("Ana Souza", "Bea Lima", "Cid Lima"))
    )
    # "ou" is shorter than a trigram: it is looked for in the latest `reach` only, and Ana's is older.
    assert subject.book.search_book("ou", reach=2) == Found([], only_latest=2)
    assert subject.book.search_book("li", reach=2) == Found([cid, bea], only_latest=2)
    assert subject.book.search_book("li", limit=2, reach=2) == Found([cid, bea])  # a full page: the latest of all
    assert subject.book.search_book("ou", reach=3) == Found([ana])  # the whole book was within reach
    # "sou" has a trigram: the index finds it in all of the book, whatever the reach.
    assert subject.book.search_book("sou", reach=1) == Found([ana])
