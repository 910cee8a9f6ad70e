"""The one editor of the app's line in an appointment's notes, shared by every meeting service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import notes, timing
from simplespa_zoom.meetings.domain import Appointment, DeletedInProvider, VersionConflict
from simplespa_zoom.meetings.errors import NotesBusy
from simplespa_zoom.meetings.invitations import Letters
from simplespa_zoom.meetings.ports import AppointmentBook, Clock, Letter, MeetingLineFormat


def own_line(appointment: Appointment) -> notes.MeetingLine | None:
    """The app's own line, if the line shown is it (not copied or typed)."""
    return appointment.meeting_line if appointment.line_is_own else None


@dataclass(frozen=True)
class LineEditor:
    """Appends, rewrites or removes the app's own line, re-deciding from the fresh row after a concurrent edit;
    the client's letter (invitation, update or cancellation) is written with the notes."""

    book: AppointmentBook
    tz: ZoneInfo
    now: Clock
    letters: Letters

    def now_ms(self) -> int:
        return int(self.now().timestamp() * 1000)

    def append(
        self, appointment: Appointment, line: str, meeting_id: int, host_mark: str | None, minutes: int
    ) -> tuple[Appointment, bool]:
        """Append the line of a meeting just made or adopted and record the meeting, with the client's
        invitation; the row, and whether this line was written.

        minutes is the length the meeting was asked for, kept as given: the row read again after a concurrent
        edit may hold another. On a concurrent edit the line goes onto the fresh notes, unless a request that
        took over a stale claim recorded a meeting meanwhile: then that row is returned as it is.
        """
        for _ in range(timing.SAVE_ATTEMPTS):
            try:
                appended = notes.append_line(appointment.notes, line)
                saved = self.book.record_meeting(
                    appointment.id,
                    appointment.version,
                    appended,
                    meeting_id,
                    host_mark,
                    self.now_ms(),
                    meeting_ids=notes.meeting_ids(appointment.line_format, appended),
                    line_digest=notes.fingerprint(line),
                    meeting_minutes=minutes,
                    letter=self.letters.invitation(appointment, meeting_id, line),
                )
                return saved, True
            except VersionConflict as conflict:
                appointment = conflict.current
            if appointment.line_is_own:
                return appointment, False
        raise NotesBusy()

    def follow(
        self,
        appointment: Appointment,
        line: notes.MeetingLine,
        topic: str | None,
        starts_at: datetime | None,
        join_url: str | None,
        as_of_ms: int,
    ) -> Appointment | None:
        """Rewrite the app's line to the topic, start and join link the provider held at as_of_ms; None when
        nothing changed. What the provider did not say is kept from the line (after a concurrent edit, the
        fresh row's line)."""

        def synced(found: notes.MeetingLine) -> str | None:
            return self.synced_text(appointment.line_format, found, topic, starts_at, join_url)

        if synced(line) is None:
            return None
        saved = self.edit(appointment, synced, as_of_ms=as_of_ms)
        return None if saved.version == appointment.version else saved

    def synced_text(
        self,
        line_format: MeetingLineFormat,
        line: notes.MeetingLine,
        topic: str | None,
        starts_at: datetime | None,
        join_url: str | None,
    ) -> str | None:
        """The line's text once it shows what the provider said; None when it already does (or its start is
        unreadable).

        A registrant's personal link stays: the provider's join link is the plain one, not theirs. A join
        link that does not read back, or names another meeting, never replaces the line's.
        """
        topic = (topic or line.topic)[: notes.TOPIC_MAX]
        starts_at = starts_at or line.starts_at(self.tz)
        url = line.join_url
        personal = line_format.is_personal_link(url)
        if join_url and not personal and notes.join_link_meeting(line_format, join_url) == line.meeting_id:
            url = join_url
        if starts_at is None or (topic, starts_at, url) == (line.topic, line.starts_at(self.tz), line.join_url):
            return None
        return notes.format_line(line_format, topic, starts_at.astimezone(self.tz), url)

    def drop(self, appointment: Appointment) -> Appointment:
        """Remove the app's meeting's line and forget the meeting: staff removed it, or the appointment is
        cancelled (the client's letter says which)."""
        if appointment.own_meeting_id is None:
            return appointment
        return self.edit(appointment, None)

    def gone(self, appointment: Appointment) -> Appointment:
        """The provider deleted the app's meeting: remove its line and forget it, writing the client nothing.

        The client may still hold its link, so a booked appointment remembers the deletion for staff to act on
        (a new meeting, or telling the client the session is no longer online): a deletion in the provider is
        not a cancellation, and the client must never read one while the appointment stands.
        """
        if appointment.own_meeting_id is None:
            return appointment
        return self.edit(appointment, None, gone=True)

    def edit(
        self,
        appointment: Appointment,
        new_text: Callable[[notes.MeetingLine], str | None] | None,
        *,
        as_of_ms: int | None = None,
        gone: bool = False,
    ) -> Appointment:
        """Rewrite the app's own line to new_text(line) (None: it already reads so), or without new_text
        remove it and forget the meeting (gone: the provider deleted it, see `gone`).

        On a concurrent edit everything is decided again from the fresh row: whether its line already
        shows something newer than as_of_ms, which line is the app's, and that line's new text.
        """
        for _ in range(timing.SAVE_ATTEMPTS):
            if as_of_ms is not None and as_of_ms < (appointment.synced_ms or 0):
                return appointment  # a later change in the provider is in the line already
            line = own_line(appointment)
            text = new_text(line) if line and new_text else None
            edited = appointment.notes
            if line and new_text is None:
                edited = notes.remove_line(appointment.notes, line)
            elif line and text is not None:
                edited = notes.replace_line(appointment.notes, line, text)
            forgets = new_text is None and appointment.own_meeting_id is not None
            if edited == appointment.notes and not forgets:
                return appointment
            removed = new_text is None
            deleted = None  # a cancelled appointment's client still gets its cancellation, which is true
            if gone and not appointment.cancelled:
                deleted = DeletedInProvider(self.now(), line.join_url if line else None)
            try:
                return self.book.set_notes(
                    appointment.id,
                    appointment.version,
                    edited,
                    meeting_ids=notes.meeting_ids(appointment.line_format, edited),
                    forget_meeting=removed,
                    synced_ms=as_of_ms,
                    own_line_digest=None if text is None else notes.fingerprint(text),
                    letter=None if deleted else self._letter(appointment, line, text, removed=removed),
                    deleted=deleted,
                )
            except VersionConflict as conflict:
                appointment = conflict.current
        raise NotesBusy()

    def tell_cancelled(self, appointment: Appointment) -> None:
        """The cancellation of a cancelled appointment without the app's line, whose client holds the spa's
        calendar entry (its meeting was removed or deleted in the provider before)."""
        letter = self.letters.cancellation(appointment)
        if letter is not None:
            self.book.queue_letter(appointment.id, letter)

    def tell_new_length(self, appointment: Appointment, old_minutes: int) -> None:
        """The client's update when the appointment took a new length and its line stayed as it was."""
        if appointment.duration_minutes == old_minutes:
            return
        letter = self.letters.after_new_length(appointment)
        if letter is not None:
            self.book.queue_letter(appointment.id, letter)

    def _letter(
        self, appointment: Appointment, line: notes.MeetingLine | None, text: str | None, *, removed: bool
    ) -> Letter | None:
        """The client's update (a new start or link), or the letter of the meeting removed (see after_removal)."""
        if removed:
            return self.letters.after_removal(appointment, line)
        if line is None or text is None:
            return None
        return self.letters.after_edit(appointment, line, text)
