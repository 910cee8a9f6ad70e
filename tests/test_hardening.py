"""Attack and fault tables: CSRF everywhere, no state change on GET, nothing secret in logs."""

from __future__ import annotations

import logging
import socket
from urllib.parse import quote

import pytest
import responses
from flask import Flask
from markupsafe import escape

from simplespa_zoom import create_app, notes
from simplespa_zoom.db import get_db, init_db
from simplespa_zoom.staff import create_staff

from .conftest import (
    ACCESS_TOKEN,
    API,
    MEETING_ID,
    OAUTH,
    REFRESH_TOKEN,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    TEST_CONFIG,
    add_appointment,
    connect_zoom,
    csrf_token,
    form_post,
    get_appointment,
    line_for,
    login,
    page_meeting,
    post,
    zoom_meeting,
)

STATE_CHANGING = [
    "/logout",
    "/appointments/new",
    "/appointments/{id}/edit",
    "/appointments/{id}/cancel",
    "/appointments/{id}/meeting",
    "/appointments/{id}/meeting/status",
    "/appointments/{id}/meeting/remove",
    "/zoom/connect",
    "/zoom/disconnect",
]


@pytest.mark.parametrize("path", STATE_CHANGING)
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_every_state_changing_request_needs_the_csrf_token(app: Flask, client, path: str, token: str | None) -> None:
    appointment = add_appointment(app, "Ana", "keep me")
    login(client)
    connect_zoom(client)
    headers = {"X-CSRFToken": token} if token else {}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as zoom:
        response = client.post(
            path.format(id=appointment.id), headers=headers, data={"client_name": "Eve", "notes": ""}
        )
        assert len(zoom.calls) == 0
    assert response.status_code == 400
    stored = get_appointment(app, appointment.id)
    assert stored.notes == "keep me" and not stored.cancelled and stored.client_name == "Ana"


def test_a_token_from_another_session_is_refused(app: Flask, client) -> None:
    appointment = add_appointment(app, "Ana", "keep me")
    other = app.test_client()
    login(other)
    login(client)
    response = client.post(
        f"/appointments/{appointment.id}/cancel", data={"csrf_token": csrf_token(other)}, follow_redirects=False
    )
    assert response.status_code == 400
    assert not get_appointment(app, appointment.id).cancelled


def test_each_page_masks_the_token_differently_and_each_copy_works(app: Flask, client) -> None:
    login(client)
    first, second = csrf_token(client), csrf_token(client)
    assert first != second
    for name, token in (("First", first), ("Second", second)):
        details = {"client_name": name, "start": "2026-12-01T15:00", "duration": "60", "notes": ""}
        response = client.post("/appointments/new", headers={"X-CSRFToken": token}, data=details)
        assert response.status_code == 302, response.get_data(as_text=True)
    assert "First" in client.get("/appointments").get_data(as_text=True)


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://spa.example"])
def test_a_post_from_another_origin_is_refused_even_with_the_token(app: Flask, client, origin: str) -> None:
    appointment = add_appointment(app, "Ana", "keep me")
    login(client, base_url="https://spa.example")
    token = csrf_token(client, base_url="https://spa.example")
    response = client.post(
        f"/appointments/{appointment.id}/cancel",
        base_url="https://spa.example",
        headers={"Origin": origin},
        data={"csrf_token": token},
    )
    assert response.status_code == 400
    assert not get_appointment(app, appointment.id).cancelled


def test_over_https_a_post_with_the_token_and_no_referer_is_accepted(app: Flask, client) -> None:
    """Pages send no Referer to other sites, and our own forms must still work over https."""
    appointment = add_appointment(app, "Ana", "keep me")
    login(client, base_url="https://spa.example")
    response = client.post(
        f"/appointments/{appointment.id}/cancel",
        base_url="https://spa.example",
        headers={"Origin": "https://spa.example"},
        data={"csrf_token": csrf_token(client, base_url="https://spa.example")},
    )
    assert response.status_code == 302
    assert get_appointment(app, appointment.id).cancelled


@pytest.mark.parametrize(
    "path",
    [
        "/logout",
        "/appointments/{id}/cancel",
        "/appointments/{id}/meeting",
        "/appointments/{id}/meeting/status",
        "/appointments/{id}/meeting/remove",
        "/zoom/disconnect",
        "/zoom/webhook",
    ],
)
def test_no_state_change_on_get(app: Flask, client, path: str) -> None:
    appointment = add_appointment(app)
    login(client)
    assert client.get(path.format(id=appointment.id)).status_code == 405


def test_a_full_flow_logs_no_token_secret_or_host_link(app: Flask, client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    appointment = add_appointment(app, "Ana", "notes")
    login(client)
    connect_zoom(client)
    new_access, new_refresh = "N" * 1100 + "-ACCESS", "M" * 1100 + "-REFRESH"
    with responses.RequestsMock() as zoom:
        zoom.post(f"{API}/users/me/meetings", status=401, json={"code": 124, "message": "Access token is expired."})
        zoom.post(
            f"{OAUTH}/oauth/token", json={"access_token": new_access, "refresh_token": new_refresh, "expires_in": 3599}
        )
        zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
        zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment))
        zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)
        zoom.post(f"{OAUTH}/oauth/revoke", json={"status": "success"})
        page = client.get(f"/appointments/{appointment.id}").get_data(as_text=True)
        for action in ("", "/status", "/remove"):
            body = post(client, f"/appointments/{appointment.id}/meeting{action}").get_data(as_text=True)
            assert new_access not in body and "zak=" not in body and "client-secret" not in body
        form_post(client, "/zoom/disconnect")
    logged = caplog.text
    for secret in (
        ACCESS_TOKEN,
        REFRESH_TOKEN,
        new_access,
        new_refresh,
        "client-secret",
        "HOST-SECRET-ZAK",
        "webhook-secret",
    ):
        assert secret not in logged
        assert secret not in page
    assert "Zoom answered HTTP 401 (code 124)" in logged


HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "Ana\u202eevil\u202c \u200b\ufeff",
    "{{ 7*7 }} {% raw %}",
    "</textarea><script>x()</script>",
]


@pytest.mark.parametrize("hostile", HOSTILE_TEXT)
def test_hostile_names_and_notes_are_shown_as_text(app: Flask, client, hostile: str) -> None:
    visible_name = "Ana" if any(ord(char) > 0x2000 for char in hostile) else hostile  # names refuse those
    appointment = add_appointment(app, visible_name, hostile)
    login(client)
    shown = {
        f"/appointments/{appointment.id}": hostile,
        f"/appointments/{appointment.id}/edit": hostile,
        "/appointments": visible_name,
    }
    for path, text in shown.items():
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page and "<script>x()" not in page
        assert str(escape(text)) in page


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "https://evil.example/j/85746065432",
        "https://zoom.us.evil.example/j/85746065432",
        "data:text/html,<script>alert(1)</script>",
        'https://us05web.zoom.us/j/85746065432"onmouseover="x',
    ],
)
def test_only_https_zoom_join_links_become_links(app: Flask, client, link: str) -> None:
    text = f"Zoom: [Appointment with Ana] Tuesday, November 11 2025 6:00 pm \u2014 {link}"
    appointment = add_appointment(app, "Ana", text)
    login(client)
    page = client.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert page_meeting(page) is None
    assert f'href="{link}' not in page


def test_notes_bytes_survive_add_and_remove_around_hostile_text(app: Flask, client) -> None:
    original = (
        "\ufeffBOM first\r\n\ttabs\u00a0nbsp\u2028sep\nZoom: [x] not a link \u2014 https://evil.example/j/1\r\n\r\n"
    )
    appointment = add_appointment(app, "Ana", original)
    login(client)
    connect_zoom(client)
    with responses.RequestsMock() as zoom:
        zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
        zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)
        post(client, f"/appointments/{appointment.id}/meeting")
        assert get_appointment(app, appointment.id).notes == notes.append_line(original, line_for(app, appointment))
        post(client, f"/appointments/{appointment.id}/meeting/remove")
    assert get_appointment(app, appointment.id).notes == original


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_zoom_refusing_connections_gives_a_clear_message_and_changes_nothing(tmp_path) -> None:
    port = closed_port()
    app = create_app(
        {**TEST_CONFIG, "DATABASE": str(tmp_path / "r.sqlite"), "ZOOM_API_BASE_URL": f"http://127.0.0.1:{port}/v2"}
    )
    with app.app_context():
        init_db()
        create_staff(get_db(), STAFF_EMAIL, STAFF_PASSWORD)
    appointment = add_appointment(app, "Ana", "keep me")
    client = app.test_client()
    login(client)
    connect_zoom(client)
    response = post(client, f"/appointments/{appointment.id}/meeting")
    assert response.status_code == 503
    assert "Zoom is not answering right now" in response.get_json()["error"]["message"]
    assert get_appointment(app, appointment.id).notes == "keep me"
    assert client.get("/appointments").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "/appointments\r\nSet-Cookie: x=1",
    ],
)
def test_sign_in_never_redirects_out_of_the_app(client, target: str) -> None:
    response = form_post(
        client, f"/login?next={quote(target, safe='')}", {"email": STAFF_EMAIL, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/appointments"


def test_sign_in_returns_to_the_page_that_asked(client) -> None:
    response = form_post(
        client,
        f"/login?next={quote('/appointments/7?x=1', safe='')}",
        {"email": STAFF_EMAIL, "password": STAFF_PASSWORD},
    )
    assert response.headers["Location"] == "/appointments/7?x=1"


def test_a_fresh_session_is_issued_at_sign_in(client) -> None:
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client)
    with client.session_transaction() as session:
        assert "planted" not in session and session["staff_id"] == 1
