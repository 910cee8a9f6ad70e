"""The Zoom webhook: signature, validation challenge, deauthorization, meeting events."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from simplespa_zoom.meetings import notes
from simplespa_zoom.web import the_book
from simplespa_zoom.web.webhooks import BODY_LIMIT
from simplespa_zoom.zoom.webhook_signature import signature_ok

from .helpers import (
    JOIN_URL,
    MEETING_ID,
    add_appointment,
    get_appointment,
    line_for,
    spelled_out,
    with_app_meeting,
)

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
        "timestamp-only",
        "signature-only",
    ],
)
def test_forged_or_stale_deliveries_are_rejected_with_401(client, headers) -> None:
    body = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": "x"}}).encode()
    if headers in ("timestamp-only", "signature-only"):
        keep = "x-zm-request-timestamp" if headers == "timestamp-only" else "x-zm-signature"
        headers = {keep: signed(body)[keep]}
    elif headers == "wrong-secret":
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
    assert response.get_json() == {"error": {"code": "bad_signature", "message": "The signature does not match."}}


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
        b'{"event": "meeting.deleted", "payload": {"object": {"id": 9223372036854775808}}}',
        json.dumps({"event": "meeting.deleted", "payload": {"object": {"id": "\u00b2\u00b3\u00b9" * 4}}}).encode(),
        b'{"event": "endpoint.url_validation", "payload": {}}',
        b'{"event": "recording.completed", "payload": {}}',
    ],
)
def test_every_signed_event_is_acknowledged_even_one_the_app_cannot_use(client, caplog, body: bytes) -> None:
    """Zoom retries anything but 2xx and then stops sending: a signed event the app can't use still gets 204."""
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.zoom.events"):
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
    assert [record.getMessage() for record in caplog.records if record.name == "simplespa_zoom.zoom.events"] == [
        "Zoom webhook: app deauthorized by a user; no Zoom data is stored, so there is nothing to delete"
    ]
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


def test_the_signature_holds_for_five_minutes_either_way_and_not_a_second_more() -> None:
    body = b'{"event": "meeting.deleted"}'
    signature = signed(body, timestamp=1_800_000_000)["x-zm-signature"]
    for now, ok in [(1_800_000_300, True), (1_800_000_301, False), (1_799_999_700, True), (1_799_999_699, False)]:
        assert signature_ok(SECRET, "1800000000", signature, body, now=now) is ok, now


def test_a_chunked_body_of_exactly_the_limit_is_read_and_one_byte_more_is_refused(client) -> None:
    head, tail = b'{"event": "recording.completed", "payload": {"pad": "', b'"}}'
    body = head + b"x" * (BODY_LIMIT - len(head) - len(tail)) + tail
    chunked = {"wsgi.input_terminated": True}  # as gunicorn and waitress mark a chunked body: no Content-Length

    def send(data: bytes) -> int:
        headers = {**signed(data), "Transfer-Encoding": "chunked"}
        return client.post(
            "/zoom/webhook", input_stream=io.BytesIO(data), headers=headers, environ_base=chunked
        ).status_code

    assert len(body) == BODY_LIMIT
    assert send(body) == 204
    assert send(head + b"x" + body[len(head) :]) == 413


@pytest.mark.parametrize(
    ("name", "logged"),
    [
        (
            "recording.completed\n2026-11-21 INFO forged \u00e9" + "x" * 100,
            "recording.completed?2026-11-21 INFO forged ?",
        ),
        (7, "int"),
    ],
    ids=["line-break-accent-and-length", "not-text"],
)
def test_an_ignored_event_is_logged_by_a_short_printable_name(client, caplog, name: object, logged: str) -> None:
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.zoom.events"):
        assert deliver(client, {"event": name, "payload": {}}).status_code == 204
    expected = (logged + "x" * 100)[:64] if isinstance(name, str) else logged
    assert caplog.messages == [f"Zoom webhook: event {expected} ignored"]


def test_a_meeting_with_the_largest_id_the_book_holds_is_cleaned_on_delete(app: Flask, client) -> None:
    largest = 2**63 - 1  # 19 digits
    holder = with_app_meeting(
        app, add_appointment(app, "Ana", NOTES), meeting_id=largest, join_url=f"https://us05web.zoom.us/j/{largest}"
    )
    assert holder.notes != NOTES
    event = {"event": "meeting.deleted", "event_ts": 1, "payload": {"object": {"id": str(largest)}}}
    assert deliver(client, event).status_code == 204
    assert get_appointment(app, holder.id).notes == NOTES


def moved_event(start: datetime, event_ts: object, **fields: object) -> dict:
    when = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "event": "meeting.updated",
        "event_ts": event_ts,
        "payload": {"object": {"id": MEETING_ID, "start_time": when, **fields}},
    }


def test_a_meeting_updated_whose_topic_is_not_text_still_moves_the_line(app: Flask, client) -> None:
    base = add_appointment(app, "Ana")
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    moved = base.starts_at + timedelta(hours=2)
    assert deliver(client, moved_event(moved, 1, topic=12345, join_url=7)).status_code == 204
    assert get_appointment(app, holder.id).notes == notes.append_line(NOTES, line_for(app, base, start=moved))


@pytest.mark.parametrize(
    ("first_ts", "second_offset_ms", "shown"),
    [
        (0, -60_000, "first"),  # no time: the first counts as received now, so one from a minute ago is older
        ("1800000000000", -60_000, "first"),  # text is no time either
        (1, -60_000, "second"),  # 1 ms after 1970 is a time, older than a minute ago
        (10**14 - 1, 60_000, "first"),  # the last time the app reads: nothing real is newer
        (10**14, 60_000, "second"),  # past it: the receipt time, so the next real update still applies
    ],
)
def test_an_event_time_zoom_could_not_have_sent_counts_as_the_time_of_receipt(
    app: Flask, client, first_ts: object, second_offset_ms: int, shown: str
) -> None:
    base = add_appointment(app, "Ana")
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    first, second = base.starts_at + timedelta(hours=1), base.starts_at + timedelta(hours=2)
    now_ms = int(time.time() * 1000)
    assert deliver(client, moved_event(first, first_ts)).status_code == 204
    assert deliver(client, moved_event(second, now_ms + second_offset_ms)).status_code == 204
    expected = first if shown == "first" else second
    assert get_appointment(app, holder.id).notes == notes.append_line(NOTES, line_for(app, base, start=expected))


def test_a_topic_changed_in_zoom_keeps_the_lines_time_and_link(app: Flask, client) -> None:
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    event = {"event": "meeting.updated", "event_ts": 1, "payload": {"object": {"id": MEETING_ID, "topic": "Renamed"}}}
    assert deliver(client, event).status_code == 204
    when = spelled_out(holder.starts_at.astimezone(app.config["SPA_TZ"]))
    assert get_appointment(app, holder.id).notes == f"{NOTES}\nZoom: [Renamed] {when} \u2014 {JOIN_URL}"


def test_a_deleted_meeting_whose_line_staff_removed_is_forgotten_and_the_notes_kept(app: Flask, client) -> None:
    holder = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    with app.app_context():
        the_book().appointments.set_notes(holder.id, holder.version, "Line removed by hand.", meeting_ids=set())
    event = {"event": "meeting.deleted", "event_ts": 1, "payload": {"object": {"id": MEETING_ID}}}
    assert deliver(client, event).status_code == 204
    stored = get_appointment(app, holder.id)
    assert stored.notes == "Line removed by hand." and stored.own_meeting_id is None


class TrickleStream:
    """A request body that arrives a few bytes per read, as a slow or hostile client sends it."""

    def __init__(self, body: bytes, per_read: int) -> None:
        self.body, self.per_read, self.consumed = body, per_read, 0

    def read(self, wanted: int) -> bytes:
        chunk = self.body[self.consumed : self.consumed + min(wanted, self.per_read)]
        self.consumed += len(chunk)
        return chunk


def test_a_trickled_body_is_read_whole_and_one_past_the_limit_is_refused_without_reading_more() -> None:
    from werkzeug.exceptions import RequestEntityTooLarge

    from simplespa_zoom.web.webhooks import _read_at_most

    assert _read_at_most(TrickleStream(b"x" * 10, per_read=3), limit=10) == b"x" * 10
    hostile = TrickleStream(b"x" * 1000, per_read=4)
    with pytest.raises(RequestEntityTooLarge):
        _read_at_most(hostile, limit=10)
    assert hostile.consumed == 11
