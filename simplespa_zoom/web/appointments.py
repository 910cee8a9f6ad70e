"""The appointment book pages: list, view, new, edit and cancel."""

from __future__ import annotations

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

from simplespa_zoom.book.appointments import (
    SEARCH_LIMIT,
    Appointment,
    AppointmentDraft,
    AppointmentStore,
    VersionConflict,
)
from simplespa_zoom.meetings.service import Notice
from simplespa_zoom.meetings.summary import meeting_summary
from simplespa_zoom.web import meeting_service, the_book
from simplespa_zoom.web.appointment_forms import FIRST_YEAR, LAST_YEAR, InvalidAppointment, parse_draft
from simplespa_zoom.web.connect import pop_auto_add
from simplespa_zoom.web.input_text import checks_its_own_form
from simplespa_zoom.web.staff import login_required

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
        return {"client_name": "", "client_email": "", "start": "", "duration": "60", "notes": "", "version": ""}
    tz = current_app.config["SPA_TZ"]
    return {
        "client_name": appointment.client_name,
        "client_email": appointment.client_email or "",
        "start": appointment.local_start(tz).strftime("%Y-%m-%dT%H:%M") if appointment.start_readable else "",
        "duration": str(appointment.duration_minutes),
        "notes": appointment.notes,
        "version": str(appointment.version),
    }


def _submitted(existing: Appointment | None = None) -> dict[str, str]:
    values = {
        name: request.form.get(name, "")
        for name in ("client_name", "client_email", "start", "duration", "notes", "version")
    }
    values["notes"] = _same_line_breaks(values["notes"], existing.notes if existing else "")
    return values


def _same_line_breaks(submitted: str, stored: str) -> str:
    """Browsers send CRLF from a textarea; keep the notes' own line-break style instead."""
    return submitted if "\r\n" in stored else submitted.replace("\r\n", "\n")


def _version(text: str) -> int:
    """The form's version field: ASCII digits that fit the database, else the form is stale or forged."""
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise ValueError("not a version")
    return int(text)


def _draft(values: dict[str, str]) -> AppointmentDraft:
    return parse_draft(
        client_name=values["client_name"],
        client_email=values["client_email"],
        start=values["start"],
        duration=values["duration"],
        notes=values["notes"],
        tz=current_app.config["SPA_TZ"],
    )


@bp.get("")
@login_required
def index() -> Any:
    """One day of the book (today in the spa's time zone unless asked), or a search by client name."""
    tz = current_app.config["SPA_TZ"]
    today = datetime.now(tz).date()
    query = " ".join(request.args.get("q", "").split())[:SEARCH_MAX]
    if query:
        found = store().search(query)
        return render_template(
            "appointments/index.html", query=query, appointments=found, more=len(found) >= SEARCH_LIMIT, today=today
        )
    day = _day_asked() if "day" in request.args else today
    if day is None:
        flash("That is not a date the book can show (use the date picker); here is today.", "error")
        return render_template("appointments/index.html", **_day_page(today, today, tz)), 400
    return render_template("appointments/index.html", **_day_page(day, today, tz))


def _day_page(day: date, today: date, tz: ZoneInfo) -> dict[str, Any]:
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return {
        "appointments": store().between(start, end),
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
    flash("Appointment saved.", "info")
    return redirect(url_for("appointments.view", appointment_id=appointment.id))


@bp.get("/<row_id:appointment_id>")
@login_required
def view(appointment_id: int) -> Any:
    appointment = store().get(appointment_id)
    return render_template(
        "appointments/view.html",
        appointment=appointment,
        shared_with=_sharing_the_meeting(appointment),
        meeting=meeting_summary(appointment, current_app.config["SPA_TZ"]),
        auto_add=pop_auto_add(appointment_id),
    )


def _sharing_the_meeting(appointment: Appointment) -> list[Appointment]:
    """Other appointments whose notes hold the same meeting: their clients would join one call."""
    line = appointment.zoom_line
    if line is None:
        return []
    found = store().mentioning(line.meeting_id, limit=SHARED_SHOWN + 1)
    return [other for other in found if other.id != appointment.id][:SHARED_SHOWN]


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
        draft = _draft(values)
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
    flash("Appointment saved.", "info")
    _tell(meeting_service().follow_reschedule(appointment, updated))
    return redirect(url_for("appointments.view", appointment_id=appointment_id))


@bp.post("/<row_id:appointment_id>/cancel")
@login_required
def cancel(appointment_id: int) -> Any:
    appointment = store().get(appointment_id)
    if appointment.cancelled:
        return redirect(url_for("appointments.view", appointment_id=appointment_id))
    cancelled = _cancel(appointment)
    flash("Appointment cancelled.", "info")
    _tell(meeting_service().follow_cancel(cancelled))
    return redirect(url_for("appointments.view", appointment_id=appointment_id))


def _tell(notice: Notice | None) -> None:
    if notice is not None:
        flash(notice.message, f"{notice.level}:{notice.code}" if notice.code else notice.level)


def _cancel(appointment: Appointment) -> Appointment:
    """Cancel whatever the current version is: cancelling never conflicts with a notes edit."""
    try:
        return store().cancel(appointment.id, appointment.version)
    except VersionConflict as conflict:
        return store().cancel(appointment.id, conflict.current.version)
