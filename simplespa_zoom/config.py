"""Settings: defaults, then the environment, then explicit overrides, checked once at start-up."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from simplespa_zoom.book.database import DatabaseError, url_for
from simplespa_zoom.loopback import https_or_loopback
from simplespa_zoom.mail.settings import MailSettingError, parse_sender, parse_smtp_url
from simplespa_zoom.meetings.notes import TOPIC_STYLES
from simplespa_zoom.web.appointment_forms import FORM_BODY_LIMIT, FORM_FIELD_LIMIT

ENV_NAMES = (
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "DATABASE",
    "SPA_TIMEZONE",
    "ZOOM_CLIENT_ID",
    "ZOOM_CLIENT_SECRET",
    "ZOOM_WEBHOOK_SECRET_TOKEN",
    "ZOOM_OAUTH_BASE_URL",
    "ZOOM_API_BASE_URL",
    "SESSION_COOKIE_SECURE",
    "ZOOM_HOSTS",
    "SUPPORT_EMAIL",
    "TRUSTED_PROXY_HOPS",
    "ZOOM_CALL_SLOTS",
    "DAY_CHECK_CALLS_PER_SECOND",
    "MEETING_TOPIC",
    "SMTP_URL",
    "MAIL_FROM",
    "REMINDER_MINUTES",
    "MAIL_KEEP_DAYS",
)
REQUIRED = ("SECRET_KEY", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_WEBHOOK_SECRET_TOKEN")
MIN_SECRET_KEY_LENGTH = 32
_EMAIL = re.compile(r"[^@\s\"'<>]+@[^@\s\"'<>]+\.[^@\s\"'<>]+")

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY_FALLBACKS": [],
    "SPA_TIMEZONE": "UTC",
    "ZOOM_OAUTH_BASE_URL": "https://zoom.us",
    "ZOOM_API_BASE_URL": "https://api.zoom.us/v2",
    # Zoom's own host names: a user's regional api_url is used only on these, and the connect
    # navigation may pass through them (Zoom's authorize page redirects between its hosts).
    "ZOOM_HOSTS": ["zoom.us", "*.zoom.us", "zoom.com", "*.zoom.com", "zoomgov.com", "*.zoomgov.com"],
    "SESSION_COOKIE_SECURE": True,
    "SESSION_IDLE_TIMEOUT": 8 * 3600,
    "SESSION_ABSOLUTE_LIFETIME": 7 * 24 * 3600,
    "ZOOM_TIMEOUT": (3.05, 10.0),
    # Threads per process that may wait for Zoom at once: keep it below the server's threads per
    # process (gunicorn --threads) so pages that make no Zoom call are served while Zoom is slow.
    "ZOOM_CALL_SLOTS": 2,
    # The day list's checks start at most this many Zoom calls a second per process, all requests together
    # (Zoom's Light limit on a free account is 4 a second for the whole account: divided by the 2 processes
    # of the README's production setup).
    "DAY_CHECK_CALLS_PER_SECOND": 2.0,
    # The largest valid appointment form fits, percent-encoded or multipart (see web/appointment_forms.py).
    "MAX_CONTENT_LENGTH": FORM_BODY_LIMIT,
    "MAX_FORM_MEMORY_SIZE": FORM_FIELD_LIMIT,
    "TRUSTED_PROXY_HOPS": 0,
    # The meeting's topic in Zoom: the client's whole name ("full") or only their initials ("initials").
    "MEETING_TOPIC": "full",
    # The spa's own mail (off without SMTP_URL): reminders this many minutes before the start (0: none),
    # delivered messages kept in the outbox this many days.
    "REMINDER_MINUTES": 60,
    "MAIL_KEEP_DAYS": 30,
}
# Whole-number settings: their range, and what they mean in the error that names them.
NUMBERS = {
    "REMINDER_MINUTES": (0, 7 * 24 * 60, "minutes before the start a reminder goes (0 turns reminders off)"),
    # At most what the privacy statement (templates/pages/privacy.md) promises clients.
    "MAIL_KEEP_DAYS": (1, 30, "days a delivered message stays in the outbox"),
}


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable and the fix."""


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings present in the environment, converted to their Python types."""
    found: dict[str, Any] = {}
    for name in ENV_NAMES:
        value = environ.get(name)
        if value is None or value == "":
            continue
        if name in ("SECRET_KEY_FALLBACKS", "ZOOM_HOSTS"):
            found[name] = [key.strip() for key in value.split(",") if key.strip()]
        elif name == "SESSION_COOKIE_SECURE":
            found[name] = _parse_bool(name, value)
        elif name == "TRUSTED_PROXY_HOPS":
            if not (value.isascii() and value.isdigit() and int(value) <= 5):
                raise ConfigError(f"TRUSTED_PROXY_HOPS must be the number of proxies in front (0 to 5), not {value!r}.")
            found[name] = int(value)
        elif name == "ZOOM_CALL_SLOTS":
            if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 64):
                raise ConfigError(
                    "ZOOM_CALL_SLOTS must be how many threads per process may wait for Zoom at once "
                    f"(1 to 64, below gunicorn's --threads), not {value!r}."
                )
            found[name] = int(value)
        elif name == "DAY_CHECK_CALLS_PER_SECOND":
            try:
                rate = float(value)
            except ValueError:
                rate = 0.0
            if not 0.1 <= rate <= 80:
                raise ConfigError(
                    "DAY_CHECK_CALLS_PER_SECOND must be how many Zoom calls a second one process's day list checks "
                    f"may start (0.1 to 80; Zoom's limit for the account divided by the processes), not {value!r}."
                )
            found[name] = rate
        elif name in NUMBERS:
            low, high, meaning = NUMBERS[name]
            if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
                raise ConfigError(f"{name} must be the {meaning}, {low} to {high}, not {value!r}.")
            found[name] = int(value)
        else:
            found[name] = value
    return found


def _parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}.")


def build(overrides: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Merge defaults, environment and overrides, then check the result."""
    settings = dict(DEFAULTS)
    settings.update(from_environment(os.environ if environ is None else environ))
    settings.update(overrides or {})
    check(settings)
    return settings


def check(settings: dict[str, Any]) -> None:
    """Raise ConfigError for the first missing or malformed setting."""
    for name in REQUIRED:
        if not settings.get(name):
            raise ConfigError(f"{name} is not set. Set the environment variable {name} and start again.")
    if len(settings["SECRET_KEY"]) < MIN_SECRET_KEY_LENGTH and not settings.get("TESTING"):
        raise ConfigError(
            f"SECRET_KEY is too short: use at least {MIN_SECRET_KEY_LENGTH} random characters "
            '(for example: python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    try:
        settings["SPA_TZ"] = ZoneInfo(settings["SPA_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            f"SPA_TIMEZONE {settings['SPA_TIMEZONE']!r} is not an IANA time zone name "
            "(for example Europe/London or America/New_York)."
        ) from error
    if database := settings.get("DATABASE"):
        try:
            url_for(database)
        except DatabaseError as error:
            raise ConfigError(str(error)) from None
    for name in ("ZOOM_OAUTH_BASE_URL", "ZOOM_API_BASE_URL"):
        _check_base_url(name, settings[name])
    if settings["MEETING_TOPIC"] not in TOPIC_STYLES:
        raise ConfigError(
            f"MEETING_TOPIC must be full (the client's name in Zoom) or initials, not {settings['MEETING_TOPIC']!r}."
        )
    support = settings.get("SUPPORT_EMAIL") or ""
    if support and (len(support) > 254 or not _EMAIL.fullmatch(support)):
        raise ConfigError(f"SUPPORT_EMAIL must be one email address (like support@yourspa.example), not {support!r}.")
    _check_mail(settings)
    settings["SESSION_COOKIE_NAME"] = "__Host-session" if settings["SESSION_COOKIE_SECURE"] else "session"


def _check_base_url(name: str, url: str) -> None:
    if https_or_loopback(url):
        return
    raise ConfigError(f"{name} must be an https:// URL (plain http only for a local stand-in), not {url!r}.")


def _check_mail(settings: dict[str, Any]) -> None:
    """With SMTP_URL the spa sends its own mail, as MAIL_FROM; without it nothing is sent (SMTP_SERVER None)."""
    settings["SMTP_SERVER"] = settings["MAIL_SENDER"] = None
    url = settings.get("SMTP_URL") or ""
    try:
        if url:
            settings["SMTP_SERVER"] = parse_smtp_url(url)
            if not settings.get("MAIL_FROM"):
                raise ConfigError(
                    "MAIL_FROM is not set: with SMTP_URL, set it to the spa's name and address, "
                    "like 'Serene Spa <bookings@serenespa.example>'."
                )
            settings["MAIL_SENDER"] = parse_sender(settings["MAIL_FROM"])
    except MailSettingError as error:
        raise ConfigError(str(error)) from None
    for name, (low, high, meaning) in NUMBERS.items():
        value = settings[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError(f"{name} must be the {meaning}, {low} to {high}, not {value!r}.")
