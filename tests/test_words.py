"""Every sentence staff (or Zoom) read comes from the message table; provider errors carry a code and data only."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from simplespa_zoom.messages import ANSWERS_TO_ZOOM
from simplespa_zoom.web.words import say_error
from simplespa_zoom.zoom.api import ZoomDailyLimit, ZoomMissingScope, ZoomRequestRejected

from .helpers import flashes, login

PACKAGE = Path(__file__).resolve().parent.parent / "simplespa_zoom"
RESETS_AT = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)


def test_a_provider_error_carries_its_code_and_data_and_the_table_words_it() -> None:
    assert ZoomDailyLimit(RESETS_AT).data == {"resets_at": RESETS_AT}
    assert ZoomMissingScope(["user:read:user"]).data == {"scopes": ["user:read:user"]}
    assert ZoomRequestRejected("Meeting topic too long.").data["said"] == "Meeting topic too long."
    tokyo = say_error("zoom_daily_limit", {"resets_at": RESETS_AT}, ZoneInfo("Asia/Tokyo"))
    assert tokyo == (
        "Today's limit of Zoom meeting changes for this Zoom user is reached; it resets at 9:00 am (Asia/Tokyo). "
        "The notes were not changed."
    )


def test_no_provider_module_and_no_view_writes_a_sentence_of_its_own() -> None:
    wording = [
        path.relative_to(PACKAGE).as_posix()
        for path in [*(PACKAGE / "zoom").glob("*.py"), PACKAGE / "meetings" / "ports.py"]
        if re.search(r"\bsay\(|\btell\(", path.read_text())
    ]
    inline = [
        f"{path.name}: {line.strip()}"
        for path in (PACKAGE / "web").glob("*.py")
        for line in path.read_text().splitlines()
        if re.search(r"""\bflash\(\s*["']|_answer\(\s*"\w+",\s*["']""", line)
    ]
    assert wording == [] and inline == []


def test_a_day_the_list_cannot_show_is_said_with_its_help_entry(client) -> None:
    login(client)
    response = client.get("/appointments?day=not-a-day")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    said = "That is not a date the appointment list can show (use the date picker); here is today."
    assert ("error", said) in flashes(page) and "/help#day_unreadable" in page


def test_the_webhook_answers_zoom_in_the_table_s_words(client) -> None:
    response = client.post("/zoom/webhook", data=b"{}", headers={"x-zm-signature": "v0=00"})
    assert response.status_code == 401
    assert response.get_json()["error"] == {"code": "bad_signature", "message": ANSWERS_TO_ZOOM["bad_signature"]}
