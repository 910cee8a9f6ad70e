"""Issue 28 item 1 in a real browser: a meeting deleted in Zoom is not a cancelled appointment.

The client is written nothing by itself; the appointment page and the day list say "deleted in Zoom" until
staff add a new meeting (the client gets the new link as an update of the same calendar entry) or tell the
client the session is no longer online (an update that keeps the entry and drops the link).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.helpers import CLIENT_EMAIL, delivered, the_event
from zoom_standin.mailbox import Mailbox, Received

from .helpers import Stack, add_meeting_connecting_first, sign_in


def method(received: Received) -> str:
    for part in received.message.walk():
        if part.get_content_type() == "text/calendar":
            return str(part.get_param("method"))
    raise AssertionError("no calendar part")


def an_update(received: Received, appointment_id: int, sequence: int) -> object:
    """An update of the one calendar entry, never a cancellation: the appointment is still booked."""
    event = the_event(received)
    assert method(received) == "REQUEST" and str(event["status"]) == "CONFIRMED"
    assert str(event["uid"]).startswith(f"appointment-{appointment_id}@") and int(event["sequence"]) == sequence
    assert not re.search("cancel", received.raw.decode(), re.IGNORECASE)
    return event


def test_deleted_in_zoom_staff_are_told_and_tell_the_client_it_is_no_longer_online(
    page: Page, mail_stack: tuple[Stack, Mailbox]
) -> None:
    stack, mailbox = mail_stack
    appointment = stack.add_appointment("Ana Souza", email=CLIENT_EMAIL)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    [invitation] = mailbox.wait_for(1)

    page.goto(f"{stack.zoom_server.url}/marketplace")
    page.get_by_role("button", name="Delete Appointment with Ana Souza").click()  # Zoom posts meeting.deleted
    expect(page.get_by_text("No upcoming meetings.")).to_be_visible()

    day_list = f"{stack.url}/appointments?day={appointment.starts_at.astimezone(stack.app.config['SPA_TZ']):%Y-%m-%d}"
    page.goto(day_list)
    row = page.locator(f"[data-appointment-row='{appointment.id}']")
    expect(row.get_by_role("note")).to_contain_text("deleted in Zoom")
    expect(row.get_by_role("note")).to_contain_text("the client still holds its link")
    page.goto(f"{stack.url}/appointments/{appointment.id}")
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("The Zoom meeting was deleted in Zoom on ")
    expect(notice).to_contain_text("Ana Souza was not told, and still holds its link")
    expect(page.get_by_role("button", name="Add Meeting")).to_be_visible()
    delivered(stack.app)
    assert len(mailbox.messages) == 1  # nothing went to the client by itself

    notice.get_by_role("button", name="Tell the client it is no longer online").click()
    expect(page.get_by_role("status").filter(has_text="Ana Souza will get an update")).to_contain_text(
        "saying the session is no longer online by email."
    )
    expect(page.get_by_role("alert")).to_have_count(0)
    _, update = mailbox.wait_for(2)
    event = an_update(update, appointment.id, 1)
    assert "location" not in event and str(the_event(invitation)["uid"]) == str(event["uid"])
    assert "no longer a video call" in update.part("text/plain")
    page.goto(day_list)
    expect(page.locator(f"[data-appointment-row='{appointment.id}']").get_by_role("note")).to_have_count(0)


def test_a_page_check_finds_it_deleted_and_add_meeting_sends_the_new_link_as_an_update(
    page: Page, mail_stack: tuple[Stack, Mailbox]
) -> None:
    stack, mailbox = mail_stack
    appointment = stack.add_appointment("Ana Souza", email=CLIENT_EMAIL)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    mailbox.wait_for(1)
    stack.zoom.meetings.clear()  # deleted in Zoom, and the webhook never arrived

    page.reload()  # the page's check finds the meeting gone
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("deleted in Zoom")
    expect(notice).to_contain_text("still holds its link")
    delivered(stack.app)
    assert len(mailbox.messages) == 1

    page.get_by_role("button", name="Add Meeting").click()
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Ana Souza will get")).to_have_text(
        "Ana Souza will get an update with the new join link by email."
    )
    expect(page.get_by_role("alert")).to_have_count(0)
    _, update = mailbox.wait_for(2)
    [meeting] = stack.zoom.meetings.values()
    event = an_update(update, appointment.id, 1)
    assert str(event["location"]) == meeting["join_url"] and update.subject.startswith("New join link:")
