"""Start meeting in Chromium against the stand-in: the host's click opens Zoom's host start page for the right
meeting in a new tab, and the start link is in no answer before the click, no log line and no database file."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Response, expect

from tests.helpers import database_holds

from .helpers import Stack, add_meeting_connecting_first, sign_in


def test_the_host_starts_the_meeting_in_a_new_tab(page: Page, stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    appointment = stack.add_appointment("Ana Souza", "Prefers lavender oil.")
    other = stack.add_appointment("Bea Lima")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, other)
    page.goto(f"{stack.url}/appointments/{appointment.id}")
    page.get_by_role("button", name="Add Meeting").click()
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()
    meeting = next(m for m in stack.zoom.meetings.values() if m["topic"] == "Appointment with Ana Souza")

    answers: list[Response] = []
    page.on("response", lambda answer: answers.append(answer))
    page.reload()
    widget = page.get_by_role("region", name="Zoom meeting")
    start = widget.get_by_role("button", name="Start meeting")
    expect(start).to_be_visible()
    before = "".join(answer.text() for answer in answers if answer.request.resource_type in ("document", "fetch"))
    assert "zak=" not in before and f"/s/{meeting['id']}" not in before

    with page.context.expect_page() as opened:
        start.click()
    host_tab = opened.value
    expect(host_tab.get_by_role("heading", name="Starting your meeting")).to_be_visible()
    expect(host_tab.locator("[data-meeting-id]")).to_have_text(str(meeting["id"]))
    expect(widget.get_by_text("Zoom opened in a new tab.")).to_be_visible()
    assert stack.zoom.meetings[meeting["id"]]["status"] == "started"
    assert all(m["status"] == "waiting" for m in stack.zoom.meetings.values() if m["id"] != meeting["id"])

    zak = parse_qs(urlsplit(host_tab.url).query)["zak"][0]
    assert zak not in caplog.text
    assert not database_holds(stack.app, zak)
    assert zak not in page.content()


def test_a_blocked_tab_is_said_with_its_help_and_asks_zoom_for_nothing(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana Souza")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    page.add_init_script("window.open = () => null;")  # as a browser that blocks pop-ups answers
    page.reload()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.get_by_role("region", name="Zoom meeting").get_by_role("button", name="Start meeting").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The browser blocked the new tab for Zoom. Allow pop-ups for this site")
    expect(alert.get_by_role("link")).to_have_attribute("href", "/help#start_tab_blocked")
    assert not [url for url in asked if url.endswith("/meeting/start")]
