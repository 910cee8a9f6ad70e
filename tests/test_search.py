"""The name search on its trigram index (migration 0006): it finds what the book holds after every kind of
write, answers a rare name without reading the whole book, and PostgreSQL's pg_trgm can be installed.

What a search matches is pinned by the contract suite (tests/test_contract_book.py), for the store on
both databases and for the in-memory fake alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, insert, text

from devtools.postgres import ThrowawayCluster
from simplespa_zoom.book import Book
from simplespa_zoom.book.appointments import SEARCH_LIMIT, SEARCH_REACH, search_key, to_db
from simplespa_zoom.book.database import DatabaseError, _alembic, head_revision
from simplespa_zoom.book.schema import appointments
from simplespa_zoom.meetings.domain import AppointmentDraft
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .fakes import InMemoryBook
from .helpers import add_appointment, form_post, form_values, sql

FIRST = datetime(2020, 1, 1, 15, 0, tzinfo=UTC)


def _draft(name: str, number: int) -> AppointmentDraft:
    return AppointmentDraft(name, None, FIRST + timedelta(hours=number), 60, "")


def found_names(client: FlaskClient, text: str) -> list[str]:
    """The client names the search page lists for this text, as staff see them."""
    page = client.get("/appointments", query_string={"q": text}).get_data(as_text=True)
    return re.findall(r'<td><a href="/appointments/\d+">([^<]*)</a>', page)


def test_the_search_page_lists_the_matches_in_order_of_start_under_a_plain_heading(
    app: Flask, signed_in: FlaskClient
) -> None:
    monday = datetime(2030, 3, 11, 22, 0, tzinfo=UTC)
    tuesday, wednesday = monday + timedelta(days=1), monday + timedelta(days=2)
    for name, start in (("Dana Tue", tuesday), ("Dana Mon", monday), ("Dana Wed", wednesday)):
        add_appointment(app, name, start=start)
    page = signed_in.get("/appointments", query_string={"q": "dana"}).get_data(as_text=True)
    assert found_names(signed_in, "dana") == ["Dana Mon", "Dana Tue", "Dana Wed"]
    assert "<h1>Appointments matching “dana”</h1>" in page


def index_agrees_with_the_book(book: Book) -> None:
    """SQLite: FTS5 checks its index against the appointments table (PostgreSQL keeps its own index)."""
    if book.engine.dialect.name == "sqlite":
        with book.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO appointments_search (appointments_search, rank) VALUES ('integrity-check', 1)")
            )


def test_the_search_page_finds_each_client_as_added_renamed_written_by_hand_or_deleted(
    app: Flask, signed_in: FlaskClient
) -> None:
    book = app.extensions["book"]
    ana = add_appointment(app, "Ana Souza")
    assert found_names(signed_in, "souza") == ["Ana Souza"]
    form_post(signed_in, f"/appointments/{ana.id}/edit", form_values(ana, client_name="Bea Lima"))
    assert found_names(signed_in, "souza") == [] and found_names(signed_in, "lima") == ["Bea Lima"]
    sql(
        app,
        "INSERT INTO appointments (client_name, client_search, starts_at, duration_minutes)"
        " VALUES ('Cleo Ramos', 'cleo ramos', '2026-12-01T20:00:00Z', 60)",
    )
    sql(app, "UPDATE appointments SET client_name = 'Dora Vaz', client_search = 'dora vaz' WHERE id = :id", id=ana.id)
    assert found_names(signed_in, "ramos") == ["Cleo Ramos"] and found_names(signed_in, "dora") == ["Dora Vaz"]
    assert found_names(signed_in, "lima") == []
    index_agrees_with_the_book(book)
    sql(app, "DELETE FROM appointments WHERE id = :id", id=ana.id)
    assert found_names(signed_in, "dora") == [] and found_names(signed_in, "ramos") == ["Cleo Ramos"]
    index_agrees_with_the_book(book)


def test_the_migration_indexes_the_names_already_in_the_book(database: str) -> None:
    book = Book.open(database, ZOOM_LINE_FORMAT)
    book.upgrade()
    with book.engine.begin() as connection:
        command.downgrade(_alembic(connection), "0005")
        # Rows as 0005's schema holds them: today's store also writes the columns later migrations add.
        before = [
            connection.execute(
                insert(appointments)
                .values(
                    client_name=name,
                    client_search=search_key(name),
                    starts_at=to_db(FIRST + timedelta(hours=number)),
                    duration_minutes=60,
                )
                .returning(appointments.c.id)
            ).scalar_one()
            for number, name in enumerate(f"Client {number} Souza" for number in range(3))
        ]
    assert book.upgrade() == head_revision()
    assert [found.id for found in book.appointments.search("client 1 souza")] == [before[1]]
    assert [found.id for found in book.appointments.search("SOUZA")] == list(reversed(before))
    index_agrees_with_the_book(book)


# Characters where a search could go wrong: case folding that changes length or has several sources
# (ß, ẞ, final ς, the Kelvin sign), accents precomposed or combining, LIKE's wildcards and escape, FTS5's
# query syntax, quotes and spaces.
TRICKY = "aAbß ẞsSΣσςKk\u212aéÉe\u0301%_\\*\"'():^-"
_names = st.lists(st.text(alphabet=TRICKY, min_size=1, max_size=8), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=_names, part=st.text(alphabet=TRICKY, min_size=1, max_size=5))
def test_any_search_of_any_names_finds_what_the_in_memory_book_finds(
    database: str, names: list[str], part: str
) -> None:
    book, fake = Book.open(database, ZOOM_LINE_FORMAT), InMemoryBook()
    book.upgrade()
    for number, name in enumerate(names):
        book.appointments.create(_draft(name, number))
        fake.add(name, FIRST + timedelta(hours=number))
    try:
        expected = [found.client_name for found in fake.search(part)]
        assert [found.client_name for found in book.appointments.search(part)] == expected
    finally:
        with book.engine.begin() as connection:
            connection.execute(text("DELETE FROM appointments"))
        index_agrees_with_the_book(book)
        book.engine.dispose()


def numbered(number: int) -> str:
    return f"Client {number} Souza"


def _seed(book: Book, count: int, first: int = 0, name: Callable[[int], str] = numbered) -> list[str]:
    """count appointments from number first on, one client each ("Client 7 Souza"), an hour apart, written in
    one batch; their names, oldest first."""
    numbers = range(first, first + count)
    names = [name(number) for number in numbers]
    rows = [
        {
            "client_name": name,
            "client_search": search_key(name),
            "starts_at": to_db(FIRST + timedelta(hours=number)),
            "duration_minutes": 60,
        }
        for number, name in zip(numbers, names, strict=True)
    ]
    with book.engine.begin() as connection:
        connection.execute(insert(appointments), rows)
        connection.execute(text("ANALYZE"))
    return names


@contextmanager
def counted_steps(book: Book) -> Iterator[list[int]]:
    """SQLite's virtual-machine steps (in hundreds) on the book's connections meanwhile: its work, counted."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    def start(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_progress_handler(count, 100)

    def stop(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_progress_handler(None, 0)

    event.listen(book.engine, "checkout", start)
    event.listen(book.engine, "checkin", stop)
    try:
        yield steps
    finally:
        event.remove(book.engine, "checkout", start)
        event.remove(book.engine, "checkin", stop)


def test_on_sqlite_a_rare_name_costs_the_same_work_in_a_book_a_hundred_times_larger(tmp_path, database: str) -> None:
    if not database.endswith(".sqlite"):
        pytest.skip("SQLite's own index lookup; PostgreSQL's planner chooses by size (next test, and bench_scale)")
    small = Book.open(str(tmp_path / "small.sqlite"), ZOOM_LINE_FORMAT)
    big = Book.open(str(tmp_path / "big.sqlite"), ZOOM_LINE_FORMAT)
    work = []
    for book, count in ((small, 2 * SEARCH_REACH), (big, 200 * SEARCH_REACH)):  # both more than the walk reads
        book.upgrade()
        _seed(book, count)
        with counted_steps(book) as steps:
            # "1234" is in one of the latest thousand names: a rare word, looked up in all of the book
            assert [found.client_name for found in book.appointments.search("client 1234 souza")] == [
                "Client 1234 Souza"
            ]
        work.append(steps[0])
    assert work[1] <= 1.5 * work[0], work  # reading every name: a hundred times the work


def everyday(number: int) -> str:
    """Every other name "Client 7 Souza", the others of everyday words many names share (no Maria is a Silva)."""
    if number % 2 == 0:
        return numbered(number)
    first = ("Maria", "Ana", "Joana", "Pedro", "Lucas", "Julia", "Beatriz", "Marta")[number // 2 % 8]
    surname = ("Silva", "Santos", "Souza", "Lima", "Costa", "Silveira")[number // 16 % 6]
    return f"{first} {'Silveira' if (first, surname) == ('Maria', 'Silva') else surname}"


# Every kind of text, by what the index can do with it ("client" and "souza" are in half the names or more).
HARD_TEXTS = (
    "client 150 souza",  # a rare name
    "souza",  # a word most names hold
    "maria silva",  # two everyday words never together: each shares its trigrams with many names
    "maria santos",  # two everyday words together
    "souza client",  # two such words, never together (on PostgreSQL the index looks up words alone)
    "client 1",  # more names than the index lookup takes
    "souza 2999",  # a rare word and a common one, never together
    "qz",  # shorter than a trigram
    "qzx",  # a trigram in no name (by its length, PostgreSQL's planner would guess it in many)
    "%_\\",  # only punctuation and LIKE's wildcards: pg_trgm finds no trigram in it
    " ".join(f"client {number} souza" for number in range(150, 155)),  # a long text
)


def rows_read(book: Book, search: Callable[[], object]) -> int:
    """PostgreSQL: the rows the search's statements read, counted by EXPLAIN ANALYZE of each: what every scan
    returned or filtered out, index entries included."""
    asked: list[tuple[str, Any]] = []

    def remember(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT"):
            asked.append((statement, parameters))

    event.listen(book.engine, "before_cursor_execute", remember)
    try:
        search()
    finally:
        event.remove(book.engine, "before_cursor_execute", remember)

    def scanned(node: dict[str, Any]) -> int:
        own = 0
        if node["Node Type"].endswith("Scan") and node["Node Type"] != "Subquery Scan":
            removed = node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
            own = (node["Actual Rows"] + removed) * node["Actual Loops"]
        return own + sum(scanned(child) for child in node.get("Plans", []))

    with book.engine.connect() as connection:
        return sum(
            scanned(
                connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()[0][
                    "Plan"
                ]
            )
            for statement, parameters in asked
        )


def test_every_kind_of_text_costs_the_same_work_in_a_book_ten_times_larger(database: str) -> None:
    """Counted as SQLite's virtual-machine steps, or as the rows PostgreSQL's plans read."""
    book = Book.open(database, ZOOM_LINE_FORMAT)
    book.upgrade()

    def work(text_: str) -> int:
        if book.engine.dialect.name == "postgresql":
            return rows_read(book, lambda: book.appointments.search(text_))
        with counted_steps(book) as steps:
            book.appointments.search(text_)
        return steps[0]

    _seed(book, 3_000, name=everyday)
    small = {text_: work(text_) for text_ in HARD_TEXTS}
    _seed(book, 27_000, first=3_000, name=everyday)
    big = {text_: work(text_) for text_ in HARD_TEXTS}
    # Each at most 1.5 times (plus a little for a lookup that reads nothing in the small book).
    assert {text_: big[text_] for text_ in HARD_TEXTS if big[text_] > 1.5 * small[text_] + 20} == {}, (small, big)


def test_the_search_page_says_when_only_the_latest_appointments_were_searched(
    app: Flask, signed_in: FlaskClient
) -> None:
    book = app.extensions["book"]
    _seed(book, SEARCH_REACH)
    page = signed_in.get("/appointments", query_string={"q": "qz"}).get_data(as_text=True)
    assert "No appointment of a client whose name contains “qz”." in page and "were searched" not in page
    sql(  # one more, the oldest: now the book holds more than the search reaches
        app,
        "INSERT INTO appointments (client_name, client_search, starts_at, duration_minutes)"
        " VALUES ('Dora Vaz', 'dora vaz', '2019-01-01T20:00:00Z', 60)",
    )
    page = signed_in.get("/appointments", query_string={"q": "qz"}).get_data(as_text=True)
    assert f"No appointment among the latest {SEARCH_REACH:,} is of a client whose name contains “qz”." in page
    assert f"Only the latest {SEARCH_REACH:,} appointments were searched" in page
    assert found_names(signed_in, "dora") == ["Dora Vaz"]  # a rare name: in all of the book
    page = signed_in.get("/appointments", query_string={"q": "souza"}).get_data(as_text=True)
    assert "were searched" not in page and f"These are the {SEARCH_LIMIT} latest" in page  # a full page


def test_names_shared_by_few_or_many_appointments_answer_their_latest(database: str) -> None:
    book = Book.open(database, ZOOM_LINE_FORMAT)
    book.upgrade()
    names = _seed(book, 30_000)

    def latest(text_: str, among: list[str]) -> list[str]:
        return [name for name in reversed(among) if search_key(text_) in search_key(name)][:SEARCH_LIMIT]

    def answer(text_: str) -> tuple[list[str], int | None]:
        found = book.appointments.search_book(text_)
        return [appointment.client_name for appointment in found.appointments], found.only_latest

    # "client 123" is in 111 names, read by id in all of the book. On PostgreSQL "ent" and "client" are in
    # every name: the store narrows by "2999" (11 names) or "123" (111 names).
    for text_ in ("client 123", "ent 2999", "123 souza"):
        assert answer(text_) == (latest(text_, names), None), text_
    # "souza" is in every name: its latest fill the page along the start index.
    assert answer("souza") == (latest("souza", names), None)
    # "client 12" is in 1,111 names and "client 1" in 11,111, more than the index lookup takes: they are
    # looked for in the latest SEARCH_REACH appointments only (none of them there), and the answer says so.
    for text_ in ("client 12", "client 1"):
        assert answer(text_) == ([], SEARCH_REACH), text_


def test_on_postgresql_the_trigram_index_answers_the_lookup_of_a_word_as_the_store_asks_it(database: str) -> None:
    if database.endswith(".sqlite"):
        pytest.skip("pg_trgm is PostgreSQL's")
    book = Book.open(database, ZOOM_LINE_FORMAT)
    book.upgrade()
    _seed(book, 2 * SEARCH_REACH)  # more than the walk reads: a rare word is looked up in all of the book
    asked: list[tuple[str, Any]] = []

    def remember(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        asked.append((statement, parameters))

    event.listen(book.engine, "before_cursor_execute", remember)
    try:
        assert [found.client_name for found in book.appointments.search("client 1234 souza")] == ["Client 1234 Souza"]
    finally:
        event.remove(book.engine, "before_cursor_execute", remember)
    lookups = [
        (statement, parameters) for statement, parameters in asked if statement.startswith("SELECT appointments.id")
    ]
    statement, parameters = lookups[0]  # the rare word's lookup, capped ("1234": "client" and "souza" are common)
    assert len(lookups) == 1 and "LIMIT" in statement, asked
    with book.engine.begin() as connection:
        # No scan of the table or of the start index: is there a plan that reads only what the index names?
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        connection.execute(text("SET LOCAL enable_indexscan = off"))
        plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars().all()
    assert any("Bitmap Index Scan on appointments_by_client_trigrams" in line for line in plan), plan


@pytest.fixture
def cluster(postgres_template: tuple[ThrowawayCluster, str] | None) -> ThrowawayCluster:
    if postgres_template is None:
        pytest.skip("PostgreSQL roles and extensions")
    return postgres_template[0]


def as_role(url: str, role: str) -> str:
    """The same database, signed in as role (the throw-away cluster trusts every local role)."""
    return url.replace("//postgres@", f"//{role}@")


def admin(url: str, statement: str) -> None:
    book = Book.open(url, ZOOM_LINE_FORMAT)
    with book.engine.begin() as connection:
        connection.execute(text(statement))
    book.engine.dispose()


def test_the_database_owner_can_create_pg_trgm_itself(cluster: ThrowawayCluster) -> None:
    admin(cluster.url(), "CREATE ROLE spa_owner LOGIN")
    url = cluster.create_database()
    admin(cluster.url(), f"ALTER DATABASE {url.rsplit('/', 1)[1]} OWNER TO spa_owner")
    book = Book.open(as_role(url, "spa_owner"), ZOOM_LINE_FORMAT)
    assert book.upgrade() == head_revision()
    book.appointments.create(_draft("Ana Souza", 0))
    assert [found.client_name for found in book.appointments.search("souza")] == ["Ana Souza"]
    book.engine.dispose()


def test_a_role_that_may_not_create_it_is_told_what_to_do_and_runs_once_an_administrator_has(
    cluster: ThrowawayCluster,
) -> None:
    admin(cluster.url(), "CREATE ROLE spa_app LOGIN")
    url = cluster.create_database()
    admin(url, "GRANT CREATE ON SCHEMA public TO spa_app")
    book = Book.open(as_role(url, "spa_app"), ZOOM_LINE_FORMAT)
    with pytest.raises(DatabaseError, match=r"pg_trgm.*permission denied.*CREATE EXTENSION pg_trgm;.*init-db"):
        book.upgrade()
    admin(url, "CREATE EXTENSION pg_trgm")
    assert book.upgrade() == head_revision()
    book.engine.dispose()


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("Jürgen Weiß", "weiss"),  # ß folds to ss, while lower() keeps it
        ("JÜRGEN WEISS", "weiß"),
        ("Sofia ﬁnch", "FINCH"),  # the ligature ﬁ folds to fi
        ("Sofia Finch", "ﬁnch"),
        ("Straße Ostrów", "STRASSE"),
    ],
)
def test_names_whose_lower_and_casefold_differ_are_found_either_way(
    app: Flask, signed_in: FlaskClient, name: str, typed: str
) -> None:
    add_appointment(app, name)
    add_appointment(app, "Ana Souza")
    assert found_names(signed_in, typed) == [name]
