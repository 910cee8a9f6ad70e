"""What the app's line says that is Zoom's own: its "Zoom:" label, the shape of Zoom's join links,
the digits of a meeting id and how Zoom groups them, and which links are a registrant's own.

The core (meetings/notes.py) writes and finds the line with this; it knows no provider's link.
The patterns are written for two engines: RE2 finds lines and Python's `re` reads them, so they use
only syntax both read alike (no lookaround, no `\\d` or `\\s`, letters matched as ASCII).
"""

from __future__ import annotations

from dataclasses import dataclass

# Join links come on *.zoom.us (us05web, vanity acme.zoom.us), *.zoom.com and *.zoomgov.com.
_HOST = (
    r"(?:[A-Za-z0-9-]+\.)*(?:[Zz][Oo][Oo][Mm]\.[Uu][Ss]|[Zz][Oo][Oo][Mm]\.[Cc][Oo][Mm]"
    r"|[Zz][Oo][Oo][Mm][Gg][Oo][Vv]\.[Cc][Oo][Mm])"
)
# A join link's query holds Zoom's characters only (pwd=AbC.1, tk=…, uuid=WN_…): letters, digits,
# "_~%=&-", and dots between them, so a full stop typed right after the link is not part of it.
_QUERY_CHARS = r"A-Za-z0-9_~%=&\-"
_QUERY = rf"\?[{_QUERY_CHARS}.]*[{_QUERY_CHARS}]"


@dataclass(frozen=True)
class ZoomLineFormat:
    """Zoom's part of the app's line (a MeetingLineFormat)."""

    label: str = "Zoom"
    id_digits: tuple[int, int] = (9, 19)  # a Zoom meeting id has 9 to 19 digits
    # After the link, the staff's own text starts with full stops or question marks and then a character
    # no join link holds, or the line's end. Text that a link could take in (a digit after the id, a letter
    # after the query) never starts it: a rewritten link would swallow it.
    after_link: str = rf"[.?]*(?:[^{_QUERY_CHARS}.?\r\n]|\r|$)"

    def link_pattern(self, meeting_id: str) -> str:
        """A join link: https://<Zoom host>/j/<id> (or /w/, a registrant's), then Zoom's query, if any."""
        return rf"https://{_HOST}(?::443)?/[jw]/{meeting_id}(?:{_QUERY})?"

    def is_personal_link(self, url: str) -> bool:
        """A registrant's own link (/w/<id>, or a tk= token): Zoom's plain join_url must not replace it."""
        path, _, query = url.partition("?")
        return "/w/" in path or any(part.startswith("tk=") for part in query.split("&"))

    def display_id(self, meeting_id: int) -> str:
        """'85746065432' as '857 4606 5432', the grouping Zoom uses."""
        digits = str(meeting_id)
        if len(digits) == 11:
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        if len(digits) == 10:
            return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
        return digits


ZOOM_LINE_FORMAT = ZoomLineFormat()
