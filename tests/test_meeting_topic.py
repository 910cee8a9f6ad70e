"""MEETING_TOPIC: with `initials` the client's name stays out of Zoom's topic and the line's brackets, and goes to
Zoom only to register the client; and the status check hands the widget the protections Zoom applied."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient

from simplespa_zoom import config
from simplespa_zoom.config import ConfigError
from simplespa_zoom.meetings import notes

from .helpers import (
    API,
    JOIN_URL,
    MEETING_ID,
    TEST_CONFIG,
    add_appointment,
    connect_zoom,
    get_appointment,
    login,
    post,
    spelled_out,
    staffed_app,
    with_app_meeting,
    zoom_meeting,
)

INITIALS_TOPIC = "Appointment with A. S."


@pytest.fixture
def initials_app(database: str) -> Iterator[Flask]:
    yield staffed_app(database, MEETING_TOPIC="initials")


@pytest.fixture
def staff(initials_app: Flask) -> FlaskClient:
    client = initials_app.test_client()
    login(client)
    return client


@pytest.mark.parametrize(
    ("client", "topic"),
    [
        ("Ana Souza", INITIALS_TOPIC),
        ("ana  maria de souza", "Appointment with A. M. D. S."),
        ("Ana Souza [VIP]", "Appointment with A. S. V."),
        ("Élodie O'Neil", "Appointment with É. O."),
        ("123", "Appointment"),
    ],
)
def test_initials_name_no_more_than_the_first_letters(client: str, topic: str) -> None:
    assert notes.topic_for(client, "initials") == topic
    assert notes.topic_for("Ana Souza") == "Appointment with Ana Souza"  # full stays the default


def test_the_setting_is_read_from_the_environment_and_checked() -> None:
    env = {name: str(value) for name, value in TEST_CONFIG.items() if name.isupper()}
    assert config.build({}, env)["MEETING_TOPIC"] == "full"
    assert config.build({}, {**env, "MEETING_TOPIC": "initials"})["MEETING_TOPIC"] == "initials"
    with pytest.raises(ConfigError, match="MEETING_TOPIC must be full .* or initials, not 'surname'"):
        config.build({}, {**env, "MEETING_TOPIC": "surname"})


def zoom_bodies(zoom: responses.RequestsMock) -> str:
    return "".join(
        call.request.body.decode() if isinstance(call.request.body, bytes) else call.request.body or ""
        for call in zoom.calls
    )


def test_with_initials_a_free_host_sends_zoom_no_name(initials_app: Flask, staff, zoom) -> None:
    appointment = add_appointment(initials_app, "Ana Souza", "Notes.", email="ana@example.com")
    connect_zoom(staff, licensed=False)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment, topic=INITIALS_TOPIC), status=201)
    answer = post(staff, f"/appointments/{appointment.id}/meeting")
    assert answer.status_code == 201
    assert json.loads(zoom.calls[0].request.body)["topic"] == INITIALS_TOPIC
    assert "Ana" not in zoom_bodies(zoom) and "Souza" not in zoom_bodies(zoom)
    when = spelled_out(appointment.starts_at.astimezone(initials_app.config["SPA_TZ"]))
    line = f"Zoom: [{INITIALS_TOPIC}] {when} \u2014 {JOIN_URL}"
    assert get_appointment(initials_app, appointment.id).notes == "Notes.\n" + line
    assert answer.get_json()["meeting"]["topic"] == INITIALS_TOPIC


def test_with_initials_the_name_goes_to_zoom_only_to_register_the_client(initials_app: Flask, staff, zoom) -> None:
    appointment = add_appointment(initials_app, "Ana Souza", email="ana@example.com")
    connect_zoom(staff, licensed=True)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment, topic=INITIALS_TOPIC), status=201)
    personal = f"https://us05web.zoom.us/w/{MEETING_ID}?tk=personal"
    zoom.post(f"{API}/meetings/{MEETING_ID}/registrants", json={"join_url": personal, "registrant_id": "r"}, status=201)
    assert post(staff, f"/appointments/{appointment.id}/meeting").status_code == 201
    created, registered = (json.loads(call.request.body) for call in zoom.calls)
    assert created["topic"] == INITIALS_TOPIC and "Ana" not in json.dumps(created)
    assert (registered["first_name"], registered["last_name"]) == ("Ana", "Souza")
    assert f"[{INITIALS_TOPIC}]" in get_appointment(initials_app, appointment.id).notes


@pytest.mark.parametrize(("password", "waiting_room"), [("abc123", True), ("", True), ("abc123", False)])
def test_the_check_hands_the_widget_the_protections_zoom_applied(
    app: Flask, signed_in, zoom, password: str, waiting_room: bool
) -> None:
    appointment = with_app_meeting(app, add_appointment(app))
    connect_zoom(signed_in)
    body = {**zoom_meeting(appointment), "password": password, "settings": {"waiting_room": waiting_room}}
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=body)
    answer = post(signed_in, f"/appointments/{appointment.id}/meeting/status").get_json()
    assert answer["state"] == "ok"
    assert answer["protections"] == {"passcode": bool(password), "waiting_room": waiting_room}


def test_an_unchecked_meeting_claims_no_protections(app: Flask, signed_in) -> None:
    appointment = with_app_meeting(app, add_appointment(app), host="a-colleague")
    connect_zoom(signed_in)
    answer = post(signed_in, f"/appointments/{appointment.id}/meeting/status").get_json()
    assert answer["state"] == "other_account" and "protections" not in answer


def test_add_meeting_hands_the_widget_the_protections_zoom_applied_to_the_new_meeting(
    app: Flask, signed_in, zoom
) -> None:
    """Details shows the waiting room and passcode right after Add Meeting, not only after the next check."""
    appointment = add_appointment(app)
    connect_zoom(signed_in)
    body = {**zoom_meeting(appointment), "password": "", "settings": {"waiting_room": True}}
    zoom.post(f"{API}/users/me/meetings", json=body, status=201)
    added = post(signed_in, f"/appointments/{appointment.id}/meeting")
    assert added.status_code == 201
    assert added.get_json()["protections"] == {"passcode": False, "waiting_room": True}
    again = post(signed_in, f"/appointments/{appointment.id}/meeting")  # the meeting was there: no Zoom call
    assert again.status_code == 200 and "protections" not in again.get_json()
