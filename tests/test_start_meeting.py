"""Start meeting: the host's start link is read from Zoom at the click, answered `no-store` to the meeting's host
only, and kept nowhere (page, log, database); other hosts and lines not created here get no button but a reason."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import responses
from flask import Flask

from simplespa_zoom.meetings.ports import ProviderMeeting
from simplespa_zoom.web import the_book
from simplespa_zoom.zoom.api import ZoomClient, ZoomUnreadable

from .helpers import (
    ACCESS_TOKEN,
    API,
    JOIN_URL,
    MEETING_ID,
    add_appointment,
    connect_zoom,
    database_holds,
    get_appointment,
    line_for,
    page_meeting,
    post,
    with_app_meeting,
    zoom_meeting,
)

ZAK = "HOST-SECRET-ZAK"  # what zoom_meeting() puts in the start link


def start(client, appointment_id: int):
    return post(client, f"/appointments/{appointment_id}/meeting/start")


def test_the_host_gets_a_fresh_start_link_kept_nowhere(
    app: Flask, signed_in, zoom: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    appointment = with_app_meeting(app, add_appointment(app, "Ana Souza", "Prefers lavender oil."))
    connect_zoom(signed_in)
    page = signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert page_meeting(page)["start"] == {"offered": True, "note": None, "help": None}
    assert "Start meeting" in page and ZAK not in page and "start_url" not in page  # nothing before the click
    assert len(zoom.calls) == 0  # the page asked Zoom nothing

    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment))
    answer = start(signed_in, appointment.id)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.get_json() == {"start_url": f"https://us05web.zoom.us/s/{MEETING_ID}?zak={ZAK}"}
    assert zoom.calls[0].request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"

    assert ZAK not in caplog.text
    assert not database_holds(app, ZAK)
    after = signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert ZAK not in after and "Prefers lavender oil." in after


def test_another_hosts_meeting_has_no_button_and_is_refused_without_asking_zoom(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app), host="a-colleague")
    connect_zoom(signed_in)
    shown = page_meeting(signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True))["start"]
    assert shown["offered"] is False and shown["note"].startswith("Another Zoom user hosts this meeting")
    assert shown["help"] == "/help#start_other_host"
    answer = start(signed_in, appointment.id)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "start_other_host"
    assert "start_url" not in answer.get_data(as_text=True) and len(zoom.calls) == 0


def test_a_meeting_of_unknown_host_is_asked_of_zoom_first(app: Flask, signed_in, zoom) -> None:
    mine = with_app_meeting(app, add_appointment(app, "Ana"), host=None)
    other_link = JOIN_URL.replace(str(MEETING_ID), str(MEETING_ID + 1))
    theirs = with_app_meeting(
        app, add_appointment(app, "Bea"), meeting_id=MEETING_ID + 1, join_url=other_link, host=None
    )
    connect_zoom(signed_in)
    assert page_meeting(signed_in.get(f"/appointments/{mine.id}").get_data(as_text=True))["start"]["offered"]
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(mine))  # one read: the host and the link
    assert start(signed_in, mine.id).get_json()["start_url"].endswith(ZAK)
    assert page_meeting(signed_in.get(f"/appointments/{mine.id}").get_data(as_text=True))["start"]["offered"]
    other = {**zoom_meeting(theirs, meeting_id=MEETING_ID + 1, join_url=other_link), "host_id": "a-colleague"}
    zoom.get(f"{API}/meetings/{MEETING_ID + 1}", json=other)
    answer = start(signed_in, theirs.id)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "start_other_host"


@pytest.mark.parametrize("named_host", [None, "", 42])
def test_a_meeting_read_at_the_click_that_names_no_host_gives_no_start_link(
    app: Flask, signed_in, zoom, named_host: object
) -> None:
    appointment = with_app_meeting(app, add_appointment(app), host=None)
    connect_zoom(signed_in)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json={**zoom_meeting(appointment), "host_id": named_host})
    answer = start(signed_in, appointment.id)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "start_host_unknown"
    assert ZAK not in answer.get_data(as_text=True)


def test_a_start_link_goes_only_to_the_host_the_read_at_the_click_names(app: Flask, signed_in, zoom) -> None:
    """An account admin's token reads a colleague's meeting, start link included: the row's old mark of this user
    does not outweigh what Zoom says now."""
    appointment = with_app_meeting(app, add_appointment(app))  # marked as this user's when it was created
    connect_zoom(signed_in)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json={**zoom_meeting(appointment), "host_id": "a-colleague"})
    answer = start(signed_in, appointment.id)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "start_other_host"
    assert ZAK not in answer.get_data(as_text=True)


def test_a_token_that_names_no_user_gives_no_start_link(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app), host=None)
    connect_zoom(signed_in, user_id=None)
    zoom.get(f"{API}/users/me", json={"type": 1})  # Zoom names no user for this token
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment))
    answer = start(signed_in, appointment.id)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "start_host_unknown"
    assert ZAK not in answer.get_data(as_text=True)


def test_a_line_not_created_here_says_who_can_start_it(app: Flask, signed_in, zoom) -> None:
    appointment = add_appointment(app)
    typed = add_appointment(app, "Ana", line_for(app, appointment))
    connect_zoom(signed_in)
    shown = page_meeting(signed_in.get(f"/appointments/{typed.id}").get_data(as_text=True))["start"]
    assert shown["offered"] is False and "whoever hosts it in Zoom starts it" in shown["note"]
    answer = start(signed_in, typed.id)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "start_not_created_here"
    assert len(zoom.calls) == 0


def test_without_zoom_the_widget_says_connect_and_the_click_is_refused(app: Flask, signed_in) -> None:
    appointment = with_app_meeting(app, add_appointment(app))
    shown = page_meeting(signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True))["start"]
    assert shown["offered"] is False and shown["help"] == "/help#start_connect_as_host"
    answer = start(signed_in, appointment.id)
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "zoom_not_connected"


def test_ended_or_cancelled_appointments_offer_no_start(app: Flask, signed_in) -> None:
    past = datetime.now(UTC) - timedelta(days=1)
    ended = with_app_meeting(app, add_appointment(app, start=past))
    connect_zoom(signed_in)
    assert page_meeting(signed_in.get(f"/appointments/{ended.id}").get_data(as_text=True))["start"] == {
        "offered": False,
        "note": None,
        "help": None,
    }


def test_the_click_needs_the_csrf_token(app: Flask, signed_in) -> None:
    appointment = with_app_meeting(app, add_appointment(app))
    connect_zoom(signed_in)
    answer = signed_in.post(f"/appointments/{appointment.id}/meeting/start", headers={"Accept": "application/json"})
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "csrf_failed"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "http://evil.example/s/1?zak=x", ""])
def test_a_start_link_that_is_no_web_link_to_zoom_is_never_handed_on(link: str) -> None:
    with responses.RequestsMock() as zoom:
        zoom.get(f"{API}/meetings/{MEETING_ID}", json={"id": MEETING_ID, "start_url": link})
        with pytest.raises(ZoomUnreadable):
            ZoomClient(API).start_link(ACCESS_TOKEN, MEETING_ID)


def test_the_meeting_read_from_zoom_carries_the_protections_zoom_applied() -> None:
    body = {
        "id": MEETING_ID,
        "join_url": "https://us05web.zoom.us/j/1",
        "password": "",
        "settings": {"waiting_room": True},
    }
    with responses.RequestsMock() as zoom:
        zoom.get(f"{API}/meetings/{MEETING_ID}", json=body)
        meeting: ProviderMeeting = ZoomClient(API).get_meeting(ACCESS_TOKEN, MEETING_ID)
    assert (meeting.passcode, meeting.waiting_room) == (False, True)


def test_a_late_host_is_offered_start_until_the_meeting_ends(app: Flask, signed_in, zoom) -> None:
    """Started ten minutes ago, sixty minutes long: the host running late can still start it."""
    begun = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=10)
    appointment = with_app_meeting(app, add_appointment(app, start=begun, duration=60))
    connect_zoom(signed_in)
    shown = page_meeting(signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True))["start"]
    assert shown["offered"] is True
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment))
    assert start(signed_in, appointment.id).get_json()["start_url"].endswith(ZAK)


def test_the_start_click_on_a_cancelled_appointment_hands_out_no_start_link(app: Flask, signed_in, zoom) -> None:
    """A page left open before the cancel still has the button: its click gets no link, and Zoom is not asked."""
    appointment = with_app_meeting(app, add_appointment(app))
    connect_zoom(signed_in)
    with app.app_context():
        the_book().appointments.cancel(appointment.id, get_appointment(app, appointment.id).version)
    answer = start(signed_in, appointment.id)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "appointment_cancelled"
    assert ZAK not in answer.get_data(as_text=True) and len(zoom.calls) == 0
