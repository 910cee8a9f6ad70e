"""The appointment book pages: list, view, new, edit and cancel."""

from __future__ import annotations

from typing import Any

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

from simplespa_zoom.book.appointments import Appointment, AppointmentDraft, AppointmentStore, VersionConflict
from simplespa_zoom.book.database import get_db
from simplespa_zoom.meetings.service import Notice, meeting_summary
from simplespa_zoom.web.appointment_forms import InvalidAppointment, parse_draft
from simplespa_zoom.web.connect import pop_auto_add
from simplespa_zoom.web.meetings import meeting_service
from simplespa_zoom.web.staff import login_required

bp = Blueprint("appointments", __name__, url_prefix="/appointments")


def store() -> AppointmentStore:
    return AppointmentStore(get_db())


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
    return render_template("appointments/index.html", appointments=store().upcoming_first())


@bp.route("/new", methods=["GET", "POST"])
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
        meeting=meeting_summary(appointment, current_app.config["SPA_TZ"]),
        auto_add=pop_auto_add(appointment_id),
    )


@bp.route("/<row_id:appointment_id>/edit", methods=["GET", "POST"])
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
