"""Attack and fault tables: CSRF everywhere, no state change on GET, nothing secret in logs."""

from __future__ import annotations

import logging
import socket
from urllib.parse import quote

import pytest
import responses
from flask import Flask
from markupsafe import escape

from simplespa_zoom.meetings import notes
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .helpers import (
    ACCESS_TOKEN,
    API,
    MEETING_ID,
    OAUTH,
    REFRESH_TOKEN,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    TEST_CONFIG,
    add_appointment,
    connect_zoom,
    csrf_token,
    day_page,
    form_post,
    get_appointment,
    line_for,
    login,
    page_meeting,
    post,
    sql,
    staffed_app,
    zoom_meeting,
)

STATE_CHANGING = [
    "/logout",
    "/appointments/new",
    "/appointments/{id}/edit",
    "/appointments/{id}/cancel",
    "/appointments/{id}/meeting",
    "/appointments/{id}/meeting/status",
    "/appointments/{id}/meeting/remove",
    "/zoom/connect",
    "/zoom/disconnect",
]


@pytest.mark.parametrize("path", STATE_CHANGING)
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_every_state_changing_request_needs_the_csrf_token(app: Flask, client, path: str, token: str | None) -> None:
    appointment = add_appointment(app, "Ana", "keep me")
    login(client)
    connect_zoom(client)
    headers = {"X-CSRFToken": token} if token else {}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as zoom:
        response = client.post(
            path.format(id=appointment.id), headers=headers, data={"client_name": "Eve", "notes": ""}
        )
        assert len(zoom.calls) == 0
    assert response.status_code == 400
    stored = get_appointment(app, appointment.id)
    assert stored.notes == "keep me" and not stored.cancelled and stored.client_name == "Ana"


def test_a_token_from_another_session_is_refused(app: Flask, client) -> None:
    appointment = add_appointment(app, "Ana", "keep me")
    other = app.test_client()
    login(other)
    login(client)
    response = client.post(
        f"/appointments/{appointment.id}/cancel", data={"csrf_token": csrf_token(other)}, follow_redirects=False
    )
    assert response.status_code == 400
    assert not get_appointment(app, appointment.id).cancelled


def test_every_page_of_one_session_carries_a_token_that_works(app: Flask, client) -> None:
    login(client)
    first, second = csrf_token(client), csrf_token(client)
    for name, token in (("First", first), ("Second", second)):
        details = {"client_name": name, "start": "2026-12-01T15:00", "duration": "60", "notes": ""}
        response = client.post("/appointments/new", headers={"X-CSRFToken": token}, data=details)
        assert response.status_code == 302, response.get_data(as_text=True)
    assert "First" in client.get("/appointments?day=2026-12-01").get_data(as_text=True)


@pytest.mark.parametrize("referer", ["https://evil.example/", "http://spa.example/appointments", None])
def test_over_https_a_post_from_another_origin_is_refused_even_with_the_token(
    app: Flask, client, referer: str | None
) -> None:
    appointment = add_appointment(app, "Ana", "keep me")
    login(client, base_url="https://spa.example")
    token = csrf_token(client, base_url="https://spa.example")
    response = client.post(
        f"/appointments/{appointment.id}/cancel",
        base_url="https://spa.example",
        headers={"Referer": referer} if referer else {},
        data={"csrf_token": token},
    )
    assert response.status_code == 400
    assert not get_appointment(app, appointment.id).cancelled


def test_over_https_a_post_with_the_token_from_our_own_page_is_accepted(app: Flask, client) -> None:
    """The same-origin referrer policy sends our own pages' address with our own forms, never to others."""
    appointment = add_appointment(app, "Ana", "keep me")
    login(client, base_url="https://spa.example")
    response = client.post(
        f"/appointments/{appointment.id}/cancel",
        base_url="https://spa.example",
        headers={"Referer": f"https://spa.example/appointments/{appointment.id}"},
        data={"csrf_token": csrf_token(client, base_url="https://spa.example")},
    )
    assert response.status_code == 302
    assert get_appointment(app, appointment.id).cancelled


@pytest.mark.parametrize(
    "path",
    [
        "/logout",
        "/appointments/{id}/cancel",
        "/appointments/{id}/meeting",
        "/appointments/{id}/meeting/status",
        "/appointments/{id}/meeting/remove",
        "/zoom/disconnect",
        "/zoom/webhook",
    ],
)
def test_no_state_change_on_get(app: Flask, client, path: str) -> None:
    appointment = add_appointment(app)
    login(client)
    assert client.get(path.format(id=appointment.id)).status_code == 405


def test_a_full_flow_logs_no_token_secret_or_host_link(app: Flask, client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    appointment = add_appointment(app, "Ana", "notes")
    login(client)
    connect_zoom(client)
    new_access, new_refresh = "N" * 1100 + "-ACCESS", "M" * 1100 + "-REFRESH"
    with responses.RequestsMock() as zoom:
        zoom.post(f"{API}/users/me/meetings", status=401, json={"code": 124, "message": "Access token is expired."})
        zoom.post(
            f"{OAUTH}/oauth/token", json={"access_token": new_access, "refresh_token": new_refresh, "expires_in": 3599}
        )
        zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
        zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment))
        zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)
        zoom.post(f"{OAUTH}/oauth/revoke", json={"status": "success"})
        page = client.get(f"/appointments/{appointment.id}").get_data(as_text=True)
        for action in ("", "/status", "/remove"):
            body = post(client, f"/appointments/{appointment.id}/meeting{action}").get_data(as_text=True)
            assert new_access not in body and "zak=" not in body and "client-secret" not in body
        form_post(client, "/zoom/disconnect")
    logged = caplog.text
    for secret in (
        ACCESS_TOKEN,
        REFRESH_TOKEN,
        new_access,
        new_refresh,
        "client-secret",
        "HOST-SECRET-ZAK",
        "webhook-secret",
    ):
        assert secret not in logged
        assert secret not in page
    assert "Zoom answered HTTP 401 (code 124)" in logged


HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "Ana\u202eevil\u202c \u200b\ufeff",
    "{{ 7*7 }} {% raw %}",
    "</textarea><script>x()</script>",
]


@pytest.mark.parametrize("hostile", HOSTILE_TEXT)
def test_hostile_names_and_notes_are_shown_as_text(app: Flask, client, hostile: str) -> None:
    visible_name = "Ana" if any(ord(char) > 0x2000 for char in hostile) else hostile  # names refuse those
    appointment = add_appointment(app, visible_name, hostile)
    login(client)
    shown = {
        f"/appointments/{appointment.id}": hostile,
        f"/appointments/{appointment.id}/edit": hostile,
        day_page(app, appointment): visible_name,
        "/appointments?q=" + quote(visible_name): visible_name,
    }
    for path, text in shown.items():
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page and "<script>x()" not in page
        assert str(escape(text)) in page


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "https://evil.example/j/85746065432",
        "https://zoom.us.evil.example/j/85746065432",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_only_https_zoom_join_links_become_links(app: Flask, client, link: str) -> None:
    text = f"Zoom: [Appointment with Ana] Tuesday, November 11 2025 6:00 pm \u2014 {link}"
    appointment = add_appointment(app, "Ana", text)
    login(client)
    page = client.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert page_meeting(page) is None
    assert f'href="{link}' not in page


def test_notes_bytes_survive_add_and_remove_around_hostile_text(app: Flask, client) -> None:
    original = (
        "\ufeffBOM first\r\n\ttabs\u00a0nbsp\u2028sep\nZoom: [x] not a link \u2014 https://evil.example/j/1\r\n\r\n"
    )
    appointment = add_appointment(app, "Ana", original)
    login(client)
    connect_zoom(client)
    with responses.RequestsMock() as zoom:
        zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
        zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)
        post(client, f"/appointments/{appointment.id}/meeting")
        assert get_appointment(app, appointment.id).notes == notes.append_line(original, line_for(app, appointment))
        post(client, f"/appointments/{appointment.id}/meeting/remove")
    assert get_appointment(app, appointment.id).notes == original


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_zoom_refusing_connections_gives_a_clear_message_and_changes_nothing(database: str) -> None:
    port = closed_port()
    app = staffed_app(database, ZOOM_API_BASE_URL=f"http://127.0.0.1:{port}/v2")
    appointment = add_appointment(app, "Ana", "keep me")
    client = app.test_client()
    login(client)
    connect_zoom(client)
    response = post(client, f"/appointments/{appointment.id}/meeting")
    assert response.status_code == 503
    assert "Zoom is not answering right now" in response.get_json()["error"]["message"]
    assert get_appointment(app, appointment.id).notes == "keep me"
    assert client.get("/appointments").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "/appointments\r\nSet-Cookie: x=1",
    ],
)
def test_sign_in_never_redirects_out_of_the_app(client, target: str) -> None:
    response = form_post(
        client, f"/login?next={quote(target, safe='')}", {"email": STAFF_EMAIL, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/appointments"


def test_sign_in_returns_to_the_page_that_asked(client) -> None:
    response = form_post(
        client,
        f"/login?next={quote('/appointments/7?x=1', safe='')}",
        {"email": STAFF_EMAIL, "password": STAFF_PASSWORD},
    )
    assert response.headers["Location"] == "/appointments/7?x=1"


def test_a_fresh_session_is_issued_at_sign_in(client) -> None:
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client)
    with client.session_transaction() as session:
        assert "planted" not in session and session["staff_id"] == 1


# --- Round two (issue: what an attack on the running app found) -------------------------------

from datetime import UTC, datetime  # noqa: E402

from simplespa_zoom.book import sign_in_guard  # noqa: E402

from .helpers import form_values, local, with_app_meeting  # noqa: E402


def new_appointment(client, start: str, **fields: str):
    values = {"client_name": "Ana", "client_email": "", "start": start, "duration": "60", "notes": "", **fields}
    return form_post(client, "/appointments/new", values)


@pytest.mark.parametrize("start", ["0001-01-01T04:56", "0999-12-31T23:00", "1899-12-31T23:59", "9999-12-31T23:59"])
def test_a_start_outside_1900_to_2200_is_refused_and_nothing_is_saved(app: Flask, client, start: str) -> None:
    login(client)
    response = new_appointment(client, start)
    assert response.status_code == 400
    assert "Enter a start between the years 1900 and 2200." in response.get_data(as_text=True)
    assert sql(app, "SELECT COUNT(*) FROM appointments")[0][0] == 0
    assert client.get("/appointments").status_code == 200


@pytest.mark.parametrize("start", ["1900-01-01T00:00", "2200-12-31T23:00"])
def test_the_ends_of_the_range_are_stored_and_read_back(app: Flask, client, start: str) -> None:
    login(client)
    assert new_appointment(client, start).status_code == 302
    stored = sql(app, "SELECT starts_at FROM appointments")[0][0]
    assert len(stored.split("-")[0]) == 4 and stored.endswith("Z")
    assert client.get("/appointments").status_code == 200 and client.get("/appointments/1").status_code == 200


def test_one_unreadable_row_does_not_take_down_the_book(app: Flask, client) -> None:
    good = add_appointment(app, "Ana")
    bad = add_appointment(app, "Broken Row")
    sql(app, "UPDATE appointments SET starts_at = '1-01-01T04:56:02Z' WHERE id = :id", id=bad.id)
    login(client)
    assert client.get(day_page(app, good)).status_code == 200
    found = client.get("/appointments?q=row")
    assert found.status_code == 200
    page = found.get_data(as_text=True)
    assert "Unreadable start: edit to set it" in page and "Broken Row" in page
    assert "Unreadable start" in client.get(f"/appointments/{bad.id}").get_data(as_text=True)
    edit = client.get(f"/appointments/{bad.id}/edit").get_data(as_text=True)
    assert 'name="start" type="datetime-local" value=""' in edit
    assert client.get(f"/appointments/{good.id}").status_code == 200


def test_signing_out_ends_the_session_on_the_server_and_leaves_zoom_installed(app: Flask, client) -> None:
    """On Zoom a revoke uninstalls the app for that user, and its meetings' events stop: signing out revokes
    nothing, and the cookie copied before it is dead all the same."""
    appointment = add_appointment(app, "Ana", "keep me")
    login(client)
    connect_zoom(client)
    copied = {cookie.key: cookie.value for cookie in client._cookies.values()}
    with responses.RequestsMock() as zoom:  # no call registered: any Zoom call at all fails the test
        signed_out = form_post(client, "/logout")
        assert signed_out.status_code == 302 and len(zoom.calls) == 0
    assert "Zoom stays connected" in client.get(signed_out.headers["Location"]).get_data(as_text=True)
    thief = app.test_client()
    for name, value in copied.items():
        thief.set_cookie(name, value)
    assert thief.get("/appointments").status_code == 302
    assert thief.get(f"/appointments/{appointment.id}").status_code == 302
    with responses.RequestsMock():  # no Zoom call may happen with the copied tokens
        added = thief.post(f"/appointments/{appointment.id}/meeting", headers={"Accept": "application/json"})
    assert added.status_code in (400, 401)
    assert get_appointment(app, appointment.id).notes == "keep me"


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    from simplespa_zoom.book import staff

    fake = Clock()
    monkeypatch.setattr(staff.time, "time", fake)
    return fake


def sign_in_from(client, address: str, password: str = STAFF_PASSWORD, email: str = STAFF_EMAIL) -> int:
    token = csrf_token(client, environ_base={"REMOTE_ADDR": address})
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code


def test_wrong_passwords_pause_only_that_address_and_the_pause_does_not_grow_while_waiting(
    app: Flask, clock: Clock
) -> None:
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(5):
        assert sign_in_from(attacker, "203.0.113.9", "wrong password") == 401
    assert sign_in_from(attacker, "203.0.113.9") == 429  # even the right password waits, unchecked
    for _ in range(20):
        assert sign_in_from(attacker, "203.0.113.9", "wrong password") == 429  # not counted
    assert sign_in_from(owner, "198.51.100.7") == 302  # another address is not locked out
    clock.now += sign_in_guard.FIRST_DELAY + 1
    assert sign_in_from(attacker, "203.0.113.9", "wrong password") == 401  # the pause did not grow
    assert sign_in_from(attacker, "203.0.113.9", "wrong password") == 429
    clock.now += 2 * sign_in_guard.FIRST_DELAY + 1  # and each pause doubles
    assert sign_in_from(attacker, "203.0.113.9") == 302


def test_a_browser_that_signed_in_before_is_not_held_back_by_its_shared_address(app: Flask, clock: Clock) -> None:
    owner, colleague_guessing = app.test_client(), app.test_client()
    assert sign_in_from(owner, "192.0.2.10") == 302
    form_post(owner, "/logout", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    for _ in range(60):  # same office address; guesses the owner's email many times
        sign_in_from(colleague_guessing, "192.0.2.10", "wrong password")
        clock.now += 3600 / 60
    assert sign_in_from(colleague_guessing, "192.0.2.10") == 429
    assert sign_in_from(owner, "192.0.2.10") == 302


def test_sign_in_inputs_are_capped_and_the_failure_table_is_bounded(app: Flask, client, monkeypatch) -> None:
    monkeypatch.setattr(sign_in_guard, "MAX_ROWS", 30)
    huge = "x" * 1_000_000 + "@spa.example"
    response = login(client, huge, "wrong password")
    assert response.status_code == 401 and len(response.get_data()) < 20_000
    for number in range(40):
        sign_in_from(app.test_client(), f"10.0.{number}.1", "wrong password", email=f"a{number}@spa.example")
    rows = sql(app, "SELECT COUNT(*), MAX(length(email)) FROM sign_in_failures")[0]
    assert rows[0] <= 30 and rows[1] <= 254


def test_staff_forms_cap_names_and_emails(app: Flask, client) -> None:
    login(client)
    long_name = new_appointment(client, "2030-01-01T10:00", client_name="N" * 201)
    assert long_name.status_code == 400 and "at most 200 characters" in long_name.get_data(as_text=True)


CRAFTED_COOKIES = ["v1.\u00b2.AAAA", "v1." + "9" * 4300 + ".AAAA", "v1.0.AAAA", "v1.-1.AAAA"]


@pytest.mark.parametrize("value", CRAFTED_COOKIES, ids=["superscript", "4300-digits", "zero", "negative"])
def test_a_crafted_cookie_is_a_signed_out_session_with_the_usual_headers(client, value: str) -> None:
    response = client.get("/appointments", headers={"Cookie": "session=" + value.encode().decode("latin-1")})
    assert response.status_code == 302 and "Content-Security-Policy" in response.headers


def signed_webhook(body: bytes, timestamp: str) -> dict[str, str]:
    import hashlib
    import hmac

    message = b"v0:" + timestamp.encode() + b":" + body
    signature = "v0=" + hmac.new(TEST_CONFIG["ZOOM_WEBHOOK_SECRET_TOKEN"].encode(), message, hashlib.sha256).hexdigest()
    return {"x-zm-request-timestamp": timestamp, "x-zm-signature": signature, "Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("body", "timestamp", "status"),
    [
        (b"{}", "\u00b2", 401),
        (b"{}", "9" * 5000, 401),
        (b"[" * 100_000 + b"]" * 100_000, None, 400),
    ],
    ids=["superscript-timestamp", "5000-digit-timestamp", "deeply-nested"],
)
def test_crafted_webhooks_get_a_clear_4xx(client, body: bytes, timestamp: str | None, status: int) -> None:
    import time as clock_time

    stamp = timestamp or str(int(clock_time.time()))
    headers = signed_webhook(body, stamp)
    headers["x-zm-request-timestamp"] = stamp.encode("utf-8").decode("latin-1")
    response = client.post("/zoom/webhook", data=body, headers=headers)
    assert response.status_code == status and "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("path", ["/appointments/99999999999999999999", "/appointments/9223372036854775808/edit"])
def test_route_ids_beyond_64_bits_are_simply_not_found(client, path: str) -> None:
    login(client)
    response = client.get(path)
    assert response.status_code == 404 and "Content-Security-Policy" in response.headers


PAST_64_BITS = "Zoom: [Call] Monday, December 7 2026 9:00 am \u2014 https://us05web.zoom.us/j/9223372036854775808"


def test_notes_naming_a_meeting_id_past_64_bits_are_saved(app: Flask) -> None:
    appointment = add_appointment(app, "Ana", "Pasted:\n" + PAST_64_BITS)
    assert get_appointment(app, appointment.id).notes == "Pasted:\n" + PAST_64_BITS


def test_the_page_of_notes_naming_a_meeting_id_past_64_bits_is_shown(app: Flask, client) -> None:
    appointment = add_appointment(app, "Ana", "Pasted:\n" + PAST_64_BITS)
    login(client)
    page = client.get(f"/appointments/{appointment.id}")
    assert page.status_code == 200 and "9223372036854775808" in page.get_data(as_text=True)


@pytest.mark.parametrize("version", ["1" * 30, "\u00b9", "-1", ""])
def test_a_forged_form_version_is_a_clear_400(app: Flask, client, version: str) -> None:
    appointment = add_appointment(app, "Ana", "keep me")
    login(client)
    values = form_values(appointment, start=local(app, appointment.starts_at), version=version)
    response = form_post(client, f"/appointments/{appointment.id}/edit", values)
    assert response.status_code == 400 and "Content-Security-Policy" in response.headers
    assert get_appointment(app, appointment.id).notes == "keep me"


def test_unfinished_connects_never_grow_the_cookie_past_one_pending_authorization(app: Flask, client) -> None:
    login(client)
    for _ in range(40):
        assert form_post(client, "/zoom/connect", {"next": "/appointments/" + "x" * 5000}).status_code == 302
    sizes = [len(cookie.value) for cookie in client._cookies.values()]
    assert sum(sizes) < 3000, sizes
    with client.session_transaction() as session:
        pending = [key for key in session if key.startswith("_state_zoom_")]
        assert len(pending) <= 2 and session["zoom_return"]["next"] == "/appointments"


def test_a_callback_error_cannot_forge_or_flood_log_lines(client, caplog) -> None:
    login(client)
    form_post(client, "/zoom/connect", {"next": "/appointments"})
    with client.session_transaction() as session:
        state = next(key for key in session if key.startswith("_state_zoom_"))[len("_state_zoom_") :]
    forged = "server_error\n2026-11-21 INFO simplespa_zoom: staff owner@spa.example signed in" + "A" * 50_000
    with caplog.at_level(logging.INFO):
        client.get("/zoom/callback", query_string={"error": forged, "state": state})
    assert "signed in" not in caplog.text and len(caplog.text) < 2000
    assert "Zoom authorization failed: unrecognised" in caplog.text


def test_a_replayed_older_meeting_updated_never_moves_the_line_back(app: Flask, client) -> None:
    from .test_webhooks import deliver

    appointment = with_app_meeting(app, add_appointment(app, "Ana", "notes"))
    earlier = appointment.starts_at.replace(hour=9)
    later = appointment.starts_at.replace(hour=11)

    def updated(start: datetime, event_ts: int) -> dict:
        when = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "event": "meeting.updated",
            "event_ts": event_ts,
            "payload": {"object": {"id": MEETING_ID, "start_time": when}},
        }

    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    old, new = updated(earlier, now_ms + 1000), updated(later, now_ms + 2000)
    assert deliver(client, old).status_code == 204 and deliver(client, new).status_code == 204
    assert deliver(client, old).status_code == 204  # replayed within the five-minute window
    line = notes.current_line(ZOOM_LINE_FORMAT, get_appointment(app, appointment.id).notes)
    assert line is not None and line.starts_at(app.config["SPA_TZ"]) == later


def test_a_chunked_webhook_body_over_the_limit_is_refused_whole(client) -> None:
    import io
    import time as clock_time

    from simplespa_zoom.web.webhooks import BODY_LIMIT

    body = b'{"event":"x","payload":{"pad":"' + b"x" * BODY_LIMIT + b'"}}'
    headers = {**signed_webhook(body, str(int(clock_time.time()))), "Transfer-Encoding": "chunked"}
    chunked = {"wsgi.input_terminated": True}  # as gunicorn and waitress mark a chunked body
    response = client.post("/zoom/webhook", input_stream=io.BytesIO(body), headers=headers, environ_base=chunked)
    assert response.status_code == 413
    small = b'{"event":"x","payload":{}}'
    headers = {**signed_webhook(small, str(int(clock_time.time()))), "Transfer-Encoding": "chunked"}
    answer = client.post("/zoom/webhook", input_stream=io.BytesIO(small), headers=headers, environ_base=chunked)
    assert answer.status_code == 204


@pytest.mark.parametrize(
    "name",
    ["Ana\u202eevil", "Ana\u200bSouza", "Ana\u2066x\u2069", "\ufeffAna", "Ana\u0085Souza"],
    ids=["bidi-override", "zero-width-space", "bidi-isolate", "bom", "next-line"],
)
def test_names_with_invisible_or_reordering_characters_are_refused(app: Flask, client, name: str) -> None:
    login(client)
    response = new_appointment(client, "2030-01-01T10:00", client_name=name)
    assert response.status_code == 400 and "without hidden or control characters" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ('x"><svg/onload=alert(1)>@evil.io', False),
        ("a b@spa.example", False),
        ("ana@spa", False),
        ("o'neil+vip@spa.example", True),
        ("ana.souza@mail.spa.example", True),
    ],
)
def test_client_emails_must_be_real_addresses(app: Flask, client, email: str, ok: bool) -> None:
    login(client)
    response = new_appointment(client, "2030-01-01T10:00", client_email=email)
    assert (response.status_code == 302) is ok


# --- Tests that let planted bugs through before: one killer each ------------------------------


def test_the_webhook_signature_is_checked_over_the_raw_bytes(client) -> None:
    import time as clock_time

    raw = b'{ "payload" : {},\n  "event":"recording.completed" }'  # re-serialised JSON would differ
    response = client.post("/zoom/webhook", data=raw, headers=signed_webhook(raw, str(int(clock_time.time()))))
    assert response.status_code == 204


def test_a_topic_changed_in_zoom_reaches_the_line_by_check_and_by_webhook(app: Flask, client, zoom) -> None:
    from .test_webhooks import deliver

    appointment = with_app_meeting(app, add_appointment(app, "Ana", "notes"))
    login(client)
    connect_zoom(client)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, topic="Facial with Ana"))
    assert post(client, f"/appointments/{appointment.id}/meeting/status").get_json()["state"] == "updated"
    assert notes.current_line(ZOOM_LINE_FORMAT, get_appointment(app, appointment.id).notes).topic == "Facial with Ana"
    event = {"event": "meeting.updated", "payload": {"object": {"id": MEETING_ID, "topic": "Massage with Ana"}}}
    assert deliver(client, event).status_code == 204
    assert notes.current_line(ZOOM_LINE_FORMAT, get_appointment(app, appointment.id).notes).topic == "Massage with Ana"


def test_an_active_session_is_kept_alive_past_the_idle_timeout(app: Flask, client, monkeypatch) -> None:
    import time as clock_time

    login(client)
    real = clock_time.time
    for hour in range(1, 12):  # a request every hour for eleven hours: never idle for eight
        monkeypatch.setattr(clock_time, "time", lambda hour=hour: real() + hour * 3600)
        assert client.get("/appointments").status_code == 200, f"signed out after {hour} h"


def test_frames_are_refused_by_header_and_by_policy(client) -> None:
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/login", "/help", "/nowhere", "/static/app.css"])
def test_every_security_header_is_sent_once(client, path: str) -> None:
    with client.get(path) as response:
        for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
            assert len(response.headers.getlist(name)) == 1, (path, name)


@pytest.mark.parametrize(("duration", "ok"), [("0", False), ("1", True), ("1440", True), ("1441", False)])
def test_duration_bounds(app: Flask, client, duration: str, ok: bool) -> None:
    login(client)
    assert (new_appointment(client, "2030-01-01T10:00", duration=duration).status_code == 302) is ok


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_disconnect_never_redirects_out_of_the_app(client, target: str) -> None:
    login(client)
    response = form_post(client, "/zoom/disconnect", {"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/appointments"


def test_a_create_that_timed_out_is_never_sent_again(app: Flask, client, zoom) -> None:
    import requests

    appointment = add_appointment(app, "Ana")
    login(client)
    connect_zoom(client)
    zoom.post(f"{API}/users/me/meetings", body=requests.exceptions.ReadTimeout("slow"))
    answer = post(client, f"/appointments/{appointment.id}/meeting")
    assert answer.status_code == 503 and len(zoom.calls) == 1
    assert get_appointment(app, appointment.id).notes == ""
