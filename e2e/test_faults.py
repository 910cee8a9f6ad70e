"""Zoom faults through the real browser: a clear message, no change to the notes, the app stays up."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zoom_standin import Fault

from .helpers import Stack, add_meeting_connecting_first, sign_in

NOTES = "Allergic to almonds."

FAULTS = [
    pytest.param(Fault("POST", "/v2/users/me/meetings", "500"), "Zoom is not answering right now", id="500"),
    pytest.param(Fault("POST", "/v2/users/me/meetings", "html"), "Zoom is not answering right now", id="503-html"),
    pytest.param(
        Fault("POST", "/v2/users/me/meetings", "timeout", retry_after="3"),
        "Zoom is not answering right now",
        id="timeout",
    ),
    pytest.param(
        Fault("POST", "/v2/users/me/meetings", "daily", retry_after="2026-11-22T00:00:00Z"),
        "Today's limit of Zoom meeting changes for this Zoom user is reached; it resets at 7:00 pm (America/New_York)",
        id="429-daily",
    ),
    pytest.param(
        Fault("POST", "/v2/users/me/meetings", "qps"), "Zoom is busy. Please try again in a few seconds", id="429-qps"
    ),
    pytest.param(
        Fault("POST", "/v2/users/me/meetings", "429"), "Zoom is busy. Please try again in a few seconds", id="429-bare"
    ),
]


@pytest.mark.parametrize(("fault", "message"), FAULTS)
def test_a_zoom_fault_is_explained_and_changes_nothing(page: Page, stack: Stack, fault: Fault, message: str) -> None:
    first = stack.add_appointment("Ana", NOTES)
    second = stack.add_appointment("Ben", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, first)
    page.goto(f"{stack.url}/appointments/{second.id}")
    creates_before = sum(1 for c in stack.zoom.calls if c["path"] == "/v2/users/me/meetings")
    stack.zoom.add_fault(fault)

    page.get_by_role("button", name="Add Meeting").click()
    expect(page.get_by_role("alert")).to_contain_text(message)
    expect(page.get_by_role("button", name="Add Meeting")).to_be_enabled()
    assert stack.appointment(second.id).notes == NOTES
    assert len(stack.zoom.meetings) == 1
    assert sum(1 for c in stack.zoom.calls if c["path"] == "/v2/users/me/meetings") == creates_before + 1

    page.get_by_role("button", name="Add Meeting").click()
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()


def test_a_status_check_during_an_outage_changes_nothing(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    kept = stack.appointment(appointment.id).notes
    stack.zoom.add_fault(Fault("GET", "/v2/meetings/", "500", remaining=3))
    page.reload()
    expect(page.get_by_text("Couldn't check this meeting with Zoom just now.")).to_be_visible()
    assert stack.appointment(appointment.id).notes == kept


def test_the_connected_session_cookie_fits_in_chromium(page: Page, stack: Stack) -> None:
    stack.zoom.token_length = 1200
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    grant = stack.zoom.grants[-1]
    assert len(grant.access_token) >= 1190 and len(grant.refresh_token) >= 1190
    cookies = {c["name"]: c["value"] for c in page.context.cookies() if c["name"].startswith("session")}
    sizes = {name: len(name) + len(value) for name, value in cookies.items()}
    print(f"connected session cookie sizes (name+value bytes): {sizes}, total {sum(sizes.values())}")
    assert cookies and all(size <= 4096 for size in sizes.values())
    page.reload()
    expect(page.get_by_role("button", name="Disconnect Zoom")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    left = [c for c in page.context.cookies() if c["name"].startswith("session")]
    assert all(c["name"] == "session" and len(c["value"]) < 600 for c in left), "tokens or chunks survived sign-out"
