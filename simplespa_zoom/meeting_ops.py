"""Add and remove an appointment's meeting: the store, the notes and Zoom kept in step.

At most one meeting per appointment, however many clicks, tabs or processes race:
a claim on the appointment's row lets one request create while the others wait for
its line. A meeting whose line cannot be saved is deleted from Zoom again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from . import notes
from .appointments import Appointment, AppointmentStore, VersionConflict
from .zoom_api import (
    Meeting,
    ZoomClient,
    ZoomError,
    ZoomMeetingGone,
    ZoomRateLimited,
    ZoomRequestRejected,
    ZoomUnavailable,
)
from .zoom_auth import ZoomConnection, host_is_licensed

log = logging.getLogger(__name__)

CLAIM_WAIT_SECONDS = 30.0
CLAIM_POLL_SECONDS = 0.1
SAVE_ATTEMPTS = 5


class MeetingError(Exception):
    """A meeting operation that cannot go ahead; code and message reach the browser."""

    code = "meeting_error"
    http_status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AppointmentCancelled(MeetingError):
    code = "appointment_cancelled"


class MeetingBusy(MeetingError):
    code = "meeting_busy"
    http_status = 503


class NoMeeting(MeetingError):
    code = "no_meeting"
    http_status = 404


class MeetingNotSaved(MeetingError):
    """Zoom created the meeting but the notes could not record it."""

    code = "meeting_not_saved"
    http_status = 500


CANCELLED_MESSAGE = "This appointment is cancelled, so it cannot get a meeting."
GONE_MESSAGE = "This meeting was deleted in Zoom, so its line was removed from the notes."


@dataclass(frozen=True)
class Check:
    appointment: Appointment
    state: str
    message: str


@dataclass(frozen=True)
class Outcome:
    appointment: Appointment
    created: bool


@dataclass(frozen=True)
class MeetingService:
    store: AppointmentStore
    zoom: ZoomConnection
    tz: ZoneInfo

    def add(self, appointment_id: int) -> Outcome:
        """The appointment with a meeting: the existing one, or one created now.

        The claim comes first: it also reads the row, so a first click costs no separate
        read, and a click on an appointment that already has its line just claims and releases.
        """
        appointment, claimed = self._wait_for_claim(appointment_id)
        if not claimed:
            if appointment.zoom_line:
                return Outcome(appointment, created=False)
            raise MeetingBusy(
                "Another meeting request for this appointment is still running. Please try again in a moment."
            )
        recorded = False
        try:
            if appointment.zoom_line:
                return Outcome(appointment, created=False)
            if appointment.cancelled:
                raise AppointmentCancelled(CANCELLED_MESSAGE)
            meeting = self.zoom.call(lambda client, token: self._create(client, token, appointment))
            saved = self._record(appointment, meeting)
            recorded = True
            return Outcome(saved, created=True)
        finally:
            if not recorded:
                self.store.release_meeting(appointment_id)

    def _wait_for_claim(self, appointment_id: int) -> tuple[Appointment, bool]:
        """The appointment as last read, and whether this request holds its claim.

        Not holding it means another request's line appeared or the wait ran out.
        """
        deadline = time.monotonic() + CLAIM_WAIT_SECONDS
        while (claimed := self.store.claim_meeting(appointment_id)) is None:
            current = self.store.get(appointment_id)
            if current.zoom_line or time.monotonic() > deadline:
                return current, False
            time.sleep(CLAIM_POLL_SECONDS)
        return claimed, True

    def _create(self, client: ZoomClient, token: str, appointment: Appointment) -> Meeting:
        """Create the meeting; a paid host gets the client registered so Zoom emails them."""
        register = bool(appointment.client_email) and host_is_licensed()
        meeting = client.create_meeting(
            token,
            topic=notes.topic_for(appointment.client_name),
            start=appointment.starts_at,
            duration=appointment.duration_minutes,
            timezone=self.tz.key,
            registration=register,
        )
        if not register:
            return meeting
        first, _, last = appointment.client_name.partition(" ")
        try:
            link = client.add_registrant(
                token, meeting.id, email=appointment.client_email or "", first_name=first, last_name=last
            )
        except ZoomError as error:
            # Any failure here, even a token refusal, must not repeat the create: keep the plain link.
            log.warning("Registering the client failed (%s); using the meeting's own join link", error.code)
            return meeting
        return replace(meeting, join_url=link)

    def line_for(self, appointment: Appointment, meeting: Meeting) -> str:
        start = meeting.start_time or appointment.starts_at
        return notes.format_line(notes.topic_for(appointment.client_name), start.astimezone(self.tz), meeting.join_url)

    def _record(self, appointment: Appointment, meeting: Meeting) -> Appointment:
        """Append the meeting's line, re-reading on concurrent edits; undo in Zoom on failure."""
        line = self.line_for(appointment, meeting)
        try:
            for _ in range(SAVE_ATTEMPTS):
                try:
                    return self.store.set_notes(
                        appointment.id,
                        appointment.version,
                        notes.append_line(appointment.notes, line),
                        release_claim=True,
                    )
                except VersionConflict as conflict:
                    appointment = conflict.current
        except Exception:
            log.exception("Saving the Zoom line of appointment %s failed", appointment.id)
        raise self._undo(meeting.id)

    def _undo(self, meeting_id: int) -> MeetingNotSaved:
        try:
            self.zoom.call(lambda client, token: client.delete_meeting(token, meeting_id))
        except ZoomError:
            return MeetingNotSaved(
                f"The meeting was created in Zoom but could not be saved in the notes, and removing it "
                f"from Zoom failed too. Please delete meeting {meeting_id} at https://zoom.us/meeting#/upcoming."
            )
        return MeetingNotSaved(
            "The notes could not be saved, so the new Zoom meeting was removed again. "
            "Nothing changed; please try again."
        )

    def check(self, appointment_id: int) -> Check:
        """Compare the line with Zoom: gone removes it, a new time or topic rewrites it."""
        appointment = self.store.get(appointment_id)
        line = appointment.zoom_line
        if line is None:
            raise NoMeeting("This appointment has no Zoom meeting.")
        try:
            meeting = self.zoom.call(lambda client, token: client.get_meeting(token, line.meeting_id))
        except ZoomMeetingGone:
            return Check(self.drop_line(appointment, line.meeting_id), "gone", GONE_MESSAGE)
        except (ZoomUnavailable, ZoomRateLimited, ZoomRequestRejected):
            return Check(appointment, "unchecked", "Couldn't check this meeting with Zoom just now.")
        updated = self.follow_zoom(appointment, line, meeting.topic, meeting.start_time)
        if updated is None:
            return Check(appointment, "ok", "Checked with Zoom just now.")
        return Check(updated, "updated", "The meeting was changed in Zoom; its line in the notes now matches.")

    def follow_zoom(
        self, appointment: Appointment, line: notes.ZoomLine, topic: str | None, start: datetime | None
    ) -> Appointment | None:
        """Rewrite a line to the topic and start Zoom holds; None when they already match."""
        topic = topic or line.topic
        start = start or line.starts_at(self.tz)
        if start is None or (topic, start) == (line.topic, line.starts_at(self.tz)):
            return None
        new_text = notes.format_line(topic, start.astimezone(self.tz), line.join_url)
        return self.rewrite_line(appointment, line.meeting_id, new_text)

    def rewrite_line(self, appointment: Appointment, meeting_id: int, new_text: str) -> Appointment:
        """Put new text in place of one meeting's line."""
        return self._edit_line(appointment, meeting_id, lambda text, line: notes.replace_line(text, line, new_text))

    def remove(self, appointment_id: int) -> Appointment:
        """Delete the meeting in Zoom (already gone counts) and its line from the notes."""
        appointment = self.store.get(appointment_id)
        line = appointment.zoom_line
        if line is None:
            raise NoMeeting("This appointment has no Zoom meeting.")
        self.zoom.call(lambda client, token: client.delete_meeting(token, line.meeting_id))
        return self.drop_line(appointment, line.meeting_id)

    def drop_line(self, appointment: Appointment, meeting_id: int) -> Appointment:
        """Remove one meeting's line."""
        return self._edit_line(appointment, meeting_id, notes.remove_line)

    def _edit_line(
        self, appointment: Appointment, meeting_id: int, edit: Callable[[str, notes.ZoomLine], str]
    ) -> Appointment:
        """Apply an edit to one meeting's line, re-reading and re-applying on concurrent edits."""
        for _ in range(SAVE_ATTEMPTS):
            line = notes.find_line(appointment.notes, meeting_id)
            edited = edit(appointment.notes, line) if line else appointment.notes
            if edited == appointment.notes:
                return appointment
            try:
                return self.store.set_notes(appointment.id, appointment.version, edited)
            except VersionConflict as conflict:
                appointment = conflict.current
        raise MeetingBusy("The notes kept changing while the meeting line was being updated. Please try again.")


def meeting_summary(appointment: Appointment, tz: ZoneInfo) -> dict[str, object] | None:
    """What the widget shows, parsed from the notes alone."""
    line = appointment.zoom_line
    if line is None:
        return None
    start: datetime | None = line.starts_at(tz)
    return {
        "meeting_id": str(line.meeting_id),
        "meeting_id_display": meeting_id_display(line.meeting_id),
        "topic": line.topic,
        "when": line.when_text,
        "start_iso": start.isoformat() if start else None,
        "join_url": line.join_url,
        "personal_link": "/w/" in line.join_url.split("?", 1)[0],
        "invitation": invitation_text(appointment.client_name, line.when_text, tz.key, line.join_url),
    }


def meeting_id_display(meeting_id: int) -> str:
    """'85746065432' as '857 4606 5432', the grouping Zoom uses."""
    digits = str(meeting_id)
    if len(digits) == 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if len(digits) == 10:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return digits


def invitation_text(client_name: str, when: str, tz_name: str, join_url: str) -> str:
    """A ready-to-send message for clients Zoom does not email (free hosts, no email)."""
    return (
        f"Hello {client_name},\n\n"
        f"Your appointment on {when} ({tz_name}) will be a Zoom video call. "
        f"Join from any device with this link:\n{join_url}\n\nSee you soon!"
    )
