"""The Zoom client against Zoom's documented answers, faked with `responses`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
import responses

from simplespa_zoom.web.words import say_provider_error
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

from .helpers import API, JOIN_URL, MEETING_ID

START = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


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
    # Clients wait in the waiting room for the host, and need the meeting's passcode (in the join link).
    assert sent["default_password"] is True
    assert sent["settings"] == {"join_before_host": False, "waiting_room": True}
    assert zoom.calls[0].request.headers["Authorization"] == "Bearer tok"
    assert zoom.calls[0].request.headers["Accept"] == "application/json"
    assert meeting.id == 98765432101234 and isinstance(meeting.id, int)
    assert meeting.join_url == JOIN_URL
    assert not hasattr(meeting, "start_url")


def test_create_with_registration_turns_on_auto_approval_and_emails(
    api: ZoomClient, zoom: responses.RequestsMock
) -> None:
    zoom.post(f"{API}/users/me/meetings", json=created_body(), status=201)
    api.create_meeting("tok", topic="t", start=START, duration=30, timezone="UTC", registration=True)
    settings = json.loads(zoom.calls[0].request.body)["settings"]
    assert settings == {
        "join_before_host": False,
        "waiting_room": True,
        "approval_type": 0,
        "registrants_confirmation_email": True,
        "registrants_email_notification": True,
    }


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
        (404, {"code": 3001.0, "message": "Meeting does not exist."}, ZoomRequestRejected),
    ],
)
def test_every_answer_becomes_a_typed_error(
    api: ZoomClient, zoom: responses.RequestsMock, status: int, body: object, error: type
) -> None:
    kwargs = {"json": body} if isinstance(body, dict) else {"body": body}
    zoom.post(f"{API}/users/me/meetings", status=status, **kwargs)
    with pytest.raises(error) as raised:
        api.create_meeting("SECRET-TOKEN-123", topic="t", start=START, duration=60, timezone="UTC")
    assert "SECRET-TOKEN-123" not in say_provider_error(raised.value, UTC_ZONE)


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
    assert {call.request.headers["Authorization"] for call in zoom.calls} == {"Bearer tok"}


def test_the_start_link_is_read_again_after_a_failure_like_any_read(
    api: ZoomClient, zoom: responses.RequestsMock
) -> None:
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=502, body="<html/>")
    zoom.get(f"{API}/meetings/{MEETING_ID}", json={**created_body(), "start_url": "https://us05web.zoom.us/s/1?zak=z"})
    assert api.start_link("tok", MEETING_ID).url == "https://us05web.zoom.us/s/1?zak=z"
    assert len(zoom.calls) == 2


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
    assert zoom.calls[0].request.headers["Authorization"] == "Bearer tok"


def test_patch_sends_the_new_start_and_accepts_no_body(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    api.update_meeting("tok", MEETING_ID, start=START, duration=45, timezone="Europe/London")
    assert zoom.calls[0].request.headers["Authorization"] == "Bearer tok"
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
    assert zoom.calls[0].request.headers["Authorization"] == "Bearer tok"


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


def a_daily_limit(api: ZoomClient, zoom: responses.RequestsMock, retry_after: str | None) -> pytest.ExceptionInfo:
    """Zoom refusing a create for the day, with or without a Retry-After."""
    headers = {"X-RateLimit-Type": "Daily-limit", **({"Retry-After": retry_after} if retry_after else {})}
    zoom.post(f"{API}/users/me/meetings", status=429, json={"code": 429, "message": "limit"}, headers=headers)
    with pytest.raises(ZoomDailyLimit) as raised:
        api.create_meeting("tok", topic="t", start=START, duration=60, timezone="UTC")
    return raised


def test_the_daily_limit_says_when_it_resets_in_the_spas_zone(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    raised = a_daily_limit(api, zoom, retry_after="2026-11-21T00:00:00Z")
    said = say_provider_error(raised.value, ZoneInfo("America/New_York"))
    assert "Today's limit of Zoom meeting changes" in said and "resets at 7:00 pm (America/New_York)" in said


def test_a_daily_limit_without_retry_after_resets_at_the_next_midnight_utc(
    api: ZoomClient, zoom: responses.RequestsMock
) -> None:
    before = datetime.now(UTC)
    resets_at = a_daily_limit(api, zoom, retry_after=None).value.resets_at
    after = datetime.now(UTC)
    midnights = {moment.date() + timedelta(days=1) for moment in (before, after)}
    assert resets_at in {datetime.combine(day, datetime.min.time(), UTC) for day in midnights}


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
        assert say_provider_error(raised.value, ZoneInfo("UTC")).startswith(
            "Zoom is busy. Please try again in a few seconds"
        )


def test_a_missing_scope_names_the_permission_and_who_adds_it(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    message = "Invalid access token, does not contain scopes:[meeting:write:meeting]."
    zoom.post(f"{API}/users/me/meetings", status=400, json={"code": 4711, "message": message})
    with pytest.raises(ZoomMissingScope) as raised:
        api.create_meeting("tok", topic="t", start=START, duration=60, timezone="UTC")
    assert raised.value.scopes == ["meeting:write:meeting"]
    assert "create meetings (meeting:write:meeting)" in say_provider_error(raised.value, UTC_ZONE)
    assert "admin of the SimpleSpa app in the Zoom App Marketplace" in say_provider_error(raised.value, UTC_ZONE)


@pytest.mark.parametrize(
    ("body", "user_id"),
    [({"id": "u1", "type": 1}, "u1"), ({"id": 12345, "type": 1}, None), ({"id": "", "type": 1}, None)],
)
def test_get_me_keeps_the_zoom_user_id_only_when_it_is_text(
    api: ZoomClient, zoom: responses.RequestsMock, body: dict, user_id: str | None
) -> None:
    zoom.get(f"{API}/users/me", json=body)
    assert api.get_me("tok").id == user_id
    assert zoom.calls[0].request.headers["Authorization"] == "Bearer tok"


def test_who_is_connected_is_asked_again_after_a_zoom_hiccup(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    zoom.get(f"{API}/users/me", status=502, body="<html/>")
    zoom.get(f"{API}/users/me", json={"id": "u1", "type": 2})
    assert api.get_me("tok").licensed is True
    assert len(zoom.calls) == 2


@pytest.mark.parametrize(
    ("scopes", "named"),
    [
        (
            "meeting:write:meeting, meeting:read:meeting,report:read:admin",
            "create meetings (meeting:write:meeting), check meetings (meeting:read:meeting), "
            "report:read:admin (report:read:admin)",
        ),
        ("", "do what was asked"),
    ],
    ids=["known-and-unknown", "none-named"],
)
def test_missing_scopes_are_named_in_the_staffs_words(
    api: ZoomClient, zoom: responses.RequestsMock, scopes: str, named: str
) -> None:
    message = f"Invalid access token, does not contain scopes:[{scopes}]." if scopes else "Missing scopes."
    zoom.post(f"{API}/users/me/meetings", status=400, json={"code": 4711, "message": message})
    with pytest.raises(ZoomMissingScope) as raised:
        api.create_meeting("tok", topic="t", start=START, duration=60, timezone="UTC")
    assert f"Zoom did not give SimpleSpa the permission to {named}. The admin" in say_provider_error(
        raised.value, UTC_ZONE
    )


def test_a_refusal_whose_message_is_not_text_quotes_nothing(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    zoom.post(f"{API}/users/me/meetings", status=400, json={"code": 300, "message": ["not", "text"]})
    with pytest.raises(ZoomRequestRejected) as raised:
        api.create_meeting("tok", topic="t", start=START, duration=60, timezone="UTC")
    assert say_provider_error(raised.value, UTC_ZONE) == "Zoom refused the request. The notes were not changed."


@pytest.mark.parametrize(
    ("zone", "said"),
    [
        ("UTC", "12:00 am (UTC)"),
        ("Asia/Tokyo", "9:00 am (Asia/Tokyo)"),
        ("Etc/GMT-12", "12:00 pm (Etc/GMT-12)"),
        ("America/New_York", "7:00 pm (America/New_York)"),
    ],
)
def test_the_daily_limit_reset_is_told_on_a_12_hour_clock(
    api: ZoomClient, zoom: responses.RequestsMock, zone: str, said: str
) -> None:
    raised = a_daily_limit(api, zoom, retry_after="2026-11-21T00:00:00Z")
    assert f"it resets at {said}." in say_provider_error(raised.value, ZoneInfo(zone))


def test_the_daily_limit_resets_when_zoom_says(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    raised = a_daily_limit(api, zoom, retry_after="2026-11-21T05:30:00Z")
    assert "it resets at 12:30 am (America/New_York)." in say_provider_error(raised.value, ZoneInfo("America/New_York"))


@pytest.fixture
def server_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server process runs in a zone of its own (India, +5:30), not UTC and not the spa's."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_servers_own_zone_never_reaches_zoom(
    api: ZoomClient, zoom: responses.RequestsMock, server_zone: None
) -> None:
    zoom.post(f"{API}/users/me/meetings", json=created_body(), status=201)
    api.create_meeting(
        "tok", topic="t", start=START.astimezone(ZoneInfo("America/New_York")), duration=60, timezone="UTC"
    )
    assert json.loads(zoom.calls[0].request.body)["start_time"] == "2026-12-01T20:00:00Z"


def test_without_retry_after_the_daily_limit_resets_at_midnight_utc(
    api: ZoomClient, zoom: responses.RequestsMock, server_zone: None
) -> None:
    midnights = {datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)}
    raised = a_daily_limit(api, zoom, retry_after=None)
    midnights.add(datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1))
    assert raised.value.resets_at in midnights  # the next 00:00 UTC, to the microsecond
    assert "it resets at 12:00 am (UTC)." in say_provider_error(raised.value, UTC_ZONE)


@pytest.mark.parametrize(
    ("start_time", "read"),
    [
        ("2026-12-01T20:00:00Z", START),
        ("2026-12-01T21:00:00+01:00", START),
        ("2026-12-01T20:00:00", START),  # no zone: Zoom's times are UTC
        (12345, None),
        ("", None),
        ("soon", None),
    ],
)
def test_a_meetings_start_is_read_in_every_form_and_nonsense_is_no_start(
    api: ZoomClient, zoom: responses.RequestsMock, start_time: object, read: datetime | None
) -> None:
    zoom.get(f"{API}/meetings/{MEETING_ID}", json={**created_body(), "start_time": start_time})
    start = api.get_meeting("tok", MEETING_ID).starts_at
    assert start == read and (start is None or start.utcoffset() is not None)


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("Validation Failed.", "Zoom refused the request. Zoom said: Validation Failed. The notes were not changed."),
        ("x" * 400, f"Zoom refused the request. Zoom said: {'x' * 300} The notes were not changed."),
        ("", "Zoom refused the request. The notes were not changed."),
    ],
    ids=["quoted", "cut-to-300", "empty"],
)
def test_a_refusal_quotes_zooms_own_words_up_to_300_characters(
    api: ZoomClient, zoom: responses.RequestsMock, message: str, said: str
) -> None:
    zoom.post(f"{API}/users/me/meetings", status=400, json={"code": 300, "message": message})
    with pytest.raises(ZoomRequestRejected) as raised:
        api.create_meeting("tok", topic="t", start=START, duration=60, timezone="UTC")
    assert say_provider_error(raised.value, UTC_ZONE) == said


@pytest.mark.parametrize(
    ("environment", "verify"),
    [
        ({}, True),
        ({"REQUESTS_CA_BUNDLE": "/etc/spa/ca.pem"}, "/etc/spa/ca.pem"),
        ({"CURL_CA_BUNDLE": "/etc/spa/curl-ca.pem"}, "/etc/spa/curl-ca.pem"),
        ({"REQUESTS_CA_BUNDLE": "/etc/spa/ca.pem", "CURL_CA_BUNDLE": "/etc/spa/curl-ca.pem"}, "/etc/spa/ca.pem"),
    ],
    ids=["system-cas", "requests-bundle", "curl-bundle", "requests-bundle-first"],
)
def test_zooms_certificate_is_always_verified_against_the_configured_authorities(
    zoom: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], verify: object
) -> None:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=created_body())
    ZoomClient(API).get_meeting("tok", MEETING_ID)
    assert zoom.calls[0].request.req_kwargs["verify"] == verify


def test_zoom_is_reached_through_the_proxy_the_environment_names(
    zoom: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.spa.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=created_body())
    ZoomClient(API).get_meeting("tok", MEETING_ID)
    assert zoom.calls[0].request.req_kwargs["proxies"].get("https") == "http://proxy.spa.example:3128"


def test_a_configured_base_url_with_a_trailing_slash_reaches_the_same_endpoints(zoom: responses.RequestsMock) -> None:
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=created_body())
    assert ZoomClient(API + "/", backoff=0).get_meeting("tok", MEETING_ID).join_url == JOIN_URL


def test_reads_are_retried_three_times_a_quarter_second_then_half_a_second_apart(
    zoom: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("simplespa_zoom.zoom.api.time.sleep", waits.append)
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=503, json={})
    with pytest.raises(ZoomUnavailable):
        ZoomClient(API).get_meeting("tok", MEETING_ID)
    assert len(zoom.calls) == 3 and waits == [0.25, 0.5]


def test_a_regional_client_shares_the_kept_alive_session_and_is_made_once_per_base(api: ZoomClient) -> None:
    assert api.at(None) is api and api.at("") is api and api.at(API + "/") is api
    regional = api.at("https://eu01api-www4local.zoom.us/v2/")
    assert regional is not api and regional.base_url == "https://eu01api-www4local.zoom.us/v2"
    assert regional.http is api.http and (regional.timeout, regional.backoff) == (api.timeout, api.backoff)
    assert api.at("https://eu01api-www4local.zoom.us/v2") is regional


def test_an_answer_of_300_is_a_refusal_not_a_meeting(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=300, json={"id": MEETING_ID, "join_url": JOIN_URL})
    with pytest.raises(ZoomRequestRejected):
        api.get_meeting("tok", MEETING_ID)


def test_a_netrc_entry_for_zooms_host_never_replaces_the_bearer_token(
    zoom: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.zoom.us login someone password their-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=created_body())
    ZoomClient(API).get_meeting("tok", MEETING_ID)
    assert zoom.calls[0].request.headers["Authorization"] == "Bearer tok"


def test_a_registrant_without_a_last_name_is_sent_an_empty_one(api: ZoomClient, zoom: responses.RequestsMock) -> None:
    zoom.post(f"{API}/meetings/{MEETING_ID}/registrants", json={"join_url": JOIN_URL + "&tk=x"}, status=201)
    api.add_registrant("tok", MEETING_ID, email="ana@example.com", first_name="Ana")
    assert json.loads(zoom.calls[0].request.body)["last_name"] == ""


def test_a_registration_answer_without_a_link_is_a_refusal_that_says_so(
    api: ZoomClient, zoom: responses.RequestsMock
) -> None:
    zoom.post(f"{API}/meetings/{MEETING_ID}/registrants", json={"id": 1}, status=201)
    with pytest.raises(ZoomRequestRejected) as raised:
        api.add_registrant("tok", MEETING_ID, email="ana@example.com", first_name="Ana")
    assert say_provider_error(raised.value, UTC_ZONE) == (
        "Zoom refused the request. Zoom sent no personal join link. The notes were not changed."
    )


def test_every_zoom_error_is_worded_by_the_web_layer(api: ZoomClient) -> None:
    for error in (ZoomUnavailable(), ZoomRequestRejected("Zoom said no."), ZoomMissingScope(["user:read:user"])):
        assert say_provider_error(error, UTC_ZONE) and str(error) == error.code
    assert "see which Zoom user is connected" in say_provider_error(ZoomMissingScope(["user:read:user"]), UTC_ZONE)


def test_a_retry_after_in_seconds_is_an_instant_with_a_zone() -> None:
    resets = parse_retry_after("120")
    assert resets is not None and resets.utcoffset() == timedelta(0)
    assert abs((resets - datetime.now(UTC)).total_seconds() - 120) < 5
