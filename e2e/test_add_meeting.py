"""The whole Add Meeting path in a real browser against the Zoom stand-in."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from simplespa_zoom.meetings import notes
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT
from tests.helpers import spelled_out

from .helpers import Stack, add_meeting_connecting_first, sign_in

EXISTING_NOTES = "Prefers lavender oil.\nAsked about the couples package."


def only_meeting(stack: Stack) -> dict:
    assert len(stack.zoom.meetings) == 1
    return next(iter(stack.zoom.meetings.values()))


def test_first_click_connects_and_creates_the_meeting(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana Souza [VIP]", EXISTING_NOTES)
    sign_in(page, stack)
    page.goto(f"{stack.url}/appointments/{appointment.id}")

    add = page.get_by_role("button", name="Add Meeting")
    add.hover()
    expect(page.get_by_role("tooltip")).to_have_text("Add Meeting")
    expect(page.get_by_role("tooltip")).to_be_visible()

    add.click()
    expect(page.get_by_role("heading", name="would like to access your Zoom account")).to_be_visible()
    page.get_by_role("button", name="Allow").click()

    widget = page.get_by_role("region", name="Zoom meeting")
    expect(widget).to_be_visible()
    meeting = only_meeting(stack)
    tz = stack.app.config["SPA_TZ"]
    expected_line = (
        f"Zoom: [Appointment with Ana Souza [VIP]] {spelled_out(appointment.starts_at.astimezone(tz))} "
        f"\u2014 {meeting['join_url']}"
    )
    expect(page.locator("#notes")).to_have_text(EXISTING_NOTES + "\n" + expected_line, use_inner_text=False)
    assert stack.appointment(appointment.id).notes == EXISTING_NOTES + "\n" + expected_line
    assert meeting["topic"] == "Appointment with Ana Souza [VIP]"
    assert meeting["timezone"] == "America/New_York"
    assert meeting["duration"] == 60

    expect(widget.get_by_role("link", name="Client link")).to_have_attribute("href", meeting["join_url"])
    expect(widget.locator("time")).to_have_text(spelled_out(appointment.starts_at.astimezone(tz)))
    widget.get_by_text("Details").click()
    expect(widget.get_by_text("Appointment with Ana Souza [VIP]")).to_be_visible()
    expect(widget.get_by_text("Meeting ID")).to_be_visible()
    digits = str(meeting["id"])
    expect(widget.get_by_text(f"{digits[:3]} {digits[3:7]} {digits[7:]}")).to_be_visible()

    widget.get_by_role("button", name="Copy link").click()
    expect(widget.get_by_text("Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == meeting["join_url"]

    page.reload()
    expect(page.get_by_role("region", name="Zoom meeting").get_by_role("link", name="Client link")).to_have_attribute(
        "href", meeting["join_url"]
    )
    expect(page.get_by_role("button", name="Add Meeting")).to_have_count(0)
    page.get_by_role("link", name="Edit").click()
    assert page.get_by_label("Notes").input_value() == EXISTING_NOTES + "\n" + expected_line


def test_once_connected_a_click_creates_without_leaving_the_page(page: Page, stack: Stack) -> None:
    first = stack.add_appointment("Ana Souza")
    second = stack.add_appointment("Ben Okafor", "Back pain.")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, first)

    page.goto(f"{stack.url}/appointments/{second.id}")
    page.get_by_role("button", name="Add Meeting").click()
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()
    assert page.url == f"{stack.url}/appointments/{second.id}"
    assert len(stack.zoom.meetings) == 2
    assert notes.current_line(ZOOM_LINE_FORMAT, stack.appointment(second.id).notes) is not None


def test_a_client_without_an_email_is_why_the_widget_asks_to_send_the_invitation(page: Page, stack: Stack) -> None:
    """Not the free Zoom plan: with no address, no plan could have emailed the client."""
    appointment = stack.add_appointment("Ana Souza")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    widget = page.get_by_role("region", name="Zoom meeting")
    expect(widget).to_contain_text("This client has no email address, so send this invitation yourself")
    expect(widget).not_to_contain_text("Free Zoom accounts")
    expect(widget).not_to_contain_text("free Zoom accounts")


def test_refusing_in_zoom_explains_and_changes_nothing(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana Souza", EXISTING_NOTES)
    sign_in(page, stack)
    page.goto(f"{stack.url}/appointments/{appointment.id}")
    page.get_by_role("button", name="Add Meeting").click()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("alert")).to_contain_text("You chose not to allow SimpleSpa in Zoom")
    assert stack.zoom.meetings == {}
    assert stack.appointment(appointment.id).notes == EXISTING_NOTES


def test_hostile_names_fill_the_widget_as_text_and_odd_links_never_become_links(page: Page, stack: Stack) -> None:
    """The page script builds the widget from data: nothing in a name or the notes runs as markup."""
    hostile = '<img src=x onerror="window.pwned=1">'
    appointment = stack.add_appointment(hostile)
    join_url = "https://us05web.zoom.us/j/85746065432?pwd=abc"
    line = f"Zoom: [Appointment with {hostile}] Tuesday, November 11 2025 6:00 pm \u2014 {join_url}"
    with_line = stack.add_appointment(hostile, f"{hostile}\n{line}")
    not_zoom = stack.add_appointment("Ana", line.replace(join_url, "javascript:alert(1)//zoom.us/j/85746065432"))
    sign_in(page, stack)

    page.goto(f"{stack.url}/appointments/{with_line.id}")
    widget = page.get_by_role("region", name="Zoom meeting")
    widget.get_by_text("Details").click()
    expect(widget.get_by_text(f"Appointment with {hostile}")).to_be_visible()
    expect(widget.get_by_role("link", name="Client link")).to_have_attribute("href", join_url)
    assert page.locator("img").count() == 0 and page.evaluate("window.pwned") is None

    page.goto(f"{stack.url}/appointments/{not_zoom.id}")
    expect(page.get_by_role("button", name="Add Meeting")).to_be_visible()
    expect(page.get_by_role("region", name="Zoom meeting")).to_have_count(0)
    assert page.locator("a[href^='javascript']").count() == 0

    page.goto(f"{stack.url}/appointments/{appointment.id}")
    expect(page.get_by_role("button", name="Add Meeting")).to_be_visible()
    assert page.locator("img").count() == 0 and page.evaluate("window.pwned") is None
