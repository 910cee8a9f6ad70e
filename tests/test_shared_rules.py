"""One helper each for "does the client want JSON?", key derivation and the loopback rule."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

import pytest
from flask import Flask

from simplespa_zoom import create_app
from simplespa_zoom.config import ConfigError
from simplespa_zoom.keys import derive_key
from simplespa_zoom.meetings.host_marks import HostMarks
from simplespa_zoom.zoom.oauth import is_zoom_host

from .helpers import ACCESS_TOKEN, OAUTH, TEST_CONFIG, add_appointment, connect_zoom, csrf_token, login, session_zoom

SECRET = TEST_CONFIG["SECRET_KEY"]


def test_keys_derived_before_the_change_are_derived_again_so_sessions_and_host_marks_survive() -> None:
    assert derive_key(SECRET, b"session cookie v1").hex() == (
        "dcddb87a8f98a142aa0aa8f166152a58fc9a8b0832422cfd03c3524ef2d8ea93"
    )
    host_key = derive_key(SECRET, b"zoom host mark v1")
    assert host_key.hex() == "e0c4857c8d36e41474f6425c893a294a427a9bad179ec6c12bae4b4ed548d2bd"
    assert HostMarks(SECRET).matches(hmac.new(host_key, b"h1", hashlib.sha256).hexdigest(), "h1")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://zoom.example", True),
        ("http://localhost:9000", True),
        ("http://LOCALHOST:9000", True),
        ("http://127.0.0.1:9000", True),
        ("http://[::1]:9000", True),
        ("http://localhost.example.com", False),
        ("http://10.0.0.1:9000", False),
        ("ftp://localhost", False),
    ],
)
def test_plain_http_is_allowed_to_this_machine_only_in_settings_and_zoom_links(
    database: str, url: str, allowed: bool
) -> None:
    config = {**TEST_CONFIG, "DATABASE": database, "ZOOM_OAUTH_BASE_URL": url}
    if allowed:
        create_app(config)
    else:
        with pytest.raises(ConfigError, match="ZOOM_OAUTH_BASE_URL must be an https:// URL"):
            create_app(config)
    assert is_zoom_host(f"{url}/j/85746065432", [urlsplit(url).hostname or ""]) is allowed


def test_a_client_that_sends_json_is_answered_as_the_page_script_everywhere(app: Flask, client, zoom) -> None:
    """A dead refresh first says "retry" (and keeps the connection) to every JSON client, as its errors are JSON."""
    login(client)
    appointment = add_appointment(app)
    connect_zoom(client, expires_in=10)
    zoom.post(f"{OAUTH}/oauth/token", status=400, json={"reason": "Invalid Token!", "error": "invalid_grant"})
    headers = {"X-CSRFToken": csrf_token(client)}  # and no Accept: a fetch with a JSON body
    response = client.post(f"/appointments/{appointment.id}/meeting", json={}, headers=headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "zoom_retry"
    assert session_zoom(client)["access_token"] == ACCESS_TOKEN
