"""Tell the front desk when a client arrives (issue 29 item 10): in a browser that opted in, one desktop
notification and one tone per arrival however many tabs are open, the waiting count in the tab's title, no
full name with MEETING_TOPIC=initials, and all of it when Zoom's event reaches another server than the page's.

Notifications are counted where the page makes them: an init script records each construction of
window.Notification (and each tone started) in the tab's sessionStorage (kept across a reload), then hands on to
the browser's own."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from zoom_standin.browserless import csrf_token, sign_in_and_connect

from .helpers import STAFF_EMAIL, STAFF_PASSWORD, Stack, add_meeting_connecting_first, served_stack, sign_in
from .test_gunicorn import gunicorns  # noqa: F401  (the fixture: two servers on the stack's database)
from .test_presence import SOON, WAITING, WITHIN, day_list

OPT_IN = "Alert me when a client is waiting"
WHILE_HIDDEN = 15000  # ms: a hidden tab asks every 10 s
COUNTED = re.compile(r"^\(1\) ")
UNCOUNTED = re.compile(r"^[^(]")
RECORDER = """
const kept = (name, empty) => JSON.parse(sessionStorage.getItem(name) || empty);
const keep = (name, value) => sessionStorage.setItem(name, JSON.stringify(value));
if (window.Notification) {
  const Real = window.Notification;
  const Recorded = function (title, options) {
    keep("told", [...kept("told", "[]"), { title, body: (options || {}).body }]);
    return new Real(title, options);
  };
  Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
  Recorded.requestPermission = (...args) => Real.requestPermission(...args);
  Recorded.prototype = Real.prototype;
  window.Notification = Recorded;
}
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  keep("tones", kept("tones", "0") + 1);
  return start.apply(this, args);
};
"""


def recording(context: BrowserContext, url: str) -> None:
    """Notifications allowed for the app, and counted in each of its pages."""
    context.grant_permissions(["notifications"], origin=url)
    context.add_init_script(RECORDER)


def told(*pages: Page) -> list[dict[str, str]]:
    return [note for page in pages for note in page.evaluate("JSON.parse(sessionStorage.getItem('told') || '[]')")]


def named(note: dict[str, str]) -> str | None:
    """Whom a notification names, as the app words it for a client (or, where Zoom cannot tell, someone)."""
    said = re.fullmatch(
        r"A client is waiting: (.+) is waiting to join their Zoom meeting\.|Someone is waiting: Someone is waiting "
        r"to join the Zoom meeting of the appointment with (.+): most likely the client\.",
        f"{note['title']}: {note['body']}",
    )
    return next((name for name in said.groups() if name), None) if said else None


def tones(*pages: Page) -> int:
    return sum(page.evaluate("JSON.parse(sessionStorage.getItem('tones') || '0')") for page in pages)


def marketplace(page: Page, stack: Stack) -> Page:
    zoom = page.context.new_page()
    zoom.goto(f"{stack.zoom_server.url}/marketplace")
    return zoom


def test_one_alert_per_arrival_however_many_tabs_and_the_count_in_the_title(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana Souza", start=SOON)
    recording(page.context, stack.url)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    page.get_by_label(OPT_IN).check()
    day = page.context.new_page()
    day.goto(day_list(stack, stack.url, appointment.id))
    expect(day.get_by_label(OPT_IN)).to_be_checked()  # remembered by this browser
    zoom = marketplace(page, stack)

    zoom.get_by_role("button", name="Client joins the waiting room: Appointment with Ana Souza").click()
    for tab in (page, day):  # each tab has heard of the arrival (the count follows the alert's decision)
        expect(tab).to_have_title(COUNTED, timeout=WITHIN)
    expect(page).to_have_title("(1) Ana Souza · SimpleSpa")
    assert [named(note) for note in told(page, day)] == ["Ana Souza"]
    assert tones(page, day) == 1

    day.reload()  # a reload does not tell the same arrival again
    expect(day).to_have_title(COUNTED, timeout=WITHIN)
    assert len(told(page, day)) == 1

    zoom.get_by_role("button", name="Client leaves: Appointment with Ana Souza").click()
    for tab in (page, day):
        expect(tab).to_have_title(UNCOUNTED, timeout=WITHIN)
    zoom.get_by_role("button", name="Client joins the waiting room: Appointment with Ana Souza").click()
    for tab in (page, day):  # back in the waiting room: a new arrival, told once more
        expect(tab).to_have_title(COUNTED, timeout=WITHIN)
    assert len(told(page, day)) == 2 and tones(page, day) == 2


def test_no_alert_without_the_opt_in_and_a_clear_message_when_notifications_are_blocked(
    page: Page, stack: Stack
) -> None:
    appointment = stack.add_appointment("Ana Souza", start=SOON)
    page.context.add_init_script(RECORDER)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    page.get_by_label(OPT_IN).click()  # the browser does not allow notifications here
    expect(page.get_by_role("alert").filter(has_text="blocks notifications from SimpleSpa")).to_be_visible()
    expect(page.get_by_label(OPT_IN)).not_to_be_checked()

    page.context.grant_permissions(["notifications"], origin=stack.url)  # allowed, but never opted in
    page.reload()
    expect(page.get_by_label(OPT_IN)).not_to_be_checked()
    marketplace(page, stack).get_by_role(
        "button", name="Client joins the waiting room: Appointment with Ana Souza"
    ).click()
    expect(page.get_by_text(WAITING)).to_be_visible(timeout=WITHIN)
    expect(page).to_have_title(COUNTED, timeout=WITHIN)  # the page still counts who waits
    assert told(page) == [] and tones(page) == 0


def test_a_tab_in_the_background_still_alerts(page: Page, stack: Stack) -> None:
    """The front desk works in another tab or program: with the alert on, a hidden tab keeps asking (less often)."""
    appointment = stack.add_appointment("Ana Souza", start=SOON)
    recording(page.context, stack.url)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    page.get_by_label(OPT_IN).check()
    page.add_init_script('Object.defineProperty(Document.prototype, "visibilityState", { get: () => "hidden" })')
    page.goto(day_list(stack, stack.url, appointment.id))
    assert page.evaluate("document.visibilityState") == "hidden"
    marketplace(page, stack).get_by_role(
        "button", name="Client joins the waiting room: Appointment with Ana Souza"
    ).click()
    expect(page).to_have_title(COUNTED, timeout=WHILE_HIDDEN)
    assert [named(note) for note in told(page)] == ["Ana Souza"]


@pytest.fixture
def initials_stack(database: str) -> Iterator[Stack]:
    local = served_stack(database, MEETING_TOPIC="initials")
    yield local
    local.stop()


def test_with_meeting_topic_initials_the_alert_names_the_client_by_initials(page: Page, initials_stack: Stack) -> None:
    stack = initials_stack
    appointment = stack.add_appointment("Ana Souza", start=SOON)
    recording(page.context, stack.url)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    page.goto(day_list(stack, stack.url, appointment.id))
    page.get_by_label(OPT_IN).check()
    marketplace(page, stack).get_by_role("button", name="Client joins the waiting room: Appointment with A. S.").click()
    expect(page).to_have_title(COUNTED, timeout=WITHIN)
    assert [named(note) for note in told(page)] == ["A. S."]
    assert not re.search("Ana|Souza", str(told(page)))


def test_the_alert_comes_when_zooms_event_reaches_another_server_than_the_page(
    page: Page,
    stack: Stack,
    gunicorns: list[str],  # noqa: F811
) -> None:
    receiver, server = gunicorns
    appointment = stack.add_appointment("Ana Souza", start=SOON)
    connected = sign_in_and_connect(server, stack.zoom_server.url, STAFF_EMAIL, STAFF_PASSWORD)
    token = csrf_token(connected.get(f"{server}/appointments/{appointment.id}").text)
    added = connected.post(
        f"{server}/appointments/{appointment.id}/meeting", headers={"X-CSRFToken": token, "Accept": "application/json"}
    )
    assert added.status_code == 201
    meeting_id = int(added.json()["meeting"]["meeting_id"])
    stack.client.webhook_url = f"{receiver}/zoom/webhook"  # Zoom's events reach the first server only

    recording(page.context, server)
    sign_in(page, stack, url=server)
    page.goto(day_list(stack, server, appointment.id))
    page.get_by_label(OPT_IN).check()
    expect(page).to_have_title(UNCOUNTED)

    sent = requests.post(
        f"{stack.zoom_server.url}/_sandbox/meetings/{meeting_id}/session", json={"action": "client_waits"}
    )
    assert sent.json() == {"sent": ["meeting.participant_joined_waiting_room"]}
    assert stack.zoom.webhooks_sent[-1]["status"] == 204  # received and applied by the other server
    expect(page).to_have_title(COUNTED, timeout=WITHIN)
    assert [named(note) for note in told(page)] == ["Ana Souza"]
    assert tones(page) == 1
