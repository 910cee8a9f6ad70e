"""The appointment book pages: list, view, new, edit and cancel."""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from simplespa_zoom.book.appointments import SEARCH_LIMIT, AppointmentStore
from simplespa_zoom.meetings.domain import Appointment, AppointmentDraft, VersionConflict
from simplespa_zoom.meetings.errors import MeetingError
from simplespa_zoom.meetings.following import Notice, NoticeLevel, orphaned_meeting
from simplespa_zoom.meetings.invitations import keep_without_meeting, resend, stop
from simplespa_zoom.meetings.lines import own_line
from simplespa_zoom.messages import LETTER_KINDS, WORDS, say, tell
from simplespa_zoom.web import meeting_services, meeting_setup, the_book
from simplespa_zoom.web.appointment_forms import FIRST_YEAR, LAST_YEAR, InvalidAppointment, parse_draft
from simplespa_zoom.web.connect import pop_auto_add
from simplespa_zoom.web.input_text import checks_its_own_form
from simplespa_zoom.web.meetings import deleted_notice, remove_confirm, told, widget_meeting
from simplespa_zoom.web.negotiation import wants_json
from simplespa_zoom.web.staff import login_required
from simplespa_zoom.web.words import say_letters, say_meeting_error, say_notice

bp = Blueprint("appointments", __name__, url_prefix="/appointments")

SEARCH_MAX = 100  # characters of a search by client name
SHARED_SHOWN = 5  # other appointments named when several hold one meeting
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)  # where an appointment may start


def store() -> AppointmentStore:
    return the_book().appointments


def _day_asked() -> date | None:
    """The day in ?day=YYYY-MM-DD; None when it names no date the book can show."""
    text = request.args.get("day", "")
    try:
        day = date.fromisoformat(text) if len(text) == 10 and text.isascii() else None
    except ValueError:
        return None
    return day if day is not None and FIRST_DAY <= day <= LAST_DAY else None


def _form_values(appointment: Appointment | None = None) -> dict[str, str]:
    if appointment is None:
        return {
            "client_name": "",
            "client_email": "",
            "client_timezone": "",
            "start": "",
            "duration": "60",
            "notes": "",
            "version": "",
        }
    tz = current_app.config["SPA_TZ"]
    return {
        "client_name": appointment.client_name,
        "client_email": appointment.client_email or "",
        "client_timezone": appointment.client_timezone or "",
        "start": appointment.local_start(tz).strftime("%Y-%m-%dT%H:%M") if appointment.start_readable else "",
        "duration": str(appointment.duration_minutes),
        "notes": appointment.notes,
        "version": str(appointment.version),
    }


def _submitted(existing: Appointment | None = None) -> dict[str, str]:
    values = {
        name: request.form.get(name, "")
        for name in ("client_name", "client_email", "client_timezone", "start", "duration", "notes", "version")
    }
    values["notes"] = _notes_to_save(values["notes"], existing.notes if existing else "")
    return values


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _as_shown(notes: str) -> str:
    """The notes as the edit form's textarea shows them: every line break a LF, a NUL as U+FFFD."""
    return _LINE_BREAK.sub("\n", notes).replace("\0", "\ufffd")


def _usual_break(notes: str) -> str:
    """The line break the notes use most (CRLF, LF or a lone CR); LF for notes without one."""
    pairs = notes.count("\r\n")
    lone_lf, lone_cr = notes.count("\n") - pairs, notes.count("\r") - pairs
    return max((lone_lf, "\n"), (pairs, "\r\n"), (lone_cr, "\r"), key=lambda counted: counted[0])[1]


def _common_prefix(first: str, second: str) -> int:
    """How many characters two texts share at their start (by halving, each step one C comparison)."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[:middle] == second[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _notes_to_save(submitted: str, stored: str) -> str:
    """The notes as sent, in the stored bytes: unchanged notes are kept exactly, an edit changes only its span."""
    # Browsers send every line break as CRLF and a NUL as the U+FFFD they showed, so notes are compared
    # as shown; the span the staff changed gets its line breaks in the notes' usual style.
    shown, sent = _as_shown(stored), _LINE_BREAK.sub("\n", submitted)
    if sent == shown:
        return stored
    head = _common_prefix(shown, sent)
    tail = _common_prefix(shown[head:][::-1], sent[head:][::-1])
    # A CRLF shows as one LF: the shown place of the n-th pair is its stored place minus n.
    pairs = [found.start() - n for n, found in enumerate(re.finditer("\r\n", stored))]
    end_kept, start_kept = head, len(shown) - tail
    edited = sent[head : len(sent) - tail].replace("\n", _usual_break(stored))
    kept_before = stored[: end_kept + bisect_left(pairs, end_kept)]
    kept_after = stored[start_kept + bisect_left(pairs, start_kept) :]
    # A NUL the staff saw as U+FFFD is saved as they saw it: no database may hold it any more.
    saved = kept_before.replace("\0", "\ufffd") + edited + kept_after.replace("\0", "\ufffd")
    if _LINE_BREAK.sub("\n", saved) != sent:  # a kept lone CR met a LF at a seam and made one CRLF
        return sent.replace("\n", _usual_break(stored))
    return saved


def _own_line(appointment: Appointment | None) -> str:
    """The text of the app's own Zoom line in the stored notes ('' when it has none)."""
    if appointment is None or not appointment.line_is_own or appointment.meeting_line is None:
        return ""
    return appointment.notes[appointment.meeting_line.start : appointment.meeting_line.end]


def _version(text: str) -> int:
    """The form's version field: ASCII digits that fit the database, else the form is stale or forged."""
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise ValueError("not a version")
    return int(text)


def _draft(values: dict[str, str], existing: Appointment | None = None) -> AppointmentDraft:
    return parse_draft(
        client_name=values["client_name"],
        client_email=values["client_email"],
        start=values["start"],
        duration=values["duration"],
        notes=values["notes"],
        tz=current_app.config["SPA_TZ"],
        stored_notes=existing.notes if existing else "",
        own_line=_own_line(existing),
        client_timezone=values["client_timezone"],
    )


@bp.get("")
@login_required
def index() -> Any:
    """One day of the book (today in the spa's time zone unless asked), or a search by client name."""
    tz = current_app.config["SPA_TZ"]
    today = datetime.now(tz).date()
    query = " ".join(request.args.get("q", "").split())[:SEARCH_MAX]
    if query:
        found = store().search_book(query)  # the latest matches; shown in order of start, as a day is
        shown = sorted(found.appointments, key=lambda appointment: (appointment.starts_at, appointment.id))
        return render_template(
            "appointments/index.html",
            query=query,
            appointments=shown,
            deleted=_deleted_rows(shown),
            more=len(shown) >= SEARCH_LIMIT,
            only_latest=f"{found.only_latest:,}" if found.only_latest else None,
            today=today,
        )
    day = _day_asked() if "day" in request.args else today
    if day is None:
        flash(say("day_unreadable"), "error:day_unreadable")
        return render_template("appointments/index.html", **_day_page(today, today, tz)), 400
    return render_template("appointments/index.html", **_day_page(day, today, tz))


def _deleted_rows(found: list[Appointment]) -> dict[int, str]:
    """The rows' notices of a meeting deleted in Zoom that staff have not acted on, by appointment id."""
    notices = {appointment.id: deleted_notice(appointment) for appointment in found}
    return {appointment_id: notice["row"] for appointment_id, notice in notices.items() if notice}


def _day_page(day: date, today: date, tz: ZoneInfo) -> dict[str, Any]:
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    found = store().between(start, end)
    return {
        "appointments": found,
        "deleted": _deleted_rows(found),
        "day": day,
        "today": today,
        "previous_day": day - timedelta(days=1) if day > FIRST_DAY else None,
        "next_day": day + timedelta(days=1) if day < LAST_DAY else None,
    }


@bp.route("/new", methods=["GET", "POST"])
@checks_its_own_form
@login_required
def new() -> Any:
    if request.method == "GET":
        return render_template("appointments/form.html", values=_form_values(), errors={}, appointment=None)
    values = _submitted()
    try:
        appointment = store().create(_draft(values))
    except InvalidAppointment as invalid:
        return render_template("appointments/form.html", values=values, errors=invalid.errors, appointment=None), 400
    flash(tell("appointment_saved"), "info")
    return redirect(url_for("appointments.view", appointment_id=appointment.id))


@bp.get("/<row_id:appointment_id>")
@login_required
def view(appointment_id: int) -> Any:
    appointment = store().get(appointment_id)
    return render_template(
        "appointments/view.html",
        appointment=appointment,
        shared_with=_sharing_the_meeting(appointment),
        meeting=widget_meeting(appointment),
        auto_add=pop_auto_add(appointment_id),
        orphaned=_orphaned(appointment),
        letters=_letters(appointment),
        deleted=deleted_notice(appointment),
        not_online_label=_not_online_label(appointment),
        remove_confirm=remove_confirm(appointment),
    )


def _letters(appointment: Appointment) -> list[dict[str, object]] | None:
    """The letters to the client the outbox keeps, as the page lists them; None when the spa sends no mail."""
    if current_app.extensions.get("mail") is None:
        return None
    return say_letters(the_book().outbox.letters(appointment.id), current_app.config["SPA_TZ"])


def _not_online_label(appointment: Appointment) -> str:
    """The deleted-in-Zoom notice's second action: telling the client, when the spa can email them, else keeping
    the appointment without a meeting (staff tell the client themselves)."""
    can_tell = meeting_setup().letters.not_online(appointment) is not None
    return WORDS["not_online_tell" if can_tell else "not_online_keep"]


def _orphaned(appointment: Appointment) -> str | None:
    """The app's meeting whose line staff deleted by hand (still scheduled in Zoom), as the page names it."""
    meeting_id = orphaned_meeting(appointment)
    return None if meeting_id is None else appointment.line_format.display_id(meeting_id)


def _sharing_the_meeting(appointment: Appointment) -> list[Appointment]:
    """Other appointments whose notes hold the same meeting: their clients would join one call."""
    line = appointment.meeting_line
    if line is None:
        return []
    return store().mentioning(line.meeting_id, limit=SHARED_SHOWN, besides=appointment.id)


@bp.route("/<row_id:appointment_id>/edit", methods=["GET", "POST"])
@checks_its_own_form
@login_required
def edit(appointment_id: int) -> Any:
    appointment = store().get(appointment_id)
    if request.method == "GET":
        return render_template(
            "appointments/form.html", values=_form_values(appointment), errors={}, appointment=appointment
        )
    values = _submitted(appointment)
    try:
        draft = _draft(values, appointment)
        base_version = _version(values["version"])
    except InvalidAppointment as invalid:
        return render_template(
            "appointments/form.html", values=values, errors=invalid.errors, appointment=appointment
        ), 400
    except ValueError:
        abort(400)
    try:
        updated = store().update(appointment_id, base_version, draft)
    except VersionConflict as conflict:
        values["version"] = str(conflict.current.version)
        return render_template(
            "appointments/form.html", values=values, errors={}, appointment=conflict.current, conflict=conflict.current
        ), 409
    flash(tell("appointment_saved"), "info")
    notice = meeting_services().changing.follow_reschedule(appointment, updated)
    _tell(notice)
    after = store().get(appointment_id)
    moved = (updated.starts_at, updated.duration_minutes) != (appointment.starts_at, appointment.duration_minutes)
    if after.mail_sequence > appointment.mail_sequence or (moved and notice and notice.level is NoticeLevel.INFO):
        flash(told(appointment, after), "info")
    return redirect(url_for("appointments.view", appointment_id=appointment_id))


@bp.post("/<row_id:appointment_id>/cancel")
@login_required
def cancel(appointment_id: int) -> Any:
    appointment = store().get(appointment_id)
    if appointment.cancelled:
        return redirect(url_for("appointments.view", appointment_id=appointment_id))
    cancelled = _cancel(appointment)
    flash(tell("appointment_cancelled"), "info")
    notice = meeting_services().changing.follow_cancel(cancelled)
    _tell(notice)
    after = store().get(appointment_id)
    held_back = after.mail_sequence == appointment.mail_sequence and notice and notice.level is NoticeLevel.WARNING
    waits = held_back and meeting_setup().letters.after_removal(after, own_line(after)) is not None
    flash(tell("told_waits", client=after.client_name) if waits else told(appointment, after), "info")
    return redirect(url_for("appointments.view", appointment_id=appointment_id))


@bp.post("/<row_id:appointment_id>/no-longer-online")
@login_required
def no_longer_online(appointment_id: int) -> Any:
    """Staff's answer to a meeting deleted in Zoom: the appointment stays, without a meeting; the client is told
    (when the spa emails them) by an update that keeps their calendar entry and drops the link."""
    before, after = keep_without_meeting(the_book().appointments, meeting_setup().letters, appointment_id)
    if after.version != before.version:
        flash(tell("no_longer_online"), "info")
        flash(told(before, after), "info")
    return redirect(url_for("appointments.view", appointment_id=appointment_id))


@bp.post("/<row_id:appointment_id>/resend-invitation")
@login_required
def resend_invitation(appointment_id: int) -> Any:
    """Queue the client's invitation again, after a refusal staff fixed (the address) or to send it anew; a refusal
    (nothing to resend, too soon) is the one error answer to the page script and a message on the page to a form."""
    setup = meeting_setup()
    before = store().get(appointment_id)
    try:
        after = resend(the_book().appointments, setup.letters, appointment_id, setup.now())
    except MeetingError as refused:
        if wants_json():
            raise
        flash(say_meeting_error(refused), f"error:{refused.code}")
    else:
        flash(tell("invitation_resent"), "info")
        flash(told(before, after), "info")
    return redirect(url_for("appointments.view", appointment_id=appointment_id))


@bp.post("/<row_id:appointment_id>/letters/<row_id:letter_id>/stop")
@login_required
def stop_letter(appointment_id: int, letter_id: int) -> Any:
    """Stop a letter to the client still waiting in the outbox (a wrong address, a letter no longer wanted)."""
    try:
        kind = stop(the_book().outbox, appointment_id, letter_id, meeting_setup().now())
    except MeetingError as refused:
        flash(say_meeting_error(refused), f"error:{refused.code}")
    else:
        flash(tell("letter_stopped", what=LETTER_KINDS.get(str(kind), str(kind))), "info")
    return redirect(url_for("appointments.view", appointment_id=appointment_id, _anchor="letters"))


def _tell(notice: Notice | None) -> None:
    if notice is not None:
        warning = notice.level is NoticeLevel.WARNING
        flash(
            say_notice(notice, current_app.config["SPA_TZ"]),
            f"{notice.level}:{notice.code}" if warning else notice.level,
        )


def _cancel(appointment: Appointment) -> Appointment:
    """Cancel whatever the current version is: cancelling never conflicts with a notes edit."""
    try:
        return store().cancel(appointment.id, appointment.version)
    except VersionConflict as conflict:
        return store().cancel(appointment.id, conflict.current.version)
