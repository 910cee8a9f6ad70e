"""The subject a client reads is the subject the spa wrote: a long one is not folded right after 'Subject:'.

Python's `email` moves a value that fits on a line of its own, but not beside its name, onto a continuation
line; read back (by Python, as the mailbox stand-in does, and by some mail programs) the subject then starts
with a space. Found by the mailbox helper on the demo's invitation (74 characters).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from simplespa_zoom.mail.compose import Letterhead, compose
from simplespa_zoom.mail.settings import parse_sender, parse_smtp_url
from simplespa_zoom.mail.smtp import SmtpPostman
from simplespa_zoom.meetings.ports import Letter, LetterKind
from zoom_standin.mailbox import Mailbox

from .helpers import CLIENT_EMAIL, JOIN_URL, SPA_SENDER

HEAD = Letterhead(parse_sender(SPA_SENDER), ZoneInfo("America/New_York"))
STARTS_AT = datetime(2026, 12, 3, 12, tzinfo=UTC)  # Thursday 7:00 am in New York
SUBJECTS = {
    LetterKind.INVITATION: "Your video appointment with Serene Spa: Thursday, December 3 2026 7:00 am",
    LetterKind.UPDATE: "Changed: your video appointment with Serene Spa is now Thursday, December 3 2026 7:00 am",
    LetterKind.NEW_LINK: "New join link: your video appointment with Serene Spa on Thursday, December 3 2026 7:00 am",
    LetterKind.NEW_LENGTH: "Changed: your video appointment with Serene Spa on Thursday, December 3 2026 7:00 am "
    "now ends at 7:30 am",
    LetterKind.NOT_ONLINE: "Changed: your appointment with Serene Spa on Thursday, December 3 2026 7:00 am is no "
    "longer a video call",
    LetterKind.CANCELLATION: "Cancelled: your video appointment with Serene Spa on Thursday, December 3 2026 7:00 am",
    LetterKind.REMINDER: "Reminder: your video appointment with Serene Spa at Thursday, December 3 2026 7:00 am",
}


def letter(kind: LetterKind) -> Letter:
    return Letter(
        appointment_id=1,
        kind=kind,
        recipient=CLIENT_EMAIL,
        recipient_name="Dana Lee",
        meeting_id=85746065432,
        join_url=JOIN_URL,
        starts_at=STARTS_AT,
        duration_minutes=30,
    )


@pytest.mark.parametrize("kind", list(LetterKind))
def test_each_subject_arrives_at_the_mail_server_exactly_as_written(kind: LetterKind, mail_server: Mailbox) -> None:
    SmtpPostman(parse_smtp_url(mail_server.url), HEAD).send(letter(kind))
    [received] = mail_server.wait_for(1)
    assert received.subject == SUBJECTS[kind]
    assert f"\r\nSubject: {SUBJECTS[kind][:40]}".encode() in received.raw  # the value begins beside its name


def test_the_invitations_subject_is_not_folded_after_its_name_and_lines_stay_inside_998() -> None:
    raw = compose(letter(LetterKind.INVITATION), HEAD).as_bytes()
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert b"Subject:\r\n" not in headers
    assert b"Subject: " + SUBJECTS[LetterKind.INVITATION].encode() + b"\r\n" in headers
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
