"""The meeting services of one request, built from the app's setup and this browser's provider.

Each job is its own small service: adding a meeting, checking one, changing one, applying the
provider's events. They share one editor of the app's line and one judge of whose meeting it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings.adding import AddMeeting
from simplespa_zoom.meetings.day import CheckDay
from simplespa_zoom.meetings.events import MeetingEvents
from simplespa_zoom.meetings.following import ChangeMeeting, CheckMeeting
from simplespa_zoom.meetings.host_marks import HostMarks
from simplespa_zoom.meetings.hosts import Hosts
from simplespa_zoom.meetings.invitations import Letters
from simplespa_zoom.meetings.lines import LineEditor
from simplespa_zoom.meetings.ports import AppointmentBook, Clock, MeetingProvider
from simplespa_zoom.meetings.starting import StartMeeting


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class MeetingSetup:
    """What every request's services share, built once per app: the book, the spa's zone, the host keys, the clock."""

    book: AppointmentBook
    tz: ZoneInfo
    marks: HostMarks
    now: Clock = field(default=_utc_now)
    topic_style: str = "full"  # MEETING_TOPIC
    mail: bool = False  # whether the spa sends its own letters (SMTP_URL is set)

    @property
    def letters(self) -> Letters:
        return Letters(self.mail, self.tz)

    def services(self, provider: MeetingProvider) -> Meetings:
        """The services for one request, acting through this browser's provider."""
        lines = LineEditor(self.book, self.tz, self.now, self.letters)
        hosts = Hosts(self.book, provider, self.marks)
        checking = CheckMeeting(self.book, provider, hosts, lines, self.now)
        return Meetings(
            adding=AddMeeting(self.book, provider, self.tz, self.marks, hosts, lines, self.letters, self.topic_style),
            checking=checking,
            changing=ChangeMeeting(self.book, provider, hosts, lines, self.tz, self.now),
            events=MeetingEvents(self.book, lines),
            starting=StartMeeting(self.book, provider, hosts),
            day=CheckDay(provider, checking, self.now),
        )


@dataclass(frozen=True)
class Meetings:
    """One request's meeting services, by job."""

    adding: AddMeeting
    checking: CheckMeeting
    changing: ChangeMeeting
    events: MeetingEvents
    starting: StartMeeting
    day: CheckDay
