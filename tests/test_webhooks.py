"""The Zoom webhook: signature, validation challenge, deauthorization, meeting events."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import pytest
from flask import Flask

from simplespa_zoom.meetings import notes

from .conftest import MEETING_ID, add_appointment, get_appointment, line_for, with_app_meeting

SECRET = "webhook-secret"
NOTES = "Bring a towel."


def signed(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"x-zm-request-timestamp": ts, "x-zm-signature": signature, "Content-Type": "application/json"}


def deliver(client, event: dict | bytes, **kwargs):
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    return client.post("/zoom/webhook", data=body, headers=signed(body, **kwargs))


def test_url_validation_answers_the_challenge(client) -> None:
    response = deliver(
        client, {"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}, "event_ts": 1}
    )
    assert response.status_code == 200
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert response.get_json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-zm-request-timestamp": "1", "x-zm-signature": "v0=00"},
        "wrong-secret",
        "stale",
        "future",
        "not-digits",
        "body-changed",
    ],
)
def test_forged_or_stale_deliveries_are_rejected_with_401(client, headers) -> None:
    body = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": "x"}}).encode()
    if headers == "wrong-secret":
        headers = signed(body, secret="guess")
    elif headers == "stale":
        headers = signed(body, timestamp=int(time.time()) - 301)
    elif headers == "future":
        headers = signed(body, timestamp=int(time.time()) + 301)
    elif headers == "not-digits":
        headers = {**signed(body), "x-zm-request-timestamp": "12a"}
    elif headers == "body-changed":
        headers = signed(body + b" ")
    response = client.post("/zoom/webhook", data=body, headers=headers)
    assert response.status_code == 401


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b""])
def test_a_signed_body_that_is_not_json_gets_400(client, body: bytes) -> None:
    response = deliver(client, body)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_body"


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'"meeting.deleted"',
        b'{"payload": {}}',
        b'{"event": 7}',
        b'{"event": "meeting.deleted"}',
        b'{"event": "meeting.deleted", "payload": {"object": {"id": "abc"}}}',
        b'{"event": "meeting.updated", "payload": {"object": {"id": 99999999999, "topic": "t"}}}',
        b'{"event": "meeting.deleted", "payload": {"object": {"id": "1234567890123456789012345"}}}',
        b'{"event": "meeting.deleted", "payload": {"object": {"id": 9999999999999999999}}}',
        json.dumps({"event": "meeting.deleted", "payload": {"object": {"id": "\u00b2\u00b3\u00b9" * 4}}}).encode(),
        b'{"event": "endpoint.url_validation", "payload": {}}',
        b'{"event": "recording.completed", "payload": {}}',
    ],
)
def test_every_signed_event_is_acknowledged_even_one_the_app_cannot_use(client, caplog, body: bytes) -> None:
    """Zoom retries anything but 2xx and then stops sending: a signed event the app can't use still gets 204."""
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.web.webhooks"):
        assert deliver(client, body).status_code == 204
    assert len(caplog.records) == 1 and "webhook-secret" not in caplog.text


def test_deauthorization_is_acknowledged_and_logged_without_ids(client, caplog) -> None:
    payload = {
        "account_id": "ACCT-123",
        "user_id": "USER-SECRET-ID",
        "signature": "sig",
        "client_id": "client-id",
        "deauthorization_time": "2026-11-20T13:52:28.632Z",
        "event_ts": 1,
    }
    with caplog.at_level(logging.INFO):
        response = deliver(client, {"event": "app_deauthorized", "event_ts": 1, "payload": payload})
    assert response.status_code == 204
    assert "nothing to delete" in caplog.text
    assert "USER-SECRET-ID" not in caplog.text and "ACCT-123" not in caplog.text


def test_unknown_events_are_acknowledged_and_ignored(client) -> None:
    assert deliver(client, {"event": "recording.completed", "payload": {}}).status_code == 204


def test_meeting_deleted_in_zoom_cleans_the_appointment_the_app_created_it_for(app: Flask, client) -> None:
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    bystander = add_appointment(app, "Ben", "Has nothing to do with it: /85746065432 mentioned")
    copied = add_appointment(app, "Cy", "Same call as Ana:\n" + holder.notes.splitlines()[-1])
    event = {
        "event": "meeting.deleted",
        "event_ts": 1,
        "payload": {
            "account_id": "a",
            "operator": "o",
            "object": {"uuid": "u", "id": MEETING_ID, "host_id": "h", "topic": "t", "type": 2},
        },
    }
    assert deliver(client, event).status_code == 204
    assert get_appointment(app, holder.id).notes == NOTES
    assert get_appointment(app, bystander.id).notes == "Has nothing to do with it: /85746065432 mentioned"
    assert get_appointment(app, copied.id).notes == copied.notes  # staff's copy is their text, not the app's line


def test_meeting_updated_in_zoom_rewrites_the_time(app: Flask, client) -> None:
    base = add_appointment(app, "Ana")
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    from datetime import timedelta

    moved = base.starts_at + timedelta(days=1)
    event = {
        "event": "meeting.updated",
        "event_ts": 1,
        "payload": {
            "object": {"id": MEETING_ID, "start_time": moved.strftime("%Y-%m-%dT%H:%M:%SZ")},
            "old_object": {"id": MEETING_ID},
        },
    }
    assert deliver(client, event).status_code == 204
    assert get_appointment(app, holder.id).notes == notes.append_line(NOTES, line_for(app, base, start=moved))


def test_webhook_needs_no_sign_in_and_no_csrf_but_refuses_large_bodies(client) -> None:
    body = b'{"event":"x","payload":{"pad":"' + b"x" * (2 * 1024 * 1024) + b'"}}'
    assert client.post("/zoom/webhook", data=body, headers=signed(body)).status_code == 413
