"""Zoom's event notifications, read into typed events and applied from one table: a new event is
one entry and one handler. The signature is checked before anything here runs (web/webhooks.py).

Nothing Zoom sends is kept: an event changes the app's own lines, or is acknowledged and logged
by its name only.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.domain import FIRST_YEAR, LAST_YEAR, indexable
from simplespa_zoom.meetings.errors import NotesBusy
from simplespa_zoom.meetings.events import MeetingEvents
from simplespa_zoom.meetings.presence import PresenceEvents, Who
from simplespa_zoom.meetings.presence_ports import Kind
from simplespa_zoom.zoom.api import parse_zoom_time
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT
from simplespa_zoom.zoom.webhook_signature import validation_answer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """A signed event as Zoom posts it: its name, its payload object, and when Zoom says it happened (ms)."""

    name: str
    payload: dict[str, Any]
    event_ms: int | None

    @classmethod
    def read(cls, body: Any) -> Event:
        """Whatever JSON arrived, as an event (an unusable one has no name the table knows)."""
        envelope = body if isinstance(body, dict) else {}
        name, payload, event_ts = envelope.get("event"), envelope.get("payload"), envelope.get("event_ts")
        return cls(
            name if isinstance(name, str) else _printable(name),
            payload if isinstance(payload, dict) else {},
            event_ts
            if isinstance(event_ts, int) and not isinstance(event_ts, bool) and 0 < event_ts < 10**14
            else None,
        )


@dataclass(frozen=True)
class MeetingChange:
    """A meeting's new topic, start and join link from meeting.updated (None: not given, or unusable)."""

    topic: str | None
    starts_at: datetime | None
    join_url: str | None
    unusable: tuple[str, ...]  # the fields given but not usable, named in the operator's log

    @classmethod
    def read(cls, meeting: dict[str, Any], meeting_id: int) -> MeetingChange:
        topic, starts_at = _text(meeting.get("topic")), _start(meeting.get("start_time"))
        url = _text(meeting.get("join_url"))
        join_url = url if url is not None and notes.join_link_meeting(ZOOM_LINE_FORMAT, url) == meeting_id else None
        given = {"topic": topic, "start_time": starts_at, "join_url": join_url}
        unusable = tuple(field for field, value in given.items() if value is None and meeting.get(field) is not None)
        return cls(topic, starts_at, join_url, unusable)


@dataclass(frozen=True)
class PresenceChange:
    """A meeting's start or end, or a participant joining or leaving it or its waiting room: which meeting
    session, who (told apart by the event's host id or host email and registrant id; no one's id or email is kept)
    and when."""

    meeting_id: int
    session: str
    who: Who
    at_ms: int | None  # None: the event said not when (the core takes the time it arrived)
    participant: str = ""  # a one-way digest of who (two devices joining in one millisecond stay two)

    @classmethod
    def read(cls, event: Event, meeting_id: int) -> PresenceChange:
        meeting = event.payload["object"]
        uuid = _text(meeting.get("uuid")) or ""
        # Only a digest of the session's uuid is kept: enough to tell one session from the next.
        session = _digest(uuid)
        person = meeting.get("participant")
        participant = ""
        if not isinstance(person, dict):
            who = Who.MEETING
        elif _is_host(meeting, person):
            who = Who.HOST
        elif _text(person.get("registrant_id")):
            who = Who.REGISTRANT  # the app registers only the appointment's client
        else:
            who = Who.GUEST
        if isinstance(person, dict):
            # Zoom's id of this participant in this meeting (never their Zoom user id): only a digest is kept.
            ids = (_text(person.get(name)) for name in ("participant_uuid", "user_id"))
            participant = _digest(next((value for value in ids if value), ""))
        return cls(meeting_id, session, who, event.event_ms or _time_ms(person, meeting), participant)


def _is_host(meeting: dict[str, Any], person: dict[str, Any]) -> bool:
    """The host as the event tells it: signed in on this device (their Zoom user id is the meeting's host id), or
    with the host's email where the event gives both (Zoom sends a participant's email mostly for its own account's
    users, and host_email on some meeting events). A host who joins another way looks like anyone else."""
    host = _text(meeting.get("host_id"))
    ids = {_text(person.get("id")), _text(person.get("participant_user_id"))} - {None}
    host_email, email = _text(meeting.get("host_email")), _text(person.get("email"))
    return host in ids or (host_email is not None and email is not None and host_email.casefold() == email.casefold())


@dataclass(frozen=True)
class Context:
    """What handlers act with: the core's event services and the secret that answers URL validation."""

    meetings: MeetingEvents
    secret: str
    presence: PresenceEvents | None = None


Answer = dict[str, Any] | None  # the JSON body Zoom expects back, if any (else an empty 204)


def apply(event: Event, context: Context) -> Answer:
    """Apply one signed event through the table; unknown ones are acknowledged and logged by name."""
    handler = HANDLERS.get(event.name)
    if handler is None:
        log.info("Zoom webhook: event %s ignored", _printable(event.name))
        return None
    return handler(event, context)


def _url_validation(event: Event, context: Context) -> Answer:
    plain = _text(event.payload.get("plainToken"))
    if plain is None:
        log.info("Zoom webhook: URL validation without a usable plainToken, acknowledged")
        return None
    return {"plainToken": plain, "encryptedToken": validation_answer(context.secret, plain)}


def _deauthorized(event: Event, context: Context) -> Answer:
    """Nothing of the user's is stored to delete; Zoom sends no more events of their meetings, so their pages are
    told that presence is off (a keyed fingerprint of the user is kept for that, until they connect again)."""
    user_id = _text(event.payload.get("user_id"))
    if user_id is not None and context.presence is not None:
        context.presence.host_removed(user_id)
    log.info("Zoom webhook: app deauthorized by a user; no Zoom data is stored, so there is nothing to delete")
    return None


def _meeting_deleted(event: Event, context: Context) -> Answer:
    meeting_id = _meeting_id(event)
    if meeting_id is not None:
        count = context.meetings.meeting_deleted(meeting_id)
        log.info("Zoom webhook: %s applied to %d appointment(s)", event.name, count)
    return None


def _meeting_updated(event: Event, context: Context) -> Answer:
    meeting_id = _meeting_id(event)
    if meeting_id is None:
        return None
    change = MeetingChange.read(event.payload["object"], meeting_id)
    if change.unusable:
        log.info("Zoom webhook: %s with unusable %s; those fields ignored", event.name, ", ".join(change.unusable))
    count = context.meetings.meeting_updated(
        meeting_id, change.topic, change.starts_at, change.join_url, event.event_ms
    )
    log.info("Zoom webhook: %s applied to %d appointment(s)", event.name, count)
    return None


# Each presence event: the kind of mark it is kept as, and whether it is about a participant (else the meeting).
# The README's event table ("Setting up the Zoom app") lists each with what it means and its source.
PRESENCE_KINDS: dict[str, tuple[Kind, bool]] = {
    "meeting.started": (Kind.STARTED, False),
    "meeting.ended": (Kind.ENDED, False),
    "meeting.participant_jbh_waiting": (Kind.HOST_AWAITED, True),  # join before host off: waits for the host
    "meeting.participant_jbh_joined": (Kind.EARLY_JOINED, True),  # join before host on: in before the host
    "meeting.participant_joined_waiting_room": (Kind.WAITING, True),
    "meeting.participant_put_in_waiting_room": (Kind.PUT_BACK, True),  # the host moved them back
    "meeting.participant_left_waiting_room": (Kind.WAITING_LEFT, True),
    "meeting.participant_admitted": (Kind.ADMITTED, True),  # may come without "left the waiting room"
    "meeting.participant_joined": (Kind.JOINED, True),
    "meeting.participant_left": (Kind.LEFT, True),  # its leave_reason (Zoom's own words) is not needed
}


def _presence(event: Event, context: Context) -> Answer:
    """A presence event, kept as a mark of its kind for the meeting's appointments."""
    kind, participant = PRESENCE_KINDS[event.name]
    meeting_id = _meeting_id(event)
    if meeting_id is None or context.presence is None:
        return None
    if participant and not isinstance(event.payload["object"].get("participant"), dict):
        log.info("Zoom webhook: %s names no participant, acknowledged", event.name)
        return None
    change = PresenceChange.read(event, meeting_id)
    try:
        count = context.presence.record(
            change.meeting_id, change.session, kind, change.who, change.at_ms, change.participant
        )
    except NotesBusy:
        log.warning("Zoom webhook: %s kept, but the notes stayed busy; the next event writes the line", event.name)
        return None
    log.info("Zoom webhook: %s applied to %d appointment(s)", event.name, count)
    return None


HANDLERS: dict[str, Callable[[Event, Context], Answer]] = {
    "endpoint.url_validation": _url_validation,
    "app_deauthorized": _deauthorized,
    "meeting.deleted": _meeting_deleted,
    "meeting.updated": _meeting_updated,
    **dict.fromkeys(PRESENCE_KINDS, _presence),
}


def _meeting_id(event: Event) -> int | None:
    """The id of the event's meeting, if it is one the database could hold (else logged and acknowledged)."""
    meeting = event.payload.get("object")
    value = meeting.get("id") if isinstance(meeting, dict) else None
    text = str(value) if isinstance(value, int | str) else ""  # True and False read as words, never as digits
    # Over 19 digits is never indexable, and int() of a huge string costs time.
    if len(text) > 19 or not (text.isascii() and text.isdigit()) or not indexable(int(text)):
        log.info("Zoom webhook: %s names no meeting, acknowledged", event.name)
        return None
    return int(text)


def _digest(value: str) -> str:
    """A one-way digest (64 bits of SHA-256) of a Zoom id: tells one from another; the id itself is not kept."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def _text(value: Any) -> str | None:
    """Text the app can answer with and store: UTF-8 (no lone surrogate) without NUL, which PostgreSQL can't hold."""
    if not isinstance(value, str) or not value or "\x00" in value:
        return None
    try:
        value.encode()
    except UnicodeEncodeError:
        return None
    return value


def _time_ms(person: Any, meeting: dict[str, Any]) -> int | None:
    """When an event without event_ts happened, by the times its payload gives (else its meeting's start)."""
    fields = ("join_time", "leave_time", "date_time") if isinstance(person, dict) else ()
    for value in [person.get(name) for name in fields] + [meeting.get("end_time"), meeting.get("start_time")]:
        if (instant := parse_zoom_time(value)) is not None:
            return int(instant.timestamp() * 1000)
    return None


def _start(value: Any) -> datetime | None:
    """A meeting start the book can hold (the years its forms take); Zoom sends no other."""
    start = parse_zoom_time(value)
    return start if start is not None and FIRST_YEAR <= start.year <= LAST_YEAR else None


def _printable(value: Any) -> str:
    """An event name as one short, harmless log token."""
    text = value if isinstance(value, str) else type(value).__name__
    return "".join(char if char.isascii() and char.isprintable() else "?" for char in text[:64])
