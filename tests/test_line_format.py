"""The app's line in a provider's own format: the core writes, finds, rewrites and removes it with no
provider's name, so a second provider brings only its MeetingLineFormat (here a made-up "Meet" provider)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.summary import meeting_summary
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .fakes import InMemoryBook, InMemoryProvider
from .test_meeting_service import MARKS, NOW, START, TZ, services

MEET_LINK = "https://meet.example/j/85746065432?pwd=Ab12Cd34Ef56.1"
MEET_LINE = "Meet: [Appointment with Ana Souza] Tuesday, December 1 2026 3:00 pm \u2014 " + MEET_LINK
ZOOM_LINK = "https://us05web.zoom.us/j/85746065432?pwd=Ab12Cd34Ef56.1"
ZOOM_LINE = "Zoom: [Appointment with Ana Souza] Tuesday, December 1 2026 3:00 pm \u2014 " + ZOOM_LINK


@dataclass(frozen=True)
class MeetLineFormat:
    """A second provider's part of the line: its label, its links on meet.example, ids of 9 to 12 digits."""

    label: str = "Meet"
    attendance_label: str = "Meet attendance"
    id_digits: tuple[int, int] = (9, 12)
    after_link: str = r"[.?]*(?:[^A-Za-z0-9.?=\r\n]|\r|$)"

    def link_pattern(self, meeting_id: str) -> str:
        return rf"https://meet\.example/[jw]/{meeting_id}(?:\?pwd=[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*)?"

    def is_personal_link(self, url: str) -> bool:
        return "/w/" in url

    def display_id(self, meeting_id: int) -> str:
        digits = str(meeting_id)
        return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))


MEET = MeetLineFormat()


def test_each_format_reads_its_own_line_and_not_the_others() -> None:
    both = f"Prefers lavender oil.\n{ZOOM_LINE}\n{MEET_LINE}"
    meet, zoom = notes.current_line(MEET, both), notes.current_line(ZOOM_LINE_FORMAT, both)
    assert meet is not None and both[meet.start : meet.end] == MEET_LINE and meet.join_url == MEET_LINK
    assert zoom is not None and both[zoom.start : zoom.end] == ZOOM_LINE and zoom.join_url == ZOOM_LINK
    assert notes.meeting_ids(MEET, MEET_LINE.replace("85746065432", "1234567890123")) == set()  # 13 digits: not Meet's
    assert (
        notes.join_link_meeting(MEET, ZOOM_LINK) is None
        and notes.join_link_meeting(ZOOM_LINE_FORMAT, MEET_LINK) is None
    )


def test_a_line_is_written_with_the_formats_label_and_reads_back_byte_for_byte() -> None:
    start = datetime(2026, 12, 1, 15, 0, tzinfo=ZoneInfo("America/New_York"))
    assert notes.format_line(MEET, "Appointment with Ana Souza", start, MEET_LINK) == MEET_LINE
    assert notes.format_line(ZOOM_LINE_FORMAT, "Appointment with Ana Souza", start, ZOOM_LINK) == ZOOM_LINE
    staff = MEET_LINE + ". Paid."  # the staff's text after the link stays theirs
    line = notes.find_line(MEET, staff, 85746065432)
    assert line is not None and staff[line.end :] == ". Paid."


def test_the_services_add_check_and_remove_a_meeting_in_the_providers_format() -> None:
    book = InMemoryBook(line_format=MEET)
    provider = InMemoryProvider(join_host="meet.example", now=lambda: NOW)
    meetings = services(book, provider, NOW)
    appointment = book.add("Ana Souza", START, "Prefers lavender oil.")
    assert meetings.adding.add(appointment.id).created
    added = book.get(appointment.id)
    assert added.notes == "Prefers lavender oil.\n" + MEET_LINE and added.line_is_own
    assert meetings.checking.check(appointment.id).state == "ok"
    shown = meeting_summary(added, TZ, NOW)
    assert shown is not None and (shown["meeting_id_display"], shown["join_url"]) == ("8574-6065-432", MEET_LINK)
    assert meetings.changing.remove(appointment.id).notes == "Prefers lavender oil."
    assert provider.meetings == {} and MARKS.matches(added.host_mark or "", "host-1")


def test_zoom_groups_meeting_ids_as_zoom_shows_them() -> None:
    assert [ZOOM_LINE_FORMAT.display_id(n) for n in (85746065432, 8574606543, 857460654)] == [
        "857 4606 5432",
        "857 460 6543",
        "857460654",
    ]
