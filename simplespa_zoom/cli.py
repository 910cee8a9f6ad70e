"""The `simplespa-zoom` command: Flask's CLI plus the appointment book's own commands."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError

from simplespa_zoom import create_app
from simplespa_zoom.book.database import DatabaseError
from simplespa_zoom.book.staff import StaffError
from simplespa_zoom.config import ConfigError
from simplespa_zoom.web import the_book
from simplespa_zoom.web.appointment_forms import InvalidAppointment, parse_draft, unstorable


def _create_app_or_explain() -> Flask:
    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app_or_explain, load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """SimpleSpa Zoom: appointments with one-click Zoom meetings."""


@main.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema (safe to run again, from any app server)."""
    try:
        revision = the_book().upgrade()
    except DatabaseError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Database ready (schema revision {revision}).")


_BROKEN_PASSWORD = "The password holds a NUL or a broken character; type it again."


def _storable(_ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An argument the database can hold: a NUL or a broken character is refused before it is used."""
    if unstorable(value):
        raise click.BadParameter("it holds a NUL or a broken character; type it again.", param=param)
    return value


def _read_password(password_stdin: bool) -> str:
    try:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    except UnicodeDecodeError:  # bytes that are not UTF-8 (a C locale reads them as lone surrogates instead)
        raise click.ClickException(_BROKEN_PASSWORD) from None
    if unstorable(password):
        raise click.ClickException(_BROKEN_PASSWORD)
    return password


@main.command("add-staff")
@click.argument("email", callback=_storable)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add_staff(email: str, password_stdin: bool) -> None:
    """Create a staff account that can sign in."""
    the_book().upgrade()
    try:
        staff = the_book().staff.create(email, _read_password(password_stdin))
    except StaffError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Staff account {staff.email} created.")


@main.command("set-password")
@click.argument("email", callback=_storable)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_staff_password(email: str, password_stdin: bool) -> None:
    """Change a staff password; their other signed-in sessions end."""
    try:
        the_book().staff.set_password(email, _read_password(password_stdin))
    except StaffError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Password of {email} changed; their other sessions are signed out.")


@main.command("add-appointment")
@click.option("--client", "client_name", required=True, help="The client's name.")
@click.option("--email", "client_email", default="", help="The client's email (optional).")
@click.option("--start", required=True, help="Wall-clock start in SPA_TIMEZONE, e.g. 2026-12-01T15:00.")
@click.option("--duration", default="60", show_default=True, help="Length in minutes.")
@click.option("--notes", default="", help="Notes text.")
@click.option("--timezone", "client_timezone", default="", help="The client's IANA time zone (optional).")
def add_appointment(
    client_name: str, client_email: str, start: str, duration: str, notes: str, client_timezone: str
) -> None:
    """Add an appointment and print its id."""
    the_book().upgrade()
    try:
        draft = parse_draft(
            client_name=client_name,
            client_email=client_email,
            start=start,
            duration=duration,
            notes=notes,
            tz=current_app.config["SPA_TZ"],
            client_timezone=client_timezone,
        )
    except InvalidAppointment as invalid:
        raise click.ClickException(" ".join(error.text for error in invalid.errors.values())) from None
    click.echo(the_book().appointments.create(draft).id)


def _tick() -> None:
    """Deliver what is due: letters waiting in the outbox, and reminders REMINDER_MINUTES before each start; close
    the meeting sessions whose end never came from Zoom, writing their attendance line; forget presence older
    than a day.

    Run it every minute (cron or a systemd timer); several servers may run it at once: each letter goes once, each
    session is closed once and its attendance line written once.
    """
    try:
        mail = current_app.extensions.get("mail")
        if mail is None:
            click.echo("SMTP_URL is not set: the spa sends no email of its own, so there is nothing to send.")
        else:
            tally = mail.round.run()
            click.echo(
                f"Sent {tally.sent}, to retry {tally.retrying}, refused {tally.failed}, reminders queued "
                f"{tally.reminders_queued}, reminders no longer due {tally.dropped}, dropped for want of an "
                f"address {tally.unaddressed}, old letters purged {tally.purged}."
            )
        ticked = current_app.extensions["presence"].tick()
    except OperationalError:
        raise click.ClickException("The database could not be reached; the next run tries again.") from None
    click.echo(
        f"Meeting sessions closed without Zoom's end {ticked.closed}, attendance lines left for the next run "
        f"{ticked.busy}, presence marks older than a day forgotten {ticked.forgotten}."
    )


main.command("tick")(_tick)
main.command(
    "send-mail", help=f"The same as tick, its first name (kept for existing cron lines and timers). {_tick.__doc__}"
)(_tick)


@main.command("attendance")
@click.option("--from", "first", required=True, help="The first day, YYYY-MM-DD (the spa's time zone).")
@click.option("--to", "last", required=True, help="The last day, YYYY-MM-DD (at most 366 days in all).")
def attendance(first: str, last: str) -> None:
    """Print the attendance export of these days as CSV (the same as GET /attendance.csv)."""
    from simplespa_zoom.web.attendance_csv import BadRange, day_range, export

    try:
        days = day_range(first, last)
    except BadRange as bad:
        raise click.ClickException(bad.problem.text) from None
    click.echo(export(*days, current_app.config["SPA_TZ"]), nl=False)


@main.command("demo", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--zoom-port", default=0, type=int, help="Port of the Zoom stand-in (default: any free port).")
def demo(host: str, port: int, zoom_port: int) -> None:
    """Run the app against a local Zoom stand-in, with sample appointments and a demo login."""
    try:
        from zoom_standin.demo import run_demo
    except ImportError:
        raise click.ClickException(
            "The demo needs the Zoom stand-in from a checkout of simplespa-zoom: run scripts/demo there."
        ) from None
    run_demo(host, port, zoom_port)
