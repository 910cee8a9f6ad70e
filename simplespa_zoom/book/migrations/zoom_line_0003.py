"""The app's Zoom line as migrations 0002 and 0003 read it: a frozen copy, so that a later change to the
core's parser never changes what an old migration did. Only the id in the link and the line's exact
text are needed here. RE2, as in the core: linear time whatever the stored notes hold.
"""

from __future__ import annotations

import hashlib

import re2

_DASHES = "\u2014\u2013"
_HOST = (
    r"(?:[A-Za-z0-9-]+\.)*(?:[Zz][Oo][Oo][Mm]\.[Uu][Ss]|[Zz][Oo][Oo][Mm]\.[Cc][Oo][Mm]"
    r"|[Zz][Oo][Oo][Mm][Gg][Oo][Vv]\.[Cc][Oo][Mm])"
)
_QUERY_CHARS = r"A-Za-z0-9_~%=&\-"
_LINE = re2.compile(
    rf"(?m)^[ \t]*Zoom:[ \t]*\[[^\n]*\][ \t][^\]\n{_DASHES}]*[{_DASHES}][ \t]*"
    rf"(?P<url>https://{_HOST}(?::443)?/[jw]/(?P<id>[0-9]{{9,19}})(?:\?[{_QUERY_CHARS}.]*[{_QUERY_CHARS}])?)"
    rf"(?:(?P<pad>[ \t]*)(?:\r|$)|[.?]*(?:[^{_QUERY_CHARS}.?\r\n]|\r|$))"
)


def _lines(notes: str) -> list[tuple[int, str]]:
    """Each line's meeting id and exact text (without the blanks around it), in order."""
    found = []
    for match in _LINE.finditer(notes):
        url, meeting_id, pad = 1, 2, 3  # RE2's match takes group numbers
        end = match.end(pad) if match.group(pad) is not None else match.end(url)
        found.append((int(match.group(meeting_id)), notes[match.start() : end].strip(" \t")))
    return found


def meeting_ids(notes: str) -> set[int]:
    """The meeting ids the notes' lines name that a 64-bit integer holds (migration 0002's index)."""
    return {meeting_id for meeting_id, _ in _lines(notes) if meeting_id < 2**63}


def last_line_digest(notes: str, meeting_id: int) -> str | None:
    """The digest of the exact text of meeting_id's last line (migration 0003's own line)."""
    texts = [text for found, text in _lines(notes) if found == meeting_id]
    return hashlib.sha256(texts[-1].encode("utf-8", "surrogatepass")).hexdigest() if texts else None
