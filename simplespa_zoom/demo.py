"""`simplespa-zoom demo`: the app and a Zoom stand-in on this machine, ready to click through."""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask
from werkzeug.serving import run_simple

from . import create_app
from .appointment_forms import parse_draft
from .appointments import AppointmentStore
from .db import get_db, init_db
from .sandbox import ClientApp, SandboxState, create_sandbox, serve_in_thread
from .staff import create_staff

DEMO_STAFF = "demo@spa.example"


def sample_appointments(now: datetime) -> list[dict[str, Any]]:
    """A few appointments for the demo, relative to today."""
    day = (now + timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0)
    return [
        {"client_name": "Ana Souza", "client_email": "ana@example.com", "start": day, "duration": "60",
         "notes": "Prefers lavender oil.\nAsked about the couples package."},
        {"client_name": "Ben O'Neil [VIP]", "client_email": "", "start": day + timedelta(hours=2), "duration": "45",
         "notes": "First consultation: skin care routine review."},
        {"client_name": "Chloé Martin", "client_email": "chloe@example.com", "start": day + timedelta(days=2), "duration": "30",
         "notes": ""},
    ]


def seed_demo(app: Flask, staff_email: str, staff_password: str) -> None:
    with app.app_context():
        init_db()
        create_staff(get_db(), staff_email, staff_password)
        store = AppointmentStore(get_db())
        tz = app.config["SPA_TZ"]
        for sample in sample_appointments(datetime.now(UTC).astimezone(tz)):
            store.create(parse_draft(
                client_name=sample["client_name"], client_email=sample["client_email"],
                start=sample["start"].strftime("%Y-%m-%dT%H:%M"), duration=sample["duration"],
                notes=sample["notes"], tz=tz,
            ))




def run_demo(host: str, port: int, zoom_port: int) -> None:
    with tempfile.TemporaryDirectory(prefix="simplespa-zoom-demo-") as workdir:
        _run(Path(workdir), host, port, zoom_port)


def _run(workdir: Path, host: str, port: int, zoom_port: int) -> None:
    app_url = f"http://{host}:{port}"
    state = SandboxState()
    client = ClientApp(
        client_id="simplespa-demo",
        client_secret=secrets.token_urlsafe(24),
        redirect_uris=[f"{app_url}/zoom/callback"],
        webhook_url=f"{app_url}/zoom/webhook",
        webhook_secret=secrets.token_urlsafe(24),
    )
    state.register_client(client)
    zoom = serve_in_thread(create_sandbox(state), host, zoom_port)
    app = create_app({
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE": str(workdir / "demo.sqlite"),
        "SPA_TIMEZONE": os.environ.get("SPA_TIMEZONE") or "America/New_York",
        "ZOOM_CLIENT_ID": client.client_id,
        "ZOOM_CLIENT_SECRET": client.client_secret,
        "ZOOM_WEBHOOK_SECRET_TOKEN": client.webhook_secret,
        "ZOOM_OAUTH_BASE_URL": zoom.url,
        "ZOOM_API_BASE_URL": f"{zoom.url}/v2",
        "SESSION_COOKIE_SECURE": False,
    })
    password = secrets.token_urlsafe(9)
    seed_demo(app, DEMO_STAFF, password)
    click.echo(
        f"\nSimpleSpa Zoom demo\n"
        f"  Open        {app_url}/login\n"
        f"  Email       {DEMO_STAFF}\n"
        f"  Password    {password}\n"
        f"  Zoom stand-in Marketplace (delete meetings, uninstall the app): {zoom.url}/marketplace\n"
        f"  Data in     {workdir} (thrown away; press Ctrl+C to stop)\n"
    )
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        zoom.stop()
