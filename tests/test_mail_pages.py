"""Help and Privacy tell staff how clients hear of a meeting, what reminders do, and what the outbox keeps."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from simplespa_zoom.messages import MESSAGES

MAIL_CODES = [code for code in MESSAGES if code.startswith("mail_")] + ["client_timezone_invalid"]


def text_of(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_help_names_the_three_ways_and_reminders(client: FlaskClient) -> None:
    page = text_of(client.get("/help").get_data(True))
    assert "A client hears of the meeting in one of three ways" in page
    for way in ("The spa's own email", "Zoom's email", "Copy invitation"):
        assert f"{way} (" in page
    assert "Reminders. With the spa's own mail, each client with an email also gets one reminder" in page


def test_every_new_mail_message_has_its_help_entry(client: FlaskClient) -> None:
    page = client.get("/help").get_data(True)
    assert len(MAIL_CODES) >= 9
    for code in MAIL_CODES:
        assert f'id="{code}"' in page, code


def test_privacy_says_what_the_outbox_keeps_and_for_how_long(client: FlaskClient) -> None:
    page = text_of(client.get("/privacy").get_data(True))
    assert "The outbox keeps only what the message needs" in page
    assert "It never holds the host's start link, a Zoom token or anything from a session" in page
    assert "deleted at most 30 days after (fewer if the spa sets MAIL_KEEP_DAYS lower)" in page
