"""Following an appointment's existing meeting: check it, remove it, move or delete it with the appointment.

The app acts in the provider only on the meeting it created for that appointment (remembered on
the row with a keyed fingerprint of its host), and treats "does not exist" as proof of deletion only
for a meeting that has not ended and that this browser's user hosts: Zoom answers the same for
expired IDs and, perhaps, for other users' meetings. A copied or hand-typed line is shown, never acted on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import notes, timing
from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.errors import NoMeeting, NotCreatedHere, OtherAccount
from simplespa_zoom.meetings.hosts import Host, Hosts
from simplespa_zoom.meetings.lines import LineEditor, own_line
from simplespa_zoom.meetings.ports import (
    AppointmentBook,
    Clock,
    MeetingProvider,
    ProviderError,
    ProviderMeeting,
    ProviderMeetingGone,
    ProviderRateLimited,
    ProviderRejected,
    ProviderSlow,
    ProviderUnavailable,
)


class CheckState(StrEnum):
    """What a status check found; the page script redraws the widget by it."""

    OK = "ok"
    UPDATED = "updated"
    GONE = "gone"
    UNCHECKED = "unchecked"
    OTHER_ACCOUNT = "other_account"
    NOT_CREATED_HERE = "not_created_here"
    ENDED = "ended"


@dataclass(frozen=True)
class Check:
    """What a status check found; `code` names what staff are told (the web layer words it)."""

    appointment: Appointment
    state: CheckState
    code: str
    values: Mapping[str, object] = field(default_factory=dict)  # what the code's message needs
    meeting: ProviderMeeting | None = None  # the meeting as the provider answered, when it was read


def checked_as(appointment: Appointment, state: CheckState, code: str, **values: object) -> Check:
    """A check's result named by its message code (which has a Help entry), with the data its message needs."""
    return Check(appointment, state, code, values)


class NoticeLevel(StrEnum):
    INFO = "info"
    WARNING = "warning"


@dataclass(frozen=True)
class Notice:
    """What a follow-through to the provider tells the staff member: a confirmation, or a warning with its Help
    entry; `code` and `values` name it, the web layer words it."""

    level: NoticeLevel
    code: str
    values: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def info(cls, code: str) -> Notice:
        return cls(NoticeLevel.INFO, code)

    @classmethod
    def warning(cls, code: str, **values: object) -> Notice:
        return cls(NoticeLevel.WARNING, code, values)


@dataclass(frozen=True)
class CheckMeeting:
    """Compares the app's line with the provider: gone removes it, a new time, topic or link rewrites it."""

    book: AppointmentBook
    provider: MeetingProvider
    hosts: Hosts
    lines: LineEditor
    now: Clock

    def check(self, appointment_id: int) -> Check:
        appointment = self.book.get(appointment_id)
        line = require_line(appointment)
        settled = self.settled(appointment, self.now())
        if settled is not None:
            return settled
        try:
            with self.provider.within(timing.CHECK_SECONDS, wait=0):  # a check is never worth queueing for
                return self._ask(appointment, line)
        except ProviderSlow:
            # Every slot held by slow calls, or no answer within the deadline: this page does not wait.
            return checked_as(appointment, CheckState.UNCHECKED, "meeting_check_slow")

    def settled(self, appointment: Appointment, now: datetime) -> Check | None:
        """The check's answer when the rules give it without asking the provider: a line not created here, or
        a meeting that is over."""
        if not appointment.line_is_own:
            return checked_as(appointment, CheckState.NOT_CREATED_HERE, "meeting_not_created_here")
        if appointment.has_ended(now):
            return checked_as(appointment, CheckState.ENDED, "meeting_ended")
        return None

    def _ask(self, appointment: Appointment, line: notes.MeetingLine) -> Check:
        host = self.hosts.of(appointment)
        if host is Host.OTHER:
            return checked_as(appointment, CheckState.OTHER_ACCOUNT, "meeting_other_account_check")
        try:
            meeting = self.provider.get(line.meeting_id)
        except ProviderMeetingGone:
            if host is Host.MINE:
                return checked_as(self.lines.gone(appointment), CheckState.GONE, "meeting_deleted_in_zoom")
            return checked_as(appointment, CheckState.OTHER_ACCOUNT, "meeting_not_shown_to_you")
        except ProviderSlow:
            raise
        except (ProviderUnavailable, ProviderRateLimited, ProviderRejected):
            return checked_as(appointment, CheckState.UNCHECKED, "meeting_unchecked")
        if host is Host.UNKNOWN and self.hosts.learn(appointment, meeting) is Host.OTHER:
            return checked_as(appointment, CheckState.OTHER_ACCOUNT, "meeting_other_account_check")
        updated = self.lines.follow(
            appointment, line, meeting.topic, meeting.starts_at, meeting.join_url, self.lines.now_ms()
        )
        if updated is None:
            return Check(appointment, CheckState.OK, "meeting_checked", meeting=meeting)
        return Check(updated, CheckState.UPDATED, "meeting_updated_from_zoom", meeting=meeting)


@dataclass(frozen=True)
class ChangeMeeting:
    """Removes the app's meeting, or moves or deletes it when its appointment is rescheduled or cancelled."""

    book: AppointmentBook
    provider: MeetingProvider
    hosts: Hosts
    lines: LineEditor
    tz: ZoneInfo
    now: Clock

    def remove(self, appointment_id: int) -> Appointment:
        """Delete the meeting in the provider (already gone counts) and its line; the client's letter says the
        appointment stays, no longer online (only a cancelled appointment's client reads a cancellation, so the
        provider emails a registered client only then).

        The app's meeting whose line staff deleted by hand is removed the same way: in the provider only.
        """
        appointment = self.book.get(appointment_id)
        meeting_id = orphaned_meeting(appointment)
        if meeting_id is None:
            line = require_line(appointment)
            if not appointment.line_is_own:
                raise NotCreatedHere()
            meeting_id = line.meeting_id
        with self.provider.within(timing.CHANGE_SECONDS):
            if self.hosts.before_change(appointment, meeting_id) is Host.OTHER:
                raise OtherAccount()
            tells = appointment.cancelled and provider_tells_client(appointment)
            self.provider.delete(meeting_id, notify_registrants=tells)
        return self.lines.drop(appointment)

    def follow_reschedule(self, before: Appointment, after: Appointment) -> Notice | None:
        """Move the app's meeting to the appointment's new start and duration, and its line with it.

        The line's own time and the length the provider was last given are compared, not only the form's old
        values, so saving again after connecting still moves a meeting an earlier save could not move.
        """
        line = own_line(after)
        if after.cancelled or line is None:
            return _foreign_notice(after) if after.starts_at != before.starts_at else None
        held_minutes = after.meeting_minutes or before.duration_minutes  # rows from before 0007 know no length
        if line.starts_at(self.tz) == after.starts_at and held_minutes == after.duration_minutes:
            return None
        if after.starts_at <= self.now():
            return Notice.warning("reschedule_into_past")
        host = Host.UNKNOWN
        try:
            with self.provider.within(timing.CHANGE_SECONDS):
                host = self.hosts.before_change(after, line.meeting_id)
                if host is Host.OTHER:
                    return Notice.warning("reschedule_other_account")
                meeting = self.provider.move(
                    line.meeting_id, starts_at=after.starts_at, duration=after.duration_minutes, timezone=self.tz.key
                )
            self.book.mark_length(after.id, line.meeting_id, after.duration_minutes)
        except ProviderMeetingGone:
            if host is Host.MINE and not before.has_ended(self.now()):
                self.lines.gone(self.book.get(after.id))
                return Notice.warning("reschedule_gone")
            return Notice.warning("reschedule_not_shown_to_you")
        except ProviderError as error:
            return _not_followed("change", error)
        current = self.book.get(after.id)
        rewritten = self.lines.follow(
            current, line, meeting.topic, meeting.starts_at, meeting.join_url, self.lines.now_ms()
        )
        if rewritten is None and after.starts_at == before.starts_at:
            # Only the length changed: the line (and so its letter) did not, yet the client's calendar shows the end.
            self.lines.tell_new_length(current, held_minutes)
        if meeting.starts_at != after.starts_at:  # the start the provider still holds (None: it said none)
            return Notice.warning("reschedule_not_applied", starts_at=meeting.starts_at)
        return Notice.info("meeting_moved" if line.starts_at(self.tz) != after.starts_at else "meeting_new_length")

    def follow_cancel(self, appointment: Appointment) -> Notice | None:
        """Delete the cancelled appointment's meeting (registered clients are emailed) and its line."""
        line = own_line(appointment)
        if line is None:
            self.lines.tell_cancelled(appointment)
            return _foreign_notice(appointment)
        try:
            with self.provider.within(timing.CHANGE_SECONDS):
                if self.hosts.before_change(appointment, line.meeting_id) is Host.OTHER:
                    return Notice.warning("cancel_other_account")
                self.provider.delete(line.meeting_id, notify_registrants=provider_tells_client(appointment))
        except ProviderError as error:
            return _not_followed("delete", error)
        self.lines.drop(self.book.get(appointment.id))
        return Notice.info("meeting_deleted")


def require_line(appointment: Appointment) -> notes.MeetingLine:
    """The meeting line of the appointment's notes; NoMeeting when they hold none."""
    if appointment.meeting_line is None:
        raise NoMeeting()
    return appointment.meeting_line


def provider_tells_client(appointment: Appointment) -> bool:
    """Whether the provider emails a registered client of a deleted meeting: not when the spa's own letters
    invited them (their cancellation is the spa's letter, written with the line's removal)."""
    return appointment.mail_sequence == 0


def _foreign_notice(appointment: Appointment) -> Notice | None:
    return None if appointment.meeting_line is None else Notice.warning("foreign_line_left")


def orphaned_meeting(appointment: Appointment) -> int | None:
    """The app's meeting of an appointment whose notes no longer name it at all (its line deleted by hand), if any.

    A line of that meeting edited by hand is still there: it is shown as staff wrote it, not asked about.
    """
    meeting_id = appointment.own_meeting_id
    if meeting_id is None or appointment.line_is_own:  # its own line, read once for the widget, is there
        return None
    return None if notes.find_line(appointment.line_format, appointment.notes, meeting_id) else meeting_id


def _not_followed(what: str, error: ProviderError) -> Notice:
    """The provider's side did not follow: the web layer says why (the error) and the two ways to fix it."""
    return Notice.warning("zoom_not_followed", what=what, error=error)
