"""The appointment's optional client time zone: chosen from IANA's names, saved, and shown beside the spa's time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simplespa_zoom.meetings.when import zone_name

from .helpers import add_appointment, form_post, form_values, get_appointment, local

START = datetime(2027, 3, 10, 23, 0, tzinfo=UTC)  # 6:00 pm in New York, 11:00 pm in Lisbon


def test_a_client_zone_is_saved_and_the_page_shows_the_clients_time(app: Flask, signed_in: FlaskClient) -> None:
    appointment = add_appointment(app, start=START)
    values = form_values(appointment, start=local(app, START), client_timezone="Europe/Lisbon")
    page = form_post(signed_in, f"/appointments/{appointment.id}/edit", values, follow_redirects=True).get_data(True)
    assert get_appointment(app, appointment.id).client_timezone == "Europe/Lisbon"
    assert "Wednesday, March 10 2027 6:00 pm" in page
    assert 'Wednesday, March 10 2027 11:00 pm <span class="muted">(Europe/Lisbon)</span>' in page


def test_without_a_client_zone_only_the_spa_time_shows(app: Flask, signed_in: FlaskClient) -> None:
    appointment = add_appointment(app, start=START)
    page = signed_in.get(f"/appointments/{appointment.id}").get_data(True)
    assert "Client's time" not in page
    assert get_appointment(app, appointment.id).client_timezone is None


def test_the_new_form_offers_the_zones(signed_in: FlaskClient) -> None:
    page = signed_in.get("/appointments/new").get_data(True)
    assert '<option value="Europe/Lisbon">' in page and '<option value="America/Sao_Paulo">' in page
    # The field names the list by its id, as the browser reads it (not the id in escaped quotes).
    assert re.search(r'<input id="client_timezone"[^>]* list="client-zones"', page)
    assert '<datalist id="client-zones">' in page


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "../../etc/passwd", "Europe/Lisbon\r\nBcc: x@evil.example", "europe/lisbon", "EST5"]
)
def test_a_zone_iana_does_not_name_is_refused_under_the_field(app: Flask, signed_in: FlaskClient, zone: str) -> None:
    appointment = add_appointment(app, start=START)
    values = form_values(appointment, start=local(app, START), client_timezone=zone)
    answer = form_post(signed_in, f"/appointments/{appointment.id}/edit", values)
    assert answer.status_code == 400
    assert "Choose the client&#39;s time zone from the list" in answer.get_data(True)
    assert get_appointment(app, appointment.id).client_timezone is None


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("America/New_York", "New York time"),
        ("Europe/Lisbon", "Lisbon time"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
        ("UTC", "UTC"),
        ("Etc/GMT+5", "Etc/GMT+5"),
    ],
)
def test_clients_read_a_zone_as_people_say_it(key: str, said: str) -> None:
    assert zone_name(key) == said
