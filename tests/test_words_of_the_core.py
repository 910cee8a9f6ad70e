"""The core says what happened with codes and data; the web layer alone words it (web/words.py), in the
same sentences staff read before."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

from simplespa_zoom.meetings.errors import MeetingNotSaved
from simplespa_zoom.web.words import say_meeting_error, say_notice

from .test_meeting_service_over_zoom import cancel_on_a_spent_day

CORE = Path(__file__).resolve().parent.parent / "simplespa_zoom" / "meetings"
SPA_TZ = ZoneInfo("America/New_York")


def test_the_core_imports_no_words() -> None:
    wording = [
        path.name
        for path in CORE.glob("*.py")
        if re.search(r"simplespa_zoom\.messages|\bsay\(|\btell\(|say_error", path.read_text())
    ]
    assert wording == []


def test_a_cancel_zoom_refuses_for_the_day_is_said_with_the_reset_in_the_spas_zone() -> None:
    notice = cancel_on_a_spent_day()
    assert notice is not None and say_notice(notice, SPA_TZ) == (
        "The appointment was saved, but its Zoom meeting was not updated. Today's limit of Zoom meeting changes "
        "for this Zoom user is reached; it resets at 7:00 pm (America/New_York). The notes were not changed. "
        "Later, use Remove meeting on this page, or delete it in Zoom at https://zoom.us/meeting#/upcoming."
    )


def test_a_meeting_error_is_worded_with_its_data() -> None:
    undone = MeetingNotSaved.because("meeting_not_saved_undo_failed", left_with_provider=True, meeting_id=85746065432)
    assert "85746065432" in say_meeting_error(undone)
