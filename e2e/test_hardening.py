"""The attack round's two journeys in a real browser: a far-off date, and a cookie copied before sign-out."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from .helpers import Stack, add_meeting_connecting_first, sign_in


def test_a_start_in_year_one_is_refused_and_the_book_stays_up(page: Page, stack: Stack) -> None:
    stack.add_appointment("Ana Souza", "")
    sign_in(page, stack)
    page.get_by_role("link", name="New appointment").first.click()
    page.get_by_label("Client", exact=True).fill("Year One")
    page.get_by_label("Start").fill("0001-01-01T04:56")
    page.get_by_label("Duration (minutes)").fill("60")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter a start between the years 1900 and 2200.")).to_be_visible()
    page.goto(f"{stack.url}/appointments")
    page.get_by_role("searchbox", name="Find a client").fill("o")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Ana Souza")).to_be_visible()
    expect(page.get_by_role("link", name="Year One")).to_have_count(0)


def test_a_cookie_copied_before_sign_out_no_longer_works(browser: Browser, page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana Souza", "")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    copied = page.context.cookies()
    granted = list(stack.zoom.grants)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status").filter(has_text="You are signed out.")).to_be_visible()
    # Nothing revoked: on Zoom a revoke uninstalls the app, and the host's meetings would send no more events.
    assert granted and stack.zoom.grants == granted

    thief = browser.new_context()
    thief.add_cookies(copied)
    stolen = thief.new_page()
    stolen.goto(f"{stack.url}/appointments/{appointment.id}")
    expect(stolen.get_by_role("heading", name="Sign in")).to_be_visible()
    thief.close()
