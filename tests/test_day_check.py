"""The day list: a meeting column from the notes alone (no Zoom call while rendering), and one request that checks
today's meetings together with the single check's rules, bounded in calls and paced under Zoom's rate limit."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient

from simplespa_zoom.config import ConfigError, from_environment
from simplespa_zoom.meetings import day
from simplespa_zoom.web import day as web_day
from simplespa_zoom.zoom.api import Pacer
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
    assert [pacer.take_turn(12.0) for _ in range(4)] == [True] * 4
    assert slept == [0.25, 0.5, 0.75]  # the first goes at once: four starts within one second at most


def test_a_turn_that_comes_after_the_deadline_is_not_taken_and_not_waited_for() -> None:
    slept: list[float] = []
    pacer = Pacer(4.0, clock=lambda: 100.0, sleep=slept.append)
    assert [pacer.take_turn(0.6) for _ in range(4)] == [True, True, True, False]  # at 0, 0.25 and 0.5 s
    assert slept == [0.25, 0.5] and pacer.take_turn(1.0)  # the turn refused is still free: 0.75 s
    assert slept == [0.25, 0.5, 0.75]


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


# --- One browser's day checks: one at a time, a few a minute (issue 30) --------------------------------


def test_a_second_day_check_from_the_same_browser_while_one_runs_is_refused_with_a_retry_time(
    noon_app: Flask, staff: FlaskClient, zoom: responses.RequestsMock
) -> None:
    appointment = meeting_today(noon_app, "Fir St", 1, MEETING_ID)
    connect_zoom(staff)
    other = noon_app.test_client()  # another browser, signed in as the same staff member
    login(other)
    connect_zoom(other)
    during: dict[str, Any] = {}

    def zoom_answers_while_more_checks_arrive(_request: Any) -> tuple[int, dict[str, str], str]:
        if not during:  # each from a thread of its own, as another request of the server
            for name, browser in (("same", staff), ("other", other)):
                asking = threading.Thread(target=lambda n=name, b=browser: during.setdefault(n, post(b, CHECK_URL)))
                asking.start()
                asking.join()
        return 200, {}, json.dumps(zoom_meeting(appointment))

    zoom.add_callback(responses.GET, f"{API}/meetings/{MEETING_ID}", zoom_answers_while_more_checks_arrive)
    first = post(staff, CHECK_URL)
    assert first.status_code == 200 and first.get_json()["rows"][0]["state"] == "ok"
    same = during["same"]
    assert same.status_code == 429 and 1 <= int(same.headers["Retry-After"]) <= 12
    assert same.get_json()["error"] == {
        "code": "day_check_busy",
        "message": "Not checked with Zoom just now: this browser is checking today's meetings already, or has "
        "checked them several times within a minute. Reload the page in a minute to check again.",
        "help": "/help#day_check_busy",
    }
    assert during["other"].status_code == 200  # the other browser's check is its own
    assert post(staff, CHECK_URL).status_code == 200  # the first one has ended


def test_one_browser_checks_the_day_a_few_times_a_minute_at_most(noon_app: Flask, staff: FlaskClient) -> None:
    connect_zoom(staff)
    now = [1000.0]
    noon_app.extensions["day_checks"].clock = lambda: now[0]
    for _ in range(web_day.DAY_CHECKS_PER_MINUTE):
        assert post(staff, CHECK_URL).status_code == 200
        now[0] += 5
    refused = post(staff, CHECK_URL)
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "day_check_busy"
    assert refused.headers["Retry-After"] == str(
        60 - 5 * web_day.DAY_CHECKS_PER_MINUTE
    )  # when the first is a minute old
    now[0] = 1000.0 + 60
    assert post(staff, CHECK_URL).status_code == 200


def test_today_for_the_day_check_is_the_spas_date_not_the_servers(database: str, zoom: responses.RequestsMock) -> None:
    """At 02:30 UTC it is still the evening before in New York: the check is of New York's today."""
    app = staffed_app(database, SPA_TIMEZONE="America/New_York")
    at = datetime(2031, 3, 12, 2, 30, tzinfo=UTC)  # 10:30 pm on 11 March in New York
    app.extensions["meetings"] = dataclasses.replace(app.extensions["meetings"], now=lambda: at)
    tonight = add_appointment(app, "To Night", "Notes stay.", start=at + timedelta(hours=1))
    tonight = with_app_meeting(app, tonight, meeting_id=MEETING_ID, join_url=link(MEETING_ID))
    tomorrow = add_appointment(app, "To Morrow", "Notes stay.", start=at + timedelta(hours=12))
    with_app_meeting(app, tomorrow, meeting_id=MEETING_ID + 1, join_url=link(MEETING_ID + 1))
    staff = app.test_client()
    login(staff)
    connect_zoom(staff)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(tonight))
    rows = post(staff, CHECK_URL).get_json()["rows"]
    assert [(row["appointment_id"], row["state"]) for row in rows] == [(tonight.id, "ok")]


def test_the_pace_holds_across_every_request_of_the_process(
    noon_app: Flask, staff: FlaskClient, zoom: responses.RequestsMock
) -> None:
    """Two day checks of three rows each, one after the other: their six calls take turns a quarter second
    apart (Zoom's 4 a second), the second request's first call after the first request's last."""
    for number in range(3):
        appointment = meeting_today(noon_app, f"Cli Ent{number}", 1 + number / 10, MEETING_ID + number)
        body = zoom_meeting(appointment, meeting_id=MEETING_ID + number, join_url=link(MEETING_ID + number))
        zoom.get(f"{API}/meetings/{MEETING_ID + number}", json=body)
    connect_zoom(staff)
    waits: list[float] = []  # the clock stands still: each wait is how far after the first call a call starts
    noon_app.extensions["zoom_connection"].gate.pacer = Pacer(4.0, clock=lambda: 100.0, sleep=waits.append)
    for _ in range(2):
        assert [row["state"] for row in post(staff, CHECK_URL).get_json()["rows"]] == ["ok"] * 3
    assert sorted(waits) == [0.25, 0.5, 0.75, 1.0, 1.25] and len(zoom.calls) == 6


@pytest.mark.parametrize(
    ("value", "rate"), [("2", 2.0), ("0.5", 0.5), ("0", None), ("nan", None), ("4/s", None), ("81", None)]
)
def test_the_day_checks_pace_comes_from_the_environment_or_says_what_is_wrong(value: str, rate: float | None) -> None:
    if rate is None:
        with pytest.raises(ConfigError, match="DAY_CHECK_CALLS_PER_SECOND must be"):
            from_environment({"DAY_CHECK_CALLS_PER_SECOND": value})
    else:
        assert from_environment({"DAY_CHECK_CALLS_PER_SECOND": value}) == {"DAY_CHECK_CALLS_PER_SECOND": rate}


def test_the_process_paces_its_day_checks_as_set(database: str) -> None:
    """Four processes sharing a free account's 4 a second: each set to 1, its turns a second apart."""
    app = staffed_app(database, DAY_CHECK_CALLS_PER_SECOND=1.0)
    pacer = app.extensions["zoom_connection"].gate.pacer
    waits: list[float] = []
    pacer.clock, pacer.sleep = (lambda: 100.0), waits.append
    assert all(pacer.take_turn(12.0) for _ in range(3)) and waits == [1.0, 2.0]
