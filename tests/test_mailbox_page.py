"""The stand-in's developer mailbox page: what the local SMTP server received, readable and harmless."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from html.parser import HTMLParser

import icalendar
import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from zoom_standin import create_sandbox
from zoom_standin.mailbox import Mailbox

from .test_mailbox import message, send

JOIN_URL = "https://us05web.zoom.us/j/85746065432?pwd=AbC.1"
HOSTILE_HTML = (
    '<p>Hello <b>Ana</b></p><script>document.title = "ran"</script>'
    '<img src="x" onerror="document.title = \'ran\'"><a href="javascript:alert(1)">join</a>'
)


class Tags(HTMLParser):
    """Every element of a page with its attributes, as a browser's parser finds them, and the <dt>/<dd> texts."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.terms: list[str] = []  # name, value, name, value … of every <dl>
        self.in_term = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))
        if tag in ("dt", "dd"):
            self.in_term = True
            self.terms.append("")

    def handle_endtag(self, tag: str) -> None:
        self.in_term = self.in_term and tag not in ("dt", "dd")

    def handle_data(self, data: str) -> None:
        if self.in_term:
            self.terms[-1] += data

    def fields(self) -> dict[str, str]:
        """The page's definition lists as one mapping (a later name wins)."""
        return dict(zip(self.terms[::2], self.terms[1::2], strict=True))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.found if name == tag]


@pytest.fixture
def page(mail_server: Mailbox) -> FlaskClient:
    """The stand-in's pages, showing the running mailbox."""
    return create_sandbox(mailbox=mail_server).test_client()


def invitation(*, sequence: int = 0, method: str = "REQUEST", status: str = "CONFIRMED") -> EmailMessage:
    """An invitation as a spa sends it: plain text, HTML and a calendar file built by icalendar."""
    start = datetime(2026, 12, 5, 20, 0, tzinfo=UTC)
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//Serene Spa//Appointments//EN")
    calendar.add("VERSION", "2.0")
    calendar.add("METHOD", method)
    event = icalendar.Event()
    event.add("UID", "appointment-17@spa.example")
    event.add("SEQUENCE", sequence)
    event.add("DTSTAMP", start - timedelta(days=2))
    event.add("DTSTART", start)
    event.add("DTEND", start + timedelta(minutes=60))
    event.add("SUMMARY", "Appointment with Serene Spa")
    event.add("LOCATION", JOIN_URL)
    event.add("STATUS", status)
    calendar.add_component(event)
    mail = message(subject="Your appointment on 5 December")
    mail.add_alternative(calendar.to_ical().decode(), subtype="calendar", params={"method": method})
    return mail


def test_messages_are_listed_newest_first_with_subject_from_to_and_time(page: FlaskClient, mail_server) -> None:
    send(mail_server, message(subject="First: your invitation"))
    send(mail_server, message(to="ben@client.example", subject="Second: your reminder"))
    first, second = mail_server.wait_for(2)
    answer = page.get("/mailbox")
    listing = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert listing.index("Second: your reminder") < listing.index("First: your invitation")
    assert "Serene Spa &lt;spa@spa.example&gt;" in listing
    assert "ben@client.example" in listing and "ana@client.example" in listing
    assert second.received_at.strftime("%Y-%m-%d %H:%M:%S") in listing
    links = [attrs["href"] for attrs in Tags(listing).all("a")]
    assert "/mailbox/2" in links and "/mailbox/1" in links
    assert mail_server.url in listing


def test_a_subject_folded_after_its_name_is_shown_without_the_fold(page: FlaskClient, mail_server) -> None:
    """Python's email folds a long Subject right after "Subject:"; the parsed value then starts with a space."""
    folded = b"From: spa@spa.example\r\nTo: ana@client.example\r\nSubject:\r\n Folded subject\r\n\r\nHello.\r\n"
    with smtplib.SMTP(mail_server.host, mail_server.port, timeout=10) as smtp:
        smtp.sendmail("spa@spa.example", ["ana@client.example"], folded)
    mail_server.wait_for(1)
    assert ">Folded subject</a>" in page.get("/mailbox").get_data(as_text=True)
    assert "<h1>Folded subject</h1>" in page.get("/mailbox/1").get_data(as_text=True)


def test_an_empty_mailbox_says_so(page: FlaskClient) -> None:
    assert "No messages yet." in page.get("/mailbox").get_data(as_text=True)


def test_one_message_shows_its_plain_text_its_html_and_its_calendar_fields(page: FlaskClient, mail_server) -> None:
    send(mail_server, invitation(sequence=2))
    mail_server.wait_for(1)
    shown = page.get("/mailbox/1").get_data(as_text=True)
    assert "Your appointment on 5 December" in shown
    assert "See you soon." in shown  # the plain-text part
    [frame] = Tags(shown).all("iframe")
    assert (frame["srcdoc"] or "").strip() == "<p>See you soon.</p>"
    fields = Tags(shown).fields()
    assert fields["METHOD"] == "REQUEST"
    assert fields["UID"] == "appointment-17@spa.example"
    assert fields["SEQUENCE"] == "2"
    assert fields["DTSTART"] == "2026-12-05T20:00:00+00:00 (UTC)"
    assert fields["DTEND"] == "2026-12-05T21:00:00+00:00 (UTC)"
    assert fields["LOCATION"] == JOIN_URL
    assert fields["STATUS"] == "CONFIRMED"
    assert "BEGIN:VCALENDAR" in shown and "END:VEVENT" in shown  # the .ics text itself


def test_a_cancellation_shows_its_method_and_status(page: FlaskClient, mail_server) -> None:
    send(mail_server, invitation(sequence=3, method="CANCEL", status="CANCELLED"))
    mail_server.wait_for(1)
    fields = Tags(page.get("/mailbox/1").get_data(as_text=True)).fields()
    assert (fields["METHOD"], fields["SEQUENCE"], fields["STATUS"]) == ("CANCEL", "3", "CANCELLED")


def test_html_in_a_message_never_runs(page: FlaskClient, mail_server) -> None:
    mail = message(subject='<script>alert("subject")</script>')
    mail.get_payload()[1].set_content(HOSTILE_HTML, subtype="html")
    send(mail_server, mail)
    mail_server.wait_for(1)
    answer = page.get("/mailbox/1")
    shown = answer.get_data(as_text=True)
    tags = Tags(shown)
    # Not one element of the message reaches the page: no script, no image with a handler, no link.
    assert tags.all("script") == [] and tags.all("img") == []
    assert all(not (attrs.get("href") or "").startswith("javascript:") for attrs in tags.all("a"))
    assert all(not name.startswith("on") for _tag, attrs in tags.found for name in attrs)
    # The HTML is shown only inside an iframe that may run nothing, and also as escaped source.
    [frame] = tags.all("iframe")
    assert frame["sandbox"] == ""
    assert (frame["srcdoc"] or "").strip() == HOSTILE_HTML
    assert str(escape(HOSTILE_HTML)) in shown  # the source, as text
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "&lt;script&gt;alert(&#34;subject&#34;)&lt;/script&gt;" in shown
    listing = page.get("/mailbox")
    assert Tags(listing.get_data(as_text=True)).all("script") == []
    assert listing.headers["Content-Security-Policy"] == policy


def test_a_message_without_html_or_calendar_says_so(page: FlaskClient, mail_server) -> None:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "spa@spa.example", "ana@client.example", "Plain only"
    mail.set_content("Just text.")
    send(mail_server, mail)
    mail_server.wait_for(1)
    shown = page.get("/mailbox/1").get_data(as_text=True)
    assert "Just text." in shown and "No HTML part." in shown and "No calendar file." in shown


def test_a_calendar_file_icalendar_cannot_read_is_shown_with_the_reason(page: FlaskClient, mail_server) -> None:
    mail = message()
    mail.add_alternative("BEGIN:VCALENDAR\r\nthis is not a calendar", subtype="calendar")
    send(mail_server, mail)
    mail_server.wait_for(1)
    shown = page.get("/mailbox/1").get_data(as_text=True)
    assert "icalendar could not read it" in shown and "this is not a calendar" in shown


def test_an_unknown_message_is_not_found(page: FlaskClient) -> None:
    assert page.get("/mailbox/1").status_code == 404
    assert page.get("/mailbox/0").status_code == 404


def test_the_stand_in_links_its_mailbox_only_when_it_has_one(page: FlaskClient) -> None:
    links = [attrs["href"] for attrs in Tags(page.get("/marketplace").get_data(as_text=True)).all("a")]
    assert "/mailbox" in links
    without = create_sandbox().test_client()
    links = [attrs["href"] for attrs in Tags(without.get("/marketplace").get_data(as_text=True)).all("a")]
    assert "/mailbox" not in links and "/marketplace" in links
    assert without.get("/mailbox").status_code == 404


def test_reading_the_mailbox_is_not_a_call_to_zoom(mail_server: Mailbox) -> None:
    sandbox = create_sandbox(mailbox=mail_server)
    sandbox.test_client().get("/mailbox")
    assert sandbox.config["SANDBOX"].calls == []
