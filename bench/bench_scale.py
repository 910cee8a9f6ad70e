"""Target 6: the list page, the appointment page, a webhook's lookup and a search by name, of every kind
of text (a name only one client has, common words, short texts, punctuation), cost the same at any size
of book.

Two books side by side in the same run, 1,000 and 1,000,000 appointments (30 a day, one in ten
with a Zoom meeting), on SQLite and on a throw-away PostgreSQL cluster. Each request goes through
the whole app (Flask test client: session, CSRF, SQL, template); the figure is big / small.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import STAFF, TIMEZONE, interleaved_medians, report
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, text

from devtools.postgres import ThrowawayCluster
from simplespa_zoom import create_app
from simplespa_zoom.book.appointments import search_key, to_db
from simplespa_zoom.book.schema import appointments, note_meetings
from simplespa_zoom.meetings import notes
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

SMALL, BIG = 1_000, int(os.environ.get("BENCH_BIG_BOOK", 1_000_000))
PER_DAY = 30
FIRST_MEETING_ID = 80_000_000_000
REPEAT = int(os.environ.get("BENCH_SCALE_REPEAT", 200))
SECRET = "bench-webhook-secret"
FIRST_DAY = datetime(1950, 1, 1, 14, 0, tzinfo=UTC)


# Every other client has a name of everyday words, so that common words share their trigrams with many
# other names ("maria" and "marta", "silva" and "silveira"), as in a real book.
FIRST_NAMES = [
    "Maria",
    "Ana",
    "Joana",
    "Pedro",
    "Lucas",
    "Julia",
    "Beatriz",
    "Carla",
    "Diego",
    "Elena",
    "Fabio",
    "Helena",
    "Marta",
    "Nuno",
    "Rita",
    "Tiago",
]
SURNAMES = [
    "Silva",
    "Santos",
    "Souza",
    "Oliveira",
    "Pereira",
    "Lima",
    "Costa",
    "Rodrigues",
    "Almeida",
    "Silveira",
    "Ribeiro",
    "Martins",
]


def client_name(number: int) -> str:
    """ "Client 7 Souza" for even numbers (one client each); for odd ones a first name and a surname that
    many clients share, except that no Maria is a Silva."""
    if number % 2 == 0:
        return f"Client {number} Souza"
    first = FIRST_NAMES[number // 2 % len(FIRST_NAMES)]
    surname = SURNAMES[number // 2 // len(FIRST_NAMES) % len(SURNAMES)]
    return f"{first} {'Silveira' if (first, surname) == ('Maria', 'Silva') else surname}"


def _rows(count: int) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    tz = FIRST_DAY.tzinfo
    for number in range(count):
        start = FIRST_DAY + timedelta(days=number // PER_DAY, minutes=15 * (number % PER_DAY))
        name = client_name(number)
        note = f"Visit {number}. Prefers lavender oil; asked about the couples package."
        meeting_id = FIRST_MEETING_ID + number if number % 10 == 0 else None
        if meeting_id:
            link = f"https://us05web.zoom.us/j/{meeting_id}?pwd=Ab12Cd34Ef56.1"
            note += "\n" + notes.format_line(ZOOM_LINE_FORMAT, notes.topic_for(name), start.astimezone(tz), link)
        row = {
            "client_name": name,
            "client_search": search_key(name),
            "starts_at": to_db(start),
            "duration_minutes": 60,
            "notes": note,
            "zoom_meeting_id": meeting_id,
        }
        yield row, ({"meeting_id": meeting_id} if meeting_id else None)


def seed(app: Flask, count: int) -> None:
    """`count` appointments, written in batches straight into the tables (as a restore would)."""
    engine = app.extensions["book"].engine
    batch: list[dict[str, Any]] = []
    links: list[dict[str, Any] | None] = []
    with engine.begin() as connection:

        def flush() -> None:
            first_id = connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM appointments")).scalar_one() + 1
            connection.execute(insert(appointments), batch)
            index = [
                {"appointment_id": first_id + offset, **link} for offset, link in enumerate(links) if link is not None
            ]
            if index:
                connection.execute(insert(note_meetings), index)
            batch.clear()
            links.clear()

        for row, link in _rows(count):
            batch.append(row)
            links.append(link)
            if len(batch) == 20_000:
                flush()
        if batch:
            flush()
        connection.execute(text("ANALYZE"))


def signed_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token
    answer = client.post("/login", data={"csrf_token": token[1], "email": STAFF[0], "password": STAFF[1]})
    assert answer.status_code == 302, answer.status_code
    return client


def make_app(database: str) -> Flask:
    app = create_app(
        {
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "DATABASE": database,
            "SPA_TIMEZONE": TIMEZONE,
            "ZOOM_CLIENT_ID": "bench",
            "ZOOM_CLIENT_SECRET": "bench",
            "ZOOM_WEBHOOK_SECRET_TOKEN": SECRET,
            "SESSION_COOKIE_SECURE": False,
        }
    )
    book = app.extensions["book"]
    book.upgrade()
    book.staff.create(*STAFF)
    return app


def requests_for(app: Flask, count: int) -> dict[str, Callable[[], object]]:
    """The requests, each on an appointment in the middle of this book (the common-name search: any)."""
    client = signed_in(app)
    middle = count // 2 - (count // 2) % 10 + 1  # an id whose appointment has a meeting (ids start at 1)
    appointment = app.extensions["book"].appointments.get(middle)
    day = appointment.starts_at.astimezone(app.config["SPA_TZ"]).date().isoformat()
    line = appointment.meeting_line
    assert line is not None
    event = {
        "event": "meeting.updated",
        "event_ts": int(time.time() * 1000),
        "payload": {"object": {"id": line.meeting_id, "topic": line.topic}},
    }
    body = json.dumps(event).encode()

    def ok(answer: Any, status: int = 200) -> None:
        assert answer.status_code == status, answer.status_code

    def webhook() -> None:
        stamp = str(int(time.time()))
        digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
        headers = {"x-zm-request-timestamp": stamp, "x-zm-signature": "v0=" + digest}
        ok(client.post("/zoom/webhook", data=body, headers=headers, content_type="application/json"), 204)

    listed = client.get(f"/appointments?day={day}").get_data(as_text=True)
    assert listed.count('<td><a href="/appointments/') == PER_DAY, "the day page should list one full day"
    rare = f"/appointments?q=client+{middle - 1}+souza"
    found = client.get(rare).get_data(as_text=True)
    assert found.count('<td><a href="/appointments/') == 1, "the rare name should find its one appointment"

    def search(text: str) -> Callable[[], None]:
        return lambda: ok(client.get("/appointments", query_string={"q": text}))

    return {
        "list": lambda: ok(client.get(f"/appointments?day={day}")),
        "page": lambda: ok(client.get(f"/appointments/{middle}")),
        "webhook": webhook,
        "search (one client)": lambda: ok(client.get(rare)),
        **{
            f"search: {label}": search(text.format(number=middle - 1, hundredth=(middle - 1) // 100)[:100])
            for label, text in SEARCHES
        },
    }


# The kinds of text a search can be asked, each held to the same cost at any size of book: half the names are
# "Client 7 Souza", so "client" and "souza" are in half the names or more; {number} is a client in the middle
# (500 or 500000; {hundredth} is 5 or 5000: "client 5" is in 111 names of 1,000, "client 5000" in 111 of 1,000,000).
SEARCHES = (
    ("a word in most names", "souza"),
    ("two such words never together", "souza client"),
    ("two everyday words never together", "maria silva"),
    ("two everyday words together", "maria santos"),
    ("a word and a frequent neighbour", "client 9"),
    ("rare and common word, never together", "souza {number}"),
    ("under 3 characters, in no name", "qz"),
    ("under 3 characters, in every name", "za"),
    ("only punctuation and LIKE wildcards", "%_\\"),
    ("a text 111 names hold", "client {hundredth}"),
    ("a 100-character text", " ".join(f"client {{number}}{digit} souza" for digit in range(6))),
)


@contextmanager
def databases(kind: str) -> Iterator[tuple[str, str]]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="simplespa-scale-") as workdir:
            yield str(Path(workdir) / "small.sqlite"), str(Path(workdir) / "big.sqlite")
        return
    cluster = ThrowawayCluster().start()
    try:
        yield cluster.create_database(), cluster.create_database()
    finally:
        cluster.stop()


def run() -> None:
    for kind in ("sqlite", "postgresql"):
        with databases(kind) as (small_db, big_db):
            small, big = make_app(small_db), make_app(big_db)
            started = time.perf_counter()
            seed(small, SMALL)
            seed(big, BIG)
            print(f"   ({kind}: {SMALL:,} and {BIG:,} appointments seeded in {time.perf_counter() - started:.0f} s)")
            small_requests, big_requests = requests_for(small, SMALL), requests_for(big, BIG)
            actions = {f"small {name}": action for name, action in small_requests.items()}
            actions.update({f"big {name}": action for name, action in big_requests.items()})
            medians = interleaved_medians(actions, REPEAT, warmup=2)
            targets = (
                ("list", "list page (one day)"),
                ("page", "appointment page"),
                ("webhook", "webhook"),
                ("search (one client)", "name search (one client)"),
            )
            for name, label in targets:
                ratio = medians[f"big {name}"] / medians[f"small {name}"]
                report(
                    f"6  {kind}: {label}, {BIG:,} vs {SMALL:,}",
                    f"{medians[f'big {name}']:.2f} / {medians[f'small {name}']:.2f} ms = {ratio:.3f}",
                    "<= 1.5",
                    ratio <= 1.5,
                )
            for label, _ in SEARCHES:
                name = f"search: {label}"
                ratio = medians[f"big {name}"] / medians[f"small {name}"]
                report(
                    f"6  {kind}: search, {label}",
                    f"{medians[f'big {name}']:.2f} / {medians[f'small {name}']:.2f} ms = {ratio:.3f}",
                    "<= 1.5",
                    ratio <= 1.5,
                )
            for app in (small, big):
                app.extensions["book"].engine.dispose()


if __name__ == "__main__":
    run()
