"""The stand-in plays Zoom's 40-minute limit on free accounts (issue 29 item 2; the fact and its source in
zoom_standin/presence.py): the meeting of two or more ends, and the same link starts a new instance, same meeting id
and a new uuid. What it sends, delivered to the app, is one session in the attendance line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import responses

from zoom_standin import ClientApp, SandboxState, create_sandbox

from .helpers import add_appointment, get_appointment, login, with_app_meeting
from .test_presence import BASE as START
from .test_presence import clock, poll
from .test_sandbox import REDIRECT, create, tokens
from .test_sandbox_presence import HOOK, received
from .test_sessions import said
from .test_webhooks import deliver


@pytest.fixture
def standin() -> tuple[Any, SandboxState]:
    """The stand-in (a Flask test client) with the app registered and its events posted to HOOK."""
    state = SandboxState()
    state.register_client(ClientApp("cid", "secret", [REDIRECT], webhook_url=HOOK, webhook_secret="hook-secret"))
    return create_sandbox(state).test_client(), state


def play(standin, *steps: tuple[str, float]) -> tuple[dict, list[dict]]:
    """A meeting made in the stand-in and these session buttons pressed at these minutes after START."""
    http, _ = standin
    meeting = create(http, tokens(http)["access_token"])
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=204)
        for action, minutes in steps:
            at = (START + timedelta(minutes=minutes)).timestamp()
            answer = http.post(f"/_sandbox/meetings/{meeting['id']}/session", json={"action": action, "at": at})
            assert answer.status_code == 200
        return meeting, received(mock)


def test_the_limit_ends_a_meeting_of_two_and_the_rejoin_is_a_new_instance(standin) -> None:
    meeting, events = play(
        standin, ("host_starts", 0), ("client_joins", 1), ("free_limit", 40), ("host_starts", 41), ("client_joins", 42)
    )
    assert [e["event"] for e in events] == [
        "meeting.started",
        "meeting.participant_joined",  # the host
        "meeting.participant_joined",  # the client
        "meeting.participant_left",
        "meeting.participant_left",
        "meeting.ended",
        "meeting.started",
        "meeting.participant_joined",
        "meeting.participant_joined",
    ]
    first, second = events[0]["payload"]["object"]["uuid"], events[-1]["payload"]["object"]["uuid"]
    assert first != second and {e["payload"]["object"]["id"] for e in events} == {
        str(meeting["id"])
    }  # a string, as Zoom sends it
    assert events[5]["payload"]["object"]["end_time"]


def test_the_limit_leaves_a_meeting_of_one_alone(standin) -> None:
    _, events = play(standin, ("host_starts", 0), ("free_limit", 40))
    assert [e["event"] for e in events] == ["meeting.started", "meeting.participant_joined"]


def test_the_marketplace_page_offers_the_limit_and_its_button_plays_it(standin) -> None:
    http, _ = standin
    meeting = create(http, tokens(http)["access_token"])
    assert ">Zoom&#39;s 40-minute limit</button>" in http.get("/marketplace").get_data(as_text=True)
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=204)
        for action in ("host_starts", "client_joins", "free_limit"):
            answer = http.post(f"/marketplace/meetings/{meeting['id']}/session", data={"action": action})
            assert answer.status_code == 302
        assert received(mock)[-1]["event"] == "meeting.ended"


@pytest.mark.parametrize("rejoin", [True, False])
def test_what_the_standin_sends_at_the_limit_is_one_session_for_the_app(app, client, standin, rejoin: bool) -> None:
    steps = [("host_starts", 0), ("client_joins", 1), ("free_limit", 40)]
    meeting, events = play(standin, *steps, *([("host_starts", 41), ("client_joins", 42), ("meeting_ends", 61)]
                                              if rejoin else []))  # fmt: skip
    booked = with_app_meeting(
        app, add_appointment(app, start=START, duration=60), meeting_id=meeting["id"], join_url=meeting["join_url"]
    )
    for one in events:
        assert deliver(client, one).status_code == 204
    login(client)

    if rejoin:
        text = f"Zoom attendance: someone joined {clock(app, 1)}, left {clock(app, 61)} (58 min in all, joined 2 times)"
        assert poll(client, booked.id)["presence"] == f"Meeting ended at {said(app, 61)}."
    else:
        text = f"Zoom attendance: someone joined {clock(app, 1)}, left {clock(app, 40)} (39 min)"
        assert poll(client, booked.id)["presence"] == (
            f"Zoom ended the meeting at {said(app, 40)}, at its 40-minute limit for free accounts; "
            "the client can rejoin with the same link."
        )
    assert get_appointment(app, booked.id).notes.endswith("\n" + text)
