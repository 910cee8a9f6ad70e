"""JSON endpoints the page script calls to add, check, remove and start an appointment's meeting."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.errors import MeetingError
from simplespa_zoom.meetings.hosts import host_as_known
from simplespa_zoom.meetings.lines import own_line
from simplespa_zoom.meetings.ports import ProviderMeeting
from simplespa_zoom.meetings.starting import start_offer
from simplespa_zoom.meetings.summary import meeting_summary
from simplespa_zoom.messages import WORDS
from simplespa_zoom.web import meeting_services, meeting_setup, the_book
from simplespa_zoom.web.errors import help_url
from simplespa_zoom.web.staff import login_required
from simplespa_zoom.web.words import (
    say_check,
    say_client_gets,
    say_deleted,
    say_letter_status,
    say_meeting,
    say_start_offer,
    say_told,
)
from simplespa_zoom.web.zoom_session import zoom_provider

bp = Blueprint("meetings", __name__, url_prefix="/appointments/<row_id:appointment_id>/meeting")


class StartUnreadable(MeetingError):
    """The stored start reads as no time (written outside the app): a meeting would be made for no date."""

    code = "start_unreadable"


def widget_meeting(appointment: Appointment) -> dict[str, Any] | None:
    """What the widget shows of the meeting: the notes' summary, whether this browser may start it, and,
    when the spa sends its own mail, where the client's invitation stands (queued, sent or failed).

    Who hosts is read from the row's mark and the session alone: rendering never calls Zoom.
    """
    tz = current_app.config["SPA_TZ"]
    summary = say_meeting(meeting_summary(appointment, tz))
    if summary is None:
        return None
    setup = meeting_setup()
    tokens = zoom_provider().tokens.get()  # the request's one read of the token cookie
    host = host_as_known(setup.marks, appointment, tokens.user_id if tokens else None)
    offer = start_offer(appointment, host, tokens is not None, setup.now())
    help_link = help_url(offer.code) if offer.code else None
    summary["start"] = {"offered": offer.offered, "note": say_start_offer(offer), "help": help_link}
    if mail_on():
        summary["mail"] = say_letter_status(the_book().outbox.latest(appointment.id), tz)
    return summary


def meeting_answer(appointment: Appointment, **extra: Any) -> dict[str, Any]:
    """What the page script needs to redraw the widget and the notes, as on page load."""
    return {
        "meeting": widget_meeting(appointment),
        "cancelled": appointment.cancelled,
        "notes": appointment.notes,
        "version": appointment.version,
        "deleted_in_zoom": deleted_notice(appointment),
        "remove_confirm": remove_confirm(appointment),
        **extra,
    }


def mail_on() -> bool:
    """Whether the spa sends its own email (SMTP_URL is set)."""
    return current_app.extensions.get("mail") is not None


def deleted_notice(appointment: Appointment) -> dict[str, str] | None:
    """The notice of a meeting deleted in Zoom that staff have not acted on, if any."""
    return say_deleted(appointment, meeting_setup().now(), current_app.config["SPA_TZ"])


def remove_confirm(appointment: Appointment) -> str:
    """Remove meeting's question, saying what the client will get (the letter the removal would write)."""
    if appointment.cancelled:
        return WORDS["confirm_remove"]
    letter = meeting_setup().letters.after_removal(appointment, own_line(appointment))
    told = say_client_gets(appointment, letter.kind if letter else None, mail_on())
    return WORDS["confirm_remove_booked"].format(told=told)


def told(before: Appointment, after: Appointment) -> str:
    """What the client was sent, or will be, by the action that changed before into after (or why nothing)."""
    latest = the_book().outbox.latest(after.id) if after.mail_sequence > before.mail_sequence else None
    return say_told(before, after, latest, mail_on())


def protections(meeting: ProviderMeeting | None) -> dict[str, Any]:
    """The waiting room and passcode as the provider applied them, for the widget's Details (only when it was
    read in this request: a meeting shown from the notes alone claims nothing)."""
    if meeting is None:
        return {}
    return {"protections": {"passcode": meeting.passcode, "waiting_room": meeting.waiting_room}}


@bp.get("/shown")
@login_required
def shown(appointment_id: int) -> Any:
    """The widget, the notes and the mail state as the database has them now, for a page left open whose poll
    saw a new version: no Zoom call (the page's check with Zoom stays the one after loading)."""
    response = jsonify(meeting_answer(the_book().appointments.get(appointment_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("")
@login_required
def add(appointment_id: int) -> Any:
    before = the_book().appointments.get(appointment_id)
    if not before.start_readable:
        raise StartUnreadable()
    outcome = meeting_services().adding.add(appointment_id)
    said = {"told": told(before, outcome.appointment)} if outcome.created else {}
    answer = meeting_answer(outcome.appointment, created=outcome.created, **said, **protections(outcome.meeting))
    return jsonify(answer), 201 if outcome.created else 200


@bp.post("/remove")
@login_required
def remove(appointment_id: int) -> Any:
    before = the_book().appointments.get(appointment_id)
    after = meeting_services().changing.remove(appointment_id)
    return jsonify(meeting_answer(after, removed=True, told=told(before, after)))


@bp.post("/status")
@login_required
def status(appointment_id: int) -> Any:
    check = meeting_services().checking.check(appointment_id)
    answer = meeting_answer(
        check.appointment, state=check.state, message=say_check(check), **protections(check.meeting)
    )
    return jsonify({**answer, "help": help_url(check.code)})


@bp.post("/start")
@login_required
def start(appointment_id: int) -> Any:
    """The host's start link, read from Zoom now for this browser only: never stored, logged or cached."""
    response = jsonify({"start_url": meeting_services().starting.start_link(appointment_id)})
    response.headers["Cache-Control"] = "no-store"
    return response
