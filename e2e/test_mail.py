"""The spa's own mail in a real browser: Add Meeting, and the client's invitation arrives at a real SMTP server."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.helpers import CLIENT_EMAIL, delivered, the_event
from zoom_standin.mailbox import Mailbox

from .helpers import Stack, add_meeting_connecting_first, sign_in


def test_add_meeting_sends_the_invitation_and_the_widget_says_so(page: Page, mail_stack: tuple[Stack, Mailbox]) -> None:
    stack, mailbox = mail_stack
    appointment = stack.add_appointment("Ana Souza", email=CLIENT_EMAIL)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)

    [received] = mailbox.wait_for(1)
    [meeting] = stack.zoom.meetings.values()
    assert received.rcpt_tos == (CLIENT_EMAIL,)
    assert meeting["join_url"] in received.part("text/plain")
    event = the_event(received)
    assert str(event["location"]) == meeting["join_url"] and event.decoded("dtstart") == appointment.starts_at
    assert "zak=" not in received.raw.decode()

    delivered(stack.app)  # the server took the message a moment before the app wrote down that it was sent
    page.reload()
    widget = page.get_by_role("region", name="Zoom meeting")
    sent = widget.get_by_role("status").filter(has_text="The invitation was sent to")
    expect(sent).to_contain_text(CLIENT_EMAIL)
    expect(sent.get_by_role("link", name="What to do")).to_have_count(0)  # a letter sent leaves nothing to do
    expect(widget).not_to_contain_text("send this invitation yourself")
