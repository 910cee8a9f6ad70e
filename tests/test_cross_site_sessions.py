"""Round three: sessions a response did not receive, the known-browser mark, address groups, connect by POST."""

from __future__ import annotations

import time
from http.cookies import SimpleCookie
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from flask import Flask

from simplespa_zoom import create_app
from simplespa_zoom.book import sign_in_guard
from simplespa_zoom.web import session as session_module
from simplespa_zoom.web import the_book

from . import test_hardening
from .helpers import (
    API,
    OAUTH,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    TEST_CONFIG,
    add_appointment,
    connect_zoom,
    csrf_token,
    form_post,
    get_appointment,
    login,
    session_zoom,
    sql,
    staffed_app,
)
from .test_hardening import Clock, sign_in_from

clock = test_hardening.clock  # the fake clock of the sign-in guard's tests, as a fixture here too

HTTPS = {"base_url": "https://spa.example"}


def set_cookies(response) -> SimpleCookie:
    """The cookies a response sets or deletes, by name."""
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        jar.load(header)
    return jar


# --- 1. A response never replaces a session it did not receive ----------------------------------

# What a cross-site page can make a browser POST: the sign-in form, a page that is not there, a
# page that takes no POST, a real action and the connect button. The browser withholds the
# SameSite=Lax session cookie, so each arrives with none.
CROSS_SITE_POSTS = ["/login", "/no-such-page", "/", "/help", "/appointments/new", "/logout", "/zoom/connect"]


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
@pytest.mark.parametrize("path", CROSS_SITE_POSTS)
def test_a_post_that_brought_no_session_is_answered_without_a_cookie(database: str, path: str, secure: bool) -> None:
    app = staffed_app(database, SESSION_COOKIE_SECURE=secure)
    stranger = app.test_client()
    extra = HTTPS if secure else {}
    response = stranger.post(path, data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD}, **extra)
    assert response.status_code in (400, 404, 405)
    assert response.headers.getlist("Set-Cookie") == []


@pytest.mark.parametrize("path", ["/no-such-page", "/help", "/privacy", "/appointments/1/meeting"])
def test_an_error_or_public_page_begins_no_session(client, path: str) -> None:
    response = client.get(path)
    assert response.headers.getlist("Set-Cookie") == []
    assert 'name="csrf-token" content=""' in response.get_data(as_text=True)


def test_a_refused_post_writes_no_cookie_and_the_session_stays(app: Flask, client) -> None:
    appointment = add_appointment(app, "Ana", "keep me")
    login(client)
    connect_zoom(client)
    refused = client.post(f"/appointments/{appointment.id}/cancel", data={"csrf_token": "forged"})
    assert refused.status_code == 400 and refused.headers.getlist("Set-Cookie") == []
    assert client.get("/appointments").status_code == 200 and session_zoom(client) is not None
    assert not get_appointment(app, appointment.id).cancelled


def later_by(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Move the session's clock (only that one) on by some seconds."""
    now = time.time() + seconds
    monkeypatch.setattr(session_module, "time", SimpleNamespace(time=lambda: now))


def test_a_refused_post_leaves_even_a_session_due_for_resealing_alone(client, monkeypatch) -> None:
    login(client)
    later_by(monkeypatch, 11 * 60)  # past the 10 minutes "last seen" is kept to: the next answer reseals it
    refused = client.post("/appointments/new", data={"csrf_token": "forged"})
    assert refused.status_code == 400 and refused.headers.getlist("Set-Cookie") == []
    assert "session" in set_cookies(client.get("/appointments"))


def test_an_expired_session_it_brought_is_replaced_by_any_page(client, monkeypatch) -> None:
    login(client)
    expired = client.get_cookie("session").value
    later_by(monkeypatch, 8 * 3600 + 1)
    replaced = set_cookies(client.get("/help"))["session"]
    assert replaced.value != expired
    assert client.get("/appointments").status_code == 302


def test_the_sign_in_page_begins_the_session_its_form_needs(client) -> None:
    page = client.get("/login")
    assert "session" in set_cookies(page)
    assert login(client).status_code == 302 and client.get("/appointments").status_code == 200


# --- 15. Connecting Zoom takes a same-site POST ------------------------------------------------


def test_connect_by_link_only_asks_and_the_button_posts(client) -> None:
    login(client)
    with responses.RequestsMock():  # no Zoom call, no authorization started
        page = client.get("/zoom/connect?next=/appointments/3")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and '<button type="submit" class="primary">Connect Zoom</button>' in text
    assert 'name="next" value="/appointments/3"' in text
    with client.session_transaction() as session:
        assert not any(key.startswith("_state_zoom_") for key in session)
    token = csrf_token(client)
    started = client.post("/zoom/connect", data={"csrf_token": token, "next": "/appointments/3"})
    assert urlsplit(started.headers["Location"]).path == "/oauth/authorize"


def test_a_marketplace_code_while_signed_out_keeps_its_message_for_the_sign_in(client) -> None:
    response = client.get("/zoom/callback?code=from-the-marketplace", follow_redirects=True)
    assert "Sign in to finish connecting Zoom." in response.get_data(as_text=True)


# --- 2. The known-browser mark, and addresses counted sensibly ----------------------------------


def guess_from_everywhere(app: Flask, clock: Clock, count: int, *, email: str = STAFF_EMAIL) -> None:
    """Strangers guess the password over the hour, each try from a new IPv4 address or IPv6 network."""
    for number in range(count):
        address = f"198.51.{number // 200}.{number % 200 + 1}" if number % 2 else f"2001:db8:{number:x}::1"
        sign_in_from(app.test_client(), address, "wrong", email=email)
        clock.now += 3000 / count


def test_the_known_browser_mark_is_its_own_long_lived_cookie_written_only_at_sign_in(database: str) -> None:
    app = staffed_app(database, SESSION_COOKIE_SECURE=True)
    browser = app.test_client()
    signed_in = login(browser, **HTTPS)
    mark = set_cookies(signed_in)["__Host-known-browser"]
    assert mark["max-age"] == str(400 * 24 * 3600) and mark["path"] == "/"
    assert mark["secure"] and mark["httponly"] and mark["samesite"] == "Lax"
    assert STAFF_EMAIL not in mark.value and len(mark.value) < 200
    for response in (
        browser.get("/appointments", **HTTPS),
        form_post(browser, "/logout", **HTTPS),
        login(browser, password="wrong password", **HTTPS),
        browser.post("/login", data={}, **HTTPS),
        browser.get("/no-such-page", **HTTPS),
    ):
        assert "__Host-known-browser" not in set_cookies(response)


def test_a_known_browser_signs_in_while_strangers_guess_from_everywhere(app: Flask, clock: Clock) -> None:
    owner = app.test_client()
    assert sign_in_from(owner, "192.0.2.10") == 302
    owner.delete_cookie("session")  # 8 idle hours, a cross-site page or a sign-out: the session is gone
    guess_from_everywhere(app, clock, 52)
    assert sign_in_from(app.test_client(), "192.0.2.99") == 429  # a stranger waits, right password or not
    assert sign_in_from(owner, "203.0.113.50") == 302  # the owner, even from another network, does not


def test_strangers_never_extend_the_pause_of_a_known_browser(app: Flask, clock: Clock) -> None:
    owner = app.test_client()
    assert sign_in_from(owner, "192.0.2.10") == 302
    owner.delete_cookie("session")
    for _ in range(5):
        assert sign_in_from(owner, "192.0.2.10", "mistyped") == 401
    assert sign_in_from(owner, "192.0.2.10") == 429  # its own five failures pause it
    guess_from_everywhere(app, clock, 40)  # meanwhile (less than the pause doubled) strangers guess
    for _ in range(10):
        sign_in_from(app.test_client(), "192.0.2.10", "wrong")  # even from the owner's own address
    clock.now += sign_in_guard.FIRST_DELAY + 1
    assert sign_in_from(owner, "192.0.2.10") == 302


@pytest.mark.parametrize("mark", ["", "garbage", "v1.1.AAAA", "A" * 120])
def test_a_forged_mark_is_an_unknown_browser(app: Flask, clock: Clock, mark: str) -> None:
    guess_from_everywhere(app, clock, 52)
    forger = app.test_client()
    forger.set_cookie("known-browser", mark)
    assert sign_in_from(forger, "192.0.2.77") == 429


def test_a_mark_is_bound_to_its_cookie_name(app: Flask, clock: Clock) -> None:
    """The name is sealed into the mark: a session cookie's value or the https mark is no mark here."""
    owner = create_app({**TEST_CONFIG, "DATABASE": app.config["DATABASE"], "SESSION_COOKIE_SECURE": True}).test_client()
    signed_in = login(owner, **HTTPS)
    cookies = set_cookies(signed_in)
    guess_from_everywhere(app, clock, 52)
    for value in (cookies["__Host-known-browser"].value, cookies["__Host-session"].value):
        mover = app.test_client()
        mover.set_cookie("known-browser", value)
        assert sign_in_from(mover, "192.0.2.78") == 429


def test_addresses_in_one_ipv6_64_are_one_address(app: Flask, clock: Clock) -> None:
    for host in range(1, 6):
        assert sign_in_from(app.test_client(), f"2001:db8:1:2::{host:x}", "wrong") == 401
    assert sign_in_from(app.test_client(), "2001:db8:1:2:ffff:1:2:3") == 429  # same /64: paused
    assert sign_in_from(app.test_client(), "2001:db8:1:3::1") == 302  # the next /64 is someone else


def test_rotating_through_a_64_hits_the_per_address_limit(app: Flask, clock: Clock) -> None:
    for number in range(20):  # a different email each time, so only the per-address count grows
        sign_in_from(app.test_client(), f"2001:db8:7:7::{number + 1:x}", "wrong", email=f"x{number}@spa.example")
    assert sign_in_from(app.test_client(), "2001:db8:7:7:abcd::1") == 429
    assert sign_in_from(app.test_client(), "::ffff:192.0.2.1") == 302  # IPv4-mapped: the IPv4 address


def test_an_ipv4_mapped_address_is_its_ipv4_address(app: Flask, clock: Clock) -> None:
    for _ in range(5):
        sign_in_from(app.test_client(), "::ffff:192.0.2.5", "wrong")
    assert sign_in_from(app.test_client(), "192.0.2.5") == 429


# --- 17. Tests that would catch planted bugs ----------------------------------------------------


def test_guesses_from_many_addresses_add_up_to_the_per_email_limit(app: Flask, clock: Clock) -> None:
    for number in range(50):  # one guess from each of 50 addresses: no per-address limit ever trips
        assert sign_in_from(app.test_client(), f"203.0.{number}.9", "wrong") == 401
    assert sign_in_from(app.test_client(), "198.51.100.200") == 429  # a 51st address waits
    clock.now += sign_in_guard.WINDOW + 1
    assert sign_in_from(app.test_client(), "198.51.100.200") == 302  # an hour later they no longer count


def test_guesses_in_every_case_of_the_email_count_as_one_email(app: Flask, clock: Clock) -> None:
    spellings = [
        "STAFF@SPA.EXAMPLE",
        "Staff@Spa.Example",
        "staff@SPA.example",
        "sTaFf@spa.example",
        "staff@spa.EXAMPLE",
    ]
    for spelling in spellings:
        assert sign_in_from(app.test_client(), "192.0.2.44", "wrong", email=spelling) == 401
    assert sign_in_from(app.test_client(), "192.0.2.44") == 429
    # Stored folded: on PostgreSQL, text compares case-sensitively (SQLite's NOCASE column hides it).
    assert {row[0] for row in sql(app, "SELECT DISTINCT email FROM sign_in_failures")} == {STAFF_EMAIL}


def test_a_callback_with_another_browsers_state_never_exchanges_the_code(app: Flask) -> None:
    victim, attacker = app.test_client(), app.test_client()
    login(victim)
    login(attacker)
    started = form_post(attacker, "/zoom/connect", {"next": "/appointments"})
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as zoom:
        token = zoom.post(f"{OAUTH}/oauth/token", json={"access_token": "A" * 40, "refresh_token": "R" * 40})
        zoom.get(f"{API}/users/me", json={"id": "u", "type": 1})
        page = victim.get(f"/zoom/callback?code=attackers-code&state={state}")
    assert token.call_count == 0
    assert page.status_code == 400 and "expired or was opened in another browser" in page.get_data(as_text=True)
    assert session_zoom(victim) is None


# --- Cookies near the 8 KB header limit of common proxies ---------------------------------------


def test_the_cookie_header_of_a_full_session_stays_under_8_kb(client) -> None:
    """Signed in, Zoom tokens of 1,200 characters each, a connect under way, a message waiting, and the mark."""
    login(client)
    connect_zoom(client, access="a" * 1200, refresh="r" * 1200, user_id="z" * 22)
    form_post(client, "/zoom/connect", {"next": "/appointments/" + "9" * 18})
    with client.session_transaction() as session:
        session["_flashes"] = [("warning:zoom_missing_permission", "m" * 300)]
    sent = "; ".join(f"{cookie.key}={cookie.value}" for cookie in client._cookies.values())
    names = {cookie.key for cookie in client._cookies.values()}
    assert "known-browser" in names and "session" in names
    assert len(f"Cookie: {sent}") < 8 * 1024 - 512, len(sent)  # room for the other request headers


def test_a_browser_known_to_one_account_gets_no_pass_on_the_limits_of_another(app: Flask, clock: Clock) -> None:
    """The mark names the accounts the browser signed in to: for any other account it is a stranger."""
    other = "colleague@spa.example"
    with app.app_context():
        the_book().staff.create(other, STAFF_PASSWORD)
    owner = app.test_client()
    assert sign_in_from(owner, "192.0.2.10") == 302  # known to STAFF_EMAIL's account only
    owner.delete_cookie("session")
    guess_from_everywhere(app, clock, 52, email=other)
    assert sign_in_from(owner, "203.0.113.50", email=other) == 429
    assert sign_in_from(owner, "203.0.113.50") == 302  # its own account still lets it in
