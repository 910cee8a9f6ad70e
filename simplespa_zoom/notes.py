"""The app's Zoom line inside appointment notes: format, find, replace, remove.

The notes are the staff's own text and the only place a meeting is recorded, so
every function here touches just the span of the app's line and hands every other
character back unchanged. Pure functions: no Flask, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

DASH = "\u2014"
TOPIC_MAX = 200

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

# One Zoom line, anchored at a line start. Possessive quantifiers and character
# classes that exclude the next delimiter keep matching linear on hostile input.
_LINE = re.compile(
    r"(?m)^[ \t]*+Zoom:[ \t]*+\["
    r"(?P<topic>[^\r\n]*)\][ \t]++"
    r"(?P<when>[^\r\n\]\u2014\u2013]*+)[\u2014\u2013][ \t]*+"
    r"(?P<url>[^\s]++)[ \t]*+(?=[\r\n]|\Z)"
)
_WHEN = re.compile(
    r"(?P<weekday>[A-Za-z]+),[ \t]+(?P<month>[A-Za-z]+)[ \t]+(?P<day>\d{1,2})[ \t]+"
    r"(?P<year>\d{4})[ \t]+(?P<hour>\d{1,2}):(?P<minute>\d{2})[ \t]*(?P<ampm>[AaPp][Mm])"
)
_JOIN_PATH = re.compile(r"/[jw]/(?P<id>\d{9,19})")
_ZOOM_HOST_SUFFIXES = (".zoom.us", ".zoomgov.com")
_ZOOM_HOSTS = ("zoom.us", "zoomgov.com")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


@dataclass(frozen=True)
class ZoomLine:
    """A Zoom line found in notes, with its place so it can be replaced or removed."""

    topic: str
    when_text: str
    join_url: str
    meeting_id: int
    start: int
    end: int

    def starts_at(self, tz: ZoneInfo) -> datetime | None:
        """The meeting start as written in the line, or None when hand-edited beyond reading."""
        return parse_when(self.when_text, tz)


def topic_for(client: str) -> str:
    """The meeting topic for a client: one line, at most Zoom's 200 characters."""
    name = " ".join(_CONTROL.sub(" ", client).split())
    return f"Appointment with {name}"[:TOPIC_MAX]


def format_when(local: datetime) -> str:
    """'Tuesday, November 11 2025 6:00 pm', independent of the process locale."""
    hour12 = local.hour % 12 or 12
    ampm = "am" if local.hour < 12 else "pm"
    return (
        f"{_WEEKDAYS[local.weekday()]}, {_MONTHS[local.month - 1]} {local.day} "
        f"{local.year} {hour12}:{local.minute:02d} {ampm}"
    )


def parse_when(text: str, tz: ZoneInfo) -> datetime | None:
    """Read a date written by format_when back as an aware datetime in tz."""
    match = _WHEN.fullmatch(text.strip())
    if not match:
        return None
    try:
        month = [m.lower() for m in _MONTHS].index(match["month"].lower()) + 1
        hour = int(match["hour"])
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
        return datetime(
            int(match["year"]), month, int(match["day"]), hour, int(match["minute"]), tzinfo=tz
        )
    except ValueError:
        return None


def format_line(topic: str, start_local: datetime, join_url: str) -> str:
    """The one line the app writes into the notes for a meeting."""
    clean_topic = " ".join(_CONTROL.sub(" ", topic).split())
    return f"Zoom: [{clean_topic}] {format_when(start_local)} {DASH} {join_url}"


def meeting_id_from_link(url: str) -> int | None:
    """The meeting id of a Zoom join link; None for anything that is not one."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or parts.username or parts.password or port not in (None, 443):
        return None
    if host not in _ZOOM_HOSTS and not host.endswith(_ZOOM_HOST_SUFFIXES):
        return None
    match = _JOIN_PATH.fullmatch(parts.path)
    return int(match["id"]) if match else None


def find_lines(notes: str) -> list[ZoomLine]:
    """Every Zoom line of the app's shape whose link is a real Zoom join link."""
    found = []
    for match in _LINE.finditer(notes):
        meeting_id = meeting_id_from_link(match["url"])
        if meeting_id is None:
            continue
        found.append(
            ZoomLine(
                topic=match["topic"],
                when_text=match["when"].strip(),
                join_url=match["url"],
                meeting_id=meeting_id,
                start=match.start(),
                end=match.end(),
            )
        )
    return found


def current_line(notes: str) -> ZoomLine | None:
    """The line that stands for the appointment's meeting: the last one written."""
    lines = find_lines(notes)
    return lines[-1] if lines else None


def find_line(notes: str, meeting_id: int) -> ZoomLine | None:
    """The line of one meeting, by the id in its link."""
    for line in reversed(find_lines(notes)):
        if line.meeting_id == meeting_id:
            return line
    return None


def _line_break(notes: str) -> str:
    return "\r\n" if "\r\n" in notes else "\n"


def append_line(notes: str, line: str) -> str:
    """Add the line on a line of its own, keeping every existing character."""
    if not notes:
        return line
    for ending in ("\r\n", "\n"):
        if notes.endswith(ending):
            return notes + line + ending
    return notes + _line_break(notes) + line


def replace_line(notes: str, old: ZoomLine, new_text: str) -> str:
    """Rewrite one Zoom line in place; its line break and all other text stay."""
    return notes[: old.start] + new_text + notes[old.end :]


def remove_line(notes: str, old: ZoomLine) -> str:
    """Remove one Zoom line and exactly one line break: the inverse of append_line."""
    start, end = old.start, old.end
    if notes.startswith("\r\n", end):
        return notes[:start] + notes[end + 2 :]
    if end < len(notes) and notes[end] in "\r\n":
        return notes[:start] + notes[end + 1 :]
    return _before_appended_line(notes[:start]) + notes[end:]


def _before_appended_line(before: str) -> str:
    """The text before a last line, without the break append_line put there."""
    if before.endswith("\r\n"):
        return before[:-2] if "\r\n" in before[:-2] else before[:-1]
    if before.endswith(("\n", "\r")):
        return before[:-1]
    return before
