"""Why a meeting operation cannot go ahead: each error's code names its message and Help entry."""

from __future__ import annotations

from simplespa_zoom.messages import say


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


class NothingToResend(MeetingError):
    """Resend invitation needs the app's meeting, a client email, the spa's mail and an appointment that stands."""

    code = "mail_resend_impossible"


class MeetingNotSaved(MeetingError):
    """The provider created the meeting but the notes could not record it."""

    code = "meeting_not_saved"
    http_status = 500
    left_in_zoom = False  # the meeting could not be deleted again: the next click adopts it

    @classmethod
    def because(cls, code: str, *, left_in_zoom: bool = False, **values: object) -> MeetingNotSaved:
        error = cls(say(code, **values))
        error.code = code
        error.left_in_zoom = left_in_zoom
        return error
