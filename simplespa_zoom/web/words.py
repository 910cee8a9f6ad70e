"""The words staff read for what the core reports: the core says what happened with codes and data (its
errors, notices and checks), and this is the one place they become sentences, from the message table."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.errors import MeetingError
from simplespa_zoom.meetings.following import Check, CheckState, Notice, NoticeLevel
from simplespa_zoom.meetings.invitations import MAIL_NO_ADDRESS, MAIL_STOPPED
from simplespa_zoom.meetings.ports import (
    LetterKind,
    LetterState,
    LetterStatus,
    ProviderError,
    ProviderNotConnected,
    ProviderReconnect,
)
from simplespa_zoom.meetings.presence import PresenceNote
from simplespa_zoom.meetings.starting import StartOffer
from simplespa_zoom.meetings.when import format_clock, format_when
from simplespa_zoom.messages import (
    LETTER_KINDS,
    LETTER_NEWS,
    MESSAGES,
    PERMISSIONS,
    PROVIDER_CODES,
    RECONNECT_REASON,
    SOMEONE,
    WORDS,
    say,
    tell,
)

_CONFIRMED = (CheckState.OK, CheckState.UPDATED)  # a check that found nothing to fix says so, with no Help entry


def say_error(code: str, data: Mapping[str, Any], tz: ZoneInfo) -> str:
    """A provider error's message: the one place its data (a reset time, scopes, Zoom's own words) become words."""
    worded_as = PROVIDER_CODES.get(code, code)
    if worded_as == "zoom_daily_limit":
        return say(code, time=format_clock(data["resets_at"].astimezone(tz)), zone=tz.key)
    if worded_as == "zoom_missing_permission":
        named = ", ".join(f"{PERMISSIONS.get(scope, scope)} ({scope})" for scope in data.get("scopes", ()))
        return say(code, permissions=named or tell("any_permission"))
    if worded_as == "zoom_rejected":
        said, lacking = data.get("said"), data.get("lacking")
        return say(code, detail=tell("zoom_said", said=said) if said else tell(lacking) if lacking else "")
    return say(code)


def say_meeting(summary: dict[str, object] | None) -> dict[str, object] | None:
    """The widget's meeting summary with its note worded: what it says instead of checking with the provider."""
    if summary is None:
        return None
    code = summary["note_code"]
    return {**summary, "note": say(str(code)) if code else None}


def say_presence(note: PresenceNote, tz: ZoneInfo, now: datetime | None = None, someone: bool = False) -> str:
    """Who is in the meeting, with its time on the spa's clock ("Client is waiting since 5:58 pm."); a time not of
    today (on the spa's calendar) with its date, so yesterday evening's news is not read as today's. someone: the
    events do not tell the client from staff, so the sentence says "Someone" where it would say "Client"."""
    code = SOMEONE.get(note.code, note.code) if someone else note.code
    local = note.at.astimezone(tz)
    today = (now or datetime.now(UTC)).astimezone(tz).date()
    return say(code, time=format_clock(local) if local.date() == today else format_when(local))


def say_letter_status(status: LetterStatus | None, tz: ZoneInfo) -> dict[str, object] | None:
    """What the widget says about the client's invitation: queued (to the address it will go to), sent (when) or
    failed (why: the mail server's own answer, or the message of the code the outbox kept when the server said
    nothing)."""
    if status is None or status.state is LetterState.DROPPED:
        return None
    code, text = _say_letter(status, tz)
    return {
        "state": str(status.state),
        "code": code,
        "text": text,
        "failed": code == "mail_failed",
        "help": code != "mail_sent",  # a letter sent leaves nothing to do: no "What to do" beside it
    }


def say_letters(statuses: list[LetterStatus], tz: ZoneInfo) -> list[dict[str, object]]:
    """The appointment page's list of letters to the client, oldest first: what, when, to which address, and
    whether staff may still stop it. A reminder the round dropped by itself (no longer due) is no letter to list."""
    shown = []
    for status in statuses:
        dropped = status.state is LetterState.DROPPED
        if dropped and status.error not in (MAIL_STOPPED, MAIL_NO_ADDRESS):
            continue
        code, text = _say_letter(status, tz)
        queued = status.state is LetterState.QUEUED
        shown.append({"id": status.id, "code": code, "text": text, "stoppable": queued and code == "mail_queued"})
    return shown


def _say_letter(status: LetterStatus, tz: ZoneInfo) -> tuple[str, str]:
    """The code and sentence of where one letter stands."""
    values: dict[str, object] = {"what": LETTER_KINDS.get(str(status.kind), str(status.kind)), "to": status.recipient}
    if status.settled_at is not None:
        values["when"] = format_when(status.settled_at.astimezone(tz))
    if status.state is LetterState.QUEUED:
        code = "mail_queued" if status.recipient else "mail_unaddressed"
    elif status.state is LetterState.SENT:
        code = "mail_sent"
    elif status.state is LetterState.FAILED:
        code = "mail_failed"
        reason = status.error or ""
        values["why"] = (say(reason) if reason.startswith("mail_") and reason in MESSAGES else reason).rstrip(".")
    else:
        code = "mail_stopped" if status.error == MAIL_STOPPED else "mail_unaddressed"
    return code, say(code, **values)


def say_provider_error(error: ProviderError, tz: ZoneInfo) -> str:
    return say_error(error.code, error.data, tz)


def say_meeting_error(error: MeetingError) -> str:
    return say(error.code, **error.data)


def say_check(check: Check) -> str:
    """What a status check found: a confirmation when all is well, else the message of its Help entry."""
    return tell(check.code) if check.state in _CONFIRMED else say(check.code, **check.values)


def say_start_offer(offer: StartOffer) -> str | None:
    """Why the widget offers no Start meeting button, where someone else can start the meeting."""
    return say(offer.code) if offer.code else None


def say_notice(notice: Notice, tz: ZoneInfo) -> str:
    """What a follow-through to the provider tells staff: a confirmation, or a warning from the message table."""
    if notice.level is NoticeLevel.INFO:
        return tell(notice.code)
    values = notice.values
    if notice.code == "zoom_not_followed":
        return _not_followed(str(values["what"]), cast(ProviderError, values["error"]), tz)
    if notice.code == "reschedule_not_applied":  # the start the provider still holds, if it said one
        held = values["starts_at"]
        when = format_when(held.astimezone(tz)) if isinstance(held, datetime) else tell("start_as_before")
        return say(notice.code, when=when)
    return say(notice.code, **values)


def _not_followed(what: str, error: ProviderError, tz: ZoneInfo) -> str:
    """The provider's side did not follow: say why, and the two ways to fix it."""
    retry = tell(f"retry_{what}")
    if isinstance(error, ProviderNotConnected | ProviderReconnect):
        reason = RECONNECT_REASON if isinstance(error, ProviderReconnect) else tell("reason_not_connected")
        fix = tell("fix_after_connecting", retry=retry, what=what)
    else:
        reason = say_error(error.code, error.data, tz)
        fix = tell("fix_later", retry=retry, what=what)
    return say("zoom_not_followed", reason=reason.removesuffix("."), fix=fix)


def say_client_gets(appointment: Appointment, kind: LetterKind | None, mail_on: bool) -> str:
    """What the client gets by email from a staff action (the letter's kind), or why nothing goes to them."""
    client = appointment.client_name
    if kind is not None:
        return tell("told_letter", client=client, what=LETTER_NEWS[str(kind)])
    if not mail_on:
        return tell("told_no_mail", client=client)
    if not appointment.client_email:
        return tell("told_no_address", client=client)
    if appointment.mail_sequence == 0:
        return tell("told_never_written", client=client)
    return tell("told_nothing_new", client=client)


def say_told(before: Appointment, after: Appointment, latest: LetterStatus | None, mail_on: bool) -> str:
    """After a staff action: the letter it wrote (the book counts each calendar letter), or why there is none."""
    written = after.mail_sequence > before.mail_sequence and latest is not None
    return say_client_gets(after, latest.kind if written and latest else None, mail_on)


def say_deleted(appointment: Appointment, now: datetime, tz: ZoneInfo) -> dict[str, str] | None:
    """The notice of a meeting deleted in Zoom that staff have not acted on: the page's sentence and the day
    list's, with when; None once acted on, cancelled or over."""
    deleted = appointment.deletion_to_tell(now)
    if deleted is None:
        return None
    when = format_when(deleted.at.astimezone(tz))
    held = appointment.mail_sequence > 0 and bool(appointment.client_email)  # the spa emailed them its link
    code = "meeting_deleted_in_zoom_client_holds_link" if held else "meeting_deleted_in_zoom_client_not_told"
    row = WORDS["deleted_in_zoom_row_link" if held else "deleted_in_zoom_row"].format(when=when)
    return {"text": say(code, when=when, client=appointment.client_name), "row": row, "code": code}
