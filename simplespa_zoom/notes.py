"""The app's Zoom line inside appointment notes: format, find, replace, remove.

The notes are the staff's own text and the only place a meeting is recorded, so
every function here touches just the span of the app's line and hands every other
character back unchanged. Pure functions: no Flask, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

DASH = "\u2014"
TOPIC_MAX = 200

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
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

# A Zoom join link at the end of a line. The search starts from the literal "https://",
# which the regex engine finds fast; the host labels cannot overlap and the rest is
# possessive, so matching stays linear on hostile text. Python then checks only lines
# that end in a real Zoom join link.
_LINK_AT_LINE_END = re.compile(
    r"https://(?:[A-Za-z0-9-]+\.)*(?i:zoom\.us|zoomgov\.com)(?::443)?/[jw]/(?P<id>\d{9,19})(?:[?#]\S*+)?"
    r"(?P<pad>[ \t]*+)(?=[\r\n]|\Z)"
)
# What must stand before the link on its line: "Zoom: [topic] when — ". The "when" holds
# no "]", so the topic's closing bracket is the line's last "]" before the link: Python
# finds it with rfind, and each side is then checked by a regex that cannot backtrack.
_HEAD_OPENING = re.compile(r"[ \t]*+Zoom:[ \t]*+\[")
_HEAD_CLOSING = re.compile(r"\](?P<when>[ \t][^\]\n\u2014\u2013]*+)[\u2014\u2013][ \t]*+")
_FIRST_WINDOW = 16 * 1024
_WHEN = re.compile(
    r"(?P<weekday>[A-Za-z]+),[ \t]+(?P<month>[A-Za-z]+)[ \t]+(?P<day>\d{1,2})[ \t]+"
    r"(?P<year>\d{4})[ \t]+(?P<hour>\d{1,2}):(?P<minute>\d{2})[ \t]*(?P<ampm>[AaPp][Mm])"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


class ZoomLine(NamedTuple):
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
        return datetime(int(match["year"]), month, int(match["day"]), hour, int(match["minute"]), tzinfo=tz)
    except ValueError:
        return None


def format_line(topic: str, start_local: datetime, join_url: str) -> str:
    """The one line the app writes into the notes for a meeting."""
    clean_topic = " ".join(_CONTROL.sub(" ", topic).split())
    return f"Zoom: [{clean_topic}] {format_when(start_local)} {DASH} {join_url}"


def _line_from(notes: str, link: re.Match[str]) -> ZoomLine | None:
    """The whole line a join link ends, if the line has the app's shape."""
    link_start = link.start()
    line_start = notes.rfind("\n", 0, link_start) + 1
    close = notes.rfind("]", line_start, link_start)
    opening = _HEAD_OPENING.match(notes, line_start, close) if close > line_start else None
    closing = _HEAD_CLOSING.fullmatch(notes, close, link_start) if opening else None
    if closing is None:
        return None
    url = notes[link_start : link.end() - len(link["pad"])]
    topic = notes[opening.end() : close]  # type: ignore[union-attr]  # closing implies opening
    return ZoomLine(topic, closing["when"].strip(" \t"), url, int(link["id"]), line_start, link.end())


def find_lines(notes: str) -> list[ZoomLine]:
    """Every line of the app's shape whose link is a real Zoom join link, in order."""
    return [line for match in _LINK_AT_LINE_END.finditer(notes) if (line := _line_from(notes, match))]


def _links_backwards(notes: str) -> Iterator[re.Match[str]]:
    """Join links from the last to the first, read in windows that double from the end.

    The line that matters is usually near the end, so most calls read only the tail, and
    no call holds more than one window's matches at a time.
    """
    end, window = len(notes), _FIRST_WINDOW
    while end > 0:
        start = notes.rfind("\n", 0, max(0, end - window)) + 1
        yield from reversed(list(_LINK_AT_LINE_END.finditer(notes, start, end)))
        end, window = start, window * 2


def current_line(notes: str) -> ZoomLine | None:
    """The line that stands for the appointment's meeting: the last one written."""
    for match in _links_backwards(notes):
        if line := _line_from(notes, match):
            return line
    return None


def find_line(notes: str, meeting_id: int) -> ZoomLine | None:
    """The last line of one meeting, by the id in its link."""
    wanted = str(meeting_id)
    for match in _links_backwards(notes):
        if match["id"] == wanted and (line := _line_from(notes, match)):
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
