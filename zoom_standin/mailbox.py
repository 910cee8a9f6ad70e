"""A real SMTP server on loopback that keeps what it receives: the spa's mail server in the demo and the tests.

aiosmtpd speaks real SMTP over a real socket, so the app's mail goes through the same `smtplib` code
as in production. Faults are switched on the running server, like the Zoom stand-in's: down (the port
refuses connections), a temporary 4xx or a permanent 5xx answer to the message or to one recipient,
a slow answer (held until `release()` or until the delay runs out, whichever comes first), and a late
answer to a message already kept (`answers_late`).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

TEMPORARY_ANSWER = "451 4.3.0 Mailbox stand-in: try again later"
PERMANENT_ANSWER = "554 5.7.1 Mailbox stand-in: message refused"
UNKNOWN_RECIPIENT_ANSWER = "550 5.1.1 Mailbox stand-in: no such mailbox"


@dataclass(frozen=True)
class Received:
    """One message as the server accepted it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    raw: bytes
    received_at: datetime

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    def part(self, content_type: str) -> str | None:
        """The text of the first part of this type (text/plain, text/html, text/calendar), or None."""
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return str(part.get_content())
        return None


@dataclass
class _Faults:
    """What the server does with the next messages; changed from any thread under the mailbox's lock."""

    answer: str | None = None  # a 4xx or 5xx answer to DATA instead of accepting
    refused: set[str] = field(default_factory=set)  # recipients answered UNKNOWN_RECIPIENT_ANSWER
    delay: float = 0.0  # seconds to hold each answer to DATA, unless released earlier
    keep_before_answer: bool = False  # keep the message as soon as it is in, whether the answer reaches anyone


class _Handler:
    """aiosmtpd's handler: applies the faults, then keeps the message."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.mailbox._faults_now().refused:
            return UNKNOWN_RECIPIENT_ANSWER
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        faults = self.mailbox._faults_now()
        kept = faults.answer is None and faults.keep_before_answer
        if kept:  # a server that has the message (queued, delivered) before it answers
            self._keep(envelope)
        if faults.delay:
            self.mailbox._holding_one()
            await asyncio.to_thread(self.mailbox._released.wait, faults.delay)
        if faults.answer:
            return faults.answer
        if not kept:
            self._keep(envelope)
        return "250 Message accepted for delivery"

    def _keep(self, envelope: Envelope) -> None:
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, _class=EmailMessage, policy=email.policy.default)
        self.mailbox._keep(
            Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), message, raw, datetime.now(UTC))  # type: ignore[arg-type]
        )


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """An SMTP server on a loopback port, with the messages it accepted (thread-safe) and switchable faults.

    Optional `login` (user, password) makes the server offer AUTH (without TLS, loopback only),
    so the app's authenticated path is exercised too.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, login: tuple[str, str] | None = None) -> None:
        self.host = host
        self.port = port or _free_port(host)
        self.login = login
        self._lock = threading.Condition()
        self._messages: list[Received] = []
        self._faults = _Faults()
        self._released = threading.Event()
        self._held = 0  # answers to DATA held by slow() so far
        self._controller: Controller | None = None

    # --- running ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The app's SMTP_URL for this server."""
        credentials = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        return f"smtp://{credentials}{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> Mailbox:
        """Listen on the mailbox's port (the same one after a stop, so the app's setting stays right)."""
        if self._controller is None:
            options: dict[str, Any] = {}
            if self.login:
                options = {"authenticator": self._authenticate, "auth_require_tls": False}
            controller = Controller(_Handler(self), hostname=self.host, port=self.port, **options)
            controller.start()
            self._controller = controller
        return self

    def stop(self) -> None:
        """Stop listening: connections are refused until start() (what the app sees when mail is down)."""
        self._released.set()  # nothing stays held by a slow answer
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        good = (
            isinstance(auth_data, LoginPassword)
            and self.login is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == self.login
        )
        return AuthResult(success=good, handled=False)

    # --- faults ----------------------------------------------------------------------------------

    def down(self) -> None:
        """Mail is down: the port refuses connections."""
        self.stop()

    def up(self) -> None:
        """Mail is back, on the same port, answering normally."""
        self.healthy()
        self.start()

    def temporary_failure(self, answer: str = TEMPORARY_ANSWER) -> None:
        """Answer every message with a temporary 4xx (greylisting, a full queue)."""
        with self._lock:
            self._faults.answer = answer

    def permanent_failure(self, answer: str = PERMANENT_ANSWER) -> None:
        """Answer every message with a permanent 5xx."""
        with self._lock:
            self._faults.answer = answer

    def refuse_recipient(self, address: str) -> None:
        """Answer RCPT TO for this address with 550 "no such mailbox" (a bad address)."""
        with self._lock:
            self._faults.refused.add(address.lower())

    def slow(self, seconds: float) -> None:
        """Hold each answer to DATA for `seconds`, or until release()."""
        with self._lock:
            self._released.clear()
            self._faults.delay = seconds
            self._faults.keep_before_answer = False

    def answers_late(self, seconds: float) -> None:
        """Keep each message as soon as it is in, then hold the answer to its final dot for `seconds`, or until
        release(): a server that has accepted the message and answers late (RFC 5321 §4.5.3.2)."""
        with self._lock:
            self._released.clear()
            self._faults.delay = seconds
            self._faults.keep_before_answer = True

    def release(self) -> None:
        """Answer the messages held by slow() or answers_late() now."""
        self._released.set()

    def wait_until_held(self, count: int = 1, timeout: float = 10.0) -> None:
        """Return once `count` answers to DATA have been held by slow() or answers_late() (each message is in,
        its answer not yet given); raises TimeoutError if not in time. Tests synchronise on it, not on sleeps."""
        with self._lock:
            if not self._lock.wait_for(lambda: self._held >= count, timeout):
                raise TimeoutError(f"{self._held} of {count} answers were held within {timeout} s")

    def _holding_one(self) -> None:
        with self._lock:
            self._held += 1
            self._lock.notify_all()

    def healthy(self) -> None:
        """No faults: accept every message at once."""
        with self._lock:
            self._faults = _Faults()
        self._released.set()

    def _faults_now(self) -> _Faults:
        with self._lock:
            return replace(self._faults, refused=set(self._faults.refused))

    # --- what was received -----------------------------------------------------------------------

    def _keep(self, received: Received) -> None:
        with self._lock:
            self._messages.append(received)
            self._lock.notify_all()

    @property
    def messages(self) -> list[Received]:
        """The messages accepted so far, oldest first (a copy)."""
        with self._lock:
            return list(self._messages)

    def to(self, address: str) -> list[Received]:
        """The messages accepted for this recipient, oldest first."""
        return [received for received in self.messages if address.lower() in map(str.lower, received.rcpt_tos)]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The messages once at least `count` arrived; raises TimeoutError if they did not in time."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._messages) >= count, timeout):
                raise TimeoutError(f"{len(self._messages)} of {count} messages arrived within {timeout} s")
            return list(self._messages)

    def clear(self) -> None:
        """Forget the messages received so far."""
        with self._lock:
            self._messages.clear()

    def __enter__(self) -> Mailbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
