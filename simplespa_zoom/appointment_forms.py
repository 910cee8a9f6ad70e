"""Reading and checking appointment input from the web forms and the CLI alike."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from .appointments import AppointmentDraft

MAX_NAME = 200
MAX_NOTES = 100_000
MAX_DURATION = 24 * 60
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InvalidAppointment(ValueError):
    """One message per field that needs fixing, keyed by the field's name."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def parse_local_start(text: str, tz: ZoneInfo) -> datetime:
    """A wall-clock time in the spa's zone ('2026-12-01T15:00') as an aware UTC instant."""
    try:
        naive = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ValueError("Enter the start as a date and time, like 2026-12-01T15:00.") from error
    if naive.tzinfo is not None:
        raise ValueError("Enter the start as local time in the spa's time zone, without an offset.")
    local = naive.replace(tzinfo=tz)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise ValueError(f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key} (the clocks change then).")
    return local.astimezone(UTC)


def parse_draft(
    *, client_name: str, client_email: str, start: str, duration: str, notes: str, tz: ZoneInfo
) -> AppointmentDraft:
    """The draft for valid input, or InvalidAppointment listing every problem."""
    errors: dict[str, str] = {}
    name = client_name.strip()
    if not name:
        errors["client_name"] = "Enter the client's name."
    elif len(name) > MAX_NAME or _CONTROL.search(name):
        errors["client_name"] = f"The client's name must be one line of at most {MAX_NAME} characters."
    email = client_email.strip() or None
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        errors["client_email"] = "Enter a valid email address, or leave it empty."
    starts_at = None
    try:
        starts_at = parse_local_start(start, tz)
    except ValueError as error:
        errors["start"] = str(error)
    minutes = None
    try:
        minutes = int(duration.strip())
        if not 1 <= minutes <= MAX_DURATION:
            raise ValueError
    except ValueError:
        errors["duration"] = f"Enter the duration as whole minutes from 1 to {MAX_DURATION}."
    if len(notes) > MAX_NOTES:
        errors["notes"] = f"Notes can hold at most {MAX_NOTES:,} characters."
    if errors or starts_at is None or minutes is None:
        raise InvalidAppointment(errors)
    return AppointmentDraft(name, email, starts_at, minutes, notes)
