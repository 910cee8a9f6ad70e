"""Rescheduling or cancelling an appointment follows through to its Zoom meeting.

The appointment change is saved first and always stands; the Zoom part is best
effort, and when it cannot happen the page says so and how to fix it.
"""

from __future__ import annotations

import logging

from flask import current_app, flash

from . import notes
from .appointments import Appointment
from .meetings import meeting_service
from .zoom_api import Meeting, ZoomClient, ZoomError, ZoomMeetingGone
from .zoom_auth import ZoomNotConnected

log = logging.getLogger(__name__)

FIX_IN_ZOOM = "https://zoom.us/meeting#/upcoming"


RETRY_HINT = {
    "change": "save the appointment again",
    "delete": "use Remove meeting on this page",
}


def _not_followed(what: str, error: ZoomError) -> None:
    """Tell the staff member the Zoom side did not follow, and the two ways to fix it."""
    if isinstance(error, ZoomNotConnected):
        reason = "Zoom is not connected in this browser"
        fix = f"Connect Zoom and {RETRY_HINT[what]}, or {what} it in Zoom at {FIX_IN_ZOOM}."
    else:
        reason = getattr(error, "message", "Zoom did not answer")
        fix = f"Later, {RETRY_HINT[what]}, or {what} it in Zoom at {FIX_IN_ZOOM}."
    flash(f"The appointment was saved, but its Zoom meeting was not updated. {reason.rstrip('.')}. {fix}", "warning")


def follow_reschedule(before: Appointment, after: Appointment) -> None:
    """PATCH the meeting to the new start and duration, then rewrite its line.

    The line's own time is compared, not only the form's old value, so saving again
    after connecting Zoom still moves a meeting an earlier save could not move.
    """
    line = notes.find_line(after.notes, before.zoom_line.meeting_id) if before.zoom_line else None
    if line is None or after.cancelled:
        return
    tz = current_app.config["SPA_TZ"]
    if line.starts_at(tz) == after.starts_at and before.duration_minutes == after.duration_minutes:
        return
    service = meeting_service()
    try:
        meeting = service.zoom.call(lambda client, token: _move(client, token, line.meeting_id, after, tz.key))
    except ZoomMeetingGone:
        service.drop_line(after, line.meeting_id)
        flash("The Zoom meeting had been deleted in Zoom, so its line was removed from the notes.", "warning")
        return
    except ZoomError as error:
        _not_followed("change", error)
        return
    service.rewrite_line(service.store.get(after.id), line.meeting_id, service.line_for(after, meeting))
    flash("The Zoom meeting was moved to the new time.", "info")


def _move(client: ZoomClient, token: str, meeting_id: int, appointment: Appointment, timezone: str) -> Meeting:
    """PATCH answers no body, so read the meeting back for what Zoom now holds."""
    client.update_meeting(
        token, meeting_id, start=appointment.starts_at, duration=appointment.duration_minutes, timezone=timezone
    )
    return client.get_meeting(token, meeting_id)


def follow_cancel(appointment: Appointment) -> None:
    """Delete the cancelled appointment's meeting in Zoom and its line in the notes."""
    line = appointment.zoom_line
    if line is None:
        return
    service = meeting_service()
    try:
        service.zoom.call(lambda client, token: client.delete_meeting(token, line.meeting_id))
    except ZoomError as error:
        _not_followed("delete", error)
        return
    service.drop_line(appointment, line.meeting_id)
    flash("The Zoom meeting was deleted.", "info")
