"""Whose meeting it is: the app acts in the provider only on meetings this browser's user hosts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.host_marks import HostMarks
from simplespa_zoom.meetings.ports import (
    AppointmentBook,
    MeetingProvider,
    ProviderMeeting,
    ProviderMeetingGone,
    ProviderMissingPermission,
)


class Host(Enum):
    """Who hosts the app's meeting, as far as this browser can tell."""

    MINE = "mine"
    OTHER = "other"
    UNKNOWN = "unknown"


def host_as_known(marks: HostMarks, appointment: Appointment, user_id: str | None) -> Host:
    """Who hosts the app's meeting, from the row's mark and a user id already known: no provider call
    (what a page shows before any is made)."""
    if appointment.host_mark is None or user_id is None:
        return Host.UNKNOWN
    return Host.MINE if marks.matches(appointment.host_mark, user_id) else Host.OTHER


@dataclass(frozen=True)
class Hosts:
    """Tells this browser's user's meetings from others', by the keyed fingerprint kept on the row."""

    book: AppointmentBook
    provider: MeetingProvider
    marks: HostMarks

    def of(self, appointment: Appointment) -> Host:
        if appointment.host_mark is None:
            return Host.UNKNOWN
        return host_as_known(self.marks, appointment, self.provider.user_id())

    def learn(self, appointment: Appointment, meeting: ProviderMeeting) -> Host:
        """A meeting the provider showed us names its host: remember it when it is this browser's user."""
        return self.named(appointment, meeting.id, meeting.host_id)

    def named(self, appointment: Appointment, meeting_id: int, host_id: str | None) -> Host:
        """Who hosts the meeting, as a read of it just named; remembered when it is this browser's user."""
        user_id = self.provider.user_id()
        if host_id is None or user_id is None:
            return Host.UNKNOWN
        if host_id != user_id:
            return Host.OTHER
        self.book.mark_host(appointment.id, meeting_id, self.marks.mark(user_id))
        return Host.MINE

    def before_change(self, appointment: Appointment, meeting_id: int) -> Host:
        """The host before changing a meeting in the provider; an unknown host is asked of the provider first."""
        host = self.of(appointment)
        if host is not Host.UNKNOWN:
            return host
        try:
            meeting = self.provider.get(meeting_id)
        except ProviderMeetingGone:
            return Host.OTHER
        return self.learn(appointment, meeting)

    def my_mark(self) -> str | None:
        """The fingerprint of this browser's user, to remember who hosts what this request creates.

        Without it (the provider named no user) the meeting is still made; its host is learnt later or never.
        """
        try:
            user_id = self.provider.user_id()
        except ProviderMissingPermission:
            return None
        return self.marks.mark(user_id) if user_id else None
