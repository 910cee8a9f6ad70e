"""Connecting Zoom: PKCE, state, the callback's friendly failures, disconnect."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import responses
from flask import Flask

from .helpers import (
    API,
    OAUTH,
    add_appointment,
    connect_zoom,
    form_post,
    session_zoom,
)


def start_connect(client, next_path: str = "/appointments/1") -> dict[str, list[str]]:
    response = form_post(client, "/zoom/connect", {"next": unquote(next_path)})  # as the form sends it
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{OAUTH}/oauth/authorize"
    return parse_qs(location.query)


def test_connect_sends_pkce_s256_and_a_one_time_state(signed_in) -> None:
    query = start_connect(signed_in)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["client-id"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["redirect_uri"] == ["http://localhost/zoom/callback"]
    assert len(query["state"][0]) >= 20


def token_answer() -> dict:
    return {
        "access_token": "A" * 1200,
        "refresh_token": "R" * 1200,
        "expires_in": 3599,
        "token_type": "bearer",
        "scope": "meeting:write:meeting",
        "api_url": "https://api.zoom.us",
    }


def test_callback_stores_tokens_and_the_licensed_flag_then_returns(app: Flask, signed_in) -> None:
    add_appointment(app)
    state = start_connect(signed_in)["state"][0]
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/token", json=token_answer())
        zoom.get(f"{API}/users/me", json={"id": "u", "type": 2, "email": "h@x"})
        response = signed_in.get(f"/zoom/callback?code=abc&state={state}")
        body = zoom.calls[0].request.body
        assert "grant_type=authorization_code" in body and "code_verifier=" in body and "code=abc" in body
        assert zoom.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert response.status_code == 302 and response.headers["Location"] == "/appointments/1"
    stored = session_zoom(signed_in)
    assert stored["access_token"] == "A" * 1200 and stored["licensed"] is True
    assert set(stored) == {"access_token", "refresh_token", "expires_at", "api_url", "user_id", "licensed"}
    assert stored["user_id"] == "u"


def test_the_state_is_single_use(app: Flask, signed_in) -> None:
    state = start_connect(signed_in)["state"][0]
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/token", json=token_answer())
        zoom.get(f"{API}/users/me", json={"id": "u", "type": 1})
        signed_in.get(f"/zoom/callback?code=abc&state={state}")
    replay = signed_in.get(f"/zoom/callback?code=abc&state={state}")
    assert replay.status_code == 400 and "expired" in replay.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("error=access_denied&state={state}", "You chose not to allow SimpleSpa in Zoom"),
        ("code=abc&state=forged", "expired or was opened in another browser"),
    ],
)
def test_callback_failures_get_a_friendly_page(signed_in, query: str, message: str) -> None:
    state = start_connect(signed_in)["state"][0]
    response = signed_in.get("/zoom/callback?" + query.format(state=state))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert session_zoom(signed_in) is None


def test_a_refused_code_exchange_is_explained(signed_in) -> None:
    state = start_connect(signed_in)["state"][0]
    with responses.RequestsMock() as zoom:
        zoom.post(
            f"{OAUTH}/oauth/token", status=400, json={"reason": "Invalid authorization code", "error": "invalid_grant"}
        )
        response = signed_in.get(f"/zoom/callback?code=old&state={state}")
    assert response.status_code == 400 and "did not complete the connection" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "/ok%0D%0ALocation:%20https://evil.example",
        "https:%2F%2Fevil.example",
    ],
)
def test_next_never_leaves_the_app(signed_in, target: str) -> None:
    state = start_connect(signed_in, target)["state"][0]
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/token", json=token_answer())
        zoom.get(f"{API}/users/me", json={"id": "u", "type": 1})
        response = signed_in.get(f"/zoom/callback?code=abc&state={state}")
    assert response.headers["Location"] == "/appointments"


def test_connect_from_the_camera_button_creates_the_meeting_on_return(app: Flask, signed_in) -> None:
    appointment = add_appointment(app)
    response = form_post(
        signed_in, "/zoom/connect", {"next": f"/appointments/{appointment.id}", "add_meeting": str(appointment.id)}
    )
    state = parse_qs(urlsplit(response.headers["Location"]).query)["state"][0]
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/token", json=token_answer())
        zoom.get(f"{API}/users/me", json={"id": "u", "type": 1})
        signed_in.get(f"/zoom/callback?code=abc&state={state}")
    page = signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert 'data-auto-add="true"' in page
    again = signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert 'data-auto-add="false"' in again


def test_a_plain_link_to_connect_never_creates_a_meeting(app: Flask, signed_in) -> None:
    appointment = add_appointment(app)
    state = start_connect(signed_in, f"/appointments/{appointment.id}")["state"][0]
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/token", json=token_answer())
        zoom.get(f"{API}/users/me", json={"id": "u", "type": 1})
        signed_in.get(f"/zoom/callback?code=abc&state={state}")
    assert 'data-auto-add="false"' in signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True)


def test_disconnect_revokes_and_clears_only_zoom(signed_in) -> None:
    connect_zoom(signed_in)
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/revoke", json={"status": "success"})
        response = form_post(signed_in, "/zoom/disconnect", {"next": "/appointments"})
        assert zoom.calls[0].request.body.startswith("token=")
        assert zoom.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert response.status_code == 302
    assert session_zoom(signed_in) is None
    page = signed_in.get("/appointments").get_data(as_text=True)
    assert "Meetings already in appointment notes stay there" in page


def test_disconnect_clears_the_session_even_when_zoom_is_down(signed_in) -> None:
    connect_zoom(signed_in)
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/revoke", status=503, body="down")
        form_post(signed_in, "/zoom/disconnect")
    assert session_zoom(signed_in) is None
