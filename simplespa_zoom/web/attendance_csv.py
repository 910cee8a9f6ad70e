"""The attendance export: one CSV row per online appointment of a range of days, for no-show fees and
bookkeeping (`GET /attendance.csv` and `simplespa-zoom attendance`, the same text).

Each row says what the notes' attendance record says: the app's own line, or the line staff corrected it into,
read back where it still parses (the correction is the record). Cells are CSV-safe: a cell that a spreadsheet
would run as a formula (it starts with = + - @, a tab or a carriage return) is prefixed with a single quote, as
OWASP's "CSV Injection" page advises, and Python's csv module quotes the rest.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import attendance
from simplespa_zoom.meetings.attendance import Outcome, Reading
from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.presence_ports import Written
from simplespa_zoom.messages import ATTENDANCE_OUTCOMES, Problem, problem
from simplespa_zoom.web import the_book
from simplespa_zoom.web.appointments import FIRST_DAY, LAST_DAY
from simplespa_zoom.web.presence import record_of

COLUMNS = ("appointment", "client", "start", "outcome", "joined", "left", "minutes")
MAX_DAYS = 366  # a year, leap or not: one request reads a bounded part of the book
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_READ_AT_ONCE = 500  # appointments whose records one query reads


class BadRange(ValueError):
    """The range asked for cannot be exported; problem says why, in the message table's words."""

    def __init__(self, said: Problem) -> None:
        super().__init__(said.text)
        self.problem = said


def day_range(first: str | None, last: str | None) -> tuple[date, date]:
    """The first and last day asked for (YYYY-MM-DD each, first not after last, at most MAX_DAYS days)."""
    days = []
    for text in (first, last):
        try:
            day = date.fromisoformat(text) if text is not None and _DAY.fullmatch(text) else None
        except ValueError:
            day = None
        if day is None or not FIRST_DAY <= day <= LAST_DAY:
            raise BadRange(problem("attendance_dates"))
        days.append(day)
    if days[0] > days[1]:
        raise BadRange(problem("attendance_dates"))
    if (days[1] - days[0]).days + 1 > MAX_DAYS:
        raise BadRange(problem("attendance_too_long", days=MAX_DAYS))
    return days[0], days[1]


def safe(cell: object) -> str:
    """The cell's text, never read as a formula by a spreadsheet."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def outcome_words(reading: Reading) -> str:
    """The outcome column for a line read back."""
    verdict = reading.verdict
    if verdict.outcome is not Outcome.ATTENDED:
        return ATTENDANCE_OUTCOMES[verdict.outcome.value]
    parts = []
    if verdict.late is not None:
        parts.append(ATTENDANCE_OUTCOMES["late"].format(minutes=verdict.late))
    if verdict.early is not None:
        parts.append(ATTENDANCE_OUTCOMES["left_early"].format(minutes=verdict.early))
    return ", ".join(parts) or ATTENDANCE_OUTCOMES["attended"]


def row(appointment: Appointment, written: dict[int, Written], tz: ZoneInfo) -> list[object]:
    """One appointment's row: its record as the notes hold it now."""
    start = appointment.local_start(tz).strftime("%Y-%m-%d %H:%M") if appointment.start_readable else ""
    head: list[object] = [appointment.id, appointment.client_name, start]
    digest, after = record_of(appointment, written)
    if digest is None:  # the app wrote no line for this meeting (yet)
        return [*head, ATTENDANCE_OUTCOMES["no_line"], "", "", ""]
    found = attendance.standing(appointment.line_format, appointment.notes, digest, after)
    if found is None:
        return [*head, ATTENDANCE_OUTCOMES["removed"], "", "", ""]
    reading = attendance.read(appointment.line_format, found.line.text)
    if reading is None:
        return [*head, ATTENDANCE_OUTCOMES["corrected_unreadable"], "", "", ""]
    outcome = outcome_words(reading)
    if found.by_staff:
        outcome = ATTENDANCE_OUTCOMES["corrected"].format(outcome=outcome)
    minutes = "" if reading.minutes is None else reading.minutes
    return [*head, outcome, reading.joined or "", reading.left or "", minutes]


def to_csv(rows: Iterable[list[object]]) -> str:
    """The header and the rows, each cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([safe(cell) for cell in cells] for cells in rows)
    return out.getvalue()


def export(first: date, last: date, tz: ZoneInfo) -> str:
    """The CSV of the appointments starting on these days (the spa's zone) that have the app's meeting or an
    attendance line it wrote: cancelled ones only when a line was written."""
    book = the_book()
    start, end = (datetime.combine(day, time(0), tz) for day in (first, last + timedelta(days=1)))
    booked = book.appointments.between(start, end)
    written: dict[int, dict[int, Written]] = {}
    for at in range(0, len(booked), _READ_AT_ONCE):
        written.update(book.presence.attendance_written([one.id for one in booked[at : at + _READ_AT_ONCE]]))
    chosen = [one for one in booked if one.id in written or (one.line_is_own and not one.cancelled)]
    return to_csv(row(one, written.get(one.id, {}), tz) for one in chosen)
