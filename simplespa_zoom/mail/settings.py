"""The spa's own mail settings, read once at start-up: where to send (SMTP_URL) and as whom (MAIL_FROM)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

from simplespa_zoom.loopback import is_loopback
from simplespa_zoom.mail.headers import reads_as_encoded_word

PORTS = {"smtp": 25, "smtps": 465}
SUBMISSION_PORT = 587
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MailSettingError(ValueError):
    """A mail setting is wrong; the message names the variable and the fix."""


@dataclass(frozen=True)
class SmtpServer:
    """How to reach the spa's mail server: implicit TLS (smtps), STARTTLS, or plain on this machine only."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    user: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # the password never reaches a log through this object
        return f"SmtpServer({self.host}:{self.port}, tls={self.implicit_tls or self.starttls}, user={self.user!r})"


def parse_smtp_url(url: str) -> SmtpServer:
    """smtp://user:pass@host:587 (STARTTLS), smtps://user:pass@host:465 (TLS), smtp://localhost:25 (plain)."""
    parts = urlsplit(url)
    example = "smtp://user:password@mail.example.com:587, smtps://…:465 or smtp://localhost:25"
    try:
        port = parts.port
    except ValueError:
        raise MailSettingError(f"SMTP_URL has a port that is not a number; use e.g. {example}.") from None
    if parts.scheme not in PORTS or not parts.hostname or _CONTROL.search(url):
        raise MailSettingError(f"SMTP_URL must look like {example}, not {parts.scheme or 'this'}:// ….")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    port = port or PORTS[parts.scheme]
    implicit_tls = parts.scheme == "smtps"
    # A password never crosses the network in clear: with a user name, plain smtp:// means STARTTLS
    # (required), except to this machine's own mail server.
    starttls = not implicit_tls and (port == SUBMISSION_PORT or (user is not None and not is_loopback(parts.hostname)))
    return SmtpServer(parts.hostname, port, implicit_tls, starttls, user, password)


def parse_sender(text: str) -> Address:
    """MAIL_FROM as 'Serene Spa <bookings@serenespa.example>': the name clients see and the address."""
    name, address = parseaddr(text)
    if reads_as_encoded_word(text):
        raise MailSettingError(
            f"MAIL_FROM must name the spa as it is written, without email's coded text (=?…?=), not {text!r}."
        )
    if _CONTROL.search(text) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address or ""):
        raise MailSettingError(
            f"MAIL_FROM must be the spa's name and address, like 'Serene Spa <bookings@serenespa.example>', "
            f"not {text!r}."
        )
    username, _, domain = address.rpartition("@")
    return Address(display_name=name, username=username, domain=domain)
