"""Zoom's event notifications: signed, verified, and acted on without keeping Zoom data."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request

from simplespa_zoom.meetings import notes
from simplespa_zoom.web import meeting_service
from simplespa_zoom.web.appointment_forms import FIRST_YEAR, LAST_YEAR
from simplespa_zoom.zoom.api import parse_zoom_time
from simplespa_zoom.zoom.webhook_signature import signature_ok, validation_answer

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__)

# Zoom's events are a few kilobytes. Read at most this much, even from a chunked body with no
# length: a larger one is refused whole (413), never checked against a truncated prefix.
BODY_LIMIT = 256 * 1024


READ_CHUNK = 64 * 1024  # pragma: no mutate


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


def _answer(code: str, message: str, status: int) -> Any:
    return jsonify({"error": {"code": code, "message": message}}), status


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
        return _answer("bad_signature", "The signature does not match.", 401)
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _answer("bad_body", "The body is not JSON the app can read.", 400)
    name = event.get("event") if isinstance(event, dict) else None
    payload = event.get("payload") if isinstance(event, dict) else None
    payload = payload if isinstance(payload, dict) else {}
    if name == "endpoint.url_validation":
        plain = _text(payload.get("plainToken"))
        if plain is not None:
            return jsonify({"plainToken": plain, "encryptedToken": validation_answer(secret, plain)})
        log.info("Zoom webhook: URL validation without a usable plainToken, acknowledged")
    elif name == "app_deauthorized":
        log.info("Zoom webhook: app deauthorized by a user; no Zoom data is stored, so there is nothing to delete")
    elif name in ("meeting.deleted", "meeting.updated"):
        _apply_meeting_event(name, payload.get("object"), _event_ms(event))
    else:
        log.info("Zoom webhook: event %s ignored", _printable(name))
    return "", 204


def _event_ms(event: dict[str, Any]) -> int | None:
    """When Zoom says the event happened (ms); orders updates so an older one never wins."""
    value = event.get("event_ts")
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**14 else None


def _apply_meeting_event(name: str, obj: Any, event_ms: int | None) -> None:
    meeting_id = _meeting_id(obj)
    if meeting_id is None:
        log.info("Zoom webhook: %s names no meeting, acknowledged", name)
        return
    service = meeting_service()
    if name == "meeting.deleted":
        count = service.meeting_deleted(meeting_id)
    else:
        topic, start, join_url = _text(obj.get("topic")), _start(obj.get("start_time")), _join_url(obj, meeting_id)
        given = {"topic": topic, "start_time": start, "join_url": join_url}
        if unusable := [field for field, value in given.items() if value is None and obj.get(field) is not None]:
            log.info("Zoom webhook: %s with unusable %s; those fields ignored", name, ", ".join(unusable))
        count = service.meeting_updated(meeting_id, topic, start, join_url, event_ms)
    log.info("Zoom webhook: %s applied to %d appointment(s)", name, count)


def _text(value: Any) -> str | None:
    """Text the app can answer with and store: UTF-8 (no lone surrogate) without NUL, which PostgreSQL can't hold."""
    if not isinstance(value, str) or not value or "\x00" in value:
        return None
    try:
        value.encode()
    except UnicodeEncodeError:
        return None
    return value


def _start(value: Any) -> datetime | None:
    """A meeting start the book can hold (the years its forms take); Zoom sends no other."""
    start = parse_zoom_time(value)
    return start if start is not None and FIRST_YEAR <= start.year <= LAST_YEAR else None


def _join_url(obj: dict[str, Any], meeting_id: int) -> str | None:
    """A join link that reads back as a line's link and names the event's own meeting, else none."""
    url = _text(obj.get("join_url"))
    return url if url is not None and notes.join_link_meeting(url) == meeting_id else None


def _printable(value: Any) -> str:
    """An event name as one short, harmless log token."""
    text = value if isinstance(value, str) else type(value).__name__
    return "".join(char if char.isascii() and char.isprintable() else "?" for char in text[:64])


def _meeting_id(obj: Any) -> int | None:
    if not isinstance(obj, dict):
        return None
    value = obj.get("id")
    if not isinstance(value, int | str):
        return None
    text = str(value)  # True and False read as words, never as digits
    if len(text) > 19:  # pragma: no mutate
        return None  # not indexable anyway; and int() of a huge string costs time
    if not (text.isascii() and text.isdigit()) or not notes.indexable(int(text)):
        return None  # never a meeting id the database could hold
    return int(text)
