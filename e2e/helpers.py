"""What browser tests share that is not a fixture: the staff account, the browser's zone, and the steps
every flow starts with (sign in, allow in Zoom, add a meeting). Fixtures live in conftest.py."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from simplespa_zoom.meetings.domain import Appointment
from zoom_standin.stack import LocalStack, start_stack

STAFF_EMAIL = "staff@spa.example"
STAFF_PASSWORD = "correct horse battery"
TIMEZONE = "America/New_York"

Stack = LocalStack


def served_stack(database: str, **config: Any) -> Stack:
    """The app served against the stand-in, with the test staff login; config adds to the test settings."""
    local = start_stack(
        database,
        timezone=TIMEZONE,
        staff=(STAFF_EMAIL, STAFF_PASSWORD),
        config={"ZOOM_TIMEOUT": (2.0, 2.0), **config},
    )
    local.serve_app()
    return local


def sign_in(page: Page, stack: Stack, url: str | None = None) -> None:
    """Sign in on the stack's app, or on the app served at url (another server of the same book)."""
    page.goto(f"{url or stack.url}/login")
    page.get_by_label("Email").fill(STAFF_EMAIL)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Appointments")).to_be_visible()


def allow_in_zoom(page: Page) -> None:
    expect(page.get_by_role("heading", name="would like to access your Zoom account")).to_be_visible()
    page.get_by_role("button", name="Allow").click()


def add_meeting_connecting_first(page: Page, stack: Stack, appointment: Appointment) -> None:
    """Open the appointment, click the camera, allow in Zoom, wait for the widget."""
    page.goto(f"{stack.url}/appointments/{appointment.id}")
    page.get_by_role("button", name="Add Meeting").click()
    allow_in_zoom(page)
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()
