"""The app wired to a Zoom stand-in on loopback: shared by the demo, the browser tests and the benchmarks."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask import Flask

from simplespa_zoom import create_app
from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.web import the_book
from simplespa_zoom.web.seeding import read_appointment, seed_appointment

from .app import create_sandbox
from .mailbox import Mailbox
from .server import RunningServer, serve_in_thread
from .state import ClientApp, SandboxState

MAIL_FROM = "Serene Spa <bookings@spa.example>"


@dataclass
class LocalStack:
    """The app (served or not), the stand-in's state and server, and the app's Zoom registration."""

    app: Flask
    zoom: SandboxState
    zoom_server: RunningServer
    client: ClientApp
    app_server: RunningServer | None = None
    mailbox: Mailbox | None = None

    @property
    def url(self) -> str:
        assert self.app_server is not None, "the app is not being served"
        return self.app_server.url

    def serve_app(self, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
        self.app_server = serve_in_thread(self.app, host, port)
        self.point_zoom_at(self.app_server.url)
        return self.app_server

    def point_zoom_at(self, app_url: str) -> None:
        """Register the app's redirect and webhook URLs with the stand-in."""
        self.client.redirect_uris.append(f"{app_url}/zoom/callback")
        self.client.webhook_url = f"{app_url}/zoom/webhook"

    def add_appointment(self, client_name: str = "Ana Souza", notes: str = "", **details: Any) -> Appointment:
        return seed_appointment(self.app, client_name, notes, **details)

    def appointment(self, appointment_id: int) -> Appointment:
        return read_appointment(self.app, appointment_id)

    def stop(self) -> None:
        if self.app_server is not None:
            self.app_server.stop()
        self.zoom_server.stop()
        if self.mailbox is not None:
            self.mailbox.stop()


def start_stack(
    database: str,
    *,
    timezone: str,
    staff: tuple[str, str] | None = None,
    host: str = "127.0.0.1",
    zoom_port: int = 0,
    config: dict[str, Any] | None = None,
    mailbox: Mailbox | None = None,
) -> LocalStack:
    """Start the stand-in, build the app against it, create the schema and, if given, a staff login.

    With a `mailbox` (started here if it is not yet), the app sends its mail there and the
    stand-in shows what it received on its /mailbox page.
    """
    state = SandboxState()
    mail: dict[str, Any] = {}
    if mailbox is not None:
        mailbox.start()
        mail = {"SMTP_URL": mailbox.url, "MAIL_FROM": MAIL_FROM}
    zoom_server = serve_in_thread(create_sandbox(state, mailbox=mailbox), host, zoom_port)
    # As real Zoom does, the authorize page hops between two of its host names, and the user's
    # regional API (the token answer's api_url) is another name for the same server.
    second_name = f"localhost:{zoom_server.server.effective_port}"
    state.authorize_hop_host = second_name
    state.api_url = f"http://{second_name}"
    client = ClientApp("simplespa-local", secrets.token_urlsafe(24), [], webhook_secret=secrets.token_urlsafe(24))
    state.register_client(client)
    app = create_app(
        {
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE": database,
            "SPA_TIMEZONE": timezone,
            "ZOOM_CLIENT_ID": client.client_id,
            "ZOOM_CLIENT_SECRET": client.client_secret,
            "ZOOM_WEBHOOK_SECRET_TOKEN": client.webhook_secret,
            "ZOOM_OAUTH_BASE_URL": zoom_server.url,
            "ZOOM_API_BASE_URL": f"{zoom_server.url}/v2",
            "SESSION_COOKIE_SECURE": False,
            "ZOOM_HOSTS": ["localhost"],
            "SUPPORT_EMAIL": "support@spa.example",
            **mail,
            **(config or {}),
        }
    )
    with app.app_context():
        the_book().upgrade()
        if staff:
            the_book().staff.create(*staff)
    return LocalStack(app, state, zoom_server, client, mailbox=mailbox)
