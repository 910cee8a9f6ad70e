"""The day list in Chromium against the stand-in: after the page loads, one request checks today's meetings and
each row shows its result; a meeting deleted in Zoom loses its line and its camera mark."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from .helpers import Stack, add_meeting_connecting_first, sign_in


def test_todays_list_checks_its_meetings_in_one_request(page: Page, stack: Stack) -> None:
    tz = stack.app.config["SPA_TZ"]
    start = datetime.now(UTC) + timedelta(minutes=30)
    if start.astimezone(tz).date() != datetime.now(tz).date():
        pytest.skip("the spa's day ends within the half hour")
    kept = stack.add_appointment("Kee Pt", start=start)
    deleted = stack.add_appointment("Dee Leted", "Bring a towel.", start=start)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, kept)
    page.goto(f"{stack.url}/appointments/{deleted.id}")
    page.get_by_role("button", name="Add Meeting").click()
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()
    gone_id = stack.appointment(deleted.id).own_meeting_id
    with stack.zoom.lock:  # deleted in Zoom without the app hearing of it
        stack.zoom.meetings.pop(gone_id)

    checks: list[str] = []
    page.on("request", lambda request: checks.append(request.url) if "/today/meetings" in request.url else None)
    page.goto(f"{stack.url}/appointments")
    kept_row = page.get_by_role("row", name="Kee Pt")
    deleted_row = page.get_by_role("row", name="Dee Leted")
    expect(kept_row.locator("[data-day-check]")).to_have_text("Checked with Zoom just now.")
    expect(deleted_row.locator("[data-day-check]")).to_contain_text("This meeting was deleted in Zoom")
    expect(deleted_row.get_by_role("img", name="Has a Zoom meeting")).to_have_count(0)
    expect(kept_row.get_by_role("img", name="Has a Zoom meeting")).to_have_count(1)
    assert len(checks) == 1
    assert stack.appointment(deleted.id).notes == "Bring a towel."


def test_a_day_check_refused_for_this_browser_says_so_in_each_row(page: Page, stack: Stack) -> None:
    """One browser's day checks are limited (issue 30): a refused check's rows say why and when to reload."""
    tz = stack.app.config["SPA_TZ"]
    start = datetime.now(UTC) + timedelta(minutes=30)
    if start.astimezone(tz).date() != datetime.now(tz).date():
        pytest.skip("the spa's day ends within the half hour")
    appointment = stack.add_appointment("Kee Pt", start=start)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    stack.app.extensions["day_checks"].per_minute = 1  # one check a minute: the reload's is refused
    page.goto(f"{stack.url}/appointments")
    row = page.get_by_role("row", name="Kee Pt").locator("[data-day-check]")
    expect(row).to_have_text("Checked with Zoom just now.")
    page.reload()
    expect(row).to_have_text(
        "Not checked with Zoom just now: this browser is checking today's meetings already, or has checked them "
        "several times within a minute. Reload the page in a minute to check again."
    )
