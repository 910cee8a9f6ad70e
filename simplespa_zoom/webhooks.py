"""Zoom's event notifications: signed, verified, and acted on without keeping Zoom data."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from . import notes
from .meetings import meeting_service
from .zoom_api import parse_zoom_time

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__)

TIMESTAMP_TOLERANCE = 300


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_ok(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float | None = None
) -> bool:
    """Zoom's v0 HMAC over the raw body, compared in constant time, within five minutes."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TIMESTAMP_TOLERANCE:
        return False
    return hmac.compare_digest(signature_for(secret, timestamp, body).encode(), signature.encode())


def _answer(code: str, message: str, status: int) -> Any:
    return jsonify({"error": {"code": code, "message": message}}), status


@bp.post("/zoom/webhook")
def receive() -> Any:
    secret = current_app.config["ZOOM_WEBHOOK_SECRET_TOKEN"]
    body = request.get_data(cache=False)
    if not signature_ok(
        secret, request.headers.get("x-zm-request-timestamp"), request.headers.get("x-zm-signature"), body
    ):
        log.warning("Zoom webhook rejected: bad or stale signature")
        return _answer("bad_signature", "The signature does not match.", 401)
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return _answer("bad_body", "The body is not JSON.", 400)
    if not isinstance(event, dict) or not isinstance(event.get("event"), str):
        return _answer("bad_body", "The body is not a Zoom event.", 400)
    payload = event.get("payload") if isinstance(event.get("payload"), dict) else {}
    name = event["event"]
    if name == "endpoint.url_validation":
        plain = payload.get("plainToken")
        if not isinstance(plain, str) or not plain:
            return _answer("bad_body", "plainToken is missing.", 400)
        encrypted = hmac.new(secret.encode(), plain.encode(), hashlib.sha256).hexdigest()
        return jsonify({"plainToken": plain, "encryptedToken": encrypted})
    if name == "app_deauthorized":
        log.info("Zoom app deauthorized by a user; no Zoom data is stored, so there is nothing to delete")
    elif name in ("meeting.deleted", "meeting.updated"):
        meeting_id = _meeting_id(payload.get("object"))
        if meeting_id is None:
            return _answer("bad_body", "The event names no meeting.", 400)
        if name == "meeting.deleted":
            _forget_meeting(meeting_id)
        else:
            _follow_zoom_change(meeting_id, payload["object"])
    else:
        log.info("Zoom webhook event %s ignored", name[:64])
    return "", 204


def _meeting_id(obj: Any) -> int | None:
    if not isinstance(obj, dict):
        return None
    value = obj.get("id")
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        return None
    return int(value)


def _forget_meeting(meeting_id: int) -> None:
    service = meeting_service()
    for appointment in service.store.find_by_meeting(meeting_id):
        service.drop_line(appointment, meeting_id)
        log.info("Removed the Zoom line of a meeting deleted in Zoom from appointment %s", appointment.id)


def _follow_zoom_change(meeting_id: int, changed: dict[str, Any]) -> None:
    """Rewrite the line when Zoom reports a new start time or topic."""
    service = meeting_service()
    topic = changed.get("topic") if isinstance(changed.get("topic"), str) else None
    start = parse_zoom_time(changed.get("start_time"))
    for appointment in service.store.find_by_meeting(meeting_id):
        line = notes.find_line(appointment.notes, meeting_id)
        if line is not None:
            service.follow_zoom(appointment, line, topic, start)
