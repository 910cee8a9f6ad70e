"""Appointments added to an app's book as the appointment form adds them: for the demo and the tests.

One home, below both its users: the stand-in's demo and stack (zoom_standin/) and the unit tests
(tests/helpers.py) each seed appointments, and neither may import the other.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask

from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.web import the_book
from simplespa_zoom.web.appointment_forms import parse_draft


def seed_appointment(
    app: Flask,
    client_name: str = "Ana Souza",
    notes: str = "",
    *,
    email: str = "",
    start: datetime | None = None,
    duration: int = 60,
) -> Appointment:
    """An appointment made as the form makes it (the same checks); by default two days ahead at 6 pm spa time."""
    tz = app.config["SPA_TZ"]
    start = start or (datetime.now(UTC) + timedelta(days=2)).astimezone(tz).replace(hour=18, minute=0, second=0)
    with app.app_context():
        draft = parse_draft(
            client_name=client_name,
            client_email=email,
            start=start.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
            duration=str(duration),
            notes=notes,
            tz=tz,
        )
        return the_book().appointments.create(draft)


def read_appointment(app: Flask, appointment_id: int) -> Appointment:
    """The appointment as the book holds it now."""
    with app.app_context():
        return the_book().appointments.get(appointment_id)
