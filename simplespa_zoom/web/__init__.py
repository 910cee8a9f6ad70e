"""The Flask side: blueprints, the encrypted session, CSRF, headers and error pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from flask import Flask, current_app, g, has_request_context, redirect, url_for
from sqlalchemy import Connection
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

if TYPE_CHECKING:
    from simplespa_zoom.book import Book
    from simplespa_zoom.meetings.adding import Outcome
    from simplespa_zoom.meetings.day import Together
    from simplespa_zoom.meetings.domain import Appointment
    from simplespa_zoom.meetings.following import Check, Notice
    from simplespa_zoom.meetings.service import MeetingSetup


class Adding(Protocol):
    def add(self, appointment_id: int) -> Outcome: ...


class Checking(Protocol):
    def check(self, appointment_id: int) -> Check: ...


class Changing(Protocol):
    def remove(self, appointment_id: int) -> Appointment: ...

    def follow_reschedule(self, before: Appointment, after: Appointment) -> Notice | None: ...

    def follow_cancel(self, appointment: Appointment) -> Notice | None: ...


class ApplyingEvents(Protocol):
    def meeting_deleted(self, meeting_id: int) -> int: ...

    def meeting_updated(
        self, meeting_id: int, topic: str | None, start: datetime | None, join_url: str | None, event_ms: int | None
    ) -> int: ...


class Starting(Protocol):
    def start_link(self, appointment_id: int) -> str: ...


class CheckingTheDay(Protocol):
    def check_day(self, appointments: Sequence[Appointment], together: Together) -> list[Check]: ...


class MeetingJobs(Protocol):
    """What the views use of the meeting core, by job: any object of this shape serves them."""

    @property
    def adding(self) -> Adding: ...

    @property
    def checking(self) -> Checking: ...

    @property
    def changing(self) -> Changing: ...

    @property
    def events(self) -> ApplyingEvents: ...

    @property
    def starting(self) -> Starting: ...

    @property
    def day(self) -> CheckingTheDay: ...


def the_book() -> Book:
    """The app's appointment book, opened once at start-up."""
    return current_app.extensions["book"]


def meeting_setup() -> MeetingSetup:
    """What the meeting services of every request share, built once at start-up."""
    return current_app.extensions["meetings"]


def meeting_services() -> MeetingJobs:
    """This request's meeting services, acting through this browser's Zoom (built on first use)."""
    from simplespa_zoom.web.zoom_session import zoom_provider

    if "meetings" not in g:
        g.meetings = meeting_setup().services(zoom_provider())
    return g.meetings


def lend_request_connection(app: Flask) -> None:
    """One connection for all of a request's reads, as Flask's tutorial keeps its get_db() on g: opened at the
    request's first read, closed at its teardown. A presence poll then costs its SELECTs alone, not a checkout,
    BEGIN and ROLLBACK around each; writes keep their own transactions (book.database.Reads)."""
    reads = app.extensions["book"].reads

    def lent() -> Connection | None:
        if not has_request_context():
            return None  # the CLI and the mail courier read as before, a pooled connection per call
        if "book_reads" not in g:
            g.book_reads = reads.open()
        return g.book_reads

    def close(_error: BaseException | None) -> None:
        connection = g.pop("book_reads", None)
        if connection is not None:
            connection.close()

    reads.lent = lent
    app.teardown_appcontext(close)


class RowIdConverter(IntegerConverter):
    """A database row id: ASCII digits that fit a signed 64-bit integer (larger ids are simply not found)."""

    regex = r"[0-9]{1,18}"


def init_app(app: Flask) -> None:
    """The Flask side: the encrypted session, CSRF and headers, error pages, Zoom's OAuth client, the
    templates' helpers, who is signed in, and one blueprint per concern."""
    from simplespa_zoom.web import (
        appointments,
        attendance,
        connect,
        errors,
        health,
        letters,
        pages,
        presence,
        security,
        staff,
        templating,
        webhooks,
        zoom_session,
    )
    from simplespa_zoom.web import day as day_views
    from simplespa_zoom.web import meetings as meeting_views
    from simplespa_zoom.web.input_text import refuse_unstorable_input
    from simplespa_zoom.web.session import EncryptedCookieSessionInterface, SessionCrypto

    app.url_map.converters["row_id"] = RowIdConverter
    lend_request_connection(app)
    app.session_interface = EncryptedCookieSessionInterface(
        SessionCrypto(app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"])
    )
    security.init_app(app)
    if hops := app.config["TRUSTED_PROXY_HOPS"]:
        # The client's address (sign-in throttling), scheme and host as the proxy saw them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    errors.init_app(app)
    zoom_session.init_app(app)
    templating.init_app(app)
    letters.init_app(app)
    app.before_request(staff.load_signed_in_staff)
    app.before_request(refuse_unstorable_input)  # after: its 400 page shows who is signed in
    for module in (staff, appointments, meeting_views, day_views, connect, webhooks, pages, health, presence):
        app.register_blueprint(module.bp)
    app.register_blueprint(attendance.bp)
    security.csrf.exempt(webhooks.bp)

    @app.get("/")
    def home() -> Any:
        return redirect(url_for("appointments.index"))
