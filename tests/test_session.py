"""The encrypted session cookie: confidentiality, tamper resistance, rotation, size, deadlines."""

from __future__ import annotations

import base64
import json
import os
import time
from email.utils import parsedate_to_datetime

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, session

from simplespa_zoom import create_app
from simplespa_zoom.web.session import _own_cookies

from .helpers import ACCESS_TOKEN, REFRESH_TOKEN, TEST_CONFIG, connect_zoom, login


def cookies_of(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def test_tokens_are_not_readable_in_the_cookie(client) -> None:
    login(client)
    connect_zoom(client)
    cookies = cookies_of(client)
    joined = "".join(cookies.values())
    assert ACCESS_TOKEN[:40] not in joined and REFRESH_TOKEN[-30:] not in joined
    decoded = base64.urlsafe_b64decode(cookies["session"].split(".", 2)[2] + "==")
    assert b"access_token" not in decoded


def test_a_connected_session_fits_chromium_cookie_limits(client) -> None:
    login(client)
    connect_zoom(client)
    client.get("/appointments")
    for name, value in cookies_of(client).items():
        assert len(name) + len(value) <= 4096, f"{name} is {len(name) + len(value)} bytes"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda v: v[:-5],
        lambda v: v[:-5] + "AAAAA",
        lambda v: "v1.1." + "A" * 200,
        lambda v: "v9.1." + v.split(".", 2)[2],
        lambda v: "v1.3." + v.split(".", 2)[2],
        lambda v: "garbage",
        lambda v: "v1.1.%%%%",
        lambda v: "v1.1.AAAA",
    ],
    ids=["truncated", "edited", "forged", "unknown-format", "missing-chunks", "garbage", "not-base64", "short"],
)
def test_a_tampered_cookie_is_an_empty_session_not_an_error(client, mangle) -> None:
    login(client)
    value = cookies_of(client)["session"]
    client.set_cookie("session", mangle(value))
    response = client.get("/appointments")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_cookie_from_another_key_is_ignored(app: Flask, tmp_path) -> None:
    other = create_app(
        {**TEST_CONFIG, "SECRET_KEY": "another-secret-key-that-is-long-enough-xx", "DATABASE": app.config["DATABASE"]}
    )
    stolen = other.test_client()
    login(stolen)
    client = app.test_client()
    client.set_cookie("session", cookies_of(stolen)["session"])
    assert client.get("/appointments").status_code == 302


def test_an_old_key_still_opens_and_the_cookie_is_resealed_with_the_new_one(app: Flask) -> None:
    client = app.test_client()
    login(client)
    old_cookie = cookies_of(client)["session"]
    rotated = create_app(
        {
            **TEST_CONFIG,
            "DATABASE": app.config["DATABASE"],
            "SECRET_KEY": "the-new-secret-key-after-rotation-0123456",
            "SECRET_KEY_FALLBACKS": [TEST_CONFIG["SECRET_KEY"]],
        }
    )
    new_client = rotated.test_client()
    new_client.set_cookie("session", old_cookie)
    response = new_client.get("/appointments")
    assert response.status_code == 200
    resealed = cookies_of(new_client)["session"]
    assert resealed != old_cookie
    only_new = create_app(
        {**TEST_CONFIG, "DATABASE": app.config["DATABASE"], "SECRET_KEY": "the-new-secret-key-after-rotation-0123456"}
    )
    fresh = only_new.test_client()
    fresh.set_cookie("session", resealed)
    assert fresh.get("/appointments").status_code == 200


@pytest.mark.parametrize(("setting", "age"), [("SESSION_IDLE_TIMEOUT", 100), ("SESSION_ABSOLUTE_LIFETIME", 100)])
def test_deadlines_inside_the_cookie_end_the_session(app: Flask, monkeypatch, setting: str, age: int) -> None:
    client = app.test_client()
    login(client)
    app.config[setting] = age - 1
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + age)
    assert client.get("/appointments").status_code == 302


def with_bulk_routes(app: Flask) -> Flask:
    """Test routes that fill the session with `size` characters and read back how many it holds."""

    @app.get("/_set/<int:size>")
    def set_bulk(size: int) -> str:
        session.start()  # type: ignore[attr-defined]  # a view that begins a session says so
        session["bulk"] = "x" * size
        return "ok"

    @app.get("/_read")
    def read() -> str:
        return str(len(session.get("bulk", "")))

    return app


def test_a_large_session_is_split_into_chunks_and_reassembled(app: Flask) -> None:
    client = with_bulk_routes(app).test_client()
    client.get("/_set/9000")
    names = sorted(cookies_of(client))
    assert len(names) > 2
    assert names == sorted(["session", *(f"session-{index}" for index in range(1, len(names)))])
    assert client.get("/_read").get_data(as_text=True) == "9000"


def test_signing_out_removes_every_chunk(app: Flask) -> None:
    client = with_bulk_routes(app).test_client()
    login(client)
    client.get("/_set/9000")
    assert "session-2" in cookies_of(client)
    from .helpers import form_post

    form_post(client, "/logout")
    assert not any(name.startswith("session-") for name in cookies_of(client))


def test_cookie_flags(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/login")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_secure_cookies_use_the_host_prefix(database: str) -> None:
    secure = create_app({**TEST_CONFIG, "SESSION_COOKIE_SECURE": True, "DATABASE": database})
    response = secure.test_client().get("/login", base_url="https://spa.example")
    header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-session=") and "Secure" in header and "Path=/" in header


def test_only_this_sessions_cookies_are_read_and_the_first_of_a_name_wins() -> None:
    from werkzeug.test import EnvironBuilder

    header = "theme=dark; session=v1.2.first;session=v1.1.second ; session-1=tail; sessionx=no; session-9=="
    request = EnvironBuilder(headers={"Cookie": header}).get_request()
    assert _own_cookies(request.cookies, "session") == {
        "session": "v1.2.first",
        "session-1": "tail",
        "session-9": "=",
    }
    assert _own_cookies({}, "session") == {}


# The cookie's format, spelled out here apart from the app: AES-GCM under an HKDF key of SECRET_KEY, the cookie's
# name as associated data, "[created,seen]" and the JSON session as payload, "v1.<chunks>." before the base64.
def cookie_key(secret: str = TEST_CONFIG["SECRET_KEY"]) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"simplespa-zoom", info=b"session cookie v1")
    return AESGCM(hkdf.derive(secret.encode()))


def open_cookie(value: str, name: str = "session") -> tuple[list[float], dict]:
    version, count, sealed = value.split(".", 2)
    assert (version, count) == ("v1", "1")
    raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
    deadlines, _, body = cookie_key().decrypt(raw[:12], raw[12:], name.encode()).decode().partition("\n")
    return json.loads(deadlines), json.loads(body)


def seal_cookie(deadlines: list[float], data: dict, name: str = "session") -> str:
    nonce = os.urandom(12)
    payload = f"[{deadlines[0]},{deadlines[1]}]\n{json.dumps(data)}".encode()
    return "v1.1." + base64.urlsafe_b64encode(nonce + cookie_key().encrypt(nonce, payload, name.encode())).decode()


def test_a_cookie_of_the_documented_format_opens_so_sessions_survive_an_upgrade(app: Flask, client) -> None:
    login(client)
    deadlines, data = open_cookie(cookies_of(client)["session"])
    assert deadlines[0] <= deadlines[1] <= time.time() and data
    browser = app.test_client()
    browser.set_cookie("session", seal_cookie(deadlines, data))
    assert browser.get("/appointments").status_code == 200
    browser.set_cookie("session", seal_cookie(deadlines, data, name="another-cookie"))
    assert browser.get("/appointments").status_code == 302  # sealed for another cookie name: not this session


def test_a_page_that_changes_nothing_sends_no_cookie_but_varies_on_it(client) -> None:
    login(client)
    client.get("/appointments")
    response = client.get("/appointments")
    assert response.status_code == 200 and response.headers.getlist("Set-Cookie") == []
    assert "Cookie" in [value.strip() for value in response.headers.get("Vary", "").split(",")]


def test_over_https_the_cookie_lasts_until_the_absolute_deadline_and_extra_ones_are_cleared_securely(
    database: str,
) -> None:
    secure = create_app({**TEST_CONFIG, "SESSION_COOKIE_SECURE": True, "DATABASE": database})

    client = with_bulk_routes(secure).test_client()
    https = {"base_url": "https://spa.example"}
    client.get("/_set/9000", **https)
    shrunk = client.get("/_set/10", **https)
    set_cookies = shrunk.headers.getlist("Set-Cookie")
    head = next(header for header in set_cookies if header.startswith("__Host-session="))
    deadlines, _ = open_cookie(head.split(";")[0].split("=", 1)[1], name="__Host-session")
    expires = parsedate_to_datetime(head.split("Expires=")[1].split(";")[0]).timestamp()
    assert expires == int(deadlines[0] + secure.config["SESSION_ABSOLUTE_LIFETIME"])
    cleared = [header for header in set_cookies if header.startswith("__Host-session-")]
    assert len(cleared) >= 2
    for header in cleared:
        attributes = {part.strip().split("=")[0] for part in header.split(";")}
        assert {"Secure", "Path", "HttpOnly"} <= attributes and "Path=/" in header, header
        assert "SameSite=Lax" in header, header


def test_a_session_of_six_cookies_is_kept_and_shrinking_it_clears_the_extra_ones(app: Flask) -> None:
    client = with_bulk_routes(app).test_client()
    client.get("/_set/16000")
    assert sorted(cookies_of(client)) == ["session", *(f"session-{index}" for index in range(1, 6))]
    assert client.get("/_read").get_data(as_text=True) == "16000"
    client.get("/_set/10")
    assert list(cookies_of(client)) == ["session"]
    assert client.get("/_read").get_data(as_text=True) == "10"


def test_a_cookie_an_older_key_opened_is_resealed_even_when_nothing_else_changes(app: Flask) -> None:
    client = app.test_client()
    login(client)
    client.get("/appointments")
    assert client.get("/appointments").headers.getlist("Set-Cookie") == []  # settled: nothing left to write
    old_cookie = cookies_of(client)["session"]
    new_key = "the-new-secret-key-after-rotation-0123456"
    fallbacks = [TEST_CONFIG["SECRET_KEY"]]
    rotated = create_app(
        {**TEST_CONFIG, "DATABASE": app.config["DATABASE"], "SECRET_KEY": new_key, "SECRET_KEY_FALLBACKS": fallbacks}
    )
    browser = rotated.test_client()
    browser.set_cookie("session", old_cookie)
    assert browser.get("/appointments").status_code == 200
    resealed = cookies_of(browser)["session"]
    assert resealed != old_cookie
    only_new = create_app({**TEST_CONFIG, "DATABASE": app.config["DATABASE"], "SECRET_KEY": new_key}).test_client()
    only_new.set_cookie("session", resealed)
    assert only_new.get("/appointments").status_code == 200


def test_static_files_never_vary_on_the_cookie_so_caches_can_share_them(client) -> None:
    login(client)
    with client.get("/static/app.css") as response:
        assert response.status_code == 200 and "Cookie" not in response.headers.get("Vary", "")


def open_payload(value: str, name: str = "session") -> str:
    """The decrypted payload, as text, of a one-cookie session."""
    sealed = value.split(".", 2)[2]
    raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
    return cookie_key().decrypt(raw[:12], raw[12:], name.encode()).decode()


def test_the_cookie_is_unpadded_base64url_of_compact_json(client) -> None:
    login(client)
    connect_zoom(client)
    value = cookies_of(client)["session"]
    assert "=" not in value and value.startswith("v1.1.")
    body = open_payload(value).partition("\n")[2]
    assert body == json.dumps(json.loads(body), separators=(",", ":"))


def freeze(monkeypatch: pytest.MonkeyPatch, at: float) -> None:
    monkeypatch.setattr("simplespa_zoom.web.session.time.time", lambda: at)


def test_a_session_lasts_to_its_deadlines_inclusive_and_is_rewritten_only_past_the_resolution(
    app: Flask, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(client)
    client.get("/appointments")  # the page's form token joins the session
    deadlines, data = open_cookie(cookies_of(client)["session"])
    now = time.time() + 10
    idle, lifetime = app.config["SESSION_IDLE_TIMEOUT"], app.config["SESSION_ABSOLUTE_LIFETIME"]
    browser = app.test_client()
    freeze(monkeypatch, now)
    browser.set_cookie("session", seal_cookie([now - lifetime, now - 600], data))
    answer = browser.get("/appointments")
    assert answer.status_code == 200 and answer.headers.getlist("Set-Cookie") == []  # seen 600 s ago: no rewrite
    browser.set_cookie("session", seal_cookie([now - lifetime, now - idle], data))
    assert browser.get("/appointments").status_code == 200  # both deadlines reached, not passed
    browser.set_cookie("session", seal_cookie([now - lifetime - 1, now], data))
    assert browser.get("/appointments").status_code == 302
    browser.set_cookie("session", seal_cookie([now, now - idle - 1], data))
    assert browser.get("/appointments").status_code == 302


def test_an_expired_session_is_cleared_from_the_browser_and_a_fresh_one_signs_in(app: Flask) -> None:
    secure = create_app({**TEST_CONFIG, "SESSION_COOKIE_SECURE": True, "DATABASE": app.config["DATABASE"]})
    https = {"base_url": "https://spa.example"}
    browser = secure.test_client()
    old = time.time() - secure.config["SESSION_ABSOLUTE_LIFETIME"] - 60
    browser.set_cookie("__Host-session", seal_cookie([old, old], {"x": 1}, name="__Host-session"), domain="spa.example")
    with browser.get("/static/app.css", **https) as static:  # a request that writes nothing
        cleared = static.headers.getlist("Set-Cookie")
    assert len(cleared) == 1 and cleared[0].startswith("__Host-session=;") and "Expires=Thu, 01 Jan 1970" in cleared[0]
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= {part.strip() for part in cleared[0].split(";")}
    browser.set_cookie("__Host-session", seal_cookie([old, old], {"x": 1}, name="__Host-session"), domain="spa.example")
    page = browser.get("/login", **https)
    fresh = next(header for header in page.headers.getlist("Set-Cookie") if header.startswith("__Host-session="))
    deadlines, _ = open_cookie(fresh.split(";")[0].split("=", 1)[1], name="__Host-session")
    assert deadlines[0] == deadlines[1] and abs(deadlines[0] - time.time()) < 60
    assert login(browser, **https).status_code == 302
    assert browser.get("/appointments", **https).status_code == 200


def test_a_sealed_session_that_is_not_an_object_opens_as_no_session(app: Flask, client) -> None:
    login(client)
    deadlines, data = open_cookie(cookies_of(client)["session"])
    browser = app.test_client()
    browser.set_cookie("session", seal_cookie(deadlines, list(data.items())))  # type: ignore[arg-type]
    assert browser.get("/appointments").status_code == 302


def test_a_session_past_six_cookies_is_refused_by_name() -> None:
    from simplespa_zoom.web.session import CHUNK_CHARS, MAX_CHUNKS, _split

    assert len(_split("session", "x" * CHUNK_CHARS * MAX_CHUNKS)) == MAX_CHUNKS
    with pytest.raises(ValueError, match="^session too large to store in cookies$"):
        _split("session", "x" * (CHUNK_CHARS * MAX_CHUNKS + 1))
