"""How the app writes a time for people, in one place: "Tuesday, November 11 2025 6:00 pm".

The Zoom line, the widget, the pages and the messages all read the same, on every server: the
names are English from here, never from the process locale (strftime's names and am/pm follow it).
The page script writes "(your time: …)" in the same shape with Intl and an explicit "en-US". Pure.
"""

from __future__ import annotations

from datetime import date, datetime

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_day(day: date) -> str:
    """'Tuesday, November 11 2025': weekday, month, day without padding, year."""
    return f"{WEEKDAYS[day.weekday()]}, {MONTHS[day.month - 1]} {day.day} {day.year}"


def format_clock(local: datetime) -> str:
    """'6:00 pm': the 12-hour clock without padding, lower-case am/pm."""
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"


def format_when(local: datetime) -> str:
    """'Tuesday, November 11 2025 6:00 pm', in the zone local is in."""
    return f"{format_day(local)} {format_clock(local)}"


def zone_name(key: str) -> str:
    """'New York time' for America/New_York: clients read the name people say, not IANA's key.

    The key's last part is its city ("America/Argentina/Buenos_Aires": "Buenos Aires time"); a key with no
    city ("UTC", "Etc/GMT+5") is said as it is.
    """
    if "/" not in key or key.startswith("Etc/"):
        return key
    return f"{key.rsplit('/', 1)[1].replace('_', ' ')} time"
