"""What the meeting widget shows, read from the notes alone (no Zoom call)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.when import zone_name


def meeting_summary(appointment: Appointment, tz: ZoneInfo, now: datetime | None = None) -> dict[str, object] | None:
    """What the widget shows, parsed from the notes alone."""
    line = appointment.meeting_line
    if line is None:
        return None
    start: datetime | None = line.starts_at(tz)
    ended = appointment.has_ended(now)
    note_code = None
    if not appointment.line_is_own:
        note_code = "meeting_not_created_here"
    elif ended:
        note_code = "meeting_ended"
    return {
        "meeting_id": str(line.meeting_id),
        "meeting_id_display": appointment.line_format.display_id(line.meeting_id),
        "topic": line.topic,
        "when": line.when_text,
        "start_iso": start.isoformat() if start else None,
        "join_url": line.join_url,
        "personal_link": appointment.line_format.is_personal_link(line.join_url),
        # Why a client got no personal link: no address to send it to, or a host whose plan can't register them.
        "client_has_email": bool(appointment.client_email),
        "invitation": invitation_text(appointment.client_name, line.when_text, zone_name(tz.key), line.join_url),
        "created_here": appointment.line_is_own,
        "ended": ended,
        # What the widget says instead of checking with Zoom, by its Help entry (the web layer words it).
        "note_code": note_code,
    }


def invitation_text(client_name: str, when: str, tz_name: str, join_url: str) -> str:
    """A ready-to-send message for clients Zoom does not email (free hosts, no email)."""
    return (
        f"Hello {client_name},\n\n"
        f"Your appointment on {when} ({tz_name}) will be a Zoom video call. "
        f"Join from any device with this link:\n{join_url}\n\nSee you soon!"
    )
