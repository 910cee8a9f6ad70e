"""Every failure becomes one clear answer: JSON for the page script, a page for people."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from simplespa_zoom.meetings.domain import AppointmentNotFound
from simplespa_zoom.meetings.errors import MeetingError
from simplespa_zoom.meetings.ports import ProviderError
from simplespa_zoom.messages import HTTP_CODES, MESSAGES, say
from simplespa_zoom.web.negotiation import wants_json
from simplespa_zoom.web.words import say_meeting_error, say_provider_error

log = logging.getLogger(__name__)


def help_url(code: str) -> str | None:
    """Where the Help page explains this message, for every code in the message table."""
    return url_for("pages.help", _anchor=code) if code in MESSAGES else None


def book_unavailable(error: Exception) -> bool:
    """The database did not answer (down, unreachable, locked, out of connections): no bug, and nothing was written."""
    return isinstance(error, (OperationalError, InterfaceError, PoolTimeout)) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def error_answer(code: str, message: str, status: int) -> Any:
    if wants_json():
        return jsonify({"error": {"code": code, "message": message, "help": help_url(code)}}), status
    return render_template("error.html", code=code, message=message, status=status), status


def init_app(app: Flask) -> None:
    @app.errorhandler(ProviderError)
    def provider_error(error: ProviderError) -> Any:
        return error_answer(error.code, say_provider_error(error, app.config["SPA_TZ"]), error.http_status)

    @app.errorhandler(MeetingError)
    def meeting_error(error: MeetingError) -> Any:
        return error_answer(error.code, say_meeting_error(error), error.http_status)

    @app.errorhandler(AppointmentNotFound)
    def not_found(_error: AppointmentNotFound) -> Any:
        return error_answer("not_found", say("not_found"), 404)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> Any:
        session.hold()  # type: ignore[attr-defined]  # a refused request writes no cookie, whatever arrived
        return error_answer("csrf_failed", say("csrf_failed"), 400)

    @app.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError) -> Any:
        if not book_unavailable(error):
            return unexpected(error)
        # One line, the driver's own words (no SQL, no parameters): an outage must not flood the log.
        cause = str(getattr(error, "orig", None) or error).partition("\n")[0]
        log.warning("Appointment book unavailable on %s %s: %s", request.method, request.path, cause)
        return error_answer("book_unavailable", say("book_unavailable"), 503)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        code = HTTP_CODES.get(status, "bad_request" if status < 500 else "internal_error")
        return error_answer(code, say(code), status)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_answer("internal_error", say("internal_error"), 500)
