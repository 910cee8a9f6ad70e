"""The widget's start: in the spa's time like the rest of the page, with the browser's own time added only when
it reads differently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, expect

from tests.helpers import spelled_out

from .helpers import TIMEZONE, Stack, add_meeting_connecting_first, sign_in

BROWSER_ZONE = "Asia/Tokyo"  # 13 or 14 hours from the spa, 9 from UTC: each gives another day or hour


def test_a_browser_in_tokyo_sees_the_spa_time_then_its_own(
    browser: Browser, browser_context_args: dict[str, Any], stack: Stack
) -> None:
    start = (datetime.now(UTC) + timedelta(days=3)).astimezone(ZoneInfo(TIMEZONE)).replace(hour=18, minute=30)
    start = start.replace(second=0, microsecond=0)
    appointment = stack.add_appointment("Ana Souza", start=start)
    context = browser.new_context(**{**browser_context_args, "timezone_id": BROWSER_ZONE})
    page = context.new_page()
    sign_in(page, stack)
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == BROWSER_ZONE

    add_meeting_connecting_first(page, stack, appointment)
    in_tokyo = f"{spelled_out(start)} (your time: {spelled_out(start.astimezone(ZoneInfo(BROWSER_ZONE)))})"
    when = page.get_by_role("region", name="Zoom meeting").locator("time")
    expect(when).to_have_text(in_tokyo)  # the widget as the add answer drew it
    page.reload()
    expect(when).to_have_text(in_tokyo)  # and as the page draws it on load
    expect(page.locator("#notes")).to_contain_text(spelled_out(start))  # the notes keep the spa's time
    context.close()


def test_a_browser_whose_clock_reads_as_the_spas_sees_the_spa_time_alone(
    browser: Browser, browser_context_args: dict[str, Any], stack: Stack
) -> None:
    """Toronto is another zone name than the spa's New York, on the same clock: nothing to add."""
    start = (datetime.now(UTC) + timedelta(days=3)).astimezone(ZoneInfo(TIMEZONE)).replace(hour=18, minute=30)
    start = start.replace(second=0, microsecond=0)
    appointment = stack.add_appointment("Ana Souza", start=start)
    context = browser.new_context(**{**browser_context_args, "timezone_id": "America/Toronto"})
    page = context.new_page()
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    when = page.get_by_role("region", name="Zoom meeting").locator("time")
    expect(when).to_have_text(spelled_out(start))
    page.reload()
    expect(when).to_have_text(spelled_out(start))
    context.close()
