"""What may go into a mail header, and the check of every header of a message before it is sent.

Python's `email` decodes an RFC 2047 encoded word ("=?utf-8?q?Ana=0D=0A…?=") found in a name it is
given, and interpreters without the fix for CVE-2024-6923 (3.11.7, 3.12.1 …) then write the hidden
line break out as is: a client name could add a Reply-To header or a body. So names and addresses
refuse encoded words at the door (`reads_as_encoded_word`), and `check_headers` refuses a message one
of whose headers, as it will be written, is anything but one field of the name it was given. The
interpreter's own check (`verify_generated_headers`) runs too where it has one. No Flask here.
"""

from __future__ import annotations

import email.errors
import re
from email.message import EmailMessage
from email.policy import EmailPolicy

# charset ? encoding ? text, as Python's parser reads one (it allows spaces inside).
_ENCODED_WORD = re.compile(r"=\?[^?]*\?[^?]*\?.*?\?=", re.DOTALL)
# A line break that does not start a continuation line (CRLF then a space or a tab), or a bare CR or LF.
_BREAK_OUTSIDE_FOLD = re.compile(rb"\r\n(?![ \t])|\r(?!\n)|(?<!\r)\n")


class _NoHeaderWriteError(Exception):
    """Stands for email.errors.HeaderWriteError on interpreters without their own check: never raised."""


_HEADER_WRITE_ERROR: type[Exception] = getattr(email.errors, "HeaderWriteError", _NoHeaderWriteError)
# The interpreter's own check of each generated header, where it has one (3.11.10, 3.12.5, 3.13 and later).
VERIFY_GENERATED_HEADERS: dict[str, bool] = (
    {"verify_generated_headers": True} if hasattr(EmailPolicy, "verify_generated_headers") else {}
)


class UnsafeHeader(ValueError):
    """A header of a composed message would not be written as the one field it was given."""


def reads_as_encoded_word(text: str) -> bool:
    """Whether mail programs (and Python's `email`) would decode part of text as an RFC 2047 encoded word."""
    return _ENCODED_WORD.search(text) is not None


def check_headers(message: EmailMessage) -> None:
    """Raise UnsafeHeader unless every header of every part is written as exactly one field of its name.

    Checked as `smtplib` writes it (its bytes generator, CRLF, and the UTF-8 variant it uses when the
    mail server takes international addresses), after the interpreter's own check where it has one
    (that one runs in the text generator only).
    """
    sent = message.policy.clone(linesep="\r\n", **VERIFY_GENERATED_HEADERS)
    if VERIFY_GENERATED_HEADERS:
        try:
            message.as_string(policy=sent)
        except _HEADER_WRITE_ERROR as error:
            raise UnsafeHeader(str(error)) from None
    for policy in (sent, sent.clone(utf8=True)):
        for part in message.walk():
            for name, value in part.raw_items():
                folded = policy.fold_binary(name, value)
                if not folded.startswith(f"{name}:".encode()) or not folded.endswith(b"\r\n"):
                    raise UnsafeHeader(f"{name}: not one field of this name")
                if _BREAK_OUTSIDE_FOLD.search(folded[:-2]):
                    raise UnsafeHeader(f"{name}: a line break would start a new header or the body")
