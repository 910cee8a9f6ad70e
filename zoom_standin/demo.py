"""`simplespa-zoom demo`: the app, a Zoom stand-in and a mail server on this machine, ready to click through.

The spa's mail goes to the local SMTP server of zoom_standin.mailbox and is read on the stand-in's
/mailbox page; `simplespa-zoom tick` runs every minute inside the demo, as cron or the systemd timer would run it.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import Flask
from flask.cli import ScriptInfo
from werkzeug.serving import run_simple

from simplespa_zoom.cli import main
from simplespa_zoom.web import the_book
from zoom_standin.mailbox import Mailbox
from zoom_standin.stack import LocalStack, seed_appointment, start_stack

DEMO_STAFF = "demo@spa.example"
# Reminders this long before the start: the appointment seeded for later today is within it, so its
# reminder goes on the first tick after its meeting is added (the README's default is 60).
DEMO_REMINDER_MINUTES = 180
SEND_MAIL = ("tick",)  # the command cron or a systemd timer runs every minute in production (send-mail is its alias)
SEND_MAIL_EVERY_SECONDS = 60.0


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
    seed_appointment(
        app,
        "Dana Lee",
        "Follow-up call about the spring package.",
        email="dana@example.com",
        start=later_today,
        duration=30,
    )
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


def run_command(app: Flask, args: Sequence[str]) -> None:
    """`simplespa-zoom <args>` run in this process against `app` (the demo's settings live only here)."""
    main.main(list(args), prog_name="simplespa-zoom", obj=ScriptInfo(create_app=lambda: app), standalone_mode=False)


class Every:
    """Run a job now and then every `seconds` in a background thread, as cron would, until stop().

    A failed run is reported on stderr (once while it keeps failing the same way) and never stops the next.
    """

    def __init__(self, seconds: float, job: Callable[[], object], name: str) -> None:
        self.seconds = seconds
        self.job = job
        self.name = name
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"every-{name}", daemon=True)
        self._last_failure = ""

    def start(self) -> Every:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stopped.is_set():
            try:
                self.job()
                self._last_failure = ""
            except Exception as error:  # noqa: BLE001 - like cron: report this run, try again at the next
                failure = f"{self.name} failed: {error}"
                if failure != self._last_failure:
                    click.echo(failure, err=True)
                self._last_failure = failure
            self._stopped.wait(self.seconds)


def start_demo(workdir: Path, host: str, port: int, zoom_port: int) -> tuple[LocalStack, str]:
    """The stand-in, the mailbox and the app configured to both, seeded; returns the stack and the demo password."""
    timezone = os.environ.get("SPA_TIMEZONE") or "America/New_York"
    stack = start_stack(
        str(workdir / "demo.sqlite"),
        timezone=timezone,
        host=host,
        zoom_port=zoom_port,
        mailbox=Mailbox("127.0.0.1"),
        config={"REMINDER_MINUTES": DEMO_REMINDER_MINUTES},
    )
    stack.point_zoom_at(f"http://{host}:{port}")
    password = secrets.token_urlsafe(9)
    seed_demo(stack.app, DEMO_STAFF, password)
    return stack, password


def banner(stack: LocalStack, app_url: str, password: str, workdir: Path) -> str:
    """What the demo prints at start: where to sign in, where Zoom's and the mail's pages are."""
    return (
        f"\nSimpleSpa Zoom demo\n"
        f"  Open        {app_url}/login\n"
        f"  Email       {DEMO_STAFF}\n"
        f"  Password    {password}\n"
        f"  Zoom stand-in Marketplace (delete meetings, uninstall the app): {stack.zoom_server.url}/marketplace\n"
        f"  Mailbox (the spa's mail to clients, nothing leaves this machine): {stack.zoom_server.url}/mailbox\n"
        f"  Mail server {stack.app.config['SMTP_URL']}; `simplespa-zoom tick` runs every minute "
        f"(reminders {DEMO_REMINDER_MINUTES} minutes before)\n"
        f"  Spa time zone {stack.app.config['SPA_TIMEZONE']}; data in {workdir} (removed when you press Ctrl+C)\n"
    )


def run_demo(host: str, port: int, zoom_port: int) -> None:
    with tempfile.TemporaryDirectory(prefix="simplespa-zoom-demo-") as workdir:
        _run(Path(workdir), host, port, zoom_port)


def _run(workdir: Path, host: str, port: int, zoom_port: int) -> None:
    stack, password = start_demo(workdir, host, port, zoom_port)
    click.echo(banner(stack, f"http://{host}:{port}", password, workdir))
    mail = Every(SEND_MAIL_EVERY_SECONDS, lambda: run_command(stack.app, SEND_MAIL), "tick").start()
    try:
        run_simple(host, port, stack.app, threaded=True, use_reloader=False)
    finally:
        mail.stop()
        stack.stop()
