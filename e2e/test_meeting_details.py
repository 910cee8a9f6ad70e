"""The widget's Details in Chromium: the topic with MEETING_TOPIC=initials, and the waiting room and passcode as
the stand-in (Zoom) applied them, read by the check after the page loads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from zoom_standin.stack import start_stack

from .helpers import STAFF_EMAIL, STAFF_PASSWORD, TIMEZONE, Stack, add_meeting_connecting_first, sign_in


@pytest.fixture
def initials_stack(database: str) -> Iterator[Stack]:
    local = start_stack(
        database,
        timezone=TIMEZONE,
        staff=(STAFF_EMAIL, STAFF_PASSWORD),
        config={"ZOOM_TIMEOUT": (2.0, 2.0), "MEETING_TOPIC": "initials"},
    )
    local.serve_app()
    yield local
    local.stop()


def test_details_show_the_initials_topic_and_the_protections_zoom_applied(page: Page, initials_stack: Stack) -> None:
    stack = initials_stack
    appointment = stack.add_appointment("Ana Souza", email="ana@example.com")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    (meeting,) = stack.zoom.meetings.values()
    assert meeting["topic"] == "Appointment with A. S."
    assert "[Appointment with A. S.]" in stack.appointment(appointment.id).notes
    assert "Ana" not in stack.appointment(appointment.id).notes

    with stack.zoom.lock:  # the host turns the waiting room off in Zoom's web portal
        meeting["settings"]["waiting_room"] = False
    page.reload()
    widget = page.get_by_role("region", name="Zoom meeting")
    expect(widget.get_by_text("Checked with Zoom just now.")).to_be_visible()
    widget.get_by_text("Details").click()
    details = widget.locator("dl")
    expect(details).to_contain_text("Appointment with A. S.")
    for name, shown in (("Waiting room", "Off"), ("Passcode", "On")):
        expect_fact(details, name, shown)


def test_details_show_the_protections_right_after_add_meeting(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana Souza")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    widget = page.get_by_role("region", name="Zoom meeting")
    widget.get_by_text("Details").click()
    details = widget.locator("dl")
    for name in ("Waiting room", "Passcode"):
        expect_fact(details, name, "On")


def expect_fact(details: Locator, name: str, shown: str) -> None:
    """The Details row reads "name  shown": the label and its value side by side, on one line."""
    label = details.locator("dt", has_text=name)
    value = label.locator("xpath=following-sibling::dd[1]")
    expect(label).to_be_visible()
    expect(value).to_have_text(shown)
    label_box, value_box = label.bounding_box(), value.bounding_box()
    assert label_box and value_box
    assert value_box["x"] > label_box["x"] + label_box["width"]
    assert abs(value_box["y"] - label_box["y"]) < 1
