"""`simplespa-zoom demo`: the app and a Zoom stand-in on this machine, ready to click through."""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import Flask
from werkzeug.serving import run_simple

from simplespa_zoom.web import the_book
from zoom_standin.stack import seed_appointment, start_stack

DEMO_STAFF = "demo@spa.example"


def seed_demo(app: Flask, staff_email: str, staff_password: str) -> None:
    """The demo login and a few appointments: one later today, the others from tomorrow afternoon."""
    with app.app_context():
        the_book().staff.create(staff_email, staff_password)
    now = datetime.now(UTC).astimezone(app.config["SPA_TZ"])
    tomorrow = (now + timedelta(days=1)).replace(hour=15, minute=0)
    # The book opens on today: one appointment later today, so the first page is not empty.
    later_today = min(
        now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2), now.replace(hour=23, minute=0)
    )
    seed_appointment(app, "Dana Lee", "Follow-up call about the spring package.", start=later_today, duration=30)
    seed_appointment(
        app,
        "Ana Souza",
        "Prefers lavender oil.\nAsked about the couples package.",
        email="ana@example.com",
        start=tomorrow,
    )
    seed_appointment(
        app,
        "Ben O'Neil [VIP]",
        "First consultation: skin care routine review.",
        start=tomorrow + timedelta(hours=2),
        duration=45,
    )
    seed_appointment(app, "Chloé Martin", email="chloe@example.com", start=tomorrow + timedelta(days=2), duration=30)


def run_demo(host: str, port: int, zoom_port: int) -> None:
    with tempfile.TemporaryDirectory(prefix="simplespa-zoom-demo-") as workdir:
        _run(Path(workdir), host, port, zoom_port)


def _run(workdir: Path, host: str, port: int, zoom_port: int) -> None:
    timezone = os.environ.get("SPA_TIMEZONE") or "America/New_York"
    stack = start_stack(str(workdir / "demo.sqlite"), timezone=timezone, host=host, zoom_port=zoom_port)
    app_url = f"http://{host}:{port}"
    stack.point_zoom_at(app_url)
    password = secrets.token_urlsafe(9)
    seed_demo(stack.app, DEMO_STAFF, password)
    click.echo(
        f"\nSimpleSpa Zoom demo\n"
        f"  Open        {app_url}/login\n"
        f"  Email       {DEMO_STAFF}\n"
        f"  Password    {password}\n"
        f"  Zoom stand-in Marketplace (delete meetings, uninstall the app): {stack.zoom_server.url}/marketplace\n"
        f"  Spa time zone {timezone}; data in {workdir} (removed when you press Ctrl+C)\n"
    )
    try:
        run_simple(host, port, stack.app, threaded=True, use_reloader=False)
    finally:
        stack.stop()
