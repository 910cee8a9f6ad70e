"""Every failure becomes one clear answer: JSON for the page script, a page for people."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .appointments import AppointmentNotFound
from .csrf import CSRFError
from .meeting_ops import MeetingError
from .zoom_api import ZoomError

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please sign in again.",
    403: "You are not allowed to do that.",
    404: "That page or appointment does not exist.",
    405: "That action is not available here.",
    413: "That is more text than the app accepts at once.",
    500: "Something went wrong on our side. Nothing was changed; please try again.",
}


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def error_answer(code: str, message: str, status: int, **extra: Any) -> Any:
    if wants_json():
        return jsonify({"error": {"code": code, "message": message, **extra}}), status
    return render_template("error.html", message=message, status=status), status


def init_app(app: Flask) -> None:
    @app.errorhandler(ZoomError)
    def zoom_error(error: ZoomError) -> Any:
        return error_answer(error.code, error.describe(app.config["SPA_TZ"]), error.http_status)

    @app.errorhandler(MeetingError)
    def meeting_error(error: MeetingError) -> Any:
        return error_answer(error.code, error.message, error.http_status)

    @app.errorhandler(AppointmentNotFound)
    def not_found(_error: AppointmentNotFound) -> Any:
        return error_answer("not_found", MESSAGES[404], 404)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> Any:
        return error_answer(
            "csrf_failed", "This page has expired. Please reload it and try again; nothing was changed.", 400
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        return error_answer(f"http_{status}", MESSAGES.get(status, error.description or ""), status)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_answer("internal_error", MESSAGES[500], 500)
