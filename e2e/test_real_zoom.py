"""Journeys that only a Zoom behaving as real Zoom does can show (zoom-contract.md, last table)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests
from playwright.sync_api import Browser, Page, expect

from simplespa_zoom.meetings import notes
from simplespa_zoom.web import the_book
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT
from zoom_standin import User

from .helpers import STAFF_EMAIL, STAFF_PASSWORD, Stack, add_meeting_connecting_first, allow_in_zoom, sign_in

NOTES = "Prefers lavender oil."


def accept_dialogs(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def meeting_calls(stack: Stack, meeting_id: int) -> list[dict]:
    return [call for call in stack.zoom.calls if call["path"] == f"/v2/meetings/{meeting_id}"]


def test_a_past_meeting_keeps_its_line_is_never_checked_and_says_it_has_ended(page: Page, stack: Stack) -> None:
    upcoming = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, upcoming)
    # A meeting the app made for an appointment 40 days ago: Zoom has expired its ID since.
    started = (datetime.now(UTC) - timedelta(days=40)).replace(second=0, microsecond=0)
    past = stack.add_appointment("Ben", NOTES, start=started)
    token = stack.zoom.grants[0].access_token
    created = requests.post(
        f"{stack.zoom_server.url}/v2/users/me/meetings",
        json={"topic": "Appointment with Ben", "start_time": started.strftime("%Y-%m-%dT%H:%M:%SZ"), "duration": 60},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    ).json()
    line = notes.format_line(
        ZOOM_LINE_FORMAT, "Appointment with Ben", started.astimezone(stack.app.config["SPA_TZ"]), created["join_url"]
    )
    with stack.app.app_context():
        marks = stack.app.extensions["meetings"].marks
        appended = notes.append_line(NOTES, line)
        the_book().appointments.record_meeting(
            past.id,
            past.version,
            appended,
            created["id"],
            marks.mark("sandbox-host"),
            meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, appended),
            line_digest=notes.fingerprint(line),
        )
    gone = requests.get(
        f"{stack.zoom_server.url}/v2/meetings/{created['id']}", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert gone.json()["code"] == 3001  # exactly what a deleted meeting answers

    page.goto(f"{stack.url}/appointments/{past.id}")
    widget = page.get_by_role("region", name="Zoom meeting")
    expect(widget.get_by_text("This meeting has ended.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("region", name="Zoom meeting").get_by_text("This meeting has ended.")).to_be_visible()
    assert stack.appointment(past.id).notes == NOTES + "\n" + line
    assert len(meeting_calls(stack, created["id"])) == 1  # only the test's own look; the app never asked


def test_another_zoom_users_meeting_is_never_dropped_or_changed(browser: Browser, page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    with_line = stack.appointment(appointment.id).notes
    meeting_id = next(iter(stack.zoom.meetings))

    # A colleague in the same spa connects a different Zoom user in their own browser.
    stack.zoom.add_user(User("colleague", "colleague@spa.example", "Cole", "League"))
    stack.zoom.current_user_id = "colleague"
    colleague = browser.new_context(timezone_id="America/New_York").new_page()
    accept_dialogs(colleague)
    sign_in(colleague, stack)
    second = stack.add_appointment("Ben", "")
    add_meeting_connecting_first(colleague, stack, second)

    colleague.goto(f"{stack.url}/appointments/{appointment.id}")
    widget = colleague.get_by_role("region", name="Zoom meeting")
    expect(
        widget.get_by_text("This meeting belongs to another Zoom account, so it can't be checked from here.")
    ).to_be_visible()
    widget.get_by_role("button", name="Remove meeting").click()
    expect(colleague.get_by_role("alert")).to_contain_text("belongs to another Zoom account")
    expect(colleague.get_by_role("region", name="Zoom meeting")).to_be_visible()

    colleague.get_by_role("button", name="Cancel appointment").click()
    expect(colleague.get_by_role("alert").filter(has_text="belongs to another Zoom account")).to_be_visible()
    assert stack.appointment(appointment.id).notes == with_line
    assert meeting_id in stack.zoom.meetings
    colleague.context.close()


def test_installing_from_the_marketplace_while_signed_out_signs_in_then_connects(page: Page, stack: Stack) -> None:
    page.goto(f"{stack.zoom_server.url}/marketplace")
    page.get_by_role("button", name="Add SimpleSpa Zoom Connector").click()
    allow_in_zoom(page)
    stateless_codes = set(stack.zoom.codes)
    assert len(stateless_codes) == 1

    expect(page.get_by_role("status").filter(has_text="Sign in to finish connecting Zoom.")).to_be_visible()
    page.get_by_label("Email").fill(STAFF_EMAIL)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Connect Zoom", exact=True).click()  # a link from anywhere only asks

    expect(page.get_by_role("heading", name="Appointments")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Zoom is connected.")).to_be_visible()
    expect(page.get_by_role("button", name="Disconnect Zoom")).to_be_visible()
    assert stateless_codes <= set(stack.zoom.codes)  # the code without state was never exchanged


def test_installing_from_the_marketplace_while_signed_in_lands_on_the_list(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    page.goto(f"{stack.zoom_server.url}/marketplace")
    page.get_by_role("button", name="Add SimpleSpa Zoom Connector").click()
    allow_in_zoom(page)
    page.get_by_role("button", name="Connect Zoom", exact=True).click()  # a link from anywhere only asks

    expect(page.get_by_role("status").filter(has_text="Zoom is connected.")).to_be_visible()
    assert page.url == f"{stack.url}/appointments"
    page.goto(f"{stack.url}/appointments/{appointment.id}")
    page.get_by_role("button", name="Add Meeting").click()
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()
    assert page.url == f"{stack.url}/appointments/{appointment.id}"


def test_a_dead_connection_found_by_the_check_stops_offering_disconnect_and_reconnects(
    page: Page, stack: Stack
) -> None:
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    page.goto(f"{stack.zoom_server.url}/marketplace")
    page.get_by_role("button", name="Uninstall").click()

    page.goto(f"{stack.url}/appointments/{appointment.id}")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("A Zoom user can be connected in one browser at a time.")
    expect(page.get_by_role("button", name="Disconnect Zoom")).to_have_count(0)
    alert.get_by_role("button", name="Reconnect Zoom").click()
    allow_in_zoom(page)
    expect(page.get_by_role("region", name="Zoom meeting").get_by_text("Checked with Zoom just now.")).to_be_visible()


def test_connecting_in_another_browser_costs_this_one_a_single_click(
    browser: Browser, page: Page, stack: Stack
) -> None:
    first = stack.add_appointment("Ana", NOTES)
    second = stack.add_appointment("Ben", "")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, first)
    other = browser.new_context(timezone_id="America/New_York").new_page()
    sign_in(other, stack)
    other.goto(f"{stack.url}/zoom/connect?next=/appointments")
    other.get_by_role("button", name="Connect Zoom", exact=True).click()  # same Zoom user: this browser's tokens die
    expect(other.get_by_role("status").filter(has_text="Zoom is connected.")).to_be_visible()
    other.context.close()

    page.goto(f"{stack.url}/appointments/{second.id}")
    page.get_by_role("button", name="Add Meeting").click()  # Zoom skips the consent for an allowed app
    expect(page.get_by_role("region", name="Zoom meeting")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Zoom is connected again.")).to_be_visible()
    assert len(stack.zoom.meetings) == 2


def test_join_links_on_zoom_com_read_back_and_hide_the_camera(page: Page, stack: Stack) -> None:
    stack.zoom.current_user().join_host = "https://spa.zoom.com"
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    meeting = next(iter(stack.zoom.meetings.values()))
    assert meeting["join_url"].startswith("https://spa.zoom.com/j/")
    page.reload()
    widget = page.get_by_role("region", name="Zoom meeting")
    expect(widget.get_by_role("link", name="Client link")).to_have_attribute("href", meeting["join_url"])
    expect(page.get_by_role("button", name="Add Meeting")).to_have_count(0)


def test_a_registrants_j_link_with_a_token_counts_as_their_personal_link(page: Page, stack: Stack) -> None:
    user = stack.zoom.current_user()
    user.account_type, user.join_host, user.registrant_path = 2, "https://acme.zoom.us", "j"
    appointment = stack.add_appointment("Ana Souza", NOTES, email="ana@example.com")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    registrant = next(iter(next(iter(stack.zoom.meetings.values()))["_registrants"].values()))
    assert "/j/" in registrant["join_url"] and "tk=" in registrant["join_url"]
    expect(page.get_by_role("link", name="Client link")).to_have_attribute("href", registrant["join_url"])
    expect(page.get_by_text("Zoom emailed the client their personal join link.")).to_be_visible()


def test_the_connect_survives_zoom_redirecting_between_its_own_hosts(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana", NOTES)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    authorize = [call["host"] for call in stack.zoom.calls if call["path"] == "/oauth/authorize"]
    assert authorize[0].startswith("127.0.0.1:") and authorize[-1].startswith("localhost:")
    assert notes.current_line(ZOOM_LINE_FORMAT, stack.appointment(appointment.id).notes) is not None
