"""Browser tests: the real app and the Zoom stand-in on loopback, driven in system Chromium."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from simplespa_zoom import create_app
from simplespa_zoom.appointment_forms import parse_draft
from simplespa_zoom.appointments import Appointment, AppointmentStore
from simplespa_zoom.db import get_db, init_db
from simplespa_zoom.sandbox import (
    ClientApp,
    RunningServer,
    SandboxState,
    create_sandbox,
    serve_in_thread,
)
from simplespa_zoom.staff import create_staff

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
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "permissions": ["clipboard-read", "clipboard-write"], "timezone_id": TIMEZONE}


@dataclass
class Stack:
    """The app and the Zoom stand-in, each on its own loopback port."""

    app: Any
    app_server: RunningServer
    zoom_server: RunningServer
    zoom: SandboxState
    client: ClientApp

    @property
    def url(self) -> str:
        return self.app_server.url

    def add_appointment(self, client_name: str = "Ana Souza", notes: str = "", *, email: str = "",
                        start: datetime | None = None, duration: int = 60) -> Appointment:
        tz = self.app.config["SPA_TZ"]
        start = start or (datetime.now(UTC) + timedelta(days=2)).astimezone(tz).replace(hour=18, minute=0, second=0, microsecond=0)
        with self.app.app_context():
            draft = parse_draft(client_name=client_name, client_email=email, start=start.strftime("%Y-%m-%dT%H:%M"),
                                duration=str(duration), notes=notes, tz=tz)
            return AppointmentStore(get_db()).create(draft)

    def appointment(self, appointment_id: int) -> Appointment:
        with self.app.app_context():
            return AppointmentStore(get_db()).get(appointment_id)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    zoom = SandboxState()
    zoom_server = serve_in_thread(create_sandbox(zoom))
    webhook_secret = secrets.token_urlsafe(24)
    client = ClientApp("e2e-client", secrets.token_urlsafe(24), [], webhook_secret=webhook_secret)
    app = create_app({
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE": str(tmp_path / "e2e.sqlite"),
        "SPA_TIMEZONE": TIMEZONE,
        "ZOOM_CLIENT_ID": client.client_id,
        "ZOOM_CLIENT_SECRET": client.client_secret,
        "ZOOM_WEBHOOK_SECRET_TOKEN": webhook_secret,
        "ZOOM_OAUTH_BASE_URL": zoom_server.url,
        "ZOOM_API_BASE_URL": f"{zoom_server.url}/v2",
        "SESSION_COOKIE_SECURE": False,
        "ZOOM_TIMEOUT": (2.0, 2.0),
    })
    with app.app_context():
        init_db()
        create_staff(get_db(), STAFF_EMAIL, STAFF_PASSWORD)
    app_server = serve_in_thread(app)
    client.redirect_uris.append(f"{app_server.url}/zoom/callback")
    client.webhook_url = f"{app_server.url}/zoom/webhook"
    zoom.register_client(client)
    yield Stack(app, app_server, zoom_server, zoom, client)
    app_server.stop()
    zoom_server.stop()


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
