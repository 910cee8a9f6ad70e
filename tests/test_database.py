"""The book on either database: migrations, the legacy SQLite schema, the notes index and search."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from simplespa_zoom.book import Book
from simplespa_zoom.book.database import DatabaseError, current_revision, head_revision, url_for
from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.domain import AppointmentDraft
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .helpers import JOIN_URL, MEETING_ID, race

LINE = "Zoom: [Appointment with Ana] Tuesday, December 1 2026 3:00 pm \u2014 " + JOIN_URL
OTHER_LINK = "https://us05web.zoom.us/j/91234567890?pwd=x.1"
START = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
def book(database: str) -> Iterator[Book]:
    opened = Book.open(database, ZOOM_LINE_FORMAT)
    opened.upgrade()
    yield opened


def draft(name: str = "Ana Souza", notes: str = "", start: datetime = START) -> AppointmentDraft:
    return AppointmentDraft(name, None, start, 60, notes)


def test_upgrading_reaches_the_newest_revision_and_again_changes_nothing(book: Book) -> None:
    assert book.upgrade() == head_revision() == "0015"
    with book.engine.connect() as connection:
        assert current_revision(connection) == "0015"


def test_a_downgrade_and_upgrade_round_trip_keeps_the_appointments(book: Book) -> None:
    from alembic import command

    from simplespa_zoom.book.database import _alembic

    saved = book.appointments.create(draft(notes="Keep.\n" + LINE))
    with book.engine.begin() as connection:
        command.downgrade(_alembic(connection), "0001")
    book.upgrade()
    again = book.appointments.get(saved.id)
    assert again.notes == "Keep.\n" + LINE
    assert [found.id for found in book.appointments.mentioning(MEETING_ID)] == [saved.id]
    assert [found.id for found in book.appointments.search("souza")] == [saved.id]


def test_0013_keeps_the_days_marks_and_ties_them_and_the_attendance_record_to_the_meeting(book: Book) -> None:
    """Marks written before 0013 are of the appointment's own meeting then; a mark of an appointment with no meeting
    of its own is about none, so it goes."""
    from alembic import command
    from sqlalchemy import text

    from simplespa_zoom.book.database import _alembic

    own = book.appointments.create(draft(notes="Keep.\n" + LINE))
    none = book.appointments.create(draft("Bea"))
    with book.engine.begin() as connection:
        connection.execute(
            text("UPDATE appointments SET zoom_meeting_id = :m WHERE id = :a"), {"m": MEETING_ID, "a": own.id}
        )
        command.downgrade(_alembic(connection), "0012")
        connection.execute(
            text("INSERT INTO presence_marks (appointment_id, session, kind, at_ms) VALUES (:a, 's', 'joined', 5)"),
            [{"a": own.id}, {"a": none.id}],
        )
        connection.execute(
            text("INSERT INTO attendance_lines (appointment_id, digest) VALUES (:a, 'd')"), {"a": own.id}
        )
        command.upgrade(_alembic(connection), "0013")
        assert connection.execute(text("SELECT appointment_id, digest, meeting_id FROM attendance_lines")).all() == [
            (own.id, "d", MEETING_ID)
        ]
    book.upgrade()
    marks = book.presence.marks([own.id, none.id])
    assert marks == {own.id: [("s", "joined", 5, MEETING_ID, "")]}
    assert book.presence.attendance_written([own.id])[own.id][MEETING_ID].digest == "d"


def test_0015_keys_each_line_by_the_meeting_0013_recorded_and_its_downgrade_restores_it(book: Book) -> None:
    """A line 0013 tied to an earlier meeting stays that meeting's record (not the appointment's current one); a
    line with no meeting recorded falls back to the appointment's; the downgrade gives 0013's table back."""
    from alembic import command
    from sqlalchemy import text

    from simplespa_zoom.book.database import _alembic

    earlier = book.appointments.create(draft())
    plain = book.appointments.create(draft("Bea"))
    with book.engine.begin() as connection:
        connection.execute(text("UPDATE appointments SET zoom_meeting_id = :m"), {"m": MEETING_ID})
        command.downgrade(_alembic(connection), "0013")
        connection.execute(
            text("INSERT INTO attendance_lines (appointment_id, digest, meeting_id) VALUES (:a, :d, :m)"),
            [{"a": earlier.id, "d": "old", "m": MEETING_ID - 1}, {"a": plain.id, "d": "own", "m": None}],
        )
    book.upgrade()
    written = book.presence.attendance_written([earlier.id, plain.id])
    assert {key: {meeting: w.digest for meeting, w in by.items()} for key, by in written.items()} == {
        earlier.id: {MEETING_ID - 1: "old"},
        plain.id: {MEETING_ID: "own"},
    }
    with book.engine.begin() as connection:
        command.downgrade(_alembic(connection), "0013")
        rows = connection.execute(text("SELECT appointment_id, digest, meeting_id FROM attendance_lines")).all()
    assert sorted(rows) == sorted([(earlier.id, "old", MEETING_ID - 1), (plain.id, "own", MEETING_ID)])
    book.upgrade()


# The schema the hand-written SQLite migrations left (their version 6), spelled out as they wrote it.
LEGACY_V6 = """
CREATE TABLE staff (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL, session_generation INTEGER NOT NULL DEFAULT 0);
CREATE TABLE appointments (id INTEGER PRIMARY KEY, client_name TEXT NOT NULL, client_email TEXT,
  starts_at TEXT NOT NULL, duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
  status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
  notes TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL DEFAULT 1, meeting_claimed_at REAL,
  zoom_meeting_id INTEGER, zoom_host_mark TEXT, zoom_synced_ms INTEGER);
CREATE INDEX appointments_by_start ON appointments (starts_at);
CREATE INDEX appointments_by_zoom_meeting ON appointments (zoom_meeting_id);
CREATE TABLE sign_in_failures (email TEXT NOT NULL COLLATE NOCASE, address TEXT NOT NULL, failed_at REAL NOT NULL);
CREATE TABLE ended_sessions (session_id TEXT PRIMARY KEY, ended_at REAL NOT NULL);
PRAGMA user_version = 6;
"""


def test_a_database_of_the_hand_written_migrations_is_adopted_and_indexed(tmp_path) -> None:
    path = str(tmp_path / "legacy.sqlite")
    with sqlite3.connect(path) as old:
        old.executescript(LEGACY_V6)
        old.execute(
            "INSERT INTO appointments (client_name, starts_at, duration_minutes, notes, zoom_meeting_id)"
            " VALUES ('Ana Souza', '2026-12-01T20:00:00Z', 60, ?, ?)",
            ("Keep.\n" + LINE, MEETING_ID),
        )
        old.execute("INSERT INTO staff (email, password_hash) VALUES ('Owner@Spa.example', 'x')")
    old.close()
    book = Book.open(path, ZOOM_LINE_FORMAT)
    assert book.upgrade() == head_revision()
    adopted = book.appointments.get(1)
    assert (adopted.notes, adopted.own_meeting_id, adopted.line_is_own) == ("Keep.\n" + LINE, MEETING_ID, True)
    assert [found.id for found in book.appointments.mentioning(MEETING_ID)] == [1]
    assert [found.id for found in book.appointments.search("SOUZA")] == [1]
    with pytest.raises(Exception, match="already"):
        book.staff.create("owner@spa.EXAMPLE", "long enough password")


def test_an_older_hand_written_schema_is_refused_with_what_to_do(tmp_path) -> None:
    path = str(tmp_path / "v3.sqlite")
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA user_version = 3")
    old.close()
    with pytest.raises(DatabaseError, match="old schema version 3.*init-db"):
        Book.open(path, ZOOM_LINE_FORMAT).upgrade()


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("/srv/spa/book.sqlite", "sqlite:////srv/spa/book.sqlite"),
        ("postgresql://spa@db/spa", "postgresql+psycopg://spa@db/spa"),
        ("postgres://spa@db/spa", "postgresql+psycopg://spa@db/spa"),
        ("postgresql+psycopg://spa@db/spa", "postgresql+psycopg://spa@db/spa"),
    ],
)
def test_database_takes_a_sqlite_path_or_a_postgresql_url(given: str, url: str) -> None:
    assert url_for(given) == url


def test_another_kind_of_database_url_is_a_clear_configuration_error(tmp_path) -> None:
    from simplespa_zoom import create_app
    from simplespa_zoom.config import ConfigError

    from .helpers import TEST_CONFIG

    with pytest.raises(ConfigError, match="SQLite file path or a postgresql"):
        create_app({**TEST_CONFIG, "DATABASE": "mysql://spa@db/spa"})


def test_the_notes_index_follows_every_notes_write(book: Book) -> None:
    store = book.appointments
    first = store.create(draft(notes="Plain notes."))
    assert store.mentioning(MEETING_ID) == []
    first = store.set_notes(first.id, first.version, "Plain notes.\n" + LINE, meeting_ids={MEETING_ID})  # a staff edit
    second = store.create(draft("Bea", notes=LINE.replace(JOIN_URL, OTHER_LINK) + "\n" + LINE))
    assert [found.id for found in store.mentioning(MEETING_ID)] == [first.id, second.id]
    assert [found.id for found in store.mentioning(91234567890)] == [second.id]
    store.update(second.id, second.version, draft("Bea", notes="Both lines deleted by hand."))
    assert [found.id for found in store.mentioning(MEETING_ID)] == [first.id]
    assert store.mentioning(91234567890) == []
    first = store.get(first.id)
    store.set_notes(first.id, first.version, "Replaced.", meeting_ids=set())
    assert store.mentioning(MEETING_ID) == []


def test_a_recorded_meeting_is_indexed_even_when_its_id_is_already_in_the_notes(book: Book) -> None:
    store = book.appointments
    plain = store.create(draft(notes="Plain notes."))
    recording = {"meeting_ids": {MEETING_ID}, "line_digest": notes.fingerprint(LINE)}
    recorded = store.record_meeting(plain.id, plain.version, "Plain notes.\n" + LINE, MEETING_ID, None, **recording)
    assert [found.id for found in store.mentioning(MEETING_ID)] == [plain.id]
    # The notes may already name the new meeting's id (a line pasted or typed by hand).
    again = store.record_meeting(
        recorded.id, recorded.version, recorded.notes + "\n" + LINE, MEETING_ID, None, **recording
    )
    assert again.notes.count(LINE) == 2
    assert [found.id for found in store.mentioning(MEETING_ID)] == [plain.id]


def test_a_meeting_id_beyond_64_bits_in_notes_is_shown_but_not_indexed(book: Book) -> None:
    huge = LINE.replace(str(MEETING_ID), "9" * 19)
    saved = book.appointments.create(draft(notes=huge))
    assert book.appointments.get(saved.id).meeting_line is not None
    assert book.appointments.mentioning(2**63 - 1) == []


def test_one_day_holds_only_its_appointments_in_order(book: Book) -> None:
    store = book.appointments
    late = store.create(draft("Late", start=START + timedelta(hours=3)))
    early = store.create(draft("Early", start=START))
    store.create(draft("Next day", start=START + timedelta(days=1)))
    store.create(draft("Day before", start=START - timedelta(seconds=1)))
    day = store.between(START, START + timedelta(days=1) - timedelta(seconds=1))
    assert [found.id for found in day] == [early.id, late.id]


def test_search_matches_any_case_and_takes_percent_and_underscore_literally(book: Book) -> None:
    store = book.appointments
    ana = store.create(draft("ANA Souza"))
    store.create(draft("Anabel"))
    odd = store.create(draft("100% Zen_Spa", start=START + timedelta(days=1)))
    assert [found.id for found in store.search("ana s")] == [ana.id]
    assert [found.id for found in store.search("%")] == [odd.id]
    assert [found.id for found in store.search("n_s")] == [odd.id]
    assert len(store.search("a", limit=2)) == 2


def test_racing_claims_on_one_appointment_let_exactly_one_win(book: Book) -> None:
    racers = 6
    for _ in range(10):
        saved = book.appointments.create(draft())

        def claim(appointment_id: int = saved.id) -> bool:
            return book.appointments.claim_meeting(appointment_id) is not None

        assert race(racers, claim) == [False] * (racers - 1) + [True]
