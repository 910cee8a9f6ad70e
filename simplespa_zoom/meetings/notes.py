"""The app's line inside appointment notes: format, find, replace, remove.

The notes are the staff's own text and the only place a meeting is recorded, so
every function here touches just the span of the app's line and hands every other
character back unchanged. Pure functions: no Flask, no I/O. What the line says that is the
provider's own (its label, the shape of its join links, its meeting ids) comes from the
provider's MeetingLineFormat, passed in.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

import re2

from simplespa_zoom.meetings.when import MONTHS, format_when

if TYPE_CHECKING:
    from simplespa_zoom.meetings.ports import MeetingLineFormat

DASH = "\u2014"
TOPIC_MAX = 200

_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTHS, start=1)}

# The app's line, written once for two engines. RE2 (google-re2) finds it: RE2 runs in time
# linear in the notes whatever they hold, so no notes can make a page slow. Python's `re`
# then reads the groups of that one line. The pattern therefore uses only syntax both engines
# read alike: no lookaround, no possessive quantifiers, no `\d` or `\s`, letters matched as ASCII.
#
# A line is "<label>: [topic] when — link". The "when" holds no "]", so a line has at most one
# reading; the topic is all up to the last "]" before the "when", which lets a client's name
# hold brackets. The link ends where the provider's join links end (its after_link), so whatever
# staff type after it stays their text and the line is still found.
_DASHES = "\u2014\u2013"
_TOPIC = r"[^\n]*"
_WHEN_TEXT = rf"[ \t][^\]\n{_DASHES}]*"
_PAD = r"[ \t]*"


def _line_pattern(line_format: MeetingLineFormat, meeting_id: str, groups: bool) -> str:
    """The line of a meeting id pattern; named groups only for Python, as RE2 would pay for them."""

    def group(name: str, body: str) -> str:
        return f"(?P<{name}>{body})" if groups else f"(?:{body})"

    link = line_format.link_pattern(group("id", meeting_id))
    return (
        rf"[ \t]*{re.escape(line_format.label)}:[ \t]*\[{group('topic', _TOPIC)}\]{group('when', _WHEN_TEXT)}"
        rf"[{_DASHES}][ \t]*{group('url', link)}(?:{group('pad', _PAD)}(?:\r|$)|{line_format.after_link})"
    )


def _any_meeting_id(line_format: MeetingLineFormat) -> str:
    """The one pattern of a meeting id's digits, from the provider's bounds."""
    fewest, most = line_format.id_digits
    return f"[0-9]{{{fewest},{most}}}"


def is_meeting_id(line_format: MeetingLineFormat, value: int) -> bool:
    """Whether a number has the digits of a meeting id (the bounds _any_meeting_id spells)."""
    fewest, most = line_format.id_digits
    return 10 ** (fewest - 1) <= value < 10**most


_WHEN = re.compile(
    r"(?P<weekday>[A-Za-z]+),[ \t]+(?P<month>[A-Za-z]+)[ \t]+(?P<day>\d{1,2})[ \t]+"
    r"(?P<year>\d{4})[ \t]+(?P<hour>\d{1,2}):(?P<minute>\d{2})[ \t]*(?P<ampm>[AaPp][Mm])"
)
# RE2 reads UTF-8, which a lone surrogate is not (no stored notes can hold one, yet parsing must not fail):
# RE2 is shown U+FFFD in its place, one character for one, so every offset it finds holds in the notes.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


class MeetingLine(NamedTuple):
    """The app's line found in notes, with its place so it can be replaced or removed."""

    topic: str
    when_text: str
    join_url: str
    meeting_id: int
    start: int
    end: int

    def starts_at(self, tz: ZoneInfo) -> datetime | None:
        """The meeting start as written in the line, or None when hand-edited beyond reading."""
        return parse_when(self.when_text, tz)


TOPIC_STYLES = ("full", "initials")  # MEETING_TOPIC: the client's whole name in Zoom, or only their initials


def topic_for(client: str, style: str = "full") -> str:
    """The meeting topic for a client: one line, at most Zoom's 200 characters; with "initials" the spa keeps
    the client's name out of Zoom ("Appointment with A. S.")."""
    name = client_as_named(client, style)
    return f"Appointment with {name}"[:TOPIC_MAX] if name else "Appointment"


def client_as_named(client: str, style: str = "full") -> str:
    """The client as the meeting topic names them (one line; with "initials" only their initials), so that
    what the app says of a meeting elsewhere (the arrival alert) names no more of the client than Zoom sees."""
    name = " ".join(_CONTROL.sub(" ", client).split())
    return initials(name) if style == "initials" else name


def initials(name: str) -> str:
    """'Ana Souza' as 'A. S.': the first letter of each word that has one."""
    letters = (next((character for character in word if character.isalpha()), "") for word in name.split())
    return " ".join(f"{letter.upper()}." for letter in letters if letter)


def parse_when(text: str, tz: ZoneInfo) -> datetime | None:
    """Read a date written by format_when back as an aware datetime in tz."""
    match = _WHEN.fullmatch(text.strip())
    if not match:
        return None
    try:
        month = _MONTH_NUMBERS[match["month"].lower()]
        hour = int(match["hour"])
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
        return datetime(int(match["year"]), month, int(match["day"]), hour, int(match["minute"]), tzinfo=tz)
    except (KeyError, ValueError):  # no such month, day or minute
        return None


def format_line(line_format: MeetingLineFormat, topic: str, start_local: datetime, join_url: str) -> str:
    """The one line the app writes into the notes for a meeting."""
    clean_topic = " ".join(_CONTROL.sub(" ", topic).split())
    return f"{line_format.label}: [{clean_topic}] {format_when(start_local)} {DASH} {join_url}"


def _lines(line_format: MeetingLineFormat, notes: str, meeting_id: str) -> list[MeetingLine]:
    """Every line whose link names meeting_id (a pattern: any id, or one), in order.

    RE2 finds where each line starts; Python's `re` reads that one line's groups. A line holding two
    links reads as the last one's line among all lines, and as either when one meeting's lines are asked for.
    The line's span ends with its link, or with the blanks after it when nothing else follows.
    """
    finder = re2.compile("(?m)^" + _line_pattern(line_format, meeting_id, groups=False))
    reader = re.compile(_line_pattern(line_format, meeting_id, groups=True), re.MULTILINE)
    found = []
    for start in (match.start() for match in finder.finditer(_LONE_SURROGATE.sub("\ufffd", notes))):
        line = reader.match(notes, start)
        if line is None:  # the engines disagree; tests hold them together, so this is a bug, not a line
            continue
        end = line.end("pad") if line["pad"] is not None else line.end("url")
        found.append(MeetingLine(line["topic"], line["when"].strip(" \t"), line["url"], int(line["id"]), start, end))
    return found


def find_lines(line_format: MeetingLineFormat, notes: str) -> list[MeetingLine]:
    """Every line of the app's shape whose link is a real join link of the provider, in order."""
    return _lines(line_format, notes, _any_meeting_id(line_format))


def indexable(meeting_id: int) -> bool:
    """Whether a database's 64-bit integer holds this id (a line may name any 19 digits)."""
    return 0 <= meeting_id < 2**63


def meeting_ids(line_format: MeetingLineFormat, notes: str) -> set[int]:
    """The meeting ids the notes' lines name (those a database's 64-bit integer can hold), for the index."""
    return {line.meeting_id for line in find_lines(line_format, notes) if indexable(line.meeting_id)}


def current_line(line_format: MeetingLineFormat, notes: str) -> MeetingLine | None:
    """The line that stands for the appointment's meeting: the last one written."""
    lines = find_lines(line_format, notes)
    return lines[-1] if lines else None


def _meeting_lines(line_format: MeetingLineFormat, notes: str, meeting_id: int) -> list[MeetingLine]:
    """Every line of one meeting, by the id in its link."""
    return _lines(line_format, notes, str(meeting_id)) if is_meeting_id(line_format, meeting_id) else []


def find_line(line_format: MeetingLineFormat, notes: str, meeting_id: int) -> MeetingLine | None:
    """The last line of one meeting, by the id in its link."""
    lines = _meeting_lines(line_format, notes, meeting_id)
    return lines[-1] if lines else None


def line_text(notes: str, line: MeetingLine) -> str:
    """The line as written, without the blanks around it: the text format_line made, when the app wrote it."""
    return notes[line.start : line.end].strip(" \t")


def fingerprint(text: str) -> str:
    """A digest of a line's exact text: the store recognises the app's own line by it, keeping no second copy."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def own_line(line_format: MeetingLineFormat, notes: str, meeting_id: int, digest: str) -> MeetingLine | None:
    """The line the app wrote for meeting_id: the last line of that meeting whose exact text has this digest.

    A line typed or pasted with the same meeting id, or the app's line edited by hand, is other text:
    shown, never acted on.
    """
    lines = _meeting_lines(line_format, notes, meeting_id)
    mine = [line for line in lines if fingerprint(line_text(notes, line)) == digest]
    return mine[-1] if mine else None


def join_link_meeting(line_format: MeetingLineFormat, url: str) -> int | None:
    """The meeting a join link names, when written into a line it reads back whole as that line's link."""
    line = format_line(line_format, "t", datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC")), url)
    found = current_line(line_format, line)
    return found.meeting_id if found is not None and found.join_url == url else None


def reads_as_join_link(line_format: MeetingLineFormat, url: str) -> bool:
    """Whether a link, written into a line, reads back as that line's join link."""
    return join_link_meeting(line_format, url) is not None


def _line_break(notes: str) -> str:
    return "\r\n" if "\r\n" in notes else "\n"


def append_line(notes: str, line: str) -> str:
    """Add the line on a line of its own, keeping every existing character."""
    if not notes:
        return line
    for ending in ("\r\n", "\n"):
        if notes.endswith(ending):
            return notes + line + ending
    return notes + _line_break(notes) + line


def replace_line(notes: str, old: MeetingLine, new_text: str) -> str:
    """Rewrite one of the app's lines in place; its line break and all other text stay."""
    return notes[: old.start] + new_text + notes[old.end :]


def remove_line(notes: str, old: MeetingLine) -> str:
    """Remove one of the app's lines and exactly one line break: the inverse of append_line.

    Text the staff typed after the link is theirs: it stays, and so does the line break after it.
    """
    start, end = old.start, old.end
    if end == len(notes):
        return _before_appended_line(notes[:start])
    if notes.startswith("\r\n", end):
        return notes[:start] + notes[end + 2 :]
    if notes[end] in "\r\n":
        return notes[:start] + notes[end + 1 :]
    return notes[:start] + notes[end:]


def _before_appended_line(before: str) -> str:
    """The text before a last line, without the break append_line put there."""
    if before.endswith("\r\n"):
        return before[:-2] if "\r\n" in before[:-2] else before[:-1]
    if before.endswith("\n"):  # a line starts only after a line feed
        return before[:-1]
    return before
