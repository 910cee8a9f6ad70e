"""The Zoom stand-in keeps Zoom's contract (shared/zoom-contract.md): OAuth, rotation, errors."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from simplespa_zoom.sandbox import LICENSED, ClientApp, SandboxState, create_sandbox

REDIRECT = "https://spa.example/zoom/callback"
VERIFIER = "v" * 50
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


@pytest.fixture
def zoom() -> tuple[Any, SandboxState]:
    state = SandboxState()
    state.register_client(ClientApp("cid", "secret", [REDIRECT]))
    return create_sandbox(state).test_client(), state


def basic(client_id: str = "cid", secret: str = "secret") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def authorize(http, challenge: str | None = CHALLENGE, method: str | None = "S256", redirect: str = REDIRECT) -> str:
    form = {"client_id": "cid", "redirect_uri": redirect, "state": "s1", "decision": "allow"}
    if challenge:
        form["code_challenge"] = challenge
    if method:
        form["code_challenge_method"] = method
    answer = http.post("/oauth/authorize", data=form)
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def exchange(http, code: str, verifier: str | None = VERIFIER, **headers: str) -> Any:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    if verifier:
        form["code_verifier"] = verifier
    return http.post("/oauth/token", data=form, headers=headers or basic())


def tokens(http) -> dict[str, Any]:
    return exchange(http, authorize(http)).get_json()


def api(http, method: str, path: str, token: str, **kwargs: Any) -> Any:
    return http.open(f"/v2{path}", method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def test_consent_page_names_the_app_and_asks(zoom) -> None:
    http, _ = zoom
    page = http.get(f"/oauth/authorize?response_type=code&client_id=cid&redirect_uri={REDIRECT}&state=s").get_data(True)
    assert "SimpleSpa Zoom Connector" in page and "Allow" in page and "Cancel" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"response_type=code&client_id=nope&redirect_uri={REDIRECT}", "Invalid client_id"),
        ("response_type=code&client_id=cid&redirect_uri=https://spa.example/zoom/callback/", "allow list"),
        (f"response_type=token&client_id=cid&redirect_uri={REDIRECT}", "response_type"),
    ],
)
def test_authorize_refuses_unknown_clients_and_inexact_redirects(zoom, query: str, message: str) -> None:
    http, _ = zoom
    answer = http.get(f"/oauth/authorize?{query}")
    assert answer.status_code == 400 and message in answer.get_data(True)


def test_cancel_returns_access_denied(zoom) -> None:
    http, _ = zoom
    form = {"client_id": "cid", "redirect_uri": REDIRECT, "state": "s1", "decision": "cancel"}
    query = parse_qs(urlsplit(http.post("/oauth/authorize", data=form).headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["s1"]


def test_tokens_look_like_zoom_jwts_of_realistic_length(zoom) -> None:
    http, _ = zoom
    answer = tokens(http)
    assert (
        answer["token_type"] == "bearer" and answer["expires_in"] == 3599 and answer["api_url"] == "https://api.zoom.us"
    )
    for name in ("access_token", "refresh_token"):
        assert len(answer[name]) >= 900 and answer[name].count(".") == 2


@pytest.mark.parametrize(
    ("challenge", "method", "verifier", "ok"),
    [
        (CHALLENGE, "S256", VERIFIER, True),
        (CHALLENGE, "S256", "wrong" * 10, False),
        (CHALLENGE, "S256", None, False),
        (VERIFIER, None, VERIFIER, True),  # plain is Zoom's default method
        (VERIFIER, "plain", VERIFIER, True),
        (None, None, None, True),
    ],
)
def test_pkce(zoom, challenge, method, verifier, ok: bool) -> None:
    http, _ = zoom
    answer = exchange(http, authorize(http, challenge, method), verifier)
    assert (answer.status_code == 200) is ok
    if not ok:
        assert answer.get_json()["error"] == "invalid_grant"


def test_codes_are_single_use_and_expire_after_five_minutes(zoom) -> None:
    http, state = zoom
    code = authorize(http)
    assert exchange(http, code).status_code == 200
    assert exchange(http, code).get_json()["error"] == "invalid_grant"
    late = authorize(http)
    state.clock_offset = 301
    assert exchange(http, late).get_json()["error"] == "invalid_grant"


def test_bad_client_credentials(zoom) -> None:
    http, _ = zoom
    answer = exchange(http, authorize(http), **basic(secret="guess"))
    assert answer.status_code == 400
    assert answer.get_json() == {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}


def test_refresh_rotates_and_kills_the_old_tokens_at_once(zoom) -> None:
    http, _ = zoom
    first = tokens(http)
    second = http.post(
        "/oauth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}, headers=basic()
    ).get_json()
    assert second["refresh_token"] != first["refresh_token"]
    reused = http.post(
        "/oauth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}, headers=basic()
    )
    assert reused.status_code == 400 and reused.get_json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
    assert api(http, "GET", "/users/me", first["access_token"]).get_json() == {
        "code": 124,
        "message": "Invalid access token.",
    }
    assert api(http, "GET", "/users/me", second["access_token"]).status_code == 200


def test_authorizing_again_revokes_the_earlier_tokens(zoom) -> None:
    http, _ = zoom
    first, second = tokens(http), tokens(http)
    assert api(http, "GET", "/users/me", first["access_token"]).status_code == 401
    assert api(http, "GET", "/users/me", second["access_token"]).status_code == 200


def test_expired_access_token(zoom) -> None:
    http, state = zoom
    access = tokens(http)["access_token"]
    state.expire_access_tokens()
    answer = api(http, "GET", "/users/me", access)
    assert answer.status_code == 401 and answer.get_json() == {"code": 124, "message": "Access token is expired."}


def test_tokens_in_the_url_are_not_accepted(zoom) -> None:
    http, _ = zoom
    access = tokens(http)["access_token"]
    assert http.get(f"/v2/users/me?access_token={access}").status_code == 401


def test_revoke_kills_the_tokens(zoom) -> None:
    http, _ = zoom
    access = tokens(http)["access_token"]
    assert http.post("/oauth/revoke", data={"token": access}, headers=basic()).get_json() == {"status": "success"}
    assert api(http, "GET", "/users/me", access).status_code == 401


def test_meeting_lifecycle_and_errors(zoom) -> None:
    http, _ = zoom
    access = tokens(http)["access_token"]
    body = {
        "topic": "Appointment with Ana",
        "type": 2,
        "start_time": "2030-01-01T15:00:00Z",
        "duration": 60,
        "timezone": "America/New_York",
    }
    created = api(http, "POST", "/users/me/meetings", access, json=body)
    assert created.status_code == 201
    meeting = created.get_json()
    assert meeting["join_url"].startswith("https://us05web.zoom.us/j/") and "pwd=" in meeting["join_url"]
    assert meeting["start_url"].startswith("https://us05web.zoom.us/s/") and len(str(meeting["id"])) == 11
    assert meeting["start_time"] == "2030-01-01T15:00:00Z"
    moved = api(
        http,
        "PATCH",
        f"/meetings/{meeting['id']}",
        access,
        json={"start_time": "2030-01-02T10:00:00", "timezone": "Europe/London"},
    )
    assert moved.status_code == 204 and moved.data == b""
    assert api(http, "GET", f"/meetings/{meeting['id']}", access).get_json()["start_time"] == "2030-01-02T10:00:00Z"
    assert api(http, "DELETE", f"/meetings/{meeting['id']}", access).status_code == 204
    gone = api(http, "GET", f"/meetings/{meeting['id']}", access)
    assert gone.status_code == 404 and gone.get_json()["code"] == 3001
    assert api(http, "DELETE", f"/meetings/{meeting['id']}", access).get_json()["code"] == 3001


def test_past_start_times_in_a_patch_are_ignored(zoom) -> None:
    http, _ = zoom
    access = tokens(http)["access_token"]
    meeting = api(http, "POST", "/users/me/meetings", access, json={"start_time": "2030-01-01T15:00:00Z"}).get_json()
    api(http, "PATCH", f"/meetings/{meeting['id']}", access, json={"start_time": "2001-01-01T15:00:00Z"})
    assert api(http, "GET", f"/meetings/{meeting['id']}", access).get_json()["start_time"] == "2030-01-01T15:00:00Z"


def test_daily_create_limit(zoom) -> None:
    http, state = zoom
    access = tokens(http)["access_token"]
    state.daily_write_limit = 2
    for _ in range(2):
        assert api(http, "POST", "/users/me/meetings", access, json={}).status_code == 201
    limited = api(http, "POST", "/users/me/meetings", access, json={})
    assert limited.status_code == 429 and "daily rate limit (2)" in limited.get_json()["message"]


@pytest.mark.parametrize(
    ("licensed", "approval", "meeting_exists", "status", "code"),
    [
        (True, 0, True, 201, None),
        (False, 0, True, 400, 200),
        (True, 2, True, 400, 404),
        (True, 0, False, 404, 1001),
    ],
)
def test_registrants(zoom, licensed, approval, meeting_exists, status, code) -> None:
    http, state = zoom
    if licensed:
        state.current_user().account_type = LICENSED
    access = tokens(http)["access_token"]
    meeting = api(http, "POST", "/users/me/meetings", access, json={"settings": {"approval_type": approval}}).get_json()
    meeting_id = meeting["id"] if meeting_exists else 12345678901
    answer = api(
        http, "POST", f"/meetings/{meeting_id}/registrants", access, json={"email": "a@b.c", "first_name": "Ana"}
    )
    assert answer.status_code == status
    if code is None:
        assert f"/w/{meeting_id}" in answer.get_json()["join_url"]
    else:
        assert answer.get_json()["code"] == code
