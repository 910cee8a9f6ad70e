"""The stand-in's developer mailbox: the messages the local SMTP server received, as a newcomer reads them.

The demo's mail goes to zoom_standin.mailbox, never to a client; this page shows each message's
plain text, its HTML and its calendar file, so one can see what the spa sends without a mail client.
The HTML is the message's own and untrusted: it is shown in an iframe with an empty `sandbox` (no
scripts, no forms, no same origin) and the page's Content-Security-Policy allows no script at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import icalendar
from flask import Flask, Response, abort, render_template

from .mailbox import Mailbox, Received

# No script runs on these pages, whatever a message holds; the iframe's srcdoc inherits this policy.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'self'"
)
EVENT_FIELDS = ("UID", "SEQUENCE", "DTSTART", "DTEND", "LOCATION", "STATUS", "SUMMARY")
CALENDAR_TYPES = ("text/calendar", "application/ics")


@dataclass(frozen=True)
class CalendarFile:
    """A message's calendar file: its text and, when icalendar could read it, its key fields."""

    text: str
    method: str = ""
    events: tuple[dict[str, str], ...] = ()
    problem: str = ""


def calendar_file(received: Received) -> CalendarFile | None:
    """The calendar file a message carries (inline or attached), parsed back by icalendar."""
    text = next(filter(None, (received.part(kind) for kind in CALENDAR_TYPES)), None)
    if text is None:
        return None
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as error:
        return CalendarFile(text, problem=f"icalendar could not read it: {error}")
    events = tuple(
        {name: _ical_text(event.get(name)) for name in EVENT_FIELDS if name in event}
        for event in calendar.walk("VEVENT")
    )
    return CalendarFile(text, str(calendar.get("METHOD", "")), events)


def _ical_text(value: Any) -> str:
    """A property as people read it: dates as ISO text with their zone, the rest as its text."""
    if hasattr(value, "dt"):
        moment = value.dt
        return f"{moment.isoformat()} ({moment.tzinfo})" if getattr(moment, "tzinfo", None) else moment.isoformat()
    return str(value)


def _secured(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def add_mailbox_page(app: Flask, mailbox: Mailbox) -> None:
    """GET /mailbox (newest first) and GET /mailbox/<n> (one message; n counts from 1, oldest first)."""

    @app.get("/mailbox")
    def mailbox_list() -> Response:
        numbered = list(enumerate(mailbox.messages, start=1))
        page = render_template("sandbox/mailbox.html", messages=numbered[::-1], address=mailbox.url)
        return _secured(Response(page))

    @app.get("/mailbox/<int:number>")
    def mailbox_message(number: int) -> Response:
        messages = mailbox.messages
        if not 1 <= number <= len(messages):
            abort(404)
        received = messages[number - 1]
        page = render_template(
            "sandbox/mail_message.html",
            number=number,
            received=received,
            plain=received.part("text/plain"),
            html=received.part("text/html"),
            calendar=calendar_file(received),
        )
        return _secured(Response(page))
