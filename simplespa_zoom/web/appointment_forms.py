"""Reading and checking appointment input from the web forms and the CLI alike."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from simplespa_zoom.mail.headers import reads_as_encoded_word
from simplespa_zoom.meetings.domain import FIRST_YEAR, LAST_YEAR, AppointmentDraft
from simplespa_zoom.messages import Problem, problem

MAX_NAME = 200
MAX_EMAIL = 254
MAX_NOTES = 100_000  # characters of the staff's own text
# Room the app's own Zoom line (topic of at most 200 characters, date, join link) and its line
# break take in the notes on top of the staff's text: the app's line never makes notes unsaveable.
APP_LINE_ROOM = 1_000
MAX_DURATION = 24 * 60
# The largest valid form, as a browser sends it: every character percent-encoded UTF-8 (a 4-byte
# character is 12 bytes urlencoded, 4 in a multipart part) plus the short fields, token and names.
FORM_OVERHEAD = 16 * 1024
FORM_BODY_LIMIT = 12 * (MAX_NOTES + APP_LINE_ROOM) + FORM_OVERHEAD
FORM_FIELD_LIMIT = 4 * (MAX_NOTES + APP_LINE_ROOM) + FORM_OVERHEAD
# The WHATWG (HTML) definition of a valid email address: no quotes, brackets or spaces.
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
# What no database text column can hold: NUL (PostgreSQL refuses it) and lone surrogates (not UTF-8).
_SURROGATE = re.compile("[\ud800-\udfff]")
# Controls, format characters (bidi marks, zero-width, soft hyphen, tags), line separators, surrogates.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# Code points of other categories that show as nothing: Unicode's default-ignorable ones (combining
# grapheme joiner, Hangul fillers, variation selectors, Khmer inherent vowels, Mongolian selectors,
# the reserved ignorable ranges) and the blank Braille pattern.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)


def unstorable(text: str) -> bool:
    """Whether text holds a character no database can store, so it must be refused before it is used."""
    if "\0" in text:
        return True
    return not text.isascii() and _SURROGATE.search(text) is not None


def hides_characters(text: str) -> bool:
    """Whether text holds a character that shows as nothing or moves others (a name passing for another's)."""
    return _INVISIBLE.search(text) is not None or any(unicodedata.category(char) in _HIDDEN_CATEGORIES for char in text)


class InvalidAppointment(ValueError):
    """One message per field that needs fixing, keyed by the field's name."""

    def __init__(self, errors: dict[str, Problem]) -> None:
        super().__init__("; ".join(str(error) for error in errors.values()))
        self.errors = errors


class InvalidStart(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.text)
        self.problem = problem


def parse_local_start(text: str, tz: ZoneInfo) -> datetime:
    """A wall-clock time in the spa's zone ('2026-12-01T15:00') as an aware UTC instant."""
    try:
        naive = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise InvalidStart(problem("start_invalid")) from error
    if naive.tzinfo is not None:
        raise InvalidStart(problem("start_invalid"))
    if not FIRST_YEAR <= naive.year <= LAST_YEAR:
        raise InvalidStart(problem("start_out_of_range", first=FIRST_YEAR, last=LAST_YEAR))
    local = naive.replace(tzinfo=tz)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise InvalidStart(problem("start_nonexistent", when=f"{naive:%Y-%m-%d %H:%M}", zone=tz.key))
    return local.astimezone(UTC)


@cache
def client_zones() -> list[str]:
    """The IANA zone names a client's time zone may be (the form offers them), sorted."""
    return sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC")


def parse_client_zone(text: str) -> str | None:
    """The client's zone as given ('' is none); ValueError when it names no IANA zone the form offers."""
    name = text.strip()
    if not name:
        return None
    if name not in client_zones():  # also keeps out paths and control characters: the list is the whole alphabet
        raise ValueError(name)
    ZoneInfo(name)
    return name


def notes_problem(notes: str, stored: str = "", own_line: str = "") -> Problem | None:
    """Why notes can't be saved, or None; never for the app's own line, nor an edit that doesn't grow them."""
    if notes == stored:
        return None
    if unstorable(notes):
        return problem("notes_unstorable")
    room = min(len(own_line) + 1, APP_LINE_ROOM) if own_line and own_line in notes else 0
    if len(notes) - room > MAX_NOTES and len(notes) > len(stored):
        return problem("notes_too_long", limit=f"{MAX_NOTES:,}")
    return None


def parse_draft(
    *,
    client_name: str,
    client_email: str,
    start: str,
    duration: str,
    notes: str,
    tz: ZoneInfo,
    stored_notes: str = "",
    own_line: str = "",
    client_timezone: str = "",
) -> AppointmentDraft:
    """The draft for valid input, or InvalidAppointment listing every problem.

    stored_notes and own_line: the notes as saved and the app's line in them, when editing.
    """
    errors: dict[str, Problem] = {}
    name = client_name.strip()
    if not name:
        errors["client_name"] = problem("client_name_missing")
    elif len(name) > MAX_NAME or hides_characters(name):
        errors["client_name"] = problem("client_name_invalid", limit=MAX_NAME)
    elif reads_as_encoded_word(name):  # would be decoded in the email's header (mail/headers.py)
        errors["client_name"] = problem("client_name_encoded")
    email = client_email.strip() or None
    if email and (len(email) > MAX_EMAIL or hides_characters(email) or not _EMAIL.fullmatch(email)):
        errors["client_email"] = problem("client_email_invalid")
    elif email and reads_as_encoded_word(email):
        errors["client_email"] = problem("client_email_encoded")
    starts_at = None
    try:
        starts_at = parse_local_start(start, tz)
    except InvalidStart as invalid:
        errors["start"] = invalid.problem
    minutes = None
    try:
        minutes = int(duration.strip())
        if not 1 <= minutes <= MAX_DURATION:
            raise ValueError
    except ValueError:
        errors["duration"] = problem("duration_invalid", limit=MAX_DURATION)
    if notes_error := notes_problem(notes, stored_notes, own_line):
        errors["notes"] = notes_error
    zone = None
    try:
        zone = parse_client_zone(client_timezone)
    except ValueError:
        errors["client_timezone"] = problem("client_timezone_invalid")
    if errors or starts_at is None or minutes is None:
        raise InvalidAppointment(errors)
    return AppointmentDraft(name, email, starts_at, minutes, notes, zone)
