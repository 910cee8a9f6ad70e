"""The presence poll is cheap enough for a chain's front desks (issue 30 item 6): every open page asks it, so each
answer must cost its few SELECTs, not a pooled checkout, BEGIN and ROLLBACK around each read, and the day list's
answer the same few statements whatever the number of rows. The page is told when to ask again: often only near a
meeting. Counted with SQLAlchemy's events on the app's engine, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from .helpers import MEETING_ID, add_appointment, login, sql
from .test_presence import GUEST, WAITS, at, booked, clock  # noqa: F401  (booked: a fixture)
from .test_presence import event as zoom_event
from .test_webhooks import deliver


@dataclass
class Cost:
    statements: int = 0  # SQL statements sent
    checkouts: int = 0  # connections taken from the pool
    transactions: int = 0  # transactions begun (an autocommit connection's reads begin none)


@contextmanager
def counted(app: Flask) -> Iterator[Cost]:
    """What the app's engine does meanwhile."""
    engine, cost = app.extensions["book"].engine, Cost()

    def statement(*_: Any) -> None:
        cost.statements += 1

    def checkout(*_: Any) -> None:
        cost.checkouts += 1

    def begin(connection: Any) -> None:
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            cost.transactions += 1

    listeners = [(engine, "before_cursor_execute", statement), (engine.pool, "checkout", checkout)]
    listeners.append((engine, "begin", begin))
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    try:
        yield cost
    finally:
        for target, name, listener in listeners:
            event.remove(target, name, listener)


def mark_waiting(app: Flask, appointment_id: int) -> None:
    """A presence mark as a webhook leaves it (someone waiting), put in place directly."""
    sql(app, "INSERT INTO presence_marks (appointment_id, meeting_id, session, kind, at_ms, participant) "
        "VALUES (:i, :m, 's1==', 'waiting', :t, '')", i=appointment_id, m=MEETING_ID, t=at(2))  # fmt: skip


def test_a_poll_with_no_news_is_one_connection_and_two_statements(app, client, booked) -> None:  # noqa: F811
    """Who is signed in, then the appointment with its version and whether it has presence to tell: no marks to read."""
    login(client)
    with counted(app) as cost:
        answer = client.get(f"/appointments/{booked.id}/presence").get_json()
    assert answer["presence"] == "Zoom has reported no one in the meeting yet."
    assert cost == Cost(statements=2, checkouts=1, transactions=0)


def test_a_poll_of_an_ended_meeting_reads_its_marks_and_line_on_the_same_connection(app, client, booked) -> None:  # noqa: F811
    login(client)
    for kind, minutes, person in (
        ("meeting.started", 1, None),
        ("meeting.participant_joined", 2, GUEST),
        ("meeting.participant_left", 30, GUEST),
        ("meeting.ended", 31, None),
    ):
        assert deliver(client, zoom_event(kind, minutes, person)).status_code == 204
    with counted(app) as cost:
        answer = client.get(f"/appointments/{booked.id}/presence").get_json()
    assert answer["presence"] == f"Meeting ended at {clock(app, 31)}."
    assert answer["attendance"] == f"Zoom attendance: someone joined {clock(app, 2)}, left {clock(app, 30)} (28 min)"
    # who is signed in, the appointment, its marks, its attendance line's digest
    assert cost == Cost(statements=4, checkouts=1, transactions=0)


@pytest.mark.parametrize("marked", [1, 20])
def test_the_day_lists_poll_costs_the_same_few_statements_for_one_row_with_marks_or_twenty(
    app,
    client,
    booked,  # noqa: F811
    marked: int,
) -> None:
    login(client)
    assert deliver(client, zoom_event(WAITS, 2, GUEST)).status_code == 204
    others = [add_appointment(app, f"Client {number}").id for number in range(19)]
    for other in others[: marked - 1]:
        mark_waiting(app, other)
    with counted(app) as cost:
        answer = client.get(f"/appointments/presence?ids={','.join(map(str, [booked.id, *others]))}").get_json()
    assert answer["presence"] == {str(booked.id): f"Someone is waiting since {clock(app, 2)}."}
    assert len(answer["versions"]) == 20
    # who is signed in, the twenty rows' versions at once, the marks, the rows that have marks
    assert cost == Cost(statements=4, checkouts=1, transactions=0)


def test_the_server_tells_a_page_near_its_meeting_to_ask_often_and_one_far_from_it_seldom(app, client, booked) -> None:  # noqa: F811
    """Near: the appointment starts within 15 minutes or ended less than 15 minutes ago, or someone is in it."""
    login(client)
    far = client.get(f"/appointments/{booked.id}/presence").get_json()  # two days ahead
    day_far = client.get(f"/appointments/presence?ids={booked.id}").get_json()
    assert far["next_poll_seconds"] == day_far["next_poll_seconds"] == 20
    soon = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    sql(
        app,
        "UPDATE appointments SET starts_at = :s WHERE id = :i",
        s=soon.replace("+00:00", "Z")[:19] + "Z",
        i=booked.id,
    )
    assert client.get(f"/appointments/{booked.id}/presence").get_json()["next_poll_seconds"] == 2
    elsewhere = add_appointment(app, "Bea Lima").id
    assert client.get(f"/appointments/presence?ids={elsewhere},{booked.id}").get_json()["next_poll_seconds"] == 2
    assert client.get(f"/appointments/presence?ids={elsewhere}").get_json()["next_poll_seconds"] == 20
    # Two days ahead again, with the client in its waiting room: presence is live, so the page asks often.
    sql(app, "UPDATE appointments SET starts_at = :s WHERE id = :i", s=booked.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        i=booked.id)  # fmt: skip
    assert deliver(client, zoom_event(WAITS, 2, GUEST)).status_code == 204
    assert client.get(f"/appointments/{booked.id}/presence").get_json()["next_poll_seconds"] == 2
    assert client.get(f"/appointments/presence?ids={elsewhere},{booked.id}").get_json()["next_poll_seconds"] == 2


def test_a_request_after_the_database_dropped_its_connection_still_answers(app, client, booked, request) -> None:  # noqa: F811
    """Without a pre-ping: the pool's idle connection was closed by the server (a restart, an idle timeout,
    pg_terminate_backend); the next request's checkout sees it from the socket and opens a fresh one."""
    if request.config.getoption("--database") != "postgresql":
        pytest.skip("PostgreSQL closes connections; a SQLite file has none to drop")
    login(client)
    assert client.get(f"/appointments/{booked.id}/presence").status_code == 200
    engine = app.extensions["book"].engine
    with engine.connect() as connection:  # the pool's one idle connection, taken and given back
        pooled = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    outside = create_engine(engine.url, poolclass=NullPool)  # an operator's session, not the app's
    with outside.connect() as operator:
        # pg_terminate_backend(pid, timeout) waits until that backend is gone
        assert operator.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pooled}).scalar() is True
    for _ in range(3):
        answer = client.get(f"/appointments/{booked.id}/presence")
        assert answer.status_code == 200
        assert answer.get_json()["presence"] == "Zoom has reported no one in the meeting yet."
