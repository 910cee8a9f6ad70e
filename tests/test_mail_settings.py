"""The mail settings are checked at start-up like the others; without SMTP_URL nothing changes."""

from __future__ import annotations

import pytest

from simplespa_zoom import config
from simplespa_zoom.config import ConfigError

from .helpers import TEST_CONFIG

BASE = {key: value for key, value in TEST_CONFIG.items() if key in config.REQUIRED}


def settings(**environ: str) -> dict[str, object]:
    return config.build({"TESTING": True}, {**BASE, **environ})


def test_without_smtp_url_no_mail_is_set_up() -> None:
    built = settings()
    assert built["SMTP_SERVER"] is None and built["MAIL_SENDER"] is None
    assert (built["REMINDER_MINUTES"], built["MAIL_KEEP_DAYS"]) == (60, 30)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://bookings%40spa.example:p%40ss@mail.example.com:587", ("mail.example.com", 587, False, True)),
        ("smtps://bookings:secret@mail.example.com", ("mail.example.com", 465, True, False)),
        ("smtp://localhost", ("localhost", 25, False, False)),
        ("smtp://relay.example.com:587", ("relay.example.com", 587, False, True)),
        ("smtp://user:secret@mail.example.com:2525", ("mail.example.com", 2525, False, True)),
    ],
)
def test_smtp_url_forms(url: str, expected: tuple[object, ...]) -> None:
    server = settings(SMTP_URL=url, MAIL_FROM="Serene Spa <bookings@spa.example>")["SMTP_SERVER"]
    assert (server.host, server.port, server.implicit_tls, server.starttls) == expected  # type: ignore[union-attr]
    assert "secret" not in repr(server) and "p@ss" not in repr(server)


def test_credentials_are_url_decoded() -> None:
    server = settings(SMTP_URL="smtp://bookings%40spa.example:p%40ss@mail.example.com:587", MAIL_FROM="a@spa.example")[
        "SMTP_SERVER"
    ]
    assert (server.user, server.password) == ("bookings@spa.example", "p@ss")  # type: ignore[union-attr]


def test_mail_from_gives_name_and_address() -> None:
    sender = settings(SMTP_URL="smtp://localhost", MAIL_FROM="Serene Spa <bookings@spa.example>")["MAIL_SENDER"]
    assert (sender.display_name, sender.addr_spec) == ("Serene Spa", "bookings@spa.example")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({"SMTP_URL": "http://mail.example.com"}, "SMTP_URL"),
        ({"SMTP_URL": "smtp://mail.example.com:port"}, "SMTP_URL"),
        ({"SMTP_URL": "smtp://"}, "SMTP_URL"),
        ({"SMTP_URL": "smtp://localhost"}, "MAIL_FROM"),
        ({"SMTP_URL": "smtp://localhost", "MAIL_FROM": "Spa"}, "MAIL_FROM"),
        ({"SMTP_URL": "smtp://localhost", "MAIL_FROM": "Spa <a@spa.example>\r\nBcc: x@evil.example"}, "MAIL_FROM"),
        ({"REMINDER_MINUTES": "-5"}, "REMINDER_MINUTES"),
        ({"REMINDER_MINUTES": "soon"}, "REMINDER_MINUTES"),
        ({"MAIL_KEEP_DAYS": "0"}, "MAIL_KEEP_DAYS"),
    ],
)
def test_a_wrong_mail_setting_stops_start_up_naming_it(environ: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        settings(**environ)


def test_reminders_can_be_turned_off() -> None:
    assert settings(REMINDER_MINUTES="0")["REMINDER_MINUTES"] == 0
