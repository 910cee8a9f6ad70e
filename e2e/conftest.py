"""Browser tests: the real app and the Zoom stand-in on loopback, driven in system Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from simplespa_zoom.meetings.domain import Appointment
from tests.helpers import mail_config
from zoom_standin.mailbox import Mailbox
from zoom_standin.stack import LocalStack, start_stack

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
STAFF_EMAIL = "staff@spa.example"
STAFF_PASSWORD = "correct horse battery"
TIMEZONE = "America/New_York"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "permissions": ["clipboard-read", "clipboard-write"], "timezone_id": TIMEZONE}


Stack = LocalStack


def served_stack(database: str, **config: Any) -> LocalStack:
    """The app served against the stand-in, with the test staff login."""
    local = start_stack(
        database,
        timezone=TIMEZONE,
        staff=(STAFF_EMAIL, STAFF_PASSWORD),
        config={"ZOOM_TIMEOUT": (2.0, 2.0), **config},
    )
    local.serve_app()
    return local


@pytest.fixture
def stack(database: str) -> Iterator[Stack]:
    local = served_stack(database)
    yield local
    local.stop()


@pytest.fixture
def mail_stack(database: str) -> Iterator[tuple[Stack, Mailbox]]:
    """The served stack sending the spa's own mail to a real SMTP server on loopback, and that server."""
    with Mailbox() as mailbox:
        local = served_stack(database, **mail_config(mailbox))
        yield local, mailbox
        local.app.extensions["mail"].courier.wait_idle(10)
        local.stop()


def sign_in(page: Page, stack: Stack) -> None:
    page.goto(f"{stack.url}/login")
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
