"""The stand-in's mailbox in Chromium: a message's HTML is rendered, and nothing in it runs."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from playwright.sync_api import Page, expect

from zoom_standin import create_sandbox
from zoom_standin.mailbox import Mailbox
from zoom_standin.server import RunningServer, serve_in_thread

# Each script would add a marked element, if it ran; they come before the text, so by the time the
# text shows, they would have run (scripts and inline handlers block the parser or fire at once).
HOSTILE_HTML = (
    "<script>document.body.insertAdjacentHTML('beforeend', '<p id=ran>script ran</p>')</script>"
    "<svg onload=\"document.body.insertAdjacentHTML('beforeend', '<p id=ran>handler ran</p>')\"></svg>"
    "<p>Hello <b>Ana</b>, your appointment is confirmed.</p>"
)


@pytest.fixture
def mailbox_page() -> Iterator[tuple[Mailbox, RunningServer]]:
    with Mailbox() as mailbox:
        server = serve_in_thread(create_sandbox(mailbox=mailbox))
        try:
            yield mailbox, server
        finally:
            server.stop()


def test_a_message_html_is_shown_and_its_scripts_never_run(page: Page, mailbox_page) -> None:
    mailbox, server = mailbox_page
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Serene Spa <spa@spa.example>", "ana@client.example", "Confirmed"
    mail.set_content("Hello Ana, your appointment is confirmed.")
    mail.add_alternative(HOSTILE_HTML, subtype="html")
    with smtplib.SMTP(mailbox.host, mailbox.port, timeout=10) as smtp:
        smtp.send_message(mail)
    mailbox.wait_for(1)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server.url}/marketplace")
    page.get_by_role("link", name="Mailbox").click()
    page.get_by_role("link", name="Confirmed").click()
    frame = page.frame_locator("iframe[title='HTML part of the message']")
    expect(frame.get_by_text("your appointment is confirmed")).to_be_visible()
    expect(frame.locator("#ran")).to_have_count(0)
    expect(page.locator("#ran")).to_have_count(0)
    assert dialogs == []
