"""The spa's own mail to clients: settings, composing the message and its calendar file, sending it by SMTP.

The core (meetings/invitations.py) decides which letters go and when; this package only turns a
letter into a message and hands it to the spa's mail server. No Flask here.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simplespa_zoom.meetings.invitations import MailRound

log = logging.getLogger(__name__)
IDLE_SECONDS = 60.0  # a courier with nothing to do ends; the next letter starts another


class Courier:
    """Delivers right after a letter is written, on one background thread per process, so no click waits
    for the mail server. Kicks while a round runs are folded into one more round."""

    def __init__(self, deliver: Callable[[], object]) -> None:
        self.deliver = deliver
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def kick(self) -> None:
        """Ask for a delivery round soon; never raises, never waits."""
        with self._lock:
            self._idle.clear()
            self._wanted.set()
            # A forked server process (gunicorn) inherits no threads: start one per process.
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="mail-courier", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            if not self._wanted.wait(IDLE_SECONDS):
                with self._lock:  # idle: end, unless a kick came just now (it saw this thread alive)
                    if not self._wanted.is_set():
                        self._thread = None
                        return
            self._wanted.clear()
            try:
                self.deliver()
            except Exception:  # the outbox keeps the letter: send-mail delivers it
                log.exception("Delivering the outbox failed; send-mail will try again")
            with self._lock:
                if not self._wanted.is_set():
                    self._idle.set()

    def wait_idle(self, timeout: float) -> bool:
        """Whether every round asked for so far has run (tests and a graceful stop wait on it)."""
        return self._idle.wait(timeout)


@dataclass(frozen=True)
class Mail:
    """The app's mail setup: the delivery round (send-mail runs it whole) and the courier behind each request."""

    round: MailRound
    courier: Courier


def init_app(app: Any) -> None:
    """Set up the spa's own mail when SMTP_URL is set; without it, extensions["mail"] is None and nothing is sent."""
    from simplespa_zoom.mail.compose import Letterhead
    from simplespa_zoom.mail.smtp import SmtpPostman
    from simplespa_zoom.meetings.invitations import MailRound

    server = app.config.get("SMTP_SERVER")
    if server is None:
        app.extensions["mail"] = None
        return
    book = app.extensions["book"]
    setup = app.extensions["meetings"]
    postman = SmtpPostman(server, Letterhead(app.config["MAIL_SENDER"], app.config["SPA_TZ"]))
    mail_round = MailRound(
        outbox=book.outbox,
        postman=postman,
        book=book.appointments,
        spa_tz=app.config["SPA_TZ"],
        reminder_minutes=app.config["REMINDER_MINUTES"],
        keep_days=app.config["MAIL_KEEP_DAYS"],
        now=setup.now,
    )
    courier = Courier(mail_round.deliver_due)
    app.extensions["mail"] = Mail(mail_round, courier)
