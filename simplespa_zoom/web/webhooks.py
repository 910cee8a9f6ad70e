"""Zoom's event notification URL: the HTTP side only (body limit, signature, JSON, 2xx); zoom/events.py
reads and applies the events."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request

from simplespa_zoom.messages import ANSWERS_TO_ZOOM
from simplespa_zoom.web import meeting_services
from simplespa_zoom.zoom import events
from simplespa_zoom.zoom.webhook_signature import signature_ok

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__)

# Zoom's events are a few kilobytes. Read at most this much, even from a chunked body with no
# length: a larger one is refused whole (413), never checked against a truncated prefix.
BODY_LIMIT = 256 * 1024


READ_CHUNK = 64 * 1024


def _read_at_most(stream: Any, limit: int) -> bytes:
    """The whole body, or 413 as soon as it passes limit (a stream's read may return less than asked)."""
    parts: list[bytes] = []
    size = 0
    while chunk := stream.read(min(READ_CHUNK, limit + 1 - size)):
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            abort(413)
    return b"".join(parts)


def _answer(code: str, status: int) -> Any:
    return jsonify({"error": {"code": code, "message": ANSWERS_TO_ZOOM[code]}}), status


@bp.post("/zoom/webhook")
def receive() -> Any:
    """Zoom retries every answer but 2xx and then stops sending, so every signed event is acknowledged."""
    secret = current_app.config["ZOOM_WEBHOOK_SECRET_TOKEN"]
    if (request.content_length or 0) > BODY_LIMIT:
        abort(413)
    body = _read_at_most(request.stream, BODY_LIMIT)
    if not signature_ok(
        secret, request.headers.get("x-zm-request-timestamp"), request.headers.get("x-zm-signature"), body
    ):
        log.warning("Zoom webhook rejected: bad or stale signature")
        return _answer("bad_signature", 401)
    try:
        body_json = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _answer("bad_body", 400)
    answer = events.apply(
        events.Event.read(body_json),
        events.Context(meeting_services().events, secret, current_app.extensions["presence"]),
    )
    return (jsonify(answer), 200) if answer is not None else ("", 204)
