"""An appointment's meeting: the store, the notes and Zoom kept in step.

At most one meeting per appointment, however many clicks, tabs or processes race:
a claim on the appointment's row lets one request create while the others wait for
its line. A meeting whose line cannot be saved is deleted from Zoom again.

The app acts in Zoom only on the meeting it created for that appointment (remembered
on the row with a keyed fingerprint of its host), and treats Zoom's "does not exist"
as proof of deletion only for a meeting that has not ended and that this browser's
Zoom user hosts: Zoom answers the same for expired IDs and, perhaps, for other users'
meetings. A copied or hand-typed line is shown, never acted on.

Zoom has no idempotency key, so a create whose answer was lost (a timeout, a killed worker,
a line deleted by hand) must never lead to a second meeting: each meeting the app creates
carries a keyed reference of its appointment in its agenda, and a click after an attempt
of unknown outcome first looks for that meeting among the user's upcoming ones and adopts it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import Enum
from typing import TypeVar
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.domain import Appointment, VersionConflict
from simplespa_zoom.meetings.host_marks import HostMarks
from simplespa_zoom.meetings.ports import AppointmentBook, Clock, TokenStore
from simplespa_zoom.messages import FIX_IN_ZOOM, say
from simplespa_zoom.zoom.api import (
    REGISTRANT_EMAIL_MAX,
    Meeting,
    ZoomClient,
    ZoomError,
    ZoomMeetingGone,
    ZoomMissingScope,
    ZoomRateLimited,
    ZoomRequestRejected,
    ZoomSlow,
    ZoomUnavailable,
    time_left,
)
from simplespa_zoom.zoom.oauth import ZoomConnection, ZoomNotConnected, ZoomReconnect

log = logging.getLogger(__name__)
T = TypeVar("T")

CLAIM_WAIT_SECONDS = 30.0
CLAIM_POLL_SECONDS = 0.1
SAVE_ATTEMPTS = 5
# How long a request may wait for Zoom in all (token refresh and retries included): a status
# check is worth a few seconds; adding or removing a meeting somewhat more. A claim outlives
# its holder's deadline (CLAIM_STALE_AFTER) only when the holder died.
CHECK_SECONDS = 4.0
CHANGE_SECONDS = 15.0


class MeetingError(Exception):
    """A meeting operation that cannot go ahead; code and message reach the browser."""

    code = "meeting_busy"
    http_status = 409

    def __init__(self, message: str | None = None) -> None:
        message = message or say(self.code)
        super().__init__(message)
        self.message = message


class AppointmentCancelled(MeetingError):
    code = "appointment_cancelled"


class MeetingBusy(MeetingError):
    code = "meeting_busy"
    http_status = 503


class NotesBusy(MeetingBusy):
    code = "notes_busy"


class NoMeeting(MeetingError):
    code = "no_meeting"
    http_status = 404


class NotCreatedHere(MeetingError):
    code = "meeting_not_created_here"


class OtherAccount(MeetingError):
    code = "meeting_other_account"


class MeetingNotSaved(MeetingError):
    """Zoom created the meeting but the notes could not record it."""

    code = "meeting_not_saved"
    http_status = 500
    left_in_zoom = False  # the meeting could not be deleted again: the next click adopts it

    @classmethod
    def because(cls, code: str, *, left_in_zoom: bool = False, **values: object) -> MeetingNotSaved:
        error = cls(say(code, **values))
        error.code = code
        error.left_in_zoom = left_in_zoom
        return error


class Host(Enum):
    """Who hosts the app's meeting, as far as this browser can tell."""

    MINE = "mine"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Check:
    appointment: Appointment
    state: str
    message: str
    code: str | None = None  # the Help entry of a state that needs one


def _check(appointment: Appointment, state: str, code: str) -> Check:
    return Check(appointment, state, say(code), code)


@dataclass(frozen=True)
class Outcome:
    appointment: Appointment
    created: bool


@dataclass(frozen=True)
class Notice:
    """What a follow-through to Zoom tells the staff member: 'info' or 'warning', and its Help entry."""

    level: str
    message: str
    code: str | None = None

    @classmethod
    def warning(cls, code: str, **values: object) -> Notice:
        return cls("warning", say(code, **values), code)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class MeetingService:
    """Built once per app. Needs no request: the token store says whose Zoom connection to use."""

    book: AppointmentBook
    tokens: TokenStore
    zoom: ZoomConnection
    tz: ZoneInfo
    marks: HostMarks
    now: Clock = field(default=_utc_now)

    def _call(self, operation: Callable[[ZoomClient, str], T]) -> T:
        return self.zoom.call(self.tokens, operation)

    def _user_id(self) -> str | None:
        return self.zoom.user_id(self.tokens)

    # --- add ---------------------------------------------------------------------------

    def add(self, appointment_id: int) -> Outcome:
        """The appointment with a meeting: the existing one, one an earlier attempt made, or one created now."""
        with self.zoom.gate.within(CHANGE_SECONDS):
            return self._add(appointment_id)

    def _add(self, appointment_id: int) -> Outcome:
        """Claim, then adopt or create.

        The claim comes first: it also reads the row, so a first click costs no separate
        read, and a click on an appointment that already has its line just claims and releases.
        """
        appointment, claimed, in_doubt = self._wait_for_claim(appointment_id)
        if not claimed:
            if appointment.zoom_line:
                return Outcome(appointment, created=False)
            raise MeetingBusy()
        recorded = False  # pragma: no mutate
        unknown = in_doubt  # whether Zoom may hold a meeting of this appointment that no line records
        try:
            if appointment.zoom_line:
                unknown = False
                return Outcome(appointment, created=False)
            if appointment.cancelled:
                raise AppointmentCancelled()
            host_mark = self._my_mark()
            earlier = self._earlier_meeting(appointment, in_doubt)
            if earlier is not None:
                unknown = True  # a failed save leaves it for the next click to adopt, never deletes it
                saved, _ = self._record(appointment, earlier, host_mark, undo=False)
                recorded = True
                return Outcome(saved, created=False)
            unknown = True
            try:
                meeting = self._call(lambda client, token: self._create(client, token, appointment))
            except ZoomError as error:
                unknown = isinstance(error, ZoomUnavailable)  # only an answer that never came leaves it unknown
                raise
            unknown = False
            saved, created = self._record(appointment, meeting, host_mark)
            recorded = True
            return Outcome(saved, created=created)
        except MeetingNotSaved as error:
            unknown = error.left_in_zoom
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
        """The appointment as last read, whether this request holds its claim, and whether it took
        the claim over from an attempt whose outcome is unknown.

        Not holding it means another request's line appeared or the wait ran out.
        """
        deadline = time.monotonic() + min(CLAIM_WAIT_SECONDS, time_left() or CLAIM_WAIT_SECONDS)
        while (claim := self.book.claim_for_create(appointment_id)) is None:
            current = self.book.get(appointment_id)
            if current.zoom_line or time.monotonic() > deadline:  # pragma: no mutate
                return current, False, False
            time.sleep(CLAIM_POLL_SECONDS)
        return claim.appointment, True, claim.in_doubt

    def _earlier_meeting(self, appointment: Appointment, in_doubt: bool) -> Meeting | None:
        """The meeting an earlier attempt made for this appointment and no line records, if Zoom still holds it.

        The row may still name it (staff deleted its line by hand); otherwise, after an attempt of
        unknown outcome, it is found by the appointment's reference in the user's upcoming meetings.
        """
        recorded = appointment.zoom_meeting_id
        if recorded is not None and self._host(appointment) is not Host.OTHER:
            try:
                return self._call(lambda client, token: client.get_meeting(token, recorded))
            except ZoomMeetingGone:
                pass
        if not in_doubt:
            return None
        references = self.marks.references(appointment.id)
        return self._call(
            lambda client, token: client.find_upcoming_meeting(
                token, lambda meeting: any(reference in meeting.agenda for reference in references)
            )
        )

    def _my_mark(self) -> str | None:
        """The fingerprint of this browser's Zoom user, to remember who hosts what this request creates.

        Without it (Zoom named no user) the meeting is still made; its host is learnt later or never.
        """
        try:
            user_id = self._user_id()
        except ZoomMissingScope:
            return None
        return self.marks.mark(user_id) if user_id else None

    def _create(self, client: ZoomClient, token: str, appointment: Appointment) -> Meeting:
        """Create the meeting; a paid host gets the client registered so Zoom emails them."""
        email = appointment.client_email or ""
        register = bool(email) and len(email) <= REGISTRANT_EMAIL_MAX and self.zoom.licensed(self.tokens)
        meeting = client.create_meeting(
            token,
            topic=notes.topic_for(appointment.client_name),
            start=appointment.starts_at,
            duration=appointment.duration_minutes,
            timezone=self.tz.key,
            registration=register,
            agenda=self.marks.agenda(appointment.id),
        )
        if not register:
            return meeting
        first, _, last = appointment.client_name.partition(" ")
        try:
            link = client.add_registrant(token, meeting.id, email=email, first_name=first, last_name=last)
        except ZoomError as error:
            # Any failure here, even a token refusal, must not repeat the create: keep the plain link.
            log.warning("Registering the client failed (%s); using the meeting's own join link", error.code)
            return meeting
        return replace(meeting, join_url=link)

    def _line_for(self, appointment: Appointment, meeting: Meeting) -> str:
        start = meeting.start_time or appointment.starts_at
        return notes.format_line(notes.topic_for(appointment.client_name), start.astimezone(self.tz), meeting.join_url)

    def _record(
        self, appointment: Appointment, meeting: Meeting, host_mark: str | None, *, undo: bool = True
    ) -> tuple[Appointment, bool]:
        """Append the meeting's line, re-reading on concurrent edits; the row, and whether this line was written.

        On failure a new meeting is deleted in Zoom again (undo); an adopted one is left for the
        next click. A line that would not read back (a join link of a shape the parser does not
        know) is never written: the next click would see no meeting and create a second one.
        """
        line = self._line_for(appointment, meeting)
        if not _reads_back(line, meeting):
            log.warning("Zoom's join link for a new meeting does not read back; deleting the meeting again")
            raise self._undo(meeting.id, "join_link_unreadable")
        try:
            for _ in range(SAVE_ATTEMPTS):
                try:
                    appended = notes.append_line(appointment.notes, line)
                    saved = self.book.record_meeting(
                        appointment.id,
                        appointment.version,
                        appended,
                        meeting.id,
                        host_mark,
                        self._now_ms(),
                        meeting_ids=notes.meeting_ids(appended),
                        line_digest=notes.fingerprint(line),
                    )
                    return saved, True
                except VersionConflict as conflict:
                    appointment = conflict.current
                if appointment.line_is_own:  # a request that took over a stale claim recorded a meeting meanwhile
                    if appointment.zoom_meeting_id != meeting.id:
                        self._undo(meeting.id, "meeting_not_saved")
                    return appointment, False
        except Exception:
            log.exception("Saving the Zoom line of appointment %s failed", appointment.id)
        if not undo:
            raise MeetingNotSaved.because("meeting_not_saved", left_in_zoom=True)
        raise self._undo(meeting.id, "meeting_not_saved")

    def _undo(self, meeting_id: int, code: str) -> MeetingNotSaved:
        """Delete a meeting no line records; no client was told of it, so Zoom emails no one."""
        try:
            self._call(lambda client, token: client.delete_meeting(token, meeting_id))
        except ZoomError:
            return MeetingNotSaved.because("meeting_not_saved_undo_failed", left_in_zoom=True, meeting_id=meeting_id)
        return MeetingNotSaved.because(code)

    # --- whose meeting ---------------------------------------------------------------------

    def _host(self, appointment: Appointment) -> Host:
        if appointment.zoom_host_mark is None:
            return Host.UNKNOWN
        return Host.MINE if self.marks.matches(appointment.zoom_host_mark, self._user_id()) else Host.OTHER

    def _learn_host(self, appointment: Appointment, meeting: Meeting) -> Host:
        """A meeting Zoom showed us names its host: remember it when it is this browser's Zoom user."""
        user_id = self._user_id()
        if meeting.host_id is None or user_id is None:
            return Host.UNKNOWN
        if meeting.host_id != user_id:
            return Host.OTHER
        self.book.mark_host(appointment.id, meeting.id, self.marks.mark(user_id))
        return Host.MINE

    def _host_for_change(self, appointment: Appointment, meeting_id: int) -> Host:
        """The host before changing a meeting in Zoom; an unknown host is asked of Zoom first."""
        host = self._host(appointment)
        if host is not Host.UNKNOWN:
            return host
        try:
            meeting = self._call(lambda client, token: client.get_meeting(token, meeting_id))
        except ZoomMeetingGone:
            return Host.OTHER
        return self._learn_host(appointment, meeting)

    # --- check -----------------------------------------------------------------------------

    def check(self, appointment_id: int) -> Check:
        """Compare the line with Zoom: gone removes it, a new time, topic or link rewrites it."""
        appointment = self.book.get(appointment_id)
        line = appointment.zoom_line
        if line is None:
            raise NoMeeting()
        if not appointment.line_is_own:
            return _check(appointment, "not_created_here", "meeting_not_created_here")
        if appointment.has_ended(self.now()):
            return _check(appointment, "ended", "meeting_ended")
        try:
            with self.zoom.gate.within(CHECK_SECONDS, wait=0):  # a check is never worth queueing for
                return self._check_with_zoom(appointment, line)
        except ZoomSlow:
            # Every slot held by slow calls, or no answer within the deadline: this page does not wait.
            return _check(appointment, "unchecked", "meeting_check_slow")

    def _check_with_zoom(self, appointment: Appointment, line: notes.ZoomLine) -> Check:
        host = self._host(appointment)
        if host is Host.OTHER:
            return _check(appointment, "other_account", "meeting_other_account_check")
        try:
            meeting = self._call(lambda client, token: client.get_meeting(token, line.meeting_id))
        except ZoomMeetingGone:
            if host is Host.MINE:
                return _check(self._drop_own_line(appointment), "gone", "meeting_deleted_in_zoom")
            return _check(appointment, "other_account", "meeting_not_shown_to_you")
        except ZoomSlow:
            raise
        except (ZoomUnavailable, ZoomRateLimited, ZoomRequestRejected):
            return _check(appointment, "unchecked", "meeting_unchecked")
        if host is Host.UNKNOWN and self._learn_host(appointment, meeting) is Host.OTHER:
            return _check(appointment, "other_account", "meeting_other_account_check")
        updated = self._follow(appointment, line, meeting.topic, meeting.start_time, meeting.join_url, self._now_ms())
        if updated is None:
            return Check(appointment, "ok", "Checked with Zoom just now.")
        return Check(updated, "updated", "The meeting was changed in Zoom; its line in the notes now matches.")

    # --- remove ----------------------------------------------------------------------------

    def remove(self, appointment_id: int) -> Appointment:
        """Delete the meeting in Zoom (already gone counts; registered clients are told) and its line.

        The app's meeting whose line staff deleted by hand is removed the same way: Zoom only.
        """
        appointment = self.book.get(appointment_id)
        meeting_id = orphaned_meeting(appointment)
        if meeting_id is None:
            line = appointment.zoom_line
            if line is None:
                raise NoMeeting()
            if not appointment.line_is_own:
                raise NotCreatedHere()
            meeting_id = line.meeting_id
        with self.zoom.gate.within(CHANGE_SECONDS):
            if self._host_for_change(appointment, meeting_id) is Host.OTHER:
                raise OtherAccount()
            self._call(lambda client, token: client.delete_meeting(token, meeting_id, notify_registrants=True))
        return self._drop_own_line(appointment)

    # --- reschedule and cancel ---------------------------------------------------------------

    def follow_reschedule(self, before: Appointment, after: Appointment) -> Notice | None:
        """Move the app's meeting to the appointment's new start and duration, and its line with it.

        The line's own time is compared, not only the form's old value, so saving again
        after connecting Zoom still moves a meeting an earlier save could not move.
        """
        line = self._own_line(after)
        if after.cancelled or line is None:
            return self._foreign_notice(after) if after.starts_at != before.starts_at else None
        if line.starts_at(self.tz) == after.starts_at and before.duration_minutes == after.duration_minutes:
            return None
        if after.starts_at <= self.now():
            return Notice.warning("reschedule_into_past")
        host = Host.UNKNOWN  # pragma: no mutate
        try:
            with self.zoom.gate.within(CHANGE_SECONDS):
                host = self._host_for_change(after, line.meeting_id)
                if host is Host.OTHER:
                    return Notice.warning("reschedule_other_account")
                meeting = self._call(lambda client, token: _move(client, token, line.meeting_id, after, self.tz.key))
        except ZoomMeetingGone:
            if host is Host.MINE and not before.has_ended(self.now()):
                self._drop_own_line(self.book.get(after.id))
                return Notice.warning("reschedule_gone")
            return Notice.warning("reschedule_not_shown_to_you")
        except ZoomError as error:
            return _not_followed("change", error, self.tz)
        current = self.book.get(after.id)
        self._follow(current, line, meeting.topic, meeting.start_time, meeting.join_url, self._now_ms())
        if meeting.start_time != after.starts_at:
            held = notes.format_when(meeting.start_time.astimezone(self.tz)) if meeting.start_time else "as before"
            return Notice.warning("reschedule_not_applied", when=held)
        return Notice("info", "The Zoom meeting was moved to the new time.")

    def follow_cancel(self, appointment: Appointment) -> Notice | None:
        """Delete the cancelled appointment's meeting in Zoom (registered clients are emailed) and its line."""
        line = self._own_line(appointment)
        if line is None:
            return self._foreign_notice(appointment)
        try:
            with self.zoom.gate.within(CHANGE_SECONDS):
                if self._host_for_change(appointment, line.meeting_id) is Host.OTHER:
                    return Notice.warning("cancel_other_account")
                self._call(lambda client, token: client.delete_meeting(token, line.meeting_id, notify_registrants=True))
        except ZoomError as error:
            return _not_followed("delete", error, self.tz)
        self._drop_own_line(self.book.get(appointment.id))
        return Notice("info", "The Zoom meeting was deleted.")

    def _foreign_notice(self, appointment: Appointment) -> Notice | None:
        if appointment.zoom_line is None:
            return None
        return Notice.warning("foreign_line_left")

    # --- Zoom's events ---------------------------------------------------------------------

    def meeting_deleted(self, meeting_id: int) -> int:
        """Zoom's signed word that a meeting is gone: remove the app's line wherever it created it."""
        appointments = self.book.find_by_meeting(meeting_id)
        for appointment in appointments:
            self._drop_own_line(appointment)
        return len(appointments)

    def meeting_updated(
        self,
        meeting_id: int,
        topic: str | None,
        start: datetime | None,
        join_url: str | None,
        event_ms: int | None,
    ) -> int:
        """Zoom's signed word of a change: the app's lines follow it, unless they already reflect something newer.

        A replayed or late-retried older event (Zoom retries after 5, 20 and 60 minutes) must never
        move a line back, so each line remembers when what it shows came from Zoom.
        """
        applied = 0
        for appointment in self.book.find_by_meeting(meeting_id):
            line = self._own_line(appointment)
            stale = event_ms is not None and event_ms <= (appointment.zoom_synced_ms or 0)
            if line is not None and not stale:
                self._follow(appointment, line, topic, start, join_url, event_ms or self._now_ms())
                applied += 1
        return applied

    def _now_ms(self) -> int:
        return int(self.now().timestamp() * 1000)

    # --- editing the app's own line ------------------------------------------------------------

    def _own_line(self, appointment: Appointment) -> notes.ZoomLine | None:
        return appointment.zoom_line if appointment.line_is_own else None

    def _follow(
        self,
        appointment: Appointment,
        line: notes.ZoomLine,
        topic: str | None,
        start: datetime | None,
        join_url: str | None,
        as_of_ms: int,
    ) -> Appointment | None:
        """Rewrite the app's line to the topic, start and join link Zoom held at as_of_ms; None when nothing changed.

        What Zoom did not say is kept from the line; after a concurrent edit it is the fresh row's line.
        """

        def synced(found: notes.ZoomLine) -> str | None:
            return self._synced_text(found, topic, start, join_url)

        if synced(line) is None:
            return None
        saved = self._edit_line(appointment, synced, as_of_ms=as_of_ms)
        return None if saved.version == appointment.version else saved

    def _synced_text(
        self, line: notes.ZoomLine, topic: str | None, start: datetime | None, join_url: str | None
    ) -> str | None:
        """The line's text once it shows what Zoom said; None when it already does (or its start is unreadable).

        A registrant's personal link stays: Zoom's join_url is the plain link, not theirs. A join link
        that does not read back, or names another meeting, never replaces the line's.
        """
        topic = (topic or line.topic)[: notes.TOPIC_MAX]
        start = start or line.starts_at(self.tz)
        url = line.join_url
        if join_url and not notes.is_personal_link(url) and notes.join_link_meeting(join_url) == line.meeting_id:
            url = join_url
        if start is None or (topic, start, url) == (line.topic, line.starts_at(self.tz), line.join_url):
            return None
        return notes.format_line(topic, start.astimezone(self.tz), url)

    def _drop_own_line(self, appointment: Appointment) -> Appointment:
        """Remove the app's meeting's line and forget the meeting."""
        if appointment.zoom_meeting_id is None:
            return appointment
        return self._edit_line(appointment, None)

    def _edit_line(
        self,
        appointment: Appointment,
        new_text: Callable[[notes.ZoomLine], str | None] | None,
        *,
        as_of_ms: int | None = None,
    ) -> Appointment:
        """Rewrite the app's own line to new_text(line) (None: it already reads so), or without new_text
        remove it and forget the meeting.

        On a concurrent edit everything is decided again from the fresh row: whether its line already
        shows something newer than as_of_ms, which line is the app's, and that line's new text.
        """
        for _ in range(SAVE_ATTEMPTS):
            if as_of_ms is not None and as_of_ms < (appointment.zoom_synced_ms or 0):
                return appointment  # a later change in Zoom is in the line already
            line = self._own_line(appointment)
            text = new_text(line) if line and new_text else None
            edited = appointment.notes
            if line and new_text is None:
                edited = notes.remove_line(appointment.notes, line)
            elif line and text is not None:
                edited = notes.replace_line(appointment.notes, line, text)
            forgets = new_text is None and appointment.zoom_meeting_id is not None
            if edited == appointment.notes and not forgets:
                return appointment
            try:
                return self.book.set_notes(
                    appointment.id,
                    appointment.version,
                    edited,
                    meeting_ids=notes.meeting_ids(edited),
                    forget_meeting=new_text is None,
                    synced_ms=as_of_ms,
                    own_line_digest=None if text is None else notes.fingerprint(text),
                )
            except VersionConflict as conflict:
                appointment = conflict.current
        raise NotesBusy()


def orphaned_meeting(appointment: Appointment) -> int | None:
    """The app's meeting of an appointment whose notes no longer name it at all (its line deleted by hand), if any.

    A line of that meeting edited by hand is still there: it is shown as staff wrote it, not asked about.
    """
    meeting_id = appointment.zoom_meeting_id
    if meeting_id is None or notes.find_line(appointment.notes, meeting_id) is not None:
        return None
    return meeting_id


def _reads_back(line: str, meeting: Meeting) -> bool:
    found = notes.current_line(line)
    return found is not None and (found.join_url, found.meeting_id, found.start, found.end) == (
        meeting.join_url,
        meeting.id,
        0,
        len(line),
    )


def _move(client: ZoomClient, token: str, meeting_id: int, appointment: Appointment, timezone: str) -> Meeting:
    """PATCH answers no body, and ignores a start it finds in the past: read the meeting back."""
    client.update_meeting(
        token, meeting_id, start=appointment.starts_at, duration=appointment.duration_minutes, timezone=timezone
    )
    return client.get_meeting(token, meeting_id)


RETRY_HINT = {
    "change": "save the appointment again",
    "delete": "use Remove meeting on this page",
}


def _not_followed(what: str, error: ZoomError, tz: ZoneInfo) -> Notice:
    """The Zoom side did not follow: say why, and the two ways to fix it."""
    if isinstance(error, ZoomNotConnected | ZoomReconnect):
        reason = error.reason if isinstance(error, ZoomReconnect) else "Zoom is not connected in this browser"
        fix = f"Connect Zoom and {RETRY_HINT[what]}, or {what} it in Zoom at {FIX_IN_ZOOM}."
    else:
        reason = error.describe(tz)
        fix = f"Later, {RETRY_HINT[what]}, or {what} it in Zoom at {FIX_IN_ZOOM}."
    return Notice.warning("zoom_not_followed", reason=reason.removesuffix("."), fix=fix)
