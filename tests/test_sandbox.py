"""The Zoom stand-in keeps Zoom's contract (shared/zoom-contract.md): OAuth, rotation, errors."""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from zoom_standin import LICENSED, Fault, SandboxState, User

from .helpers import standin_client

REDIRECT = "https://spa.example/zoom/callback"
VERIFIER = "v" * 50
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


@pytest.fixture
def zoom() -> tuple[Any, SandboxState]:
    return standin_client(REDIRECT)


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
    assert meeting["start_url"].startswith("http://localhost/s/") and len(str(meeting["id"])) == 11
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


# --- Real-world behaviour (zoom-contract.md, last table) ---------------------------------------


def create(http, access: str, **body: Any) -> dict[str, Any]:
    answer = api(http, "POST", "/users/me/meetings", access, json={"start_time": "2030-01-01T15:00:00Z", **body})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


@pytest.mark.parametrize(("days_after_end", "status"), [(29, 200), (31, 404)])
def test_a_meeting_id_expires_30_days_after_the_meeting(zoom, days_after_end: int, status: int) -> None:
    http, state = zoom
    access = tokens(http)["access_token"]
    meeting = create(http, access, start_time=_utc_in(3600), duration=60)
    state.clock_offset = 2 * 3600 + days_after_end * 86400
    state.token_lifetime = 10**9
    access = tokens(http)["access_token"]
    answer = api(http, "GET", f"/meetings/{meeting['id']}", access)
    assert answer.status_code == status
    if status == 404:
        assert answer.get_json() == {"code": 3001, "message": f"Meeting does not exist: {meeting['id']}."}


def _utc_in(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))


def test_another_users_meeting_looks_deleted(zoom) -> None:
    http, state = zoom
    meeting = create(http, tokens(http)["access_token"])
    state.add_user(User("other-host", "other@spa.example", "Oda", "Other"))
    state.current_user_id = "other-host"
    other_access = tokens(http)["access_token"]
    for method in ("GET", "DELETE", "PATCH"):
        answer = api(http, method, f"/meetings/{meeting['id']}", other_access, json={})
        assert (answer.status_code, answer.get_json()["code"]) == (404, 3001)
    assert meeting["id"] in state.meetings


def test_an_app_already_allowed_skips_the_consent(zoom) -> None:
    http, _ = zoom
    query = f"response_type=code&client_id=cid&redirect_uri={REDIRECT}&state=s2"
    assert http.get(f"/oauth/authorize?{query}").status_code == 200  # first time: the consent page
    tokens(http)
    answer = http.get(f"/oauth/authorize?{query}")
    assert answer.status_code == 302
    back = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert back["state"] == ["s2"] and back["code"]


def test_the_authorize_page_may_hop_to_another_zoom_host(zoom) -> None:
    http, state = zoom
    state.authorize_hop_host = "us05web.zoom.test"
    answer = http.get(f"/oauth/authorize?response_type=code&client_id=cid&redirect_uri={REDIRECT}&state=s")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("http://us05web.zoom.test/oauth/authorize?response_type=code")
    landed = http.get(
        f"/oauth/authorize?response_type=code&client_id=cid&redirect_uri={REDIRECT}&state=s",
        base_url="http://us05web.zoom.test",
    )
    assert landed.status_code == 200 and "Allow" in landed.get_data(True)


def test_marketplace_add_sends_a_code_without_state(zoom) -> None:
    http, state = zoom
    consent = http.post("/marketplace/apps/cid/add")
    assert consent.status_code == 200 and "would like to access your Zoom account" in consent.get_data(True)
    assert 'name="state"' not in consent.get_data(True) and "code_challenge" not in consent.get_data(True)
    allowed = http.post("/oauth/authorize", data={"client_id": "cid", "redirect_uri": REDIRECT, "decision": "allow"})
    back = parse_qs(urlsplit(allowed.headers["Location"]).query)
    assert set(back) == {"code"}
    assert exchange(http, back["code"][0], verifier=None).status_code == 200
    again = http.post("/marketplace/apps/cid/add")  # already added: straight back, still without state
    assert again.status_code == 302 and set(parse_qs(urlsplit(again.headers["Location"]).query)) == {"code"}
    assert "Add" in http.get("/marketplace").get_data(True)


@pytest.mark.parametrize(
    ("join_host", "registrant_path"),
    [
        ("https://us06web.zoom.us", "w"),
        ("https://acme.zoom.us", "j"),
        ("https://app.zoom.com", "w"),
        ("https://spa.zoomgov.com", "j"),
    ],
)
def test_join_links_come_on_many_hosts_with_dotted_passcodes(zoom, join_host: str, registrant_path: str) -> None:
    http, state = zoom
    state.current_user().join_host = join_host
    state.current_user().registrant_path = registrant_path
    state.current_user().account_type = LICENSED
    access = tokens(http)["access_token"]
    meeting = create(http, access, settings={"approval_type": 0})
    assert meeting["join_url"].startswith(f"{join_host}/j/{meeting['id']}?pwd=") and "." in meeting["join_url"]
    registrant = api(
        http, "POST", f"/meetings/{meeting['id']}/registrants", access, json={"email": "a@b.c", "first_name": "Ana"}
    ).get_json()
    assert registrant["join_url"].startswith(f"{join_host}/{registrant_path}/{meeting['id']}?tk=")


@pytest.mark.parametrize(("reminder", "emails"), [("true", 1), ("false", 0), (None, 0)])
def test_delete_with_cancel_meeting_reminder_emails_registrants(zoom, reminder: str | None, emails: int) -> None:
    http, state = zoom
    state.current_user().account_type = LICENSED
    access = tokens(http)["access_token"]
    meeting = create(http, access, settings={"approval_type": 0})
    api(http, "POST", f"/meetings/{meeting['id']}/registrants", access, json={"email": "a@b.c", "first_name": "Ana"})
    query = f"?cancel_meeting_reminder={reminder}" if reminder else ""
    assert api(http, "DELETE", f"/meetings/{meeting['id']}{query}", access).status_code == 204
    cancelled = [sent for sent in state.emails_sent if sent["subject"].startswith("Meeting cancelled")]
    assert len(cancelled) == emails
    if emails:
        assert cancelled[0]["to"] == "a@b.c"


def test_the_daily_limit_and_the_per_second_limit_say_which_they_are(zoom) -> None:
    http, state = zoom
    access = tokens(http)["access_token"]
    state.daily_write_limit = 0
    daily = api(http, "POST", "/users/me/meetings", access, json={})
    assert daily.status_code == 429 and daily.headers["X-RateLimit-Type"] == "Daily-limit"
    state.add_fault(Fault("GET", "/v2/meetings", "qps"))
    qps = api(http, "GET", "/meetings/12345678901", access)
    assert qps.status_code == 429 and qps.headers["X-RateLimit-Type"] == "QPS"


def test_a_token_without_a_scope_is_refused_with_4711(zoom) -> None:
    http, state = zoom
    state.clients["cid"].scopes = ["meeting:read:meeting", "user:read:user"]
    answer = tokens(http)
    assert answer["scope"] == "meeting:read:meeting user:read:user"
    refused = api(http, "POST", "/users/me/meetings", answer["access_token"], json={})
    assert refused.status_code == 400
    assert refused.get_json() == {
        "code": 4711,
        "message": "Invalid access token, does not contain scopes:[meeting:write:meeting].",
    }
    assert api(http, "GET", "/users/me", answer["access_token"]).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("first_name", "A" * 64, True),
        ("first_name", "A" * 65, False),
        ("last_name", "B" * 65, False),
        ("email", "a" * 116 + "@spa.example", True),
        ("email", "a" * 117 + "@spa.example", False),
    ],
)
def test_registrant_field_lengths(zoom, field: str, value: str, ok: bool) -> None:
    http, state = zoom
    state.current_user().account_type = LICENSED
    access = tokens(http)["access_token"]
    meeting = create(http, access, settings={"approval_type": 0})
    body = {"email": "a@b.c", "first_name": "Ana", field: value}
    answer = api(http, "POST", f"/meetings/{meeting['id']}/registrants", access, json=body)
    assert (answer.status_code == 201) is ok
    if not ok:
        assert answer.get_json()["code"] == 300


def test_an_error_may_come_as_html_even_a_401(zoom) -> None:
    http, state = zoom
    access = tokens(http)["access_token"]
    state.add_fault(Fault("GET", "/v2/users/me", "401_html"))
    answer = api(http, "GET", "/users/me", access)
    assert answer.status_code == 401 and answer.mimetype == "text/html"


def test_the_token_answer_names_the_users_regional_api(zoom) -> None:
    http, state = zoom
    state.api_url = "https://eu01api.zoom.us"
    assert tokens(http)["api_url"] == "https://eu01api.zoom.us"


def test_a_new_passcode_means_a_new_join_link_and_a_meeting_updated_event(zoom) -> None:
    http, state = zoom
    access = tokens(http)["access_token"]
    meeting = create(http, access)
    assert api(http, "PATCH", f"/meetings/{meeting['id']}", access, json={"password": "n3w"}).status_code == 204
    patched = api(http, "GET", f"/meetings/{meeting['id']}", access).get_json()["join_url"]
    assert patched != meeting["join_url"] and patched.startswith(f"https://us05web.zoom.us/j/{meeting['id']}?pwd=")
    http.post(f"/marketplace/meetings/{meeting['id']}/passcode")
    event = state.webhooks_sent[-1]
    assert event["event"] == "meeting.updated"
    assert event["payload"]["object"]["join_url"] == state.meetings[meeting["id"]]["join_url"] != patched
    assert event["payload"]["old_object"]["join_url"] == patched
