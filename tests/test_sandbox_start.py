"""The stand-in keeps Zoom's contract for the host start link and the protections it applies to a meeting.

Zoom's OpenAPI (Get a meeting): `start_url` starts the meeting as its host, expires two hours after
it is issued, and each read of the meeting gives a fresh one; `password` is the meeting's passcode
("" when it has none) and `settings.waiting_room` says whether the waiting room is on. Zoom enforces at
least one of passcode, waiting room or authentication, silently overriding a request that turns all off.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from zoom_standin import User

from .test_sandbox import api, tokens
from .test_sandbox import zoom as zoom  # noqa: F401  (the stand-in fixture)

MEETING = {"topic": "Appointment with A. S.", "type": 2, "start_time": "2030-01-01T15:00:00Z", "duration": 60}


def created(http, access: str, **extra: Any) -> dict[str, Any]:
    answer = api(http, "POST", "/users/me/meetings", access, json={**MEETING, **extra})
    assert answer.status_code == 201
    return answer.get_json()


def start_page(http, start_url: str) -> Any:
    parts = urlsplit(start_url)
    return http.get(f"{parts.path}?{parts.query}")


def test_a_read_of_the_meeting_gives_a_fresh_start_link_to_the_host_start_page(zoom) -> None:
    http, _ = zoom
    access = tokens(http)["access_token"]
    meeting = created(http, access)
    first = api(http, "GET", f"/meetings/{meeting['id']}", access).get_json()["start_url"]
    second = api(http, "GET", f"/meetings/{meeting['id']}", access).get_json()["start_url"]
    assert first != second and first.startswith(f"http://localhost/s/{meeting['id']}?zak=")
    page = start_page(http, second)
    assert page.status_code == 200
    text = page.get_data(True)
    assert "Starting your meeting" in text and str(meeting["id"]) in text and "Sam Host" in text
    assert api(http, "GET", f"/meetings/{meeting['id']}", access).get_json()["status"] == "started"


def test_a_start_link_expires_after_two_hours(zoom) -> None:
    http, state = zoom
    access = tokens(http)["access_token"]
    meeting = created(http, access)
    link = api(http, "GET", f"/meetings/{meeting['id']}", access).get_json()["start_url"]
    state.clock_offset = 2 * 3600 - 60
    assert start_page(http, link).status_code == 200
    state.clock_offset = 2 * 3600 + 60
    expired = start_page(http, link)
    assert expired.status_code == 403 and "expired" in expired.get_data(True)


def test_a_start_link_starts_only_its_own_meeting_and_not_a_deleted_one(zoom) -> None:
    http, _ = zoom
    access = tokens(http)["access_token"]
    first, second = created(http, access), created(http, access)
    zak = urlsplit(first["start_url"]).query
    assert http.get(f"/s/{second['id']}?{zak}").status_code == 403
    assert http.get(f"/s/{first['id']}?zak=guessed").status_code == 403
    assert api(http, "DELETE", f"/meetings/{first['id']}", access).status_code == 204
    assert start_page(http, first["start_url"]).status_code == 403


def test_another_users_meeting_gives_no_start_link(zoom) -> None:
    http, state = zoom
    access = tokens(http)["access_token"]
    meeting = created(http, access)
    state.add_user(User("other-host", "other@spa.example", "Olga", "Other"))
    state.current_user_id = "other-host"
    other_access = tokens(http)["access_token"]
    answer = api(http, "GET", f"/meetings/{meeting['id']}", other_access)
    assert answer.status_code == 404 and answer.get_json()["code"] == 3001 and "start_url" not in answer.get_data(True)


@pytest.mark.parametrize(
    ("asked", "passcode", "waiting_room"),
    [
        ({"default_password": True, "settings": {"waiting_room": True}}, True, True),
        ({"default_password": True, "settings": {"waiting_room": False}}, True, False),
        ({"default_password": False, "settings": {"waiting_room": True}}, False, True),
        # All protections off: Zoom silently turns the waiting room back on.
        ({"default_password": False, "settings": {"waiting_room": False}}, False, True),
    ],
)
def test_the_meeting_shows_the_protections_zoom_applied(zoom, asked: dict, passcode: bool, waiting_room: bool) -> None:
    http, _ = zoom
    access = tokens(http)["access_token"]
    meeting = created(http, access, **asked)
    read = api(http, "GET", f"/meetings/{meeting['id']}", access).get_json()
    assert bool(read["password"]) is passcode and ("pwd=" in read["join_url"]) is passcode
    assert read["settings"]["waiting_room"] is waiting_room
