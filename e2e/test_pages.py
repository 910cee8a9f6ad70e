"""Help, Privacy, Support and every other page, in the browser: links, no JavaScript needed, axe-core."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from zoom_standin import Fault

from .helpers import Stack, add_meeting_connecting_first, sign_in

AXE = Axe()
BLOCKING = ("serious", "critical")


def assert_accessible(page: Page, what: str) -> None:
    results = AXE.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{what}: {results.generate_report()}"


def check_footer_links(page: Page) -> None:
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name="Help")).to_have_attribute("href", "/help")
    expect(footer.get_by_role("link", name="Privacy")).to_have_attribute("href", "/privacy")


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_public_pages_link_each_other_and_pass_axe(page: Page, stack: Stack, signed_in: bool) -> None:
    if signed_in:
        sign_in(page, stack)
    page.goto(f"{stack.url}/appointments" if signed_in else f"{stack.url}/login")
    page.get_by_role("contentinfo").get_by_role("link", name="Help").click()
    expect(page.get_by_role("heading", name="Zoom meetings for your appointments")).to_be_visible()
    assert_accessible(page, "help")
    expect(page.get_by_role("link", name="Contact support").first).to_have_attribute(
        "href", "mailto:support@spa.example"
    )
    page.get_by_role("main").get_by_role("link", name="Privacy").last.click()
    expect(page.get_by_role("heading", name="Privacy: what SimpleSpa Zoom keeps, and where")).to_be_visible()
    expect(page.get_by_role("cell", name="meeting:write:meeting")).to_be_visible()
    check_footer_links(page)
    assert_accessible(page, "privacy")
    page.get_by_role("contentinfo").get_by_role("link", name="Support").click()
    expect(page.get_by_role("link", name="Contact support")).to_have_attribute(
        "href", "mailto:support@spa.example?subject=SimpleSpa%20Zoom%200.1.0%3A%20"
    )
    assert_accessible(page, "support")


def test_the_public_pages_work_without_javascript(browser: Browser, stack: Stack) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for path, heading in (
        ("/help", "Zoom meetings for your appointments"),
        ("/privacy", "Privacy: what SimpleSpa Zoom keeps, and where"),
        ("/support", "Support"),
    ):
        page.goto(f"{stack.url}{path}")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        check_footer_links(page)
    page.goto(f"{stack.url}/help#zoom_reconnect")
    expect(page.locator("#zoom_reconnect")).to_be_in_viewport()
    context.close()


def test_the_help_page_reads_on_a_phone(browser: Browser, stack: Stack) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{stack.url}/help")
    widest = page.evaluate("document.documentElement.scrollWidth")
    assert widest <= 375, f"the page scrolls sideways on a phone ({widest}px)"
    assert_accessible(page, "help on a phone")
    context.close()


def test_every_page_of_the_app_passes_axe(page: Page, stack: Stack) -> None:
    with_meeting = stack.add_appointment("Ana Souza", "Prefers lavender oil.")
    without = stack.add_appointment("Ben Okafor", "")
    page.goto(f"{stack.url}/login")
    assert_accessible(page, "sign-in")
    sign_in(page, stack)
    assert_accessible(page, "appointment list")
    add_meeting_connecting_first(page, stack, with_meeting)
    assert_accessible(page, "appointment with a meeting")
    page.get_by_role("region", name="Zoom meeting").get_by_text("Details").click()
    assert_accessible(page, "appointment with its details open")
    page.goto(f"{stack.url}/appointments/{without.id}")
    expect(page.get_by_role("button", name="Add Meeting")).to_be_visible()
    assert_accessible(page, "appointment without a meeting")
    page.goto(f"{stack.url}/appointments/new")
    assert_accessible(page, "new appointment form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, "new appointment form with errors")
    page.goto(f"{stack.url}/appointments/{with_meeting.id}/edit")
    assert_accessible(page, "edit form")
    page.goto(f"{stack.url}/appointments/424242")
    expect(page.get_by_role("alert")).to_have_text("That page or appointment does not exist. What to do")
    assert_accessible(page, "error page")
    page.goto(f"{stack.url}/zoom/callback?error=access_denied&state=nope")
    expect(page.get_by_role("heading", name="Zoom is not connected")).to_be_visible()
    assert_accessible(page, "connect failed page")


def test_an_error_shown_in_the_app_links_to_its_help_entry(page: Page, stack: Stack) -> None:
    first = stack.add_appointment("Ana", "")
    second = stack.add_appointment("Ben", "")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, first)
    stack.zoom.add_fault(Fault("POST", "/v2/users/me/meetings", "500"))
    page.goto(f"{stack.url}/appointments/{second.id}")
    page.get_by_role("button", name="Add Meeting").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Zoom is not answering right now")
    assert_accessible(page, "appointment with an error")
    alert.get_by_role("link", name="What to do").click()
    assert page.url == f"{stack.url}/help#zoom_unavailable"
    entry = page.locator("#zoom_unavailable")
    expect(entry).to_be_in_viewport()
    expect(entry).to_contain_text("Zoom is not answering right now")
