"""The provider's signed word about its meetings, applied to the app's lines without waiting for a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from simplespa_zoom.meetings.lines import LineEditor, own_line
from simplespa_zoom.meetings.ports import AppointmentBook


@dataclass(frozen=True)
class MeetingEvents:
    """A meeting deleted or changed in the provider: the app's lines of it follow."""

    book: AppointmentBook
    lines: LineEditor

    def meeting_deleted(self, meeting_id: int) -> int:
        """Remove the app's line wherever it created this meeting, telling the client nothing (staff are told
        on the page and the day list); how many appointments held it."""
        appointments = self.book.find_by_meeting(meeting_id)
        for appointment in appointments:
            self.lines.gone(appointment)
        return len(appointments)

    def meeting_updated(
        self,
        meeting_id: int,
        topic: str | None,
        starts_at: datetime | None,
        join_url: str | None,
        event_ms: int | None,
    ) -> int:
        """The app's lines follow a change, unless they already reflect something newer.

        A replayed or late-retried older event (Zoom retries after 5, 20 and 60 minutes) must never
        move a line back, so each line remembers when what it shows came from the provider.
        """
        applied = 0
        for appointment in self.book.find_by_meeting(meeting_id):
            line = own_line(appointment)
            stale = event_ms is not None and event_ms <= (appointment.synced_ms or 0)
            if line is not None and not stale:
                self.lines.follow(appointment, line, topic, starts_at, join_url, event_ms or self.lines.now_ms())
                applied += 1
        return applied
