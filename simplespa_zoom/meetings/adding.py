"""Adding an appointment's meeting: at most one, however many clicks, tabs or processes race.

A claim on the appointment's row lets one request create while the others wait for its line.
A meeting whose line cannot be saved is deleted from the provider again.

Providers have no idempotency key, so a create whose answer was lost (a timeout, a killed worker,
a line deleted by hand) must never lead to a second meeting: each meeting the app creates
carries a keyed reference of its appointment in its agenda, and a click after an attempt
of unknown outcome first looks for that meeting among the user's upcoming ones and adopts it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import notes, timing
from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.errors import AppointmentCancelled, MeetingBusy, MeetingNotSaved
from simplespa_zoom.meetings.host_marks import HostMarks
from simplespa_zoom.meetings.hosts import Host, Hosts
from simplespa_zoom.meetings.invitations import Letters
from simplespa_zoom.meetings.lines import LineEditor
from simplespa_zoom.meetings.ports import (
    AppointmentBook,
    MeetingLineFormat,
    MeetingProvider,
    ProviderError,
    ProviderMeeting,
    ProviderMeetingGone,
    ProviderUnavailable,
    Registrant,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    appointment: Appointment
    created: bool
    meeting: ProviderMeeting | None = None  # as the provider answered, when this click created or adopted it


@dataclass(frozen=True)
class AddMeeting:
    """Claim, then adopt the meeting an earlier attempt made or create one, then record its line (or undo)."""

    book: AppointmentBook
    provider: MeetingProvider
    tz: ZoneInfo
    marks: HostMarks
    hosts: Hosts
    lines: LineEditor
    letters: Letters
    topic_style: str = "full"  # MEETING_TOPIC: "initials" keeps the client's name out of the provider

    def add(self, appointment_id: int) -> Outcome:
        """The appointment with a meeting: the existing one, one an earlier attempt made, or one created now.

        The claim comes first: it also reads the row, so a first click costs no separate read,
        and a click on an appointment that already has its line just claims and releases.
        """
        with self.provider.within(timing.CHANGE_SECONDS):
            appointment, claimed, in_doubt = self._wait_for_claim(appointment_id)
            if not claimed:
                if appointment.meeting_line:
                    return Outcome(appointment, created=False)
                raise MeetingBusy()
            recorded = False
            unknown = in_doubt  # whether the provider may hold a meeting of this appointment that no line records
            try:
                if appointment.meeting_line:
                    unknown = False
                    return Outcome(appointment, created=False)
                if appointment.cancelled:
                    raise AppointmentCancelled()
                host_mark = self.hosts.my_mark()
                earlier = self._earlier_meeting(appointment, in_doubt)
                if earlier is not None:
                    unknown = True  # a failed save leaves it for the next click to adopt, never deletes it
                    saved, written = self._record(appointment, earlier, host_mark, undo=False)
                    recorded = True
                    return Outcome(saved, created=False, meeting=earlier if written else None)
                unknown = True
                try:
                    meeting = self._create(appointment)
                except ProviderError as error:
                    unknown = isinstance(error, ProviderUnavailable)  # only an answer that never came leaves it open
                    raise
                unknown = False
                saved, created = self._record(appointment, meeting, host_mark)
                recorded = True
                return Outcome(saved, created=created, meeting=meeting if created else None)
            except MeetingNotSaved as error:
                unknown = error.left_with_provider
                raise
            finally:
                if not recorded:
                    self._release(appointment_id, in_doubt=unknown)

    def _release(self, appointment_id: int, *, in_doubt: bool) -> None:
        """End the claim; if even that fails (a locked database) the claim goes stale soon, so the answer stands."""
        try:
            self.book.release_meeting(appointment_id, in_doubt=in_doubt)
        except Exception:
            log.exception("Releasing the meeting claim of appointment %s failed; it goes stale", appointment_id)

    def _wait_for_claim(self, appointment_id: int) -> tuple[Appointment, bool, bool]:
        """The appointment as last read, whether this request holds its claim, and whether it took the claim
        over from an attempt whose outcome is unknown. Not holding it means another request's line appeared
        or the wait ran out."""
        wait = min(timing.CLAIM_WAIT_SECONDS, self.provider.time_left() or timing.CLAIM_WAIT_SECONDS)
        deadline = time.monotonic() + wait
        while (claim := self.book.claim_for_create(appointment_id)) is None:
            current = self.book.get(appointment_id)
            if current.meeting_line or time.monotonic() > deadline:
                return current, False, False
            time.sleep(timing.CLAIM_POLL_SECONDS)
        return claim.appointment, True, claim.in_doubt

    def _earlier_meeting(self, appointment: Appointment, in_doubt: bool) -> ProviderMeeting | None:
        """The meeting an earlier attempt made for this appointment and no line records, if the provider still
        holds it. The row may still name it (staff deleted its line by hand); otherwise, after an attempt of
        unknown outcome, it is found by the appointment's reference in the user's upcoming meetings."""
        recorded = appointment.own_meeting_id
        if recorded is not None and self.hosts.of(appointment) is not Host.OTHER:
            try:
                return self.provider.get(recorded)
            except ProviderMeetingGone:
                pass
        if not in_doubt:
            return None
        references = self.marks.references(appointment.id)
        return self.provider.find_upcoming(lambda meeting: any(ref in meeting.agenda for ref in references))

    def _create(self, appointment: Appointment) -> ProviderMeeting:
        """Create the meeting, with the client as registrant when there is an email to register (the provider
        sends the registrant's name only when it registers them: a host whose account can register)."""
        first, _, last = appointment.client_name.partition(" ")
        email = appointment.client_email
        return self.provider.create(
            topic=notes.topic_for(appointment.client_name, self.topic_style),
            starts_at=appointment.starts_at,
            duration=appointment.duration_minutes,
            timezone=self.tz.key,
            agenda=self.marks.agenda(appointment.id),
            registrant=Registrant(email, first, last) if email else None,
            provider_emails=not self.letters.enabled,  # the spa's own invitation: the client gets no second one
        )

    def _record(
        self, appointment: Appointment, meeting: ProviderMeeting, host_mark: str | None, *, undo: bool = True
    ) -> tuple[Appointment, bool]:
        """Append the meeting's line; the row, and whether this line was written.

        On failure a new meeting is deleted again (undo); an adopted one is left for the next click. A line
        that would not read back (a join link of a shape the parser does not know) is never written: the next
        click would see no meeting and create a second one.
        """
        starts_at = meeting.starts_at or appointment.starts_at
        line_format = appointment.line_format
        line = notes.format_line(
            line_format,
            notes.topic_for(appointment.client_name, self.topic_style),
            starts_at.astimezone(self.tz),
            meeting.join_url,
        )
        if not _reads_back(line_format, line, meeting):
            log.warning("The provider's join link for a new meeting does not read back; deleting the meeting again")
            raise self._undo(meeting.id, "join_link_unreadable")
        try:
            saved, written = self.lines.append(appointment, line, meeting.id, host_mark, appointment.duration_minutes)
            if saved.own_meeting_id != meeting.id:  # a takeover of a stale claim recorded its own meeting
                self._undo(meeting.id, "meeting_not_saved")
            return saved, written
        except Exception:
            log.exception("Saving the meeting line of appointment %s failed", appointment.id)
        if not undo:
            raise MeetingNotSaved.because("meeting_not_saved", left_with_provider=True)
        raise self._undo(meeting.id, "meeting_not_saved")

    def _undo(self, meeting_id: int, code: str) -> MeetingNotSaved:
        """Delete a meeting no line records; no client was told of it, so the provider emails no one."""
        try:
            self.provider.delete(meeting_id, notify_registrants=False)
        except ProviderError:
            return MeetingNotSaved.because(
                "meeting_not_saved_undo_failed", left_with_provider=True, meeting_id=meeting_id
            )
        return MeetingNotSaved.because(code)


def _reads_back(line_format: MeetingLineFormat, line: str, meeting: ProviderMeeting) -> bool:
    found = notes.current_line(line_format, line)
    return found is not None and (found.join_url, found.meeting_id, found.start, found.end) == (
        meeting.join_url,
        meeting.id,
        0,
        len(line),
    )
