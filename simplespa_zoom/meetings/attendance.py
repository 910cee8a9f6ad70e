"""The app's attendance line: "<label>: client joined 6:03 pm, left 6:44 pm (41 min)", its label the
provider's own (its MeetingLineFormat's attendance_label, as the app's line takes its label from there).

Like the app's line it is the app's own text inside the staff's notes: written right under the app's
line, found again by the digest of its exact text (a line staff typed is never it), rewritten in
place, and every other character of the notes is handed back unchanged. Pure functions.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.ports import MeetingLineFormat
from simplespa_zoom.meetings.when import format_clock

NOT_JOINED = "client did not join"
_CLOCK = r"(?:1[0-2]|[1-9]):[0-5][0-9] [ap]m"


@cache
def _line(label: str) -> re.Pattern[str]:
    """The attendance line's shape under the provider's attendance label (one compiled pattern per label)."""
    return re.compile(
        rf"[ \t]*{re.escape(label)}: (?:client did not join|(?:client|someone) joined (?P<joined>{_CLOCK}), "
        rf"left (?P<left>{_CLOCK}) "
        r"\((?P<minutes>[0-9]{1,6}) min(?: in all, joined (?P<times>[0-9]{1,4}) times)?\))[ \t]*(?=\r?$)",
        re.MULTILINE,
    )


class Attended(NamedTuple):
    """What the client did in one session: first join, last leave, minutes in all and how many times
    they joined (0: never)."""

    joined: datetime | None
    left: datetime | None
    minutes: int
    times: int


class AttendanceLine(NamedTuple):
    """An attendance line found in notes, with its place (without its line break)."""

    text: str
    start: int
    end: int


def format_line(line_format: MeetingLineFormat, attended: Attended, tz: ZoneInfo, someone: bool = False) -> str:
    """The one attendance line the app writes, under the provider's label, times in the spa's zone. someone: the
    events did not tell the client from staff, so the line says "someone joined" (a line without a join still says
    the client did not join: no one but the host came)."""
    prefix = f"{line_format.attendance_label}: "
    if attended.times == 0 or attended.joined is None or attended.left is None:
        return prefix + NOT_JOINED
    joined, left = format_clock(attended.joined.astimezone(tz)), format_clock(attended.left.astimezone(tz))
    total = f"{attended.minutes} min" + (f" in all, joined {attended.times} times" if attended.times > 1 else "")
    return f"{prefix}{'someone' if someone else 'client'} joined {joined}, left {left} ({total})"


def find_lines(line_format: MeetingLineFormat, text: str) -> list[AttendanceLine]:
    """Every line of the attendance line's shape under the provider's label, in order (whoever wrote it)."""
    found = []
    for match in _line(line_format.attendance_label).finditer(text):
        if match.start() == 0 or text[match.start() - 1] == "\n":
            found.append(AttendanceLine(match.group().strip(" \t"), match.start(), match.end()))
    return found


def own_line(line_format: MeetingLineFormat, text: str, digest: str | None) -> AttendanceLine | None:
    """The attendance line the app wrote (its exact text has this digest); a typed look-alike is not it."""
    if digest is None:
        return None
    mine = [line for line in find_lines(line_format, text) if notes.fingerprint(line.text) == digest]
    return mine[-1] if mine else None


def place(text: str, line_text: str, meeting_line: notes.MeetingLine, own: AttendanceLine | None) -> str:
    """The notes with the app's attendance line: its own line rewritten in place, else a new line right
    under the physical line holding the app's line. Nothing else changes."""
    if own is not None:
        return text[: own.start] + line_text + text[own.end :]
    newline = text.find("\n", meeting_line.end)
    if newline == -1:
        return text + ("\r\n" if "\r\n" in text else "\n") + line_text
    ending = "\r\n" if text[newline - 1 : newline] == "\r" else "\n"
    return text[: newline + 1] + line_text + ending + text[newline + 1 :]
