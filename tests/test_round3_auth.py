"""Round three: sessions a response did not receive, the known-browser mark, address groups, connect by POST."""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
import responses
from flask import Flask

from . import test_hardening
from .conftest import (
    STAFF_EMAIL,
    STAFF_PASSWORD,
    add_appointment,
    connect_zoom,
    csrf_token,
    get_appointment,
    login,
    session_zoom,
    staffed_app,
)

clock = test_hardening.clock  # the fake clock of the sign-in guard's tests, as a fixture here too

HTTPS = {"base_url": "https://spa.example"}


def set_cookies(response) -> SimpleCookie:
    """The cookies a response sets or deletes, by name."""
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        jar.load(header)
    return jar


# --- 1. A response never replaces a session it did not receive ----------------------------------

# What a cross-site page can make a browser POST: the sign-in form, a page that is not there, a
# page that takes no POST, a real action and the connect button. The browser withholds the
# SameSite=Lax session cookie, so each arrives with none.
CROSS_SITE_POSTS = ["/login", "/no-such-page", "/", "/help", "/appointments/new", "/logout", "/zoom/connect"]


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
@pytest.mark.parametrize("path", CROSS_SITE_POSTS)
def test_a_post_that_brought_no_session_is_answered_without_a_cookie(database: str, path: str, secure: bool) -> None:
    app = staffed_app(database, SESSION_COOKIE_SECURE=secure)
    stranger = app.test_client()
    extra = HTTPS if secure else {}
    response = stranger.post(path, data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD}, **extra)
    assert response.status_code in (400, 404, 405)
    assert response.headers.getlist("Set-Cookie") == []


@pytest.mark.parametrize("path", ["/no-such-page", "/help", "/privacy", "/appointments/1/meeting"])
def test_an_error_or_public_page_begins_no_session(client, path: str) -> None:
    response = client.get(path)
    assert response.headers.getlist("Set-Cookie") == []
    assert 'name="csrf-token" content=""' in response.get_data(as_text=True)


def test_a_refused_post_writes_no_cookie_and_the_session_stays(app: Flask, client) -> None:
    appointment = add_appointment(app, "Ana", "keep me")
    login(client)
    connect_zoom(client)
    refused = client.post(f"/appointments/{appointment.id}/cancel", data={"csrf_token": "forged"})
    assert refused.status_code == 400 and refused.headers.getlist("Set-Cookie") == []
    assert client.get("/appointments").status_code == 200 and session_zoom(client) is not None
    assert not get_appointment(app, appointment.id).cancelled


def test_the_sign_in_page_begins_the_session_its_form_needs(client) -> None:
    page = client.get("/login")
    assert "session" in set_cookies(page)
    assert login(client).status_code == 302 and client.get("/appointments").status_code == 200


# --- 15. Connecting Zoom takes a same-site POST ------------------------------------------------


def test_connect_by_link_only_asks_and_the_button_posts(client) -> None:
    login(client)
    with responses.RequestsMock():  # no Zoom call, no authorization started
        page = client.get("/zoom/connect?next=/appointments/3")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and '<button type="submit" class="primary">Connect Zoom</button>' in text
    assert 'name="next" value="/appointments/3"' in text
    with client.session_transaction() as session:
        assert not any(key.startswith("_state_zoom_") for key in session)
    token = csrf_token(client)
    started = client.post("/zoom/connect", data={"csrf_token": token, "next": "/appointments/3"})
    assert urlsplit(started.headers["Location"]).path == "/oauth/authorize"


def test_a_marketplace_code_while_signed_out_keeps_its_message_for_the_sign_in(client) -> None:
    response = client.get("/zoom/callback?code=from-the-marketplace", follow_redirects=True)
    assert "Sign in to finish connecting Zoom." in response.get_data(as_text=True)
