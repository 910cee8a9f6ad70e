"""The spa's own letters to clients: which one a change of the app's line writes, and delivering them.

A letter follows the app's own line, not the form: the invitation when the line is first written (worded
as a new join link when it replaces a meeting deleted in the provider), an update when the line's start
changes (a reschedule), a new join link when only its link does (a new passcode learnt from the provider),
a new end when the meeting takes a new length, and when the line goes: a cancellation only for a cancelled
appointment, else that the appointment stays and is no longer online (Remove meeting, or staff's answer to a
meeting deleted in the provider, which by itself writes the client nothing). Every calendar letter but the
cancellation updates the one calendar entry (same UID, next SEQUENCE). The book writes each letter to its
outbox in the same transaction as the notes (a new length alone: as a resend is written), so a letter is
never lost and never written for a change that was not saved. Delivery is a separate round (right after the
request, and `send-mail` every minute) through the Postman port; reminders are queued by that round, once
per start, whoever runs it.

What a letter says is read again when it goes (`as_it_stands_now`): a letter waits while the mail server is
down, and meanwhile staff may correct the address or Zoom may give the meeting a new passcode. So it goes to
the client's address at that moment (or not at all once the address is removed) with the line's join link
and start at that moment. A change inside the reminder window sends an update that is also the reminder.

Nothing here is worded: what went wrong with a letter is the mail server's own answer or a code
(`MAIL_TOO_LATE`, the adapter's `mail_*` codes), and the web layer words where a letter stands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import notes, timing
from simplespa_zoom.meetings.domain import Appointment, AppointmentNotFound, VersionConflict
from simplespa_zoom.meetings.errors import LetterNotWaiting, NotesBusy, NothingToResend, ResendTooSoon
from simplespa_zoom.meetings.ports import (
    AppointmentBook,
    Clock,
    Letter,
    LetterKind,
    LetterState,
    MailDeferred,
    MailRefused,
    Outbox,
    Postman,
)

RETRY_FIRST_SECONDS = 60
MAIL_TOO_LATE = "mail_too_late"  # the outbox's reason for a letter the server did not take before the appointment ended
RETRY_MOST_SECONDS = 3600
MAIL_NO_ADDRESS = "mail_no_address"  # the outbox's reason for a letter dropped as the appointment has no email now
MAIL_STOPPED = "mail_stopped"  # the outbox's reason for a letter staff stopped before it went
REMINDER_SERVED = "reminder_served"  # a reminder not sent: an update inside the reminder window told the client
RESEND_EVERY = timedelta(minutes=5)  # at most one resent invitation per appointment this often
# Kinds that never follow the line at sending time: a cancellation says which meeting and start went.
KEEP_AS_WRITTEN = frozenset({LetterKind.CANCELLATION})
# Kinds that are no update of the calendar entry, so never stand in for a reminder.
NOT_AN_UPDATE = frozenset({LetterKind.INVITATION, LetterKind.REMINDER, LetterKind.CANCELLATION})


@dataclass(frozen=True)
class Letters:
    """Which letter a change of the app's line writes; none when the spa sends no mail of its own."""

    enabled: bool
    tz: ZoneInfo  # the zone the line's time is written in

    def invitation(self, appointment: Appointment, meeting_id: int, line_text: str) -> Letter | None:
        """The invitation for the line just written for a new meeting, if the client has an email; none when the
        line of the meeting the client was already invited to comes back (staff kept it after deleting it by hand)."""
        if appointment.own_meeting_id == meeting_id and appointment.mail_sequence > 0:
            return None
        line = notes.current_line(appointment.line_format, line_text)
        replacing = appointment.deleted_in_provider is not None and appointment.mail_sequence > 0
        kind = LetterKind.NEW_LINK if replacing else LetterKind.INVITATION
        return self._letter(appointment, kind, meeting_id, line, invited=True)

    def after_edit(self, appointment: Appointment, old: notes.MeetingLine, new_text: str) -> Letter | None:
        """The update the client was invited to: a new start, or only a new join link (a new passcode)."""
        new = notes.current_line(appointment.line_format, new_text)
        if new is None or (new.when_text, new.join_url) == (old.when_text, old.join_url):
            return None
        kind = LetterKind.NEW_LINK if new.when_text == old.when_text else LetterKind.UPDATE
        return self._letter(appointment, kind, old.meeting_id, new)

    def after_removal(self, appointment: Appointment, old: notes.MeetingLine | None) -> Letter | None:
        """The letter of the app's meeting removed by staff (old: its line, if the notes still held it): the
        cancellation of a cancelled appointment, else the update that the appointment is no longer online."""
        if not appointment.cancelled:
            return self.not_online(appointment)
        if old is None:
            return self.cancellation(appointment)
        return self._letter(appointment, LetterKind.CANCELLATION, old.meeting_id, old)

    def after_new_length(self, appointment: Appointment) -> Letter | None:
        """The update naming the new end when the appointment took a new length and its line stayed as it was."""
        return self._as_it_stands(appointment, LetterKind.NEW_LENGTH)

    def not_online(self, appointment: Appointment) -> Letter | None:
        """The update that the appointment stays and is no longer a video call: its calendar entry kept, no link."""
        return self._without_link(appointment, LetterKind.NOT_ONLINE)

    def cancellation(self, appointment: Appointment) -> Letter | None:
        """The cancellation of a cancelled appointment that has no meeting line, when the client holds the
        spa's calendar entry (the meeting was removed, or deleted in the provider, before the cancel)."""
        return self._without_link(appointment, LetterKind.CANCELLATION) if appointment.cancelled else None

    def _without_link(self, appointment: Appointment, kind: LetterKind) -> Letter | None:
        if not self.enabled or not appointment.client_email or appointment.mail_sequence == 0:
            return None  # never written to by the spa: no calendar entry of it to update
        return Letter(
            appointment_id=appointment.id,
            kind=kind,
            recipient=appointment.client_email,
            recipient_name=appointment.client_name,
            meeting_id=appointment.own_meeting_id or 0,
            join_url="",
            starts_at=appointment.starts_at,
            duration_minutes=appointment.duration_minutes,
            client_timezone=appointment.client_timezone,
        )

    def resend(self, appointment: Appointment) -> Letter | None:
        """The invitation again, as the appointment and its line stand now."""
        return self._as_it_stands(appointment, LetterKind.INVITATION, invited=True)

    def _as_it_stands(self, appointment: Appointment, kind: LetterKind, *, invited: bool = False) -> Letter | None:
        line = appointment.own_meeting_line
        if line is None or appointment.cancelled:
            return None
        return self._letter(appointment, kind, line.meeting_id, line, invited=invited)

    def _letter(
        self,
        appointment: Appointment,
        kind: LetterKind,
        meeting_id: int,
        line: notes.MeetingLine | None,
        *,
        invited: bool = False,
    ) -> Letter | None:
        if not self.enabled or not appointment.client_email or line is None:
            return None
        if not invited and appointment.mail_sequence == 0:
            return None  # never told of this meeting by the spa: no update or cancellation of it either
        return letter_for(appointment, kind, meeting_id, line, self.tz)


def letter_for(
    appointment: Appointment, kind: LetterKind, meeting_id: int, line: notes.MeetingLine, tz: ZoneInfo
) -> Letter:
    """The letter about this line's meeting at the line's start (what the client joins), to the client."""
    starts_at = line.starts_at(tz) or appointment.starts_at
    return Letter(
        appointment_id=appointment.id,
        kind=kind,
        recipient=appointment.client_email or "",
        recipient_name=appointment.client_name,
        meeting_id=meeting_id,
        join_url=line.join_url,
        starts_at=starts_at,
        duration_minutes=appointment.duration_minutes,
        client_timezone=appointment.client_timezone,
    )


def keep_without_meeting(
    book: AppointmentBook, letters: Letters, appointment_id: int
) -> tuple[Appointment, Appointment]:
    """Staff's answer to a meeting deleted in the provider: the client is told the session is no longer online
    (when the spa writes to them) and the deletion is forgotten; the row before and after."""
    before = appointment = book.get(appointment_id)
    for _ in range(timing.SAVE_ATTEMPTS):
        if appointment.deleted_in_provider is None:
            return before, appointment  # acted on already (another tab, or a new meeting)
        try:
            return before, book.forget_deletion(appointment.id, appointment.version, letters.not_online(appointment))
        except VersionConflict as conflict:
            appointment = conflict.current
    raise NotesBusy()


def as_it_stands_now(letter: Letter, appointment: Appointment, tz: ZoneInfo) -> Letter | None:
    """The letter as it goes now: to the client's current name and address, and, when it carries a join link to
    the meeting still in the notes, with that line's link and start and the appointment's length. None when the
    appointment has no email any more. A letter without a link (or a cancellation) keeps what it was written with."""
    if not appointment.client_email:
        return None
    readdressed = replace(
        letter,
        recipient=appointment.client_email,
        recipient_name=appointment.client_name,
        client_timezone=appointment.client_timezone,
    )
    line = appointment.own_meeting_line
    if (
        not letter.join_url
        or letter.kind in KEEP_AS_WRITTEN
        or appointment.cancelled
        or line is None
        or line.meeting_id != letter.meeting_id
    ):
        return readdressed
    return replace(
        readdressed,
        join_url=line.join_url,
        starts_at=line.starts_at(tz) or appointment.starts_at,
        duration_minutes=appointment.duration_minutes,
    )


def resend(book: AppointmentBook, letters: Letters, appointment_id: int, now: datetime) -> Appointment:
    """Queue the invitation again (after staff fixed the address, or the server was fixed), with a higher SEQUENCE;
    refused while one written within RESEND_EVERY waits or went, so clicks cannot fill the client's inbox."""
    appointment = book.get(appointment_id)
    letter = letters.resend(appointment)
    if letter is None:
        raise NothingToResend()
    queued = book.queue_letter(appointment_id, letter, unless_invited_since=now - RESEND_EVERY)
    if queued is None:
        raise ResendTooSoon(minutes=int(RESEND_EVERY.total_seconds() // 60))
    return queued


def stop(outbox: Outbox, appointment_id: int, letter_id: int, now: datetime) -> LetterKind:
    """Staff stop a letter still waiting for its turn (one being handed to the mail server right now goes); the kind
    of letter stopped."""
    kind = outbox.stop(appointment_id, letter_id, now, reason=MAIL_STOPPED)
    if kind is None:
        raise LetterNotWaiting()
    return kind


@dataclass(frozen=True)
class Tally:
    """What one delivery round did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    dropped: int = 0
    unaddressed: int = 0  # dropped: the appointment has no client email any more
    reminders_queued: int = 0
    purged: int = 0


@dataclass(frozen=True)
class MailRound:
    """Delivers what is due from the outbox, queues reminders once per start, and purges old letters."""

    outbox: Outbox
    postman: Postman
    book: AppointmentBook
    spa_tz: ZoneInfo
    reminder_minutes: int
    keep_days: int
    now: Clock

    def run(self) -> Tally:
        """One whole round, as `send-mail` runs it every minute."""
        queued = self.queue_reminders()
        delivered = self.deliver_due()
        purged = self.outbox.purge(self.now() - timedelta(days=self.keep_days))
        return replace(delivered, reminders_queued=queued, purged=purged)

    def queue_reminders(self) -> int:
        """A reminder for each meeting starting within REMINDER_MINUTES: at most one per start (the outbox's key)."""
        if not self.reminder_minutes:
            return 0
        now = self.now()
        queued = 0
        for appointment in self.outbox.reminders_due(now, now + timedelta(minutes=self.reminder_minutes)):
            line = appointment.own_meeting_line
            if line is None or appointment.cancelled or not appointment.client_email:
                continue
            letter = letter_for(appointment, LetterKind.REMINDER, line.meeting_id, line, self.spa_tz)
            if letter.starts_at != appointment.starts_at or self._reminded_by_update(letter):
                continue
            if self.outbox.add_reminder(letter, now):
                queued += 1
        return queued

    def _reminded_by_update(self, reminder: Letter) -> bool:
        """Whether an update the client gets (waiting) or got inside the reminder window stands in for the reminder."""
        window_opened = reminder.starts_at - timedelta(minutes=self.reminder_minutes)
        return self.outbox.updated_since(
            reminder.appointment_id, window_opened, not_kinds=NOT_AN_UPDATE, besides=reminder.id
        )

    def deliver_due(self) -> Tally:
        """Send every letter that is due, each claimed by one sender only; a refusal is kept with its reason."""
        sent = retrying = failed = dropped = unaddressed = 0
        while (claimed := self.outbox.claim_next(self.now())) is not None:
            now = self.now()
            try:
                appointment = self.book.get(claimed.appointment_id)
            except AppointmentNotFound:
                continue  # deleted meanwhile, its letters with it
            if claimed.kind is LetterKind.REMINDER:
                served = self._reminded_by_update(claimed)
                if served or not self._still_due(claimed, appointment):
                    self.outbox.settle(claimed, LetterState.DROPPED, now, error=REMINDER_SERVED if served else None)
                    dropped += 1
                    continue
            letter = as_it_stands_now(claimed, appointment, self.spa_tz)
            if letter is None:
                self.outbox.settle(claimed, LetterState.DROPPED, now, error=MAIL_NO_ADDRESS)
                unaddressed += 1
                continue
            try:
                self.postman.send(letter)
            except MailRefused as refused:
                self.outbox.settle(letter, LetterState.FAILED, now, error=refused.reason)
                failed += 1
            except MailDeferred as deferred:
                if letter.ends_at <= now:
                    self.outbox.settle(letter, LetterState.FAILED, now, error=MAIL_TOO_LATE)
                    failed += 1
                else:
                    self.outbox.retry(letter, now + retry_after(letter.attempts), error=deferred.reason)
                    retrying += 1
            else:
                self.outbox.settle(letter, LetterState.SENT, now, error=None)
                sent += 1
        return Tally(sent=sent, retrying=retrying, failed=failed, dropped=dropped, unaddressed=unaddressed)

    def _still_due(self, letter: Letter, appointment: Appointment) -> bool:
        """A reminder goes only while its appointment stands at that start with that meeting."""
        line = appointment.own_meeting_line
        return (
            not appointment.cancelled
            and line is not None
            and line.meeting_id == letter.meeting_id
            and appointment.starts_at == letter.starts_at
            and letter.starts_at > self.now()
        )


def retry_after(attempts: int) -> timedelta:
    """Backoff after a temporary failure: 1, 2, 4 … minutes, at most an hour."""
    return timedelta(seconds=min(RETRY_FIRST_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MOST_SECONDS))
