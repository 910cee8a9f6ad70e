"""JSON endpoints the page script calls to add and remove an appointment's meeting."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.errors import MeetingError
from simplespa_zoom.meetings.summary import meeting_summary
from simplespa_zoom.web import meeting_services, the_book
from simplespa_zoom.web.errors import help_url
from simplespa_zoom.web.staff import login_required
from simplespa_zoom.web.words import say_check, say_letter_status, say_meeting

bp = Blueprint("meetings", __name__, url_prefix="/appointments/<row_id:appointment_id>/meeting")


class StartUnreadable(MeetingError):
    """The stored start reads as no time (written outside the app): a meeting would be made for no date."""

    code = "start_unreadable"


def widget_data(appointment: Appointment) -> dict[str, Any] | None:
    """What the widget shows: the meeting from the notes and, when the spa sends its own mail, where the
    client's invitation stands (queued, sent or failed) from the outbox."""
    tz = current_app.config["SPA_TZ"]
    meeting = say_meeting(meeting_summary(appointment, tz))
    if meeting is not None and current_app.extensions.get("mail") is not None:
        meeting["mail"] = say_letter_status(the_book().outbox.latest(appointment.id), tz)
    return meeting


def meeting_answer(appointment: Appointment, **extra: Any) -> dict[str, Any]:
    """What the page script needs to redraw the widget and the notes, as on page load."""
    return {
        "meeting": widget_data(appointment),
        "cancelled": appointment.cancelled,
        "notes": appointment.notes,
        "version": appointment.version,
        **extra,
    }


@bp.post("")
@login_required
def add(appointment_id: int) -> Any:
    if not the_book().appointments.get(appointment_id).start_readable:
        raise StartUnreadable()
    outcome = meeting_services().adding.add(appointment_id)
    return jsonify(meeting_answer(outcome.appointment, created=outcome.created)), 201 if outcome.created else 200


@bp.post("/remove")
@login_required
def remove(appointment_id: int) -> Any:
    return jsonify(meeting_answer(meeting_services().changing.remove(appointment_id), removed=True))


@bp.post("/status")
@login_required
def status(appointment_id: int) -> Any:
    check = meeting_services().checking.check(appointment_id)
    answer = meeting_answer(check.appointment, state=check.state, message=say_check(check))
    return jsonify({**answer, "help": help_url(check.code)})
