"""Issue 19's core seams: one token-cookie read per click, the provider bound once per request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient

from simplespa_zoom.web.zoom_session import SessionTokenStore

from .helpers import API, MEETING_ID, add_appointment, connect_zoom, csrf_token, login, zoom_meeting


@pytest.fixture
def cookie_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Each read of a browser's tokens from its session cookie, by provider key."""
    reads: list[str] = []
    read = SessionTokenStore.get

    def counted(store: SessionTokenStore) -> object:
        reads.append(store.key)
        return read(store)

    monkeypatch.setattr(SessionTokenStore, "get", counted)
    yield reads


def test_one_add_meeting_click_reads_the_token_cookie_once(
    app: Flask, client: FlaskClient, zoom: responses.RequestsMock, cookie_reads: list[str]
) -> None:
    """Who is connected, whether the account is paid, the create and the registration: one read of the cookie."""
    login(client)
    appointment = add_appointment(app, "Ana Souza", "Notes.", email="ana@example.com")
    connect_zoom(client, licensed=True)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    personal = f"https://us05web.zoom.us/w/{MEETING_ID}?tk=PERSONAL"
    zoom.post(f"{API}/meetings/{MEETING_ID}/registrants", status=201, json={"join_url": personal})
    headers = {"X-CSRFToken": csrf_token(client), "Accept": "application/json"}  # as the page script sends it
    cookie_reads.clear()  # the page that handed out the token read it too
    response = client.post(f"/appointments/{appointment.id}/meeting", headers=headers)
    assert response.status_code == 201 and response.get_json()["meeting"]["join_url"] == personal
    assert cookie_reads == ["zoom"]


def test_the_appointment_page_reads_the_token_cookie_once(
    app: Flask, client: FlaskClient, zoom: responses.RequestsMock, cookie_reads: list[str]
) -> None:
    """The header's "connected", the widget's Start meeting offer and its host: one read of the cookie."""
    login(client)
    appointment = add_appointment(app, "Ana Souza", "Notes.")
    connect_zoom(client)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    headers = {"X-CSRFToken": csrf_token(client), "Accept": "application/json"}
    assert client.post(f"/appointments/{appointment.id}/meeting", headers=headers).status_code == 201
    cookie_reads.clear()
    page = client.get(f"/appointments/{appointment.id}")
    assert page.status_code == 200 and b"Disconnect Zoom" in page.data and b"Start meeting" in page.data
    assert cookie_reads == ["zoom"]
