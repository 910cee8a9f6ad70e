"""Round three in the browser: the app's line deleted by hand asks whether to delete its meeting in Zoom."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .helpers import Stack, add_meeting_connecting_first, sign_in

NOTES = "Allergic to almonds."
STILL_SCHEDULED = "is no longer in the notes, but it is still scheduled in Zoom"


def delete_the_line_by_hand(page: Page) -> None:
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Notes").fill(NOTES)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").filter(has_text=STILL_SCHEDULED)).to_be_visible()
    # The alert is in the page's HTML; its buttons work once the page script has run, before "load".
    page.wait_for_load_state("load")


def test_delete_the_meeting_in_zoom_after_its_line_was_deleted_by_hand(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    delete_the_line_by_hand(page)
    page.on("dialog", lambda dialog: dialog.accept())

    page.get_by_role("button", name="Delete the meeting in Zoom").click()
    expect(page.get_by_text("The meeting was deleted in Zoom.")).to_be_visible()
    expect(page.get_by_text(STILL_SCHEDULED)).to_have_count(0)
    assert stack.zoom.meetings == {}
    stored = stack.appointment(appointment.id)
    assert stored.notes == NOTES and stored.own_meeting_id is None
    page.reload()
    expect(page.get_by_role("button", name="Add Meeting")).to_be_visible()
    expect(page.get_by_text(STILL_SCHEDULED)).to_have_count(0)


def test_keep_it_puts_the_same_meetings_line_back(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    with_line = stack.appointment(appointment.id)
    delete_the_line_by_hand(page)

    page.get_by_role("button", name="Keep it").click()
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()
    expect(page.get_by_text(STILL_SCHEDULED)).to_have_count(0)
    assert stack.appointment(appointment.id).notes == with_line.notes
    assert len(stack.zoom.meetings) == 1
    assert (
        sum(1 for call in stack.zoom.calls if call["method"] == "POST" and call["path"] == "/v2/users/me/meetings") == 1
    )
