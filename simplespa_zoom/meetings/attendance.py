"""The app's attendance line: "<label>: client joined 6:03 pm, left 6:44 pm (41 min)", its label the
provider's own (its MeetingLineFormat's attendance_label, as the app's line takes its label from there).

Like the app's line it is the app's own text inside the staff's notes: written right under the app's
line, found again by the digest of its exact text (a line staff typed is never it), rewritten in
place, and every other character of the notes is handed back unchanged. Pure functions.

The line says what happened (issue 29 item 9): attended, late, left early, waited but was not admitted, did
not join, the host did not start. It is written once per meeting (the store records that it was, with the
digest of what it wrote): a late event may rewrite the app's own line, but once staff edited it, the line is
theirs and the correction is the record, read back by read() for the export.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.ports import MeetingLineFormat
from simplespa_zoom.meetings.when import format_clock

NOT_JOINED = "client did not join"
WAITED = "client waited but was not admitted"
NOT_STARTED = "the host did not start the meeting"
LATE_AFTER = timedelta(minutes=5)  # arriving this long after the start (or more) is late
EARLY_BEFORE = timedelta(minutes=5)  # leaving this long before the end (or more) is leaving early
_CLOCK = r"(?:1[0-2]|[1-9]):[0-5][0-9] [ap]m"


class Outcome(StrEnum):
    """What happened, as the line says it and the export names it (messages.ATTENDANCE_OUTCOMES words each)."""

    ATTENDED = "attended"
    WAITED = "waited"  # in the waiting room, never admitted
    NOT_JOINED = "not_joined"
    NOT_STARTED = "not_started"  # the meeting never started: the host did not come


_SAID = {Outcome.NOT_JOINED: NOT_JOINED, Outcome.WAITED: WAITED, Outcome.NOT_STARTED: NOT_STARTED}
_OF_SAID = {re.escape(said): outcome for outcome, said in _SAID.items()}


@cache
def _line(label: str, whole: bool = True) -> re.Pattern[str]:
    """The attendance line's shape under the provider's attendance label (one compiled pattern per label).
    whole: the line holds nothing else; else a line that starts so (staff may have written after it)."""
    said = "|".join(f"(?P<{outcome.value}>{text})" for text, outcome in _OF_SAID.items())
    return re.compile(
        rf"[ \t]*{re.escape(label)}: (?:{said}|(?:client|someone) joined (?P<joined>{_CLOCK}), left (?P<left>{_CLOCK}) "
        r"\((?P<minutes>[0-9]{1,6}) min(?: in all, joined (?P<times>[0-9]{1,4}) times)?\)"
        r"(?:; late: arrived (?P<late>[0-9]{1,6}) min after the start)?"
        r"(?:; left early: (?P<early>[0-9]{1,6}) min before the end)?)" + (r"[ \t]*(?=\r?$)" if whole else ""),
        re.MULTILINE,
    )


class Attended(NamedTuple):
    """What the client did in one session: first join, last leave, minutes in all and how many times
    they joined (0: never)."""

    joined: datetime | None
    left: datetime | None
    minutes: int
    times: int


class Verdict(NamedTuple):
    """What the line says happened: the outcome, and by how many minutes the client came late or left early
    (None: not so)."""

    outcome: Outcome = Outcome.ATTENDED
    late: int | None = None
    early: int | None = None


class Session(NamedTuple):
    """What the provider's events say of a session beyond the client's times: whether the meeting started
    (the provider said so, or the host or the client was in), whether the client was in the waiting room, and
    when the client first came (the waiting room or the meeting), the meeting's end."""

    started: bool
    waited: bool
    arrived: datetime | None
    ended: datetime


ATTENDED = Verdict()  # on time, for the whole session


def judge(attended: Attended, session: Session, start: datetime, end: datetime) -> Verdict:
    """The outcome a spa can act on, against the appointment's start and end. Late counts from when the client
    came (a client kept in the waiting room by a late host is not late); early counts to the appointment's end,
    or the meeting's when the host ended it sooner (a client still in at that end did not leave early)."""
    if attended.times == 0 or attended.joined is None or attended.left is None:
        if not session.started:
            return Verdict(Outcome.NOT_STARTED)
        return Verdict(Outcome.WAITED if session.waited else Outcome.NOT_JOINED)
    arrived = min(session.arrived or attended.joined, attended.joined)
    late = arrived - start if arrived - start >= LATE_AFTER else None
    early = min(end, session.ended) - attended.left
    return Verdict(
        Outcome.ATTENDED,
        _minutes(late) if late is not None else None,
        _minutes(early) if early >= EARLY_BEFORE else None,
    )


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


class AttendanceLine(NamedTuple):
    """An attendance line found in notes, with its place (without its line break)."""

    text: str
    start: int
    end: int


class Reading(NamedTuple):
    """An attendance line read back (the app's, or one staff corrected): what the export shows of it.
    joined and left are as the line writes them ("6:03 pm")."""

    verdict: Verdict
    joined: str | None
    left: str | None
    minutes: int | None


def format_line(
    line_format: MeetingLineFormat, attended: Attended, tz: ZoneInfo, verdict: Verdict = ATTENDED, someone: bool = False
) -> str:
    """The one attendance line the app writes, under the provider's label, times in the spa's zone. someone: the
    events did not tell the client from staff, so the line says "someone joined" (a line without a join still says
    what happened to the client: no one but the host came)."""
    prefix = f"{line_format.attendance_label}: "
    if attended.times == 0 or attended.joined is None or attended.left is None:
        return prefix + _SAID.get(verdict.outcome, NOT_JOINED)
    joined, left = format_clock(attended.joined.astimezone(tz)), format_clock(attended.left.astimezone(tz))
    total = f"{attended.minutes} min" + (f" in all, joined {attended.times} times" if attended.times > 1 else "")
    late = f"; late: arrived {verdict.late} min after the start" if verdict.late is not None else ""
    early = f"; left early: {verdict.early} min before the end" if verdict.early is not None else ""
    return f"{prefix}{'someone' if someone else 'client'} joined {joined}, left {left} ({total}){late}{early}"


def read(line_format: MeetingLineFormat, text: str) -> Reading | None:
    """What a line says, when it starts as an attendance line (whatever staff wrote after that); else None."""
    match = _line(line_format.attendance_label, whole=False).match(text)
    if match is None:
        return None
    for outcome in _SAID:
        if match[outcome.value] is not None:
            return Reading(Verdict(outcome), None, None, None)
    late, early = (int(match[name]) if match[name] is not None else None for name in ("late", "early"))
    return Reading(Verdict(Outcome.ATTENDED, late, early), match["joined"], match["left"], int(match["minutes"]))


def staff_line(line_format: MeetingLineFormat, text: str, after: int) -> AttendanceLine | None:
    """The line staff made of the app's attendance line once they edited it: the first line from `after` (the
    end of the app's meeting line) that starts with the attendance label, else the last such line anywhere."""
    label = f"{line_format.attendance_label}:"
    found = []
    start = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.lstrip(" \t").startswith(label):
            found.append(AttendanceLine(body.strip(" \t"), start, start + len(body)))
        start += len(line)
    later = [line for line in found if line.start >= after]
    return later[0] if later else (found[-1] if found else None)


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


class Standing(NamedTuple):
    """The attendance record as the notes hold it now: the app's own line, or the line staff made of it."""

    line: AttendanceLine
    by_staff: bool


def standing(line_format: MeetingLineFormat, text: str, digest: str | None, after: int) -> Standing | None:
    """The record of a meeting whose line the app wrote (digest: of what it wrote; None: it wrote none): its own
    line while unedited, else the line staff edited it into (staff_line, from `after`), else none (removed)."""
    if digest is None:
        return None
    mine = own_line(line_format, text, digest)
    if mine is not None:
        return Standing(mine, by_staff=False)
    theirs = staff_line(line_format, text, after)
    return Standing(theirs, by_staff=True) if theirs is not None else None
