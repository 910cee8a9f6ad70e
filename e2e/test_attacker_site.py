"""Round three in Chromium, with the attacker's page on another site (127.0.0.2: IP hosts are compared
exactly, so it is cross-site to the app on 127.0.0.1): it cannot sign staff out, keep them out, or
reconnect their Zoom."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, quote

import pytest
from playwright.sync_api import Browser, Page, expect

from simplespa_zoom.web import session as session_module
from zoom_standin.server import RunningServer, serve_in_thread

from .helpers import STAFF_EMAIL, STAFF_PASSWORD, Stack, add_meeting_connecting_first, allow_in_zoom, sign_in

ATTACKER_HOST = "127.0.0.2"


def attacker_site(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """Another site's page: /post?to=URL auto-submits a form (with any fields given) there, /go?to=URL goes there."""
    query = parse_qs(environ.get("QUERY_STRING", ""))
    target = html.escape(query.pop("to", [""])[0])
    if environ["PATH_INFO"] == "/post":
        fields = "".join(
            f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(values[0])}">'
            for name, values in query.items()
        )
        body = f'<form method="post" action="{target}">{fields}</form><script>document.forms[0].submit()</script>'
    else:
        body = (
            f'<a id="go" href="{target}">Win a free massage</a><script>document.getElementById("go").click()</script>'
        )
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [f"<!doctype html><title>Prize</title>{body}".encode()]


@pytest.fixture
def attacker() -> Iterator[RunningServer]:
    server = serve_in_thread(attacker_site, ATTACKER_HOST, 0, threads=2)
    yield server
    server.stop()


def from_attacker(attacker: RunningServer, kind: str, target: str, **fields: str) -> str:
    extra = "".join(f"&{quote(name)}={quote(value)}" for name, value in fields.items())
    return f"{attacker.url}/{kind}?to={quote(target, safe='')}{extra}"


def landed(page: Page, url: str) -> None:
    """Wait until the attacker's page has taken the browser to the app."""
    expect(page).to_have_url(re.compile("^" + re.escape(url)))


def test_forms_posted_from_another_site_sign_nobody_out(page: Page, stack: Stack, attacker: RunningServer) -> None:
    appointment = stack.add_appointment("Ana Souza", "")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    grant = stack.zoom.grants[0]
    for path in ("/login", "/no-such-page", "/", "/logout", "/zoom/disconnect"):
        page.goto(from_attacker(attacker, "post", f"{stack.url}{path}", email=STAFF_EMAIL, password="guess"))
        landed(page, f"{stack.url}{path}")
    page.goto(f"{stack.url}/appointments/{appointment.id}")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("region", name="Zoom meeting").get_by_text("Checked with Zoom just now.")).to_be_visible()
    assert stack.zoom.grants == [grant]  # the same connection: neither lost nor replaced


class LaterClock:
    """The session's clock moved on by some hours (the only clock moved: Zoom and the sign-in guard keep theirs)."""

    def __init__(self, hours: float) -> None:
        self.offset = hours * 3600

    def time(self) -> float:
        return time.time() + self.offset


def guess_from_many_addresses(stack: Stack, count: int) -> None:
    """Strangers' scripts guess the owner's password, each try from a new IPv4 address or IPv6 network."""
    for number in range(count):
        address = f"198.51.100.{number + 1}" if number % 2 else f"2001:db8:{number:x}::1"
        stranger = stack.app.test_client()
        page = stranger.get("/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        stranger.post(
            "/login",
            data={"csrf_token": token.group(1), "email": STAFF_EMAIL, "password": f"guess {number}"},
            environ_base={"REMOTE_ADDR": address},
        )


def test_the_owner_signs_in_the_next_morning_while_strangers_guess(
    browser: Browser, page: Page, stack: Stack, attacker: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(page, stack)
    guess_from_many_addresses(stack, 52)
    page.goto(from_attacker(attacker, "post", f"{stack.url}/login", email=STAFF_EMAIL, password="guess"))
    landed(page, f"{stack.url}/login")

    monkeypatch.setattr(session_module, "time", LaterClock(9))  # the night: the idle session has ended
    page.goto(f"{stack.url}/appointments")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(STAFF_EMAIL)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Appointments")).to_be_visible()

    stranger = browser.new_context().new_page()  # a browser that never signed in here waits, password or not
    stranger.goto(f"{stack.url}/login")
    stranger.get_by_label("Email").fill(STAFF_EMAIL)
    stranger.get_by_label("Password").fill(STAFF_PASSWORD)
    stranger.get_by_role("button", name="Sign in").click()
    expect(stranger.get_by_role("alert")).to_contain_text("Too many")
    stranger.context.close()


def test_a_link_from_another_site_does_not_reconnect_zoom(page: Page, stack: Stack, attacker: RunningServer) -> None:
    appointment = stack.add_appointment("Ana Souza", "")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)  # this Zoom user has allowed the app
    grant = stack.zoom.grants[0]
    for target in ("/zoom/connect?next=/appointments", "/zoom/callback?code=from-the-marketplace"):
        page.goto(from_attacker(attacker, "go", f"{stack.url}{target}"))
        expect(page.get_by_role("heading", name="Connect Zoom")).to_be_visible()
        assert stack.zoom.grants == [grant]  # no new grant: this browser's and any other's stay
    page.goto(from_attacker(attacker, "post", f"{stack.url}/zoom/connect", next="/appointments"))
    landed(page, f"{stack.url}/zoom/connect")
    assert stack.zoom.grants == [grant]

    page.goto(f"{stack.url}/zoom/connect?next=/appointments/{appointment.id}")
    page.get_by_role("button", name="Connect Zoom", exact=True).click()  # staff asking for it themselves
    expect(page.get_by_role("status").filter(has_text="Zoom is connected.")).to_be_visible()
    assert len(stack.zoom.grants) == 1 and stack.zoom.grants != [grant]


def test_the_widgets_connect_button_posts_and_comes_back_checked(page: Page, stack: Stack) -> None:
    appointment = stack.add_appointment("Ana Souza", "")
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Disconnect Zoom").click()
    # The form's own navigation must end before the next one starts (else Chromium aborts one of them).
    expect(page.get_by_role("status").filter(has_text="Zoom is disconnected.")).to_be_visible()
    page.goto(f"{stack.url}/appointments/{appointment.id}")
    page.get_by_role("region", name="Zoom meeting").get_by_role(
        "button", name="Connect Zoom to check this meeting"
    ).click()
    allow_in_zoom(page)
    expect(page.get_by_role("region", name="Zoom meeting").get_by_text("Checked with Zoom just now.")).to_be_visible()
    assert page.url == f"{stack.url}/appointments/{appointment.id}"
