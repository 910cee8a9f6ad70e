"""A letter as an email: plain text and escaped HTML by Python's `email` package, the calendar file by `icalendar`.

Every header is built by the library from checked values (names and addresses refuse control characters
and encoded words at input; the library folds and encodes the rest), and the postman checks every header
of the message again before sending it (mail/headers.py), so nothing a client's name holds can add a header.
The message carries the client's join link (their personal registrant link where the provider
registered them) and never the host's start link or anything from a session.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

import icalendar

from simplespa_zoom.mail.headers import VERIFY_GENERATED_HEADERS
from simplespa_zoom.meetings.ports import Letter, LetterKind
from simplespa_zoom.meetings.when import format_clock, format_when, zone_name
from simplespa_zoom.messages import LETTERS

PRODID = "-//SimpleSpa Zoom//Appointments//EN"


class LetterPolicy(EmailPolicy):
    """Python's `email.policy.SMTP`, but a header never folds right after its name.

    A value that does not fit beside its name and fits on a line of its own (a 70-78 character Subject) is
    moved whole onto a continuation line ("Subject:" CRLF " Your video…"). That is valid, but Python's own
    parser, and some mail programs, then read the subject with a leading space. Such a value goes back
    beside its name: the line is at most 78 + the name's length, well inside the 998 a line may hold.
    """

    def fold(self, name: str, value: str) -> str:
        return _unfold_after_name(super().fold(name, value), name, self.linesep)

    def fold_binary(self, name: str, value: str) -> bytes:  # what smtplib sends
        folded = super().fold_binary(name, value).decode("ascii", "surrogateescape")
        return _unfold_after_name(folded, name, self.linesep).encode("ascii", "surrogateescape")


def _unfold_after_name(folded: str, name: str, linesep: str) -> str:
    """The folded header with a fold right after "Name:" taken back (its continuation's space stays)."""
    after_name = f"{name}:{linesep} "
    return f"{name}: " + folded[len(after_name) :] if folded.startswith(after_name) else folded


LETTER_POLICY = LetterPolicy(linesep="\r\n", **VERIFY_GENERATED_HEADERS)  # as email.policy.SMTP
METHODS = {LetterKind.CANCELLATION: "CANCEL"}  # every other calendar letter is a REQUEST: it updates the entry


@dataclass(frozen=True)
class Letterhead:
    """Who the letters are from, and the spa's zone their times are written in."""

    sender: Address
    spa_tz: ZoneInfo

    @property
    def spa_name(self) -> str:
        return self.sender.display_name or self.sender.addr_spec


def event_uid(letter: Letter, sender: Address) -> str:
    """One UID per appointment, so a calendar moves or removes the entry the invitation made."""
    return f"appointment-{letter.appointment_id}@{sender.domain}"


def message_id(letter: Letter, sender: Address) -> str:
    """One Message-ID per outbox letter, the same at every attempt, so a copy sent again is recognisable.

    When it was queued keeps it unique should SQLite give a purged letter's id to a new one (a mailbox
    may drop a message whose Message-ID it already holds)."""
    if letter.id is None or letter.queued_at is None:  # not from the outbox: a fresh one
        return make_msgid(domain=sender.domain)
    return f"<letter-{letter.id}.{letter.appointment_id}.{letter.queued_at:%Y%m%d%H%M%S}@{sender.domain}>"


def compose(letter: Letter, head: Letterhead, now: datetime | None = None) -> EmailMessage:
    """The message for a letter: plain text, HTML, and for calendar letters the calendar file."""
    now = now or datetime.now(UTC)
    words = _words(letter, head)
    message = EmailMessage(policy=LETTER_POLICY)
    message["From"] = head.sender
    message["To"] = Address(display_name=letter.recipient_name, addr_spec=letter.recipient)
    message["Subject"] = LETTERS[f"subject_{letter.kind}"].format(**words)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(letter, head.sender)
    message["Auto-Submitted"] = "auto-generated"
    paragraphs = _paragraphs(letter, words)
    message.set_content("\n\n".join(paragraphs) + "\n")
    message.add_alternative(_html(paragraphs, letter.join_url), subtype="html")
    if letter.kind is not LetterKind.REMINDER:
        method = METHODS.get(letter.kind, "REQUEST")
        message.add_alternative(calendar_file(letter, head, now, method), subtype="calendar", params={"method": method})
    return message


def _words(letter: Letter, head: Letterhead) -> dict[str, str]:
    spa_local = letter.starts_at.astimezone(head.spa_tz)
    words = {
        "name": letter.recipient_name,
        "spa": head.spa_name,
        "when": format_when(spa_local),
        "end": format_clock(letter.ends_at.astimezone(head.spa_tz)),
        "zone": zone_name(head.spa_tz.key),
        "link": letter.join_url,
        "client_when": "",
    }
    if letter.client_timezone and letter.client_timezone != head.spa_tz.key:
        client_local = letter.starts_at.astimezone(ZoneInfo(letter.client_timezone))
        words["client_when"] = LETTERS["client_time"].format(
            when=format_when(client_local), zone=zone_name(letter.client_timezone)
        )
    return words


def _paragraphs(letter: Letter, words: dict[str, str]) -> list[str]:
    """The letter's paragraphs as plain text; the join link is its own paragraph (the HTML links it)."""
    body = LETTERS[f"body_{letter.kind}"].format(**words) + words["client_when"]
    paragraphs = [LETTERS["greeting"].format(**words), body]
    if letter.join_url:  # a cancellation, or an appointment no longer online, has none
        paragraphs += [LETTERS["join"], letter.join_url]
    paragraphs.append(LETTERS["signature"].format(**words))
    return paragraphs


def _html(paragraphs: list[str], join_url: str) -> str:
    """The same paragraphs as HTML, every value escaped; the join link as a link."""
    parts = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph)
        if paragraph == join_url:
            escaped = f'<a href="{html.escape(join_url, quote=True)}">{escaped}</a>'
        parts.append(f"<p>{escaped}</p>")
    return "<!doctype html>\n<html><body>\n" + "\n".join(parts) + "\n</body></html>\n"


def calendar_file(letter: Letter, head: Letterhead, now: datetime, method: str) -> str:
    """The .ics: one event with the appointment's UID and the letter's SEQUENCE, in UTC, the join link (if any)
    as place."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", event_uid(letter, head.sender))
    event.add("sequence", letter.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", letter.starts_at.astimezone(UTC))
    event.add("dtend", letter.ends_at.astimezone(UTC))
    if letter.join_url:
        event.add("summary", LETTERS["event_summary"].format(spa=head.spa_name))
        event.add("location", letter.join_url)
        event.add("url", letter.join_url)
        event.add("description", LETTERS["event_description"].format(link=letter.join_url))
    else:  # the entry stays (or goes, cancelled) without a link: no place to join
        event.add("summary", LETTERS["event_summary_not_online"].format(spa=head.spa_name))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{head.sender.addr_spec}")
    organizer.params["cn"] = icalendar.vText(head.spa_name)
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{letter.recipient}")
    attendee.params["cn"] = icalendar.vText(letter.recipient_name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical().decode()
