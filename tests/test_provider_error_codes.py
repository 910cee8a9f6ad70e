"""The provider port's errors name their own codes: a provider that is not Zoom is worded and helped by
them, and Zoom's errors, which subtype them, keep their own codes and words."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from flask import Flask

from simplespa_zoom.meetings import ports
from simplespa_zoom.messages import MESSAGES
from simplespa_zoom.zoom.api import ZoomDailyLimit, ZoomMeetingGone, ZoomRateLimited, ZoomSlow, ZoomUnavailable
from simplespa_zoom.zoom.oauth import ZoomNotConnected, ZoomReconnect, ZoomRetry

NEUTRAL = [
    ports.ProviderError,
    ports.ProviderNotConnected,
    ports.ProviderReconnect,
    ports.ProviderRetry,
    ports.ProviderMeetingGone,
    ports.ProviderUnavailable,
    ports.ProviderSlow,
    ports.ProviderRateLimited,
    ports.ProviderDailyLimit,
    ports.ProviderMissingPermission,
    ports.ProviderRejected,
]


def test_each_neutral_error_has_a_code_of_its_own_with_a_help_entry(client) -> None:
    codes = [error.code for error in NEUTRAL]
    assert len(set(codes)) == len(NEUTRAL) and not any(code.startswith("zoom_") for code in codes)
    help_page = html.unescape(client.get("/help").get_data(as_text=True))
    for code in codes:
        assert MESSAGES[code].fix and f'id="{code}"' in help_page and MESSAGES[code].sample in help_page


@pytest.mark.parametrize(
    ("zoom", "neutral", "code"),
    [
        (ZoomNotConnected, ports.ProviderNotConnected, "zoom_not_connected"),
        (ZoomReconnect, ports.ProviderReconnect, "zoom_reconnect"),
        (ZoomRetry, ports.ProviderRetry, "zoom_retry"),
        (ZoomMeetingGone, ports.ProviderMeetingGone, "zoom_meeting_gone"),
        (ZoomUnavailable, ports.ProviderUnavailable, "zoom_unavailable"),
        (ZoomSlow, ports.ProviderSlow, "zoom_slow"),
        (ZoomRateLimited, ports.ProviderRateLimited, "zoom_busy"),
        (ZoomDailyLimit, ports.ProviderDailyLimit, "zoom_daily_limit"),
    ],
)
def test_zooms_errors_are_the_neutral_ones_under_their_own_codes(
    zoom: type[ports.ProviderError], neutral: type[ports.ProviderError], code: str
) -> None:
    assert issubclass(zoom, neutral) and zoom.code == code != neutral.code
    assert zoom.http_status == neutral.http_status


def test_a_neutral_error_reaches_staff_with_its_code_zooms_words_and_its_help_link(app: Flask) -> None:
    resets_at = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    answers = {}
    for error in (ports.ProviderDailyLimit(resets_at=resets_at), ZoomDailyLimit(resets_at=resets_at)):
        with app.test_request_context(headers={"Accept": "application/json"}):
            response = app.make_response(app.handle_user_exception(error))
        answers[error.code] = (response.status_code, response.get_json()["error"])
    (status, neutral), (zoom_status, zoom) = answers["provider_daily_limit"], answers["zoom_daily_limit"]
    assert status == zoom_status == 429 and neutral["message"] == zoom["message"]
    assert re.fullmatch(
        r"Today's limit of Zoom meeting changes .* resets at 7:00 pm \(America/New_York\)\. .*", zoom["message"]
    )
    assert (neutral["help"], zoom["help"]) == ("/help#provider_daily_limit", "/help#zoom_daily_limit")
