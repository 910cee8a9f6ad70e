"""Starting an appointment's meeting as its host, from the appointment.

The provider's start link logs anyone who has it in as the host and expires after about two
hours, so it is read from the provider at the click, handed to that browser only, and kept nowhere:
not in the notes, the book, a log line or a page. The button is offered only where this browser's
user may host: the app's own meeting, not known to be another user's; the link itself only when the meeting read
at the click names this browser's user as its host.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from simplespa_zoom.meetings import timing
from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.errors import AppointmentCancelled, StartHostUnknown, StartNotCreatedHere, StartOtherHost
from simplespa_zoom.meetings.following import require_line
from simplespa_zoom.meetings.hosts import Host, Hosts
from simplespa_zoom.meetings.ports import AppointmentBook, MeetingProvider


@dataclass(frozen=True)
class StartOffer:
    """Whether the widget offers Start meeting, and else the message (code) that says who can start it."""

    offered: bool
    code: str | None = None


def start_offer(appointment: Appointment, host: Host, connected: bool, now: datetime) -> StartOffer:
    """What the widget offers, from the book and the session alone (no provider call while a page renders)."""
    if appointment.meeting_line is None or appointment.cancelled or appointment.has_ended(now):
        return StartOffer(False)
    if not appointment.line_is_own:
        return StartOffer(False, "start_not_created_here")
    if host is Host.OTHER:
        return StartOffer(False, "start_other_host")
    if not connected:
        return StartOffer(False, "start_connect_as_host")
    return StartOffer(True)  # this user's meeting, or one whose host the click asks the provider first


@dataclass(frozen=True)
class StartMeeting:
    """Reads the host's start link from the provider at the click: for the meeting's host only, never kept."""

    book: AppointmentBook
    provider: MeetingProvider
    hosts: Hosts

    def start_link(self, appointment_id: int) -> str:
        appointment = self.book.get(appointment_id)
        line = require_line(appointment)
        if not appointment.line_is_own:
            raise StartNotCreatedHere()
        if appointment.cancelled:
            raise AppointmentCancelled()
        with self.provider.within(timing.CHECK_SECONDS):
            if self.hosts.of(appointment) is Host.OTHER:
                raise StartOtherHost()  # known from the row: the provider need not be asked
            start = self.provider.start_link(line.meeting_id)
            # The read at the click must name this browser's user: an account admin's token reads other users'
            # meetings too, start link included, and a meeting that names no host proves nothing.
            host = self.hosts.named(appointment, line.meeting_id, start.host_id)
            if host is Host.OTHER:
                raise StartOtherHost()
            if host is not Host.MINE:
                raise StartHostUnknown()
            return start.url
