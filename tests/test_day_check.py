"""The day list: a meeting column from the notes alone (no Zoom call while rendering), and one request that checks
today's meetings together with the single check's rules, bounded in calls and paced under Zoom's rate limit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient

from simplespa_zoom.meetings import day
from simplespa_zoom.meetings.day import Pacer
from simplespa_zoom.zoom.oauth import BoundTokens, Tokens, ZoomConnection

from .fakes import FakeTokenEndpoint, FakeZoom, InMemoryTokens
from .helpers import (
    API,
    JOIN_URL,
    MEETING_ID,
    add_appointment,
    connect_zoom,
    get_appointment,
    line_for,
    login,
    post,
    staffed_app,
    with_app_meeting,
    zoom_meeting,
)

CHECK_URL = "/appointments/today/meetings"


def zone_at_noon() -> str:
    """A fixed-offset zone where it is about noon now, so "earlier today" and "later today" both exist."""
    offset = 12 - datetime.now(UTC).hour
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


@pytest.fixture
def noon_app(database: str) -> Iterator[Flask]:
    yield staffed_app(database, SPA_TIMEZONE=zone_at_noon())


@pytest.fixture
def staff(noon_app: Flask) -> FlaskClient:
    client = noon_app.test_client()
    login(client)
    return client


def link(meeting_id: int) -> str:
    return JOIN_URL.replace(str(MEETING_ID), str(meeting_id))


def meeting_today(app: Flask, name: str, hours: float, meeting_id: int, host: str | None = "h1"):
    appointment = add_appointment(app, name, "Notes stay.", start=datetime.now(UTC) + timedelta(hours=hours))
    return with_app_meeting(app, appointment, meeting_id=meeting_id, join_url=link(meeting_id), host=host)


@pytest.fixture
def today(noon_app: Flask) -> dict[str, object]:
    """Today's book: deleted in Zoom, changed in Zoom, past, another host's, a typed line, no meeting; and tomorrow."""
    typed_from = add_appointment(noon_app, "Typed")
    return {
        "deleted": meeting_today(noon_app, "Dee Leted", 2, MEETING_ID),
        "changed": meeting_today(noon_app, "Cha Nged", 3, MEETING_ID + 1),
        "past": meeting_today(noon_app, "Pa St", -3, MEETING_ID + 2),
        "other": meeting_today(noon_app, "Oth Er", 2, MEETING_ID + 3, host="a-colleague"),
        "typed": add_appointment(
            noon_app, "Ty Ped", line_for(noon_app, typed_from), start=datetime.now(UTC) + timedelta(hours=1)
        ),
        "none": add_appointment(noon_app, "No Meeting", start=datetime.now(UTC) + timedelta(hours=1)),
        "tomorrow": meeting_today(noon_app, "To Morrow", 26, MEETING_ID + 4),
    }


def test_the_day_list_shows_meetings_from_the_notes_without_calling_zoom(noon_app: Flask, staff, today, zoom) -> None:
    connect_zoom(staff)
    page = staff.get("/appointments").get_data(as_text=True)
    assert len(zoom.calls) == 0
    assert '<th scope="col">Zoom meeting</th>' in page and f'data-day-check-url="{CHECK_URL}"' in page
    assert page.count('aria-label="Has a Zoom meeting"') == 5  # every row of today with a Zoom line
    assert page.count("(line not created here)") == 1
    tomorrow = (datetime.now(noon_app.config["SPA_TZ"]) + timedelta(days=1)).date().isoformat()
    assert "data-day-check-url" not in staff.get(f"/appointments?day={tomorrow}").get_data(as_text=True)


def test_one_request_checks_todays_meetings_with_the_single_check_rules(
    noon_app: Flask, staff, today, zoom: responses.RequestsMock
) -> None:
    connect_zoom(staff)
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=404, json={"code": 3001, "message": "Meeting does not exist."})
    changed = today["changed"]
    moved = changed.starts_at + timedelta(minutes=30)
    body = zoom_meeting(changed, meeting_id=MEETING_ID + 1, join_url=link(MEETING_ID + 1), start=moved)
    zoom.get(f"{API}/meetings/{MEETING_ID + 1}", json=body)

    answer = post(staff, CHECK_URL)
    assert answer.status_code == 200
    rows = {row["appointment_id"]: row for row in answer.get_json()["rows"]}
    state = {name: rows[appointment.id]["state"] for name, appointment in today.items() if appointment.id in rows}
    assert state == {
        "deleted": "gone",
        "changed": "updated",
        "past": "ended",
        "other": "other_account",
        "typed": "not_created_here",
    }
    assert len(zoom.calls) == 2  # only this user's upcoming meetings were asked about

    deleted = rows[today["deleted"].id]
    assert deleted["message"] == (
        "This meeting was deleted in Zoom, so its line was removed from the notes. The client was not told."
    )
    assert deleted["has_meeting"] is False and deleted["help"] == "/help#meeting_deleted_in_zoom"
    assert get_appointment(noon_app, today["deleted"].id).notes == "Notes stay."
    assert get_appointment(noon_app, changed.id).notes == "Notes stay.\n" + line_for(
        noon_app, changed, link(MEETING_ID + 1), moved
    )
    for name in ("past", "other"):  # left alone: Zoom's "does not exist" proves nothing for them
        kept = today[name]
        assert get_appointment(noon_app, kept.id).notes == kept.notes
    assert rows[today["other"].id]["help"] == "/help#meeting_other_account_check"


def test_the_check_asks_zoom_about_at_most_a_bounded_number_of_meetings(
    noon_app: Flask, staff, monkeypatch, zoom: responses.RequestsMock
) -> None:
    monkeypatch.setattr(day, "DAY_CHECK_MAX", 1)
    first = meeting_today(noon_app, "Fir St", 1, MEETING_ID)
    second = meeting_today(noon_app, "Sec Ond", 2, MEETING_ID + 1)
    connect_zoom(staff)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(first))
    rows = {row["appointment_id"]: row for row in post(staff, CHECK_URL).get_json()["rows"]}
    assert len(zoom.calls) == 1 and rows[first.id]["state"] == "ok"
    assert rows[second.id] == {
        "appointment_id": second.id,
        "state": "unchecked",
        "message": "Not checked with Zoom: the day list checks the first 1 meetings of the day at once.",
        "help": "/help#day_check_limit",
        "has_meeting": True,
    }


def test_without_zoom_the_check_says_connect(noon_app: Flask, staff, today) -> None:
    answer = post(staff, CHECK_URL)
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "zoom_not_connected"


def test_the_check_needs_the_csrf_token(noon_app: Flask, staff) -> None:
    connect_zoom(staff)
    answer = staff.post(CHECK_URL, headers={"Accept": "application/json"})
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "csrf_failed"


def test_checks_made_together_start_no_faster_than_zoom_allows() -> None:
    slept: list[float] = []
    pacer = Pacer(4.0, clock=lambda: 100.0, sleep=slept.append)
    for _ in range(4):
        pacer.wait_turn()
    assert slept == [0.25, 0.5, 0.75]  # the first goes at once: four starts within one second at most


def test_calls_made_together_refresh_the_tokens_once() -> None:
    zoom = FakeZoom()
    endpoint = FakeTokenEndpoint(zoom)
    tokens = BoundTokens(InMemoryTokens(Tokens("access-1", "refresh-1", time.time() + 10)))  # due for refresh
    connection = ZoomConnection(zoom, endpoint)  # type: ignore[arg-type]
    read_before = tokens.get()
    assert read_before is not None
    assert connection.call(tokens, lambda client, token: client.get_me(token)).id == zoom.user_id  # refreshes
    # A call of the same request that read the tokens before that refresh, refused by Zoom, reuses the new ones:
    # a second refresh with the rotated-out refresh token would end the connection.
    endpoint.refused.add(read_before.refresh_token)
    again = connection._refresh(tokens, read_before)  # noqa: SLF001
    assert again == tokens.get() and again.access_token == "access-2" and endpoint.refreshes == 1
