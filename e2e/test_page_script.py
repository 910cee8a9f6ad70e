"""The page script's modules in the browser: the Zoom lock around every Zoom call, and texts from the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from simplespa_zoom.messages import WORDS

from .helpers import Stack, add_meeting_connecting_first, sign_in

# Hold the lock as another tab mid-refresh would, until window.releaseZoom() is called.
HOLD_THE_LOCK = """() => new Promise((held) => {
  navigator.locks.request("zoom", () => {
    held();
    return new Promise((release) => { window.releaseZoom = release; });
  });
})"""
# True once a request for the lock is queued (false after 10 s): the page's click is waiting for it.
LOCK_REQUESTED = """async () => {
  const deadline = performance.now() + 10000;
  while (performance.now() < deadline) {
    if ((await navigator.locks.query()).pending.some((lock) => lock.name === "zoom")) return true;
    await new Promise((frame) => requestAnimationFrame(frame));
  }
  return false;
}"""


def test_add_and_remove_wait_while_another_holder_has_the_zoom_lock(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    page.on("dialog", lambda dialog: dialog.accept())

    page.evaluate(HOLD_THE_LOCK)
    page.get_by_role("button", name="Remove meeting").click()
    assert page.evaluate(LOCK_REQUESTED)
    assert len(stack.zoom.meetings) == 1  # nothing reached Zoom while the lock was held
    page.evaluate("window.releaseZoom()")
    expect(page.get_by_role("button", name="Add Meeting")).to_be_visible()
    assert stack.zoom.meetings == {}

    page.evaluate(HOLD_THE_LOCK)
    page.get_by_role("button", name="Add Meeting").click()
    assert page.evaluate(LOCK_REQUESTED)
    expect(page.get_by_text("Creating the Zoom meeting…")).to_be_visible()
    assert stack.zoom.meetings == {}
    page.evaluate("window.releaseZoom()")
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()
    assert len(stack.zoom.meetings) == 1


def test_the_script_says_what_the_server_hands_it(page: Page, stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    """The texts come from the message table: change one there, and the page says the new one."""
    monkeypatch.setitem(WORDS, "copied", "On the clipboard")
    appointment = stack.add_appointment("Ana")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    widget = page.get_by_role("region", name="Zoom meeting")
    widget.get_by_role("button", name="Copy link").click()
    expect(widget.get_by_text("On the clipboard")).to_be_visible()

    page.on("dialog", lambda dialog: dialog.accept())
    page.route("**/meeting/remove", lambda route: route.abort())  # the app cannot be reached
    page.get_by_role("button", name="Remove meeting").click()
    unreachable = "The app could not be reached. Check the connection and try again; nothing was changed."
    expect(page.get_by_role("alert")).to_have_text(unreachable)
    assert len(stack.zoom.meetings) == 1


def test_the_page_asks_before_cancelling_or_disconnecting_in_the_table_s_words(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    page.reload()  # the page as rendered with its meeting
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))

    page.get_by_role("button", name="Cancel appointment").click()
    page.get_by_role("button", name="Disconnect Zoom").click()
    expect(page.get_by_role("button", name="Disconnect Zoom")).to_be_visible()  # both dismissed: nothing changed
    assert asked == [WORDS["confirm_cancel_with_meeting"], WORDS["confirm_disconnect"]]
    assert len(stack.zoom.meetings) == 1 and not stack.appointment(appointment.id).cancelled
