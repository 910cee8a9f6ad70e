"""Who is in each appointment's meeting, for the page script's poll: read from the database alone.

Why a poll and not Server-Sent Events: an event reaches whichever server Zoom's request lands on,
while the page may be served by another, so the truth is in the shared database, not in any one
process. A poll of it every few seconds is one indexed read, needs no cross-server messaging (no
LISTEN/NOTIFY, no Redis) and holds no worker: under gunicorn's sync or gthread workers every open
SSE stream would hold a worker or thread for as long as the page is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from simplespa_zoom.book.appointments import Polled
from simplespa_zoom.meetings import attendance, notes
from simplespa_zoom.meetings.domain import Appointment, AppointmentNotFound
from simplespa_zoom.meetings.polling import Watched, next_poll_seconds
from simplespa_zoom.meetings.presence import (
    Presence,
    PresenceEvents,
    PresenceNote,
    client_identified,
    instant,
    presence_now,
)
from simplespa_zoom.meetings.presence_ports import Written
from simplespa_zoom.messages import WORDS
from simplespa_zoom.web import the_book
from simplespa_zoom.web.staff import login_required
from simplespa_zoom.web.words import say, say_presence

bp = Blueprint("presence", __name__, url_prefix="/appointments")

POLL_IDS_MAX = 200  # appointments one poll asks about (a day's list)
ENDED_CODES = {"presence_ended", "presence_closed"}  # still true once the host removed the app


def presence_events() -> PresenceEvents:
    return current_app.extensions["presence"]


def arrival(appointment: Appointment, state: Presence | None, someone: bool = False) -> dict[str, Any] | None:
    """What the arrival alert needs of a client waiting now (static/js/arrivals.js): since when (with the id, it
    tells one arrival from the next), the client named as the meeting topic names them (MEETING_TOPIC), and
    whether the events could not tell the client from staff (then the alert says "someone", as the page does)."""
    since_ms = None if state is None else state.waiting_since_ms or state.host_awaited_since_ms
    if since_ms is None:
        return None  # in the waiting room, or arrived before the host: either way someone waits at the door
    return {
        "since": instant(since_ms).isoformat(timespec="milliseconds"),
        "client": notes.client_as_named(appointment.client_name, current_app.config["MEETING_TOPIC"]),
        "someone": someone,
    }


def presence_texts(
    appointments: Iterable[Appointment], states: dict[int, Presence], off: set[int], now: datetime
) -> tuple[dict[int, str], dict[int, dict[str, Any]]]:
    """What is happening in each appointment's meeting, in the spa's words (those with nothing to say left out),
    from its session's state and whether its host removed the app (then no events come, so say so), and the
    clients waiting now (for the arrival alert).

    Marks outlive a removed or hand-edited line for a day: who is in a meeting is told only while the notes hold
    the app's own line.
    """
    texts: dict[int, str] = {}
    waiting: dict[int, dict[str, Any]] = {}
    for appointment in appointments:
        if not appointment.line_is_own:
            continue
        state = states.get(appointment.id)
        note = state.note() if state is not None else None
        text, waits = _told(appointment, note, state, appointment.id in off, now)
        if text is not None:
            texts[appointment.id] = text
        if waits is not None:
            waiting[appointment.id] = waits
    return texts, waiting


def _told(
    appointment: Appointment, note: PresenceNote | None, state: Presence | None, off: bool, now: datetime
) -> tuple[str | None, dict[str, Any] | None]:
    """One appointment's presence sentence and its arrival for the alert: "presence is off" once its host removed
    the app (no events come; an end already heard stays true), else the state's sentence, "someone" where the
    events cannot tell the client from staff."""
    if off and (note is None or note.code not in ENDED_CODES):
        return say("presence_off"), None
    if note is None:
        return None, None
    someone = not client_identified(appointment)
    text = say_presence(note, current_app.config["SPA_TZ"], now, someone=someone)
    return text, arrival(appointment, state, someone)


def watched(polled: Polled, state: Presence | None) -> Watched:
    return Watched(polled.starts_at, polled.duration_minutes, state is not None and state.ended_ms is None)


def attendance_text(appointment: Appointment) -> str | None:
    """The attendance record in the notes: the app's own line, or, once staff edited it, their line said as theirs
    (a line typed where the app wrote none is not shown as a record).

    Notes without the attendance label need no read of the store: most appointments have none.
    """
    if f"{appointment.line_format.attendance_label}:" not in appointment.notes:
        return None
    written = the_book().presence.attendance_written([appointment.id]).get(appointment.id, {})
    found = attendance.standing(appointment.line_format, appointment.notes, *record_of(appointment, written))
    if found is None:
        return None
    return WORDS["attendance_by_staff"].format(line=found.line.text) if found.by_staff else found.line.text


def record_of(appointment: Appointment, written: dict[int, Written]) -> tuple[str | None, int]:
    """The digest of the attendance line the app wrote for the appointment's meeting (None: none yet), and where
    that meeting's line ends, for attendance.standing. A meeting removed from the notes leaves its record: then
    the latest line the app wrote is the appointment's record."""
    line = appointment.own_meeting_line
    if line is not None:
        return (written[line.meeting_id].digest if line.meeting_id in written else None), line.end
    latest = max(written.values(), key=lambda one: one.at_ms, default=None)
    return (latest.digest if latest else None), 0


def _no_store(answer: Any) -> Any:
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<row_id:appointment_id>/presence")
@login_required
def one(appointment_id: int) -> Any:
    """Who is in the meeting (each state of the table in one sentence), the attendance line, the version of what
    the page shows (when it changes, the page asks GET …/meeting/shown, the database only and redraws), and when to
    ask again. One query, and the marks only when there are some."""
    polled = the_book().appointments.polled([appointment_id], rows=True).get(appointment_id)
    if polled is None or polled.appointment is None:
        raise AppointmentNotFound(appointment_id)
    appointment = polled.appointment
    now = datetime.now(UTC)
    state = presence_events().presence_of([appointment]).get(appointment_id) if polled.has_marks else None
    text = waits = None
    if appointment.line_is_own:
        note = presence_now(state, appointment.cancelled or appointment.has_ended(now), now)
        text, waits = _told(appointment, note, state, polled.off, now)
    return _no_store(
        {
            "presence": text,
            "waiting": {str(appointment_id): waits} if waits else {},
            "attendance": attendance_text(appointment),
            "version": polled.version,
            "next_poll_seconds": next_poll_seconds([watched(polled, state)], now),
        }
    )


@bp.get("/presence")
@login_required
def day() -> Any:
    """The day list's rows at once: ?ids=1,2,3 (ids that are not numbers are skipped); with each row's version,
    so a row whose appointment changed is redrawn from the day list itself (the database only), and when to ask
    again. One query for all the ids; the rows and the marks only of those with presence to tell, one query each."""
    ids = [
        int(part) for part in request.args.get("ids", "").split(",")[:POLL_IDS_MAX] if part.isdigit() and len(part) < 19
    ]
    book, now = the_book().appointments, datetime.now(UTC)
    polled = book.polled(ids)
    telling = book.many([key for key, row in polled.items() if row.has_marks or row.off])
    states = presence_events().presence_of([appointment for appointment in telling if polled[appointment.id].has_marks])
    texts, waiting = presence_texts(telling, states, {key for key, row in polled.items() if row.off}, now)
    return _no_store(
        {
            "presence": {str(key): text for key, text in texts.items()},
            "waiting": {str(key): waits for key, waits in waiting.items()},
            "versions": {str(key): row.version for key, row in polled.items()},
            "next_poll_seconds": next_poll_seconds((watched(row, states.get(key)) for key, row in polled.items()), now),
        }
    )


@bp.app_template_global()
def attendance_of(appointment: Appointment) -> str | None:
    """The attendance record the appointment page shows on load. Who is in the meeting now is live, so the
    page asks the poll for it as it opens (one home for it, and no read of the presence marks while the page
    renders)."""
    return attendance_text(appointment)


@bp.app_template_global()
def versions_of(appointments: list[Appointment]) -> dict[int, str]:
    """The version each page shows its appointments at (one query): the poll's next differing one redraws them."""
    return the_book().appointments.versions([appointment.id for appointment in appointments])
