"""The Zoom client against Zoom's documented answers, faked with `responses`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import requests
import responses

from simplespa_zoom.zoom.api import (
    ZoomClient,
    ZoomDailyLimit,
    ZoomMeetingGone,
    ZoomMissingScope,
    ZoomRateLimited,
    ZoomRequestRejected,
    ZoomTokenInvalid,
    ZoomUnavailable,
    parse_retry_after,
)

from .conftest import API, JOIN_URL, MEETING_ID

START = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
def api() -> ZoomClient:
    return ZoomClient(API, backoff=0)


def created_body() -> dict:
    return {
        "id": 98765432101234,
        "topic": "Appointment with Ana",
        "type": 2,
        "start_time": "2026-12-01T20:00:00Z",
        "duration": 60,
        "timezone": "America/New_York",
        "join_url": JOIN_URL,
        "start_url": "https://us05web.zoom.us/s/1?zak=secret",
        "password": "x",
    }


def test_create_sends_utc_start_with_z_and_the_spa_timezone(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    zoom.post(f"{API}/users/me/meetings", json=created_body(), status=201)
    meeting = api.create_meeting(
        "tok", topic="Appointment with Ana", start=START, duration=60, timezone="America/New_York"
    )
    sent = json.loads(zoom.calls[0].request.body)
    assert sent["start_time"] == "2026-12-01T20:00:00Z"
    assert sent["timezone"] == "America/New_York"
    assert sent["type"] == 2 and sent["duration"] == 60 and sent["topic"] == "Appointment with Ana"
    assert zoom.calls[0].request.headers["Authorization"] == "Bearer tok"
    assert meeting.id == 98765432101234 and isinstance(meeting.id, int)
    assert meeting.join_url == JOIN_URL
    assert not hasattr(meeting, "start_url")


def test_create_with_registration_turns_on_auto_approval_and_emails(
    api: ZoomClient, zoom: responses.RequestsMock
) -> None:
    zoom.post(f"{API}/users/me/meetings", json=created_body(), status=201)
    api.create_meeting("tok", topic="t", start=START, duration=30, timezone="UTC", registration=True)
    settings = json.loads(zoom.calls[0].request.body)["settings"]
    assert settings["approval_type"] == 0 and settings["registrants_confirmation_email"] is True


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (401, {"code": 124, "message": "Access token is expired."}, ZoomTokenInvalid),
        (401, {"code": 124, "message": "Invalid access token."}, ZoomTokenInvalid),
        (404, {"code": 3001, "message": f"Meeting does not exist: {MEETING_ID}."}, ZoomMeetingGone),
        (429, {"code": 429, "message": "You have exceeded the daily rate limit (100)"}, ZoomDailyLimit),
        (429, {"code": 429, "message": "Too many requests"}, ZoomRateLimited),
        (401, "<html><body>401 Unauthorized</body></html>", ZoomTokenInvalid),
        (
            400,
            {"code": 300, "message": "Validation Failed.", "errors": [{"field": "topic", "message": "x"}]},
            ZoomRequestRejected,
        ),
        (
            400,
            {"code": 4711, "message": "Invalid access token, does not contain scopes:[meeting:read:meeting]"},
            ZoomMissingScope,
        ),
        (500, {"code": 500, "message": "boom"}, ZoomUnavailable),
        (502, "<html><body>Bad Gateway</body></html>", ZoomUnavailable),
        (400, "<?xml version='1.0'?><error/>", ZoomUnavailable),
        (200, "not json at all", ZoomUnavailable),
        (200, {"topic": "no id or join url"}, ZoomUnavailable),
    ],
)
def test_every_answer_becomes_a_typed_error(
    api: ZoomClient, zoom: responses.RequestsMock, status: int, body: object, error: type
) -> None:
    kwargs = {"json": body} if isinstance(body, dict) else {"body": body}
    zoom.post(f"{API}/users/me/meetings", status=status, **kwargs)
    with pytest.raises(error) as raised:
        api.create_meeting("SECRET-TOKEN-123", topic="t", start=START, duration=60, timezone="UTC")
    assert "SECRET-TOKEN-123" not in raised.value.message


def test_create_is_never_retried(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    zoom.post(f"{API}/users/me/meetings", status=503, body="down")
    with pytest.raises(ZoomUnavailable):
        api.create_meeting("tok", topic="t", start=START, duration=60, timezone="UTC")
    assert len(zoom.calls) == 1


def test_get_is_retried_with_backoff_then_succeeds(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=502, body="<html/>")
    zoom.get(f"{API}/meetings/{MEETING_ID}", body=requests.ConnectionError("refused"))
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=created_body())
    assert api.get_meeting("tok", MEETING_ID).join_url == JOIN_URL
    assert len(zoom.calls) == 3


def test_retries_are_bounded(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    for _ in range(3):
        zoom.delete(f"{API}/meetings/{MEETING_ID}", body=requests.Timeout("slow"))
    with pytest.raises(ZoomUnavailable):
        api.delete_meeting("tok", MEETING_ID)
    assert len(zoom.calls) == 3


def test_delete_of_a_meeting_already_gone_counts_as_done(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=404, json={"code": 3001, "message": "Meeting does not exist"})
    assert api.delete_meeting("tok", MEETING_ID) is None  # no error: already gone is done
    assert len(zoom.calls) == 1  # and not retried


def test_patch_sends_the_new_start_and_accepts_no_body(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    api.update_meeting("tok", MEETING_ID, start=START, duration=45, timezone="Europe/London")
    assert json.loads(zoom.calls[0].request.body) == {
        "start_time": "2026-12-01T20:00:00Z",
        "duration": 45,
        "timezone": "Europe/London",
    }


@pytest.mark.parametrize(("account_type", "licensed"), [(1, False), (2, True), (4, False)])
def test_get_me_keeps_only_whether_the_host_is_licensed(
    api: ZoomClient, zoom: responses.RequestsMock, account_type: int, licensed: bool
) -> None:
    zoom.get(f"{API}/users/me", json={"id": "u1", "email": "h@x", "type": account_type, "pmi": 123})
    assert api.get_me("tok").licensed is licensed


def test_registrant_link_is_returned(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    personal = f"https://us05web.zoom.us/w/{MEETING_ID}?tk=abc"
    zoom.post(
        f"{API}/meetings/{MEETING_ID}/registrants",
        status=201,
        json={"registrant_id": "r", "id": MEETING_ID, "join_url": personal},
    )
    assert api.add_registrant("tok", MEETING_ID, email="a@b.c", first_name="Ana") == personal


NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("120", datetime(2026, 11, 20, 12, 2, tzinfo=UTC)),
        ("2026-11-21T00:00:00Z", datetime(2026, 11, 21, tzinfo=UTC)),
        ("Sat, 21 Nov 2026 00:00:00 GMT", datetime(2026, 11, 21, tzinfo=UTC)),
        ("soon", None),
    ],
)
def test_retry_after_in_every_form_zoom_sends(header: str | None, expected: datetime | None) -> None:
    assert parse_retry_after(header, NOW) == expected


def test_the_daily_limit_says_when_it_resets_in_the_spas_zone(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    zoom.post(
        f"{API}/users/me/meetings",
        status=429,
        json={"code": 429, "message": "limit"},
        headers={"Retry-After": "2026-11-21T00:00:00Z", "X-RateLimit-Type": "Daily-limit"},
    )
    with pytest.raises(ZoomDailyLimit) as raised:
        api.create_meeting("tok", topic="t", start=START, duration=60, timezone="UTC")
    said = raised.value.describe(ZoneInfo("America/New_York"))
    assert "Today's limit of Zoom meeting changes" in said and "resets at 7:00 pm (America/New_York)" in said


@pytest.mark.parametrize(
    ("headers", "body", "error"),
    [
        ({"X-RateLimit-Type": "QPS"}, {"code": 429, "message": "You have exceeded the daily rate limit"}, "zoom_busy"),
        ({"X-RateLimit-Type": "Daily-limit"}, {"code": 429, "message": "slow down"}, "zoom_daily_limit"),
        ({}, "<html>Too Many Requests</html>", "zoom_busy"),
    ],
)
def test_the_rate_limit_type_header_decides_over_the_message(
    api: ZoomClient, zoom: responses.RequestsMock, headers: dict[str, str], body: object, error: str
) -> None:
    kwargs = {"json": body} if isinstance(body, dict) else {"body": body}
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=429, headers=headers, **kwargs)
    with pytest.raises(ZoomRateLimited) as raised:
        api.get_meeting("tok", MEETING_ID)
    assert raised.value.code == error
    if error == "zoom_busy":
        assert raised.value.describe(ZoneInfo("UTC")).startswith("Zoom is busy. Please try again in a few seconds")


def test_a_missing_scope_names_the_permission_and_who_adds_it(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    message = "Invalid access token, does not contain scopes:[meeting:write:meeting]."
    zoom.post(f"{API}/users/me/meetings", status=400, json={"code": 4711, "message": message})
    with pytest.raises(ZoomMissingScope) as raised:
        api.create_meeting("tok", topic="t", start=START, duration=60, timezone="UTC")
    assert raised.value.scopes == ["meeting:write:meeting"]
    assert "create meetings (meeting:write:meeting)" in raised.value.message
    assert "admin of the SimpleSpa app in the Zoom App Marketplace" in raised.value.message
