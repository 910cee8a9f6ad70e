"""Helpers for unit and Flask test-client tests, imported by name (fixtures live in conftest.py)."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, inspect, text
from werkzeug.security import generate_password_hash

from simplespa_zoom import create_app
from simplespa_zoom.book.schema import staff
from simplespa_zoom.cli import main
from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.web import the_book
from simplespa_zoom.web.seeding import read_appointment, seed_appointment
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT
from zoom_standin import ClientApp, SandboxState, create_sandbox
from zoom_standin.mailbox import Mailbox, Received

API = "https://api.zoom.us/v2"
OAUTH = "https://zoom.us"
STAFF_EMAIL = "staff@spa.example"
STAFF_PASSWORD = "correct horse battery"
ACCESS_TOKEN = "eyJhbGciOiJIUzUxMiJ9." + "a" * 1150 + ".sig-access"
REFRESH_TOKEN = "eyJhbGciOiJIUzUxMiJ9." + "r" * 1150 + ".sig-refresh"
JOIN_URL = "https://us05web.zoom.us/j/85746065432?pwd=Ab12Cd34Ef56"
MEETING_ID = 85746065432
ZOOM_USER_ID = "h1"
TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    "SPA_TIMEZONE": "America/New_York",
    "ZOOM_CLIENT_ID": "client-id",
    "ZOOM_CLIENT_SECRET": "client-secret",
    "ZOOM_WEBHOOK_SECRET_TOKEN": "webhook-secret",
    "SESSION_COOKIE_SECURE": False,
    "SUPPORT_EMAIL": "support@spa.example",
}


# An appointment as the forms make it, and as the book holds it now: one home with the stand-in's demo and
# stack, in the product (simplespa_zoom/web/seeding.py), which both may import and neither owns.
add_appointment = seed_appointment
get_appointment = read_appointment


# The test staff's password hash, made once and cheaply (scrypt with a tiny work factor): every sign-in of the
# suite checks it, and at the product's own cost (about 0.3 s a hash) setting up and signing in would be most of
# the suite's time. The product's hash is checked by test_cli_adds_staff_who_can_sign_in (test_staff_cli_config).
STAFF_PASSWORD_HASH = generate_password_hash(STAFF_PASSWORD, method="scrypt:256:8:1")


def staffed_app(database: str, **config: Any) -> Flask:
    """The app on a migrated database with the test staff login, configured as given."""
    app = create_app({**TEST_CONFIG, "DATABASE": database, **config})
    with app.app_context():
        the_book().upgrade()
        with app.extensions["book"].engine.begin() as connection:
            connection.execute(insert(staff).values(email=STAFF_EMAIL, password_hash=STAFF_PASSWORD_HASH))
    return app


def sql(app: Flask, statement: str, **params: Any) -> list[Any]:
    """Run SQL on the app's database as a hand edit or a check would, outside the app's code."""
    with app.extensions["book"].engine.begin() as connection:
        result = connection.execute(text(statement), params)
        return result.all() if result.returns_rows else []


def day_page(app: Flask, appointment: Appointment) -> str:
    """The list page of the day this appointment starts on, in the spa's time zone."""
    return f"/appointments?day={appointment.starts_at.astimezone(app.config['SPA_TZ']).date().isoformat()}"


def csrf_token(client: FlaskClient, **kwargs: Any) -> str:
    page = client.get("/login", **kwargs).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


def page_meeting(page: str) -> dict[str, Any] | None:
    """The meeting data the appointment page hands its script (None: no meeting widget)."""
    match = re.search(r"data-meeting='([^']*)'", page)
    assert match, "the page has no meeting area"
    return json.loads(html.unescape(match.group(1)))


def post(client: FlaskClient, url: str, **kwargs: Any) -> Any:
    """A POST as the page script sends it: with the CSRF header and JSON accepted."""
    headers = {"X-CSRFToken": csrf_token(client), "Accept": "application/json", **kwargs.pop("headers", {})}
    return client.post(url, headers=headers, **kwargs)


def form_post(client: FlaskClient, url: str, data: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """Post a form as a browser does from one of our pages: with the page's token, and over https
    with the page's address as Referer (the same-origin referrer policy sends it to us only)."""
    token = csrf_token(client, **{key: kwargs[key] for key in ("base_url",) if key in kwargs})
    if str(kwargs.get("base_url", "")).startswith("https://"):
        kwargs["headers"] = {"Referer": kwargs["base_url"] + "/login", **kwargs.get("headers", {})}
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def login(client: FlaskClient, email: str = STAFF_EMAIL, password: str = STAFF_PASSWORD, **kwargs: Any) -> Any:
    return form_post(client, "/login", {"email": email, "password": password}, **kwargs)


def connect_zoom(
    client: FlaskClient,
    *,
    expires_in: float = 3599,
    licensed: bool = False,
    access: str = ACCESS_TOKEN,
    refresh: str = REFRESH_TOKEN,
    user_id: str | None = ZOOM_USER_ID,
) -> None:
    with client.session_transaction() as session:
        session["zoom"] = {
            "access_token": access,
            "refresh_token": refresh,
            "expires_at": time.time() + expires_in,
            "licensed": licensed,
            "user_id": user_id,
        }


def session_zoom(client: FlaskClient) -> dict[str, Any] | None:
    with client.session_transaction() as session:
        return session.get("zoom")


def zoom_meeting(
    appointment: Appointment,
    *,
    meeting_id: int = MEETING_ID,
    join_url: str = JOIN_URL,
    start: datetime | None = None,
    topic: str | None = None,
) -> dict[str, Any]:
    """A meeting body shaped like Zoom's answer to create or get."""
    start = start or appointment.starts_at
    return {
        "uuid": "u2Qw==",
        "id": meeting_id,
        "host_id": ZOOM_USER_ID,
        "host_email": "host@spa.example",
        "topic": topic or notes.topic_for(appointment.client_name),
        "type": 2,
        "status": "waiting",
        "start_time": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": appointment.duration_minutes,
        "timezone": "America/New_York",
        "created_at": "2026-11-20T10:00:00Z",
        "join_url": join_url,
        "start_url": f"https://us05web.zoom.us/s/{meeting_id}?zak=HOST-SECRET-ZAK",
        "password": "abc123",
    }


def spelled_out(local: datetime) -> str:
    """'Tuesday, November 11 2025 6:00 pm', written here independently of the app's own formatter."""
    hour = local.hour % 12 or 12
    return f"{local:%A}, {local:%B} {local.day} {local.year} {hour}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


def line_for(app: Flask, appointment: Appointment, join_url: str = JOIN_URL, start: datetime | None = None) -> str:
    """The line the app should write, spelled out by the test rather than by the code under test."""
    local = (start or appointment.starts_at).astimezone(app.config["SPA_TZ"])
    return f"Zoom: [Appointment with {appointment.client_name}] {spelled_out(local)} \u2014 {join_url}"


def with_app_meeting(
    app: Flask,
    appointment: Appointment,
    *,
    meeting_id: int = MEETING_ID,
    join_url: str = JOIN_URL,
    host: str | None = ZOOM_USER_ID,
) -> Appointment:
    """The appointment as it is once the app created a meeting for it, hosted by `host` (None: not known)."""
    with app.app_context():
        marks = app.extensions["meetings"].marks
        line = line_for(app, appointment, join_url)
        appended = notes.append_line(appointment.notes, line)
        return the_book().appointments.record_meeting(
            appointment.id,
            appointment.version,
            appended,
            meeting_id,
            marks.mark(host) if host else None,
            meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, appended),
            line_digest=notes.fingerprint(line),
        )


def form_values(appointment: Appointment, **changes: str) -> dict[str, str]:
    """The appointment form as the edit page fills it, with some fields changed."""
    values = {
        "client_name": appointment.client_name,
        "client_email": appointment.client_email or "",
        "client_timezone": appointment.client_timezone or "",
        "start": appointment.starts_at.astimezone().strftime("%Y-%m-%dT%H:%M"),
        "duration": str(appointment.duration_minutes),
        "notes": appointment.notes,
        "version": str(appointment.version),
    }
    values.update(changes)
    return values


def local(app: Flask, instant: datetime) -> str:
    """An instant as the form's datetime-local value in the spa's zone."""
    return instant.astimezone(app.config["SPA_TZ"]).strftime("%Y-%m-%dT%H:%M")


def save_with_start(client: FlaskClient, app: Flask, appointment: Appointment, start: datetime, **changes: str) -> str:
    """Save the appointment's edit form with a new start (and other changes); the page shown after."""
    values = form_values(appointment, start=local(app, start), **changes)
    return form_post(client, f"/appointments/{appointment.id}/edit", values, follow_redirects=True).get_data(True)


def flashes(page: str) -> list[tuple[str, str]]:
    """The messages a page shows at its top, as (level, text): level 'info', 'warning' or 'error' as styled."""
    found = re.findall(r'<p class="flash flash-(\w+)" role="(?:alert|status)">(.*?)</p>', page, re.DOTALL)
    return [
        (level, html.unescape(re.sub(r" ?<a class=\"help-link\"[^>]*>[^<]*</a>", "", text))) for level, text in found
    ]


def race(racers: int, attempt: Callable[[], bool]) -> list[bool]:
    """Run attempt in racers threads released together by a barrier; what each answered, sorted."""
    start = threading.Barrier(racers, timeout=30)
    answers: list[bool] = []

    def run() -> None:
        start.wait()
        answers.append(attempt())

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(answers)


def database_holds(app: Flask, needle: str) -> bool:
    """Whether the needle is anywhere in the app's database: in any table's rows and, on SQLite, in the
    database's files on disk (free pages and the write-ahead log included)."""
    engine = app.extensions["book"].engine
    if engine.url.get_backend_name() == "sqlite" and engine.url.database:
        for suffix in ("", "-wal", "-journal"):
            path = Path(engine.url.database + suffix)
            if path.exists() and needle.encode() in path.read_bytes():
                return True
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                if needle in repr(tuple(row)):
                    return True
    return False


def calendar_of(received: Received) -> icalendar.Calendar:
    """The calendar file a message carries, parsed back by icalendar (fails when it has none)."""
    text_calendar = received.part("text/calendar")
    assert text_calendar is not None, f"no calendar file in {received.subject!r}"
    return icalendar.Calendar.from_ical(text_calendar)


def the_event(received: Received) -> icalendar.Event:
    """The one event of a message's calendar file."""
    [event] = calendar_of(received).walk("VEVENT")
    return event


SPA_SENDER = "Serene Spa <bookings@spa.example>"
CLIENT_EMAIL = "ana@client.example"


def mail_config(mailbox: Mailbox, **config: Any) -> dict[str, Any]:
    """The settings of an app that sends the spa's own mail through this mailbox."""
    return {"SMTP_URL": mailbox.url, "MAIL_FROM": SPA_SENDER, **config}


def delivered(app: Flask, timeout: float = 10.0) -> None:
    """Wait until the app's background delivery has run every round asked for so far."""
    assert app.extensions["mail"].courier.wait_idle(timeout), "the courier is still delivering"


def send_mail(app: Flask, at: datetime | None = None) -> str:
    """Run `simplespa-zoom send-mail` (as at a later time, for letters waiting for their retry); its output."""
    if at is not None:
        mail = app.extensions["mail"]
        app.extensions["mail"] = replace(mail, round=replace(mail.round, now=lambda: at))
    try:
        result = app.test_cli_runner().invoke(main, args=["send-mail"])
    finally:
        if at is not None:
            app.extensions["mail"] = mail
    assert result.exit_code == 0, result.output
    return result.output


def standin_client(redirect: str) -> tuple[FlaskClient, SandboxState]:
    """The Zoom stand-in as a Flask test client, with the test's OAuth app (cid/secret) allowed to redirect there."""
    state = SandboxState()
    state.register_client(ClientApp("cid", "secret", [redirect]))
    return create_sandbox(state).test_client(), state


def last_line_digest(text: str, meeting_id: int) -> str | None:
    """The digest of the meeting's last Zoom line in text, as the store keeps it for the app's own line."""
    line = notes.find_line(ZOOM_LINE_FORMAT, text, meeting_id)
    return notes.fingerprint(notes.line_text(text, line)) if line else None
