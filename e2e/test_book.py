"""The appointment book by day: today first, the next and previous day, a date picker and a name search."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from .helpers import Stack, sign_in


def test_the_book_opens_on_today_and_moves_by_day_date_and_name(page: Page, stack: Stack) -> None:
    tz = stack.app.config["SPA_TZ"]
    today = datetime.now(tz).replace(hour=23, minute=0, second=0, microsecond=0)
    stack.add_appointment("Ana Souza", start=today)
    stack.add_appointment("Ben Souza", start=today + timedelta(days=1))
    stack.add_appointment("Chloé Martin", start=today + timedelta(days=9))
    sign_in(page, stack)

    expect(page.get_by_role("heading", name="Appointments on")).to_contain_text("Today")
    expect(page.get_by_role("link", name="Ana Souza")).to_be_visible()
    expect(page.get_by_role("link", name="Ben Souza")).to_have_count(0)

    page.get_by_role("link", name="Next day").click()
    expect(page.get_by_role("link", name="Ben Souza")).to_be_visible()
    expect(page.get_by_role("link", name="Ana Souza")).to_have_count(0)
    page.get_by_role("link", name="Previous day").click()
    expect(page.get_by_role("link", name="Ana Souza")).to_be_visible()

    far = (today + timedelta(days=9)).date()
    page.get_by_label("Go to day").fill(far.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Appointments on")).to_contain_text(f"{far:%B} {far.day} {far.year}")
    expect(page.get_by_role("link", name="Chloé Martin")).to_be_visible()

    page.get_by_role("searchbox", name="Find a client").fill("SOUZA")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Ana Souza")).to_be_visible()
    expect(page.get_by_role("link", name="Ben Souza")).to_be_visible()
    expect(page.get_by_role("link", name="Chloé Martin")).to_have_count(0)


def test_the_client_time_zone_field_offers_the_zones_as_suggestions(page: Page, stack: Stack) -> None:
    """Help tells staff to pick the client's zone from the list: the field must be tied to it in the browser."""
    sign_in(page, stack)
    page.goto(f"{stack.url}/appointments/new")
    field = page.get_by_label("Client's time zone (optional)")
    offered = field.evaluate("field => field.list ? [...field.list.options].map((option) => option.value) : []")
    assert "Europe/Lisbon" in offered and "America/Sao_Paulo" in offered
