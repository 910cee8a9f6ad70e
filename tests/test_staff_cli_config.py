"""Sign-in, the CLI commands, start-up configuration checks and response headers."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask import Flask

from simplespa_zoom import create_app
from simplespa_zoom.cli import main
from simplespa_zoom.config import ConfigError

from .helpers import STAFF_EMAIL, STAFF_PASSWORD, TEST_CONFIG, form_post, login, sql


def test_sign_in_and_out(client) -> None:
    assert login(client).status_code == 302
    assert client.get("/appointments").status_code == 200
    form_post(client, "/logout")
    assert client.get("/appointments").status_code == 302


@pytest.mark.parametrize(
    ("email", "password"), [(STAFF_EMAIL, "wrong password"), ("nobody@spa.example", STAFF_PASSWORD)]
)
def test_failed_sign_in_says_the_same_thing_whatever_was_wrong(client, email: str, password: str) -> None:
    response = login(client, email, password)
    assert response.status_code == 401
    assert "do not match an account" in response.get_data(as_text=True)


def test_repeated_failures_from_one_address_pause_its_tries_unchecked(client) -> None:
    for _ in range(5):
        assert login(client, STAFF_EMAIL, "wrong password").status_code == 401
    paused = login(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert paused.status_code == 429 and "Too many sign-in attempts from here" in paused.get_data(as_text=True)


def test_logout_is_post_only(client) -> None:
    login(client)
    assert client.get("/logout").status_code == 405


def test_changing_a_password_ends_other_sessions(app: Flask, client) -> None:
    login(client)
    runner = app.test_cli_runner()
    result = runner.invoke(main, args=["set-password", STAFF_EMAIL, "--password-stdin"], input="a brand new password\n")
    assert result.exit_code == 0, result.output
    assert client.get("/appointments").status_code == 302


def test_security_headers_on_every_response(client) -> None:
    for path in ("/login", "/static/app.css", "/nowhere"):
        with client.get(path) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "object-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_and_json_are_never_stored_but_static_files_are_left_to_flask(client) -> None:
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    answer = client.post("/appointments/1/meeting", headers={"Accept": "application/json"})
    assert answer.mimetype == "application/json" and answer.headers["Cache-Control"] == "no-store"
    policy = client.get("/login").headers["Content-Security-Policy"]
    with client.get("/static/app.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers.getlist("Content-Security-Policy") == [policy]


def test_hsts_only_over_https(client) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert "max-age" in client.get("/login", base_url="https://spa.example").headers["Strict-Transport-Security"]


def test_cli_adds_staff_who_can_sign_in(app: Flask, client) -> None:
    """The one sign-in of the suite against the product's own password hash (the others use a cheap one)."""
    runner = app.test_cli_runner()
    result = runner.invoke(
        main, args=["add-staff", "new@spa.example", "--password-stdin"], input="a long enough password\n"
    )
    assert result.exit_code == 0 and "created" in result.output
    [(stored,)] = sql(app, "SELECT password_hash FROM staff WHERE email = 'new@spa.example'")
    assert stored.startswith("scrypt:32768:8:1$")  # werkzeug's default work factor, not the tests' cheap one
    assert login(client, "new@spa.example", "a long enough password").status_code == 302
    assert client.get("/appointments").status_code == 200


def test_cli_adds_appointments(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        main, args=["add-appointment", "--client", "Ana", "--start", "2026-12-01T15:00", "--duration", "45"]
    )
    assert result.exit_code == 0 and result.output.strip().isdigit()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add-appointment", "--client", "", "--start", "2026-12-01T15:00"], "Enter the client's name."),
        (["add-appointment", "--client", "Ana", "--start", "soon"], "date and time"),
        (["add-appointment", "--client", "Ana", "--start", "2026-12-01T15:00", "--duration", "-1"], "whole minutes"),
    ],
)
def test_cli_bad_input_is_one_clear_line(app: Flask, args: list[str], message: str) -> None:
    result = app.test_cli_runner().invoke(main, args=args)
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output


def test_cli_duplicate_staff_and_short_password_are_refused(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert (
        "already"
        in runner.invoke(
            main, args=["add-staff", STAFF_EMAIL, "--password-stdin"], input="a long enough password\n"
        ).output
    )
    assert (
        "at least"
        in runner.invoke(main, args=["add-staff", "x@spa.example", "--password-stdin"], input="short\n").output
    )


def test_cli_without_configuration_names_the_missing_variable(monkeypatch) -> None:
    for name in ("SECRET_KEY", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_WEBHOOK_SECRET_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(main, ["init-db"])
    assert result.exit_code != 0
    assert "SECRET_KEY is not set" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"ZOOM_CLIENT_SECRET": None}, "ZOOM_CLIENT_SECRET is not set"),
        ({"ZOOM_WEBHOOK_SECRET_TOKEN": ""}, "ZOOM_WEBHOOK_SECRET_TOKEN is not set"),
        ({"SPA_TIMEZONE": "Mars/Olympus"}, "not an IANA time zone"),
        ({"ZOOM_API_BASE_URL": "http://api.zoom.us/v2"}, "must be an https:// URL"),
        ({"TESTING": False, "SECRET_KEY": "short"}, "too short"),
    ],
)
def test_configuration_errors_are_one_clear_sentence(tmp_path, override: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        create_app({**TEST_CONFIG, "DATABASE": str(tmp_path / "x.sqlite"), **override})


def test_environment_is_read_and_overrides_win(monkeypatch, tmp_path) -> None:
    from simplespa_zoom import config

    env = {
        "SECRET_KEY": "k" * 40,
        "ZOOM_CLIENT_ID": "env-id",
        "ZOOM_CLIENT_SECRET": "s",
        "ZOOM_WEBHOOK_SECRET_TOKEN": "w",
        "SESSION_COOKIE_SECURE": "false",
        "SECRET_KEY_FALLBACKS": "old1, old2",
        "SPA_TIMEZONE": "Europe/London",
    }
    built = config.build({"ZOOM_CLIENT_ID": "override"}, env)
    assert built["ZOOM_CLIENT_ID"] == "override" and built["SESSION_COOKIE_SECURE"] is False
    assert built["SECRET_KEY_FALLBACKS"] == ["old1", "old2"] and built["SESSION_COOKIE_NAME"] == "session"
    with pytest.raises(ConfigError, match="SESSION_COOKIE_SECURE must be true or false"):
        config.build({}, {**env, "SESSION_COOKIE_SECURE": "maybe"})


@pytest.mark.parametrize("email", [STAFF_EMAIL, "nobody@spa.example"])
def test_every_sign_in_does_the_same_password_work_so_timing_reveals_no_account(client, monkeypatch, email) -> None:
    from simplespa_zoom.book import staff

    checks: list[str] = []
    real_check = staff.check_password_hash
    monkeypatch.setattr(
        staff, "check_password_hash", lambda hashed, pw: checks.append(hashed[:6]) or real_check(hashed, pw)
    )
    login(client, email, "wrong password")
    assert len(checks) == 1 and checks[0].startswith("scrypt")
