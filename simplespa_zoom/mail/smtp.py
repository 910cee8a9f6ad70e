"""The Postman over SMTP: one connection per letter to the spa's mail server, its answer sorted into
"try again later" (MailDeferred) and "refused for good" (MailRefused)."""

from __future__ import annotations

import logging
import smtplib
import ssl

from simplespa_zoom.mail.compose import Letterhead, compose
from simplespa_zoom.mail.headers import check_headers
from simplespa_zoom.mail.settings import SmtpServer
from simplespa_zoom.meetings.ports import Letter, MailDeferred, MailRefused

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30.0
REASON_MAX = 300


def _answer(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(said.split())}"[:REASON_MAX]


class SmtpPostman:
    """Sends each letter as its own message (TLS as SMTP_URL says); never logs the password or the message."""

    def __init__(self, server: SmtpServer, head: Letterhead, timeout: float = TIMEOUT_SECONDS) -> None:
        self.server = server
        self.head = head
        self.timeout = timeout

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

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        context = ssl.create_default_context()
        if server.implicit_tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        try:
            if server.starttls:
                smtp.starttls(context=context)
            if server.user is not None:
                smtp.login(server.user, server.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp
