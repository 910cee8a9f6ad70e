"""The Postman over SMTP: one connection per letter to the spa's mail server, its answer sorted into
"try again later" (MailDeferred) and "refused for good" (MailRefused).

Waits as RFC 5321 §4.5.3.2 says for the answer to the message's final dot (10 minutes): a server that
accepted the message and answers late would otherwise get it again at the next attempt. Every other
step (connect, greeting, each command, sending the message) waits at most COMMAND_SECONDS: giving up
before the final dot leaves nothing delivered, and the letter is tried again later.
"""

from __future__ import annotations

import logging
import smtplib
import ssl

from simplespa_zoom.mail.compose import Letterhead, compose
from simplespa_zoom.mail.headers import check_headers
from simplespa_zoom.mail.settings import SmtpServer
from simplespa_zoom.meetings.ports import Letter, MailDeferred, MailRefused

log = logging.getLogger(__name__)

COMMAND_SECONDS = 30.0
FINAL_REPLY_SECONDS = 600.0  # RFC 5321 §4.5.3.2.6, "DATA Termination"
# How long one letter can wait in all: COMMAND_SECONDS for each of about a dozen steps (connect, greeting,
# EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA, the message, QUIT) and the final answer (each wait is per
# socket read, so a server dribbling a many-line answer could stretch a step). The outbox keeps a letter's
# claim well past this (book/outbox.py STALE_CLAIM, 30 minutes), so no other sender takes it over meanwhile.
LONGEST_SEND_SECONDS = 12 * COMMAND_SECONDS + FINAL_REPLY_SECONDS
REASON_MAX = 300


def _answer(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(said.split())}"[:REASON_MAX]


class SmtpPostman:
    """Sends each letter as its own message (TLS as SMTP_URL says); never logs the password or the message."""

    def __init__(
        self,
        server: SmtpServer,
        head: Letterhead,
        timeout: float = COMMAND_SECONDS,
        final_reply_timeout: float = FINAL_REPLY_SECONDS,
    ) -> None:
        self.server = server
        self.head = head
        self.timeout = timeout
        self.final_reply_timeout = final_reply_timeout

    def send(self, letter: Letter) -> None:
        try:
            message = compose(letter, self.head)
            check_headers(message)
        except ValueError as error:  # a name or address email cannot carry (refused at input; a hand-edited row)
            log.error("Letter %s not sent: a header can't be written safely (%s)", letter.id, type(error).__name__)
            raise MailRefused("mail_unwritable") from error
        try:
            with self._connect() as smtp:
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            code, text = next(iter(refused.recipients.values()))
            raise (MailRefused if code >= 500 else MailDeferred)(_answer(code, text)) from None
        except smtplib.SMTPAuthenticationError as error:
            log.error(
                "The mail server refused the spa's login (%s); letters wait until SMTP_URL is fixed", error.smtp_code
            )
            raise MailDeferred("mail_login_refused") from None
        except smtplib.SMTPResponseException as error:
            answer = _answer(error.smtp_code, error.smtp_error)
            raise (MailRefused if error.smtp_code >= 500 else MailDeferred)(answer) from None
        except (OSError, smtplib.SMTPException) as error:
            log.warning("The mail server could not be reached: %s", type(error).__name__)
            raise MailDeferred("mail_server_unreachable") from None

    def _connect(self) -> _PatientSMTP:
        server = self.server
        context = ssl.create_default_context()
        if server.implicit_tls:
            smtp: _PatientSMTP = _PatientSMTPSSL(server.host, server.port, timeout=self.timeout, context=context)
        else:
            smtp = _PatientSMTP(server.host, server.port, timeout=self.timeout)
        smtp.final_reply_timeout = self.final_reply_timeout
        try:
            if server.starttls:
                smtp.starttls(context=context)
            if server.user is not None:
                smtp.login(server.user, server.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


class _PatientSMTP(smtplib.SMTP):
    """smtplib's client, waiting final_reply_timeout (not the command timeout) for the answer to the final dot."""

    final_reply_timeout = FINAL_REPLY_SECONDS
    _in_data = False

    def data(self, msg: bytes | str) -> tuple[int, bytes]:
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False
            if self.sock is not None:
                self.sock.settimeout(self.timeout)

    def send(self, s: bytes | str) -> None:
        super().send(s)
        # In DATA, the one send ending in CRLF.CRLF is the message with its final dot; the next read is its answer.
        if self._in_data and self.sock is not None and isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.sock.settimeout(self.final_reply_timeout)


class _PatientSMTPSSL(_PatientSMTP, smtplib.SMTP_SSL):
    """The same over implicit TLS (smtps)."""
