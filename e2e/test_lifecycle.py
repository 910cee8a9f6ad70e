"""A meeting's and a connection's whole life, in the browser against the Zoom stand-in."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from simplespa_zoom.meetings import notes
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .helpers import Stack, add_meeting_connecting_first, allow_in_zoom, sign_in

NOTES = "Prefers lavender oil.\nAsked about the couples package."


def accept_dialogs(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def token_calls(stack: Stack) -> int:
    return sum(1 for call in stack.zoom.calls if call["path"] == "/oauth/token")


def test_a_meeting_deleted_in_zoom_is_cleaned_when_the_page_checks(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    stack.zoom.meetings.clear()  # deleted in Zoom, and the webhook never arrived

    page.reload()
    expect(page.get_by_role("alert")).to_contain_text("deleted in Zoom")
    expect(page.get_by_role("button", name="Add Meeting")).to_be_visible()
    expect(page.get_by_role("region", name="Zoom meeting")).to_have_count(0)
    assert stack.appointment(appointment.id).notes == NOTES


def test_deleting_in_the_marketplace_cleans_the_notes_through_the_webhook(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)

    page.goto(f"{stack.zoom_server.url}/marketplace")
    page.get_by_role("button", name="Delete Appointment with Ana").click()
    expect(page.get_by_text("No upcoming meetings.")).to_be_visible()
    assert stack.appointment(appointment.id).notes == NOTES


def test_remove_meeting_asks_first_then_deletes_in_zoom_and_cleans_the_notes(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    messages: list[str] = []
    page.on("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))

    page.get_by_role("button", name="Remove meeting").click()
    expect(page.get_by_role("button", name="Add Meeting")).to_be_visible()
    assert "Remove this Zoom meeting?" in messages[0]
    expect(page.locator("#notes")).to_have_text(NOTES)
    assert stack.zoom.meetings == {}
    assert stack.appointment(appointment.id).notes == NOTES


def test_reschedule_and_cancel_follow_through_to_zoom(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    accept_dialogs(page)
    tz = stack.app.config["SPA_TZ"]
    moved = appointment.starts_at + timedelta(days=1, hours=1)

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Start").fill(moved.astimezone(tz).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Duration (minutes)").fill("90")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("moved to the new time")).to_be_visible()
    meeting = next(iter(stack.zoom.meetings.values()))
    assert meeting["_start"] == moved.timestamp() and meeting["duration"] == 90
    line = notes.current_line(ZOOM_LINE_FORMAT, stack.appointment(appointment.id).notes)
    assert line.starts_at(tz) == moved

    page.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_text("The Zoom meeting was deleted.")).to_be_visible()
    assert stack.zoom.meetings == {}
    assert stack.appointment(appointment.id).notes == NOTES


def test_two_tabs_with_an_expired_token_refresh_once_and_stay_connected(page: Page, stack: Stack) -> None:
    first = stack.add_appointment("Ana", NOTES)
    second = stack.add_appointment("Ben", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, first)
    page.goto(f"{stack.url}/appointments/{second.id}")
    page.get_by_role("button", name="Add Meeting").click()
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()

    stack.zoom.expire_access_tokens()
    stack.zoom.latency_ms = 250
    refreshes_before = token_calls(stack)
    other = page.context.new_page()
    page.goto(f"{stack.url}/appointments/{first.id}", wait_until="commit")
    other.goto(f"{stack.url}/appointments/{second.id}", wait_until="commit")
    for tab in (page, other):
        expect(
            tab.get_by_role("region", name="Zoom meeting").get_by_text("Checked with Zoom just now.")
        ).to_be_visible()
    assert token_calls(stack) - refreshes_before == 1
    expect(other.get_by_role("button", name="Disconnect Zoom")).to_be_visible()


def test_disconnect_keeps_lines_and_the_next_add_connects_again(page: Page, stack: Stack) -> None:
    first = stack.add_appointment("Ana", NOTES)
    second = stack.add_appointment("Ben", "")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, first)
    accept_dialogs(page)

    page.get_by_role("button", name="Disconnect Zoom").click()
    expect(page.get_by_role("status").filter(has_text="Meetings already in appointment notes stay")).to_be_visible()
    assert notes.current_line(ZOOM_LINE_FORMAT, stack.appointment(first.id).notes) is not None
    assert stack.zoom.grants == []
    expect(
        page.get_by_role("region", name="Zoom meeting").get_by_role("button", name="Connect Zoom to check this meeting")
    ).to_be_visible()

    page.goto(f"{stack.url}/appointments/{second.id}")
    page.get_by_role("button", name="Add Meeting").click()
    allow_in_zoom(page)
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()


def test_uninstall_in_the_marketplace_then_reconnect(page: Page, stack: Stack) -> None:
    first = stack.add_appointment("Ana", NOTES)
    second = stack.add_appointment("Ben", "Ben's notes")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, first)
    kept = stack.appointment(first.id).notes

    page.goto(f"{stack.zoom_server.url}/marketplace")
    page.get_by_role("button", name="Uninstall").click()
    expect(page.get_by_text("No apps added.")).to_be_visible()
    assert stack.zoom.webhooks_sent[-1]["event"] == "app_deauthorized" and stack.zoom.webhooks_sent[-1]["status"] == 204

    page.goto(f"{stack.url}/appointments/{second.id}")
    page.get_by_role("button", name="Add Meeting").click()  # the one click: straight on to Zoom's consent
    allow_in_zoom(page)
    expect(page.get_by_role("status").filter(has_text="Zoom is connected again.")).to_be_visible()
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()
    assert notes.current_line(ZOOM_LINE_FORMAT, stack.appointment(second.id).notes) is not None
    assert stack.appointment(first.id).notes == kept


def test_copy_invitation_for_a_free_host(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana", "", email="ana@example.com")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    widget = page.get_by_role("region", name="Zoom meeting")
    widget.get_by_role("button", name="Copy invitation").click()
    expect(widget.get_by_text("Copied", exact=True)).to_be_visible()  # the line is read again before it is copied
    copied = page.evaluate("navigator.clipboard.readText()")
    meeting = next(iter(stack.zoom.meetings.values()))
    assert copied.startswith("Hello Ana,") and meeting["join_url"] in copied


def test_paid_host_registers_the_client(page: Page, stack: Stack) -> None:
    stack.zoom.current_user().account_type = 2
    appointment = stack.add_appointment("Ana Souza", "", email="ana@example.com")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    meeting = next(iter(stack.zoom.meetings.values()))
    registrant = next(iter(meeting["_registrants"].values()))
    assert registrant["email"] == "ana@example.com"
    expect(page.get_by_role("link", name="Client link")).to_have_attribute("href", registrant["join_url"])
    expect(page.get_by_text("Zoom emailed the client their personal join link.")).to_be_visible()
