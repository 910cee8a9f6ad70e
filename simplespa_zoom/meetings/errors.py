"""Why a meeting operation cannot go ahead: each error's code names its message and Help entry.

The core words nothing: the web layer makes the sentence staff read from the code and the data.
"""

from __future__ import annotations


class MeetingError(Exception):
    """A meeting operation that cannot go ahead; its code, and the data its message needs, reach the browser."""

    code = "meeting_busy"
    http_status = 409

    def __init__(self, **data: object) -> None:
        super().__init__(self.code)
        self.data = data


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


class NothingToResend(MeetingError):
    """Resend invitation needs the app's meeting, a client email, the spa's mail and an appointment that stands."""

    code = "mail_resend_impossible"


class ResendTooSoon(MeetingError):
    """An invitation written within the last few minutes waits or went: a resend now would only fill the inbox."""

    code = "mail_resend_too_soon"
    http_status = 429


class LetterNotWaiting(MeetingError):
    """Stop asked for a letter no longer waiting: it went, was refused, was stopped, or is being sent right now."""

    code = "mail_not_waiting"


class MeetingNotSaved(MeetingError):
    """The provider created the meeting but the notes could not record it."""

    code = "meeting_not_saved"
    http_status = 500
    left_with_provider = False  # the meeting could not be deleted again: the next click adopts it

    @classmethod
    def because(cls, code: str, *, left_with_provider: bool = False, **values: object) -> MeetingNotSaved:
        error = cls(**values)
        error.code = code
        error.left_with_provider = left_with_provider
        return error


class LineKeptAfterDelete(MeetingError):
    """The provider deleted the meeting, but the notes (and the client's letter) could not be saved: the line is
    still there, and the next Remove meeting removes it (the provider counts the meeting as already gone)."""

    code = "meeting_deleted_line_kept"
    http_status = 500


class StartNotCreatedHere(MeetingError):
    """A copied or typed line: the app never acts on its meeting, and does not know who hosts it."""

    code = "start_not_created_here"
    http_status = 403


class StartOtherHost(MeetingError):
    """Another provider user hosts the meeting: only they may have its start link."""

    code = "start_other_host"
    http_status = 403


class StartHostUnknown(MeetingError):
    """The provider's read at the click named no host, or no user is named for this browser: no start link."""

    code = "start_host_unknown"
    http_status = 403
