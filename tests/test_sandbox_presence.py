"""The stand-in sends Zoom's meeting session events (issue 21), signed like its other webhooks, in the
shapes of Zoom's Meetings webhooks (shared/zoom-contract.md; names and fields as Zoom's Rivet types)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from simplespa_zoom.zoom.webhook_signature import signature_ok
from zoom_standin import ClientApp, SandboxState, create_sandbox

from .test_sandbox import REDIRECT, create, tokens

HOOK = "https://spa.example/zoom/webhook"


@pytest.fixture
def zoom() -> tuple[Any, SandboxState]:
    state = SandboxState()
    state.register_client(ClientApp("cid", "secret", [REDIRECT], webhook_url=HOOK, webhook_secret="hook-secret"))
    return create_sandbox(state).test_client(), state


def received(mock: responses.RequestsMock) -> list[dict[str, Any]]:
    """The events the app's URL received, each checked against its signature as the app checks it."""
    bodies = []
    for call in mock.calls:
        headers = call.request.headers
        assert signature_ok(
            "hook-secret", headers["x-zm-request-timestamp"], headers["x-zm-signature"], call.request.body
        )
        bodies.append(json.loads(call.request.body))
    return bodies


def test_a_session_from_the_waiting_room_to_the_end_sends_zoom_s_events_signed(zoom) -> None:
    http, state = zoom
    meeting = create(http, tokens(http)["access_token"])
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=204)
        for label in ("client_waits", "host_starts", "client_leaves", "client_joins", "meeting_ends"):
            assert (
                http.post(f"/marketplace/meetings/{meeting['id']}/session", data={"action": label}).status_code == 302
            )
        events = received(mock)
    assert [e["event"] for e in events] == [
        "meeting.participant_joined_waiting_room",
        "meeting.started",
        "meeting.participant_joined",  # the host
        "meeting.participant_admitted",  # admitted at once, with no "left the waiting room" (as Zoom may)
        "meeting.participant_joined",
        "meeting.participant_left",
        "meeting.participant_joined",
        "meeting.participant_left",
        "meeting.participant_left",
        "meeting.ended",
    ]
    uuids = {e["payload"]["object"]["uuid"] for e in events}
    # object.id as Zoom's participant events send it: a string of digits.
    assert len(uuids) == 1 and all(e["payload"]["object"]["id"] == str(meeting["id"]) for e in events)
    host_id = state.current_user().id
    for one in events:
        obj = one["payload"]["object"]
        assert obj["host_id"] == host_id and isinstance(one["event_ts"], int)
        if one["event"] not in ("meeting.started", "meeting.ended"):
            person = obj["participant"]
            assert {"user_id", "user_name", "id"} <= set(person)
    hosts = [e for e in events if e["payload"]["object"].get("participant", {}).get("id") == host_id]
    assert [e["event"] for e in hosts] == ["meeting.participant_joined", "meeting.participant_left"]
    assert "join_time" in events[2]["payload"]["object"]["participant"]
    assert "leave_time" in events[5]["payload"]["object"]["participant"]
    # Zoom's own leave_reason texts ("$name left the meeting.", "Host ended the meeting.").
    reasons = [e["payload"]["object"]["participant"]["leave_reason"] for e in events if e["event"].endswith("_left")]
    assert reasons == ["Client left the meeting.", "Host ended the meeting.", "Host ended the meeting."]
    assert "end_time" in events[-1]["payload"]["object"]


def test_the_next_session_has_a_new_uuid_and_a_registrant_carries_its_id(zoom) -> None:
    http, state = zoom
    access = tokens(http)["access_token"]
    state.current_user().account_type = 2
    meeting = create(http, access, settings={"approval_type": 0})
    registrant = http.post(
        f"/v2/meetings/{meeting['id']}/registrants",
        headers={"Authorization": f"Bearer {access}"},
        json={"email": "ana@example.com", "first_name": "Ana"},
    ).get_json()["registrant_id"]
    switch = f"/_sandbox/meetings/{meeting['id']}/session"
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=204)
        http.post(switch, json={"action": "host_starts", "at": 1_800_000_000})
        http.post(switch, json={"action": "client_joins"})
        http.post(switch, json={"action": "meeting_ends"})
        http.post(switch, json={"action": "host_starts"})
        events = received(mock)
    assert events[0]["event_ts"] == 1_800_000_000_000
    assert events[2]["payload"]["object"]["participant"]["registrant_id"] == registrant
    first, second = events[0]["payload"]["object"]["uuid"], events[-2]["payload"]["object"]["uuid"]
    assert events[-2]["event"] == "meeting.started" and first != second


def test_a_delivery_can_be_replayed_byte_for_byte(zoom) -> None:
    http, state = zoom
    meeting = create(http, tokens(http)["access_token"])
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=204)
        http.post(f"/_sandbox/meetings/{meeting['id']}/session", json={"action": "client_waits"})
        http.post(f"/_sandbox/webhooks/{len(state.webhooks_sent) - 1}/resend")
        assert mock.calls[0].request.body == mock.calls[1].request.body


def test_the_marketplace_page_offers_the_session_buttons(zoom) -> None:
    http, _ = zoom
    meeting = create(http, tokens(http)["access_token"])
    page = http.get("/marketplace").get_data(as_text=True)
    for label in (
        "Client joins the waiting room",
        "Client arrives before the host",
        "Host admits the client",
        "Host puts the client in the waiting room",
        "Client joins",
        "Client leaves",
        "Host starts",
        "Meeting ends",
    ):
        assert f">{label}</button>" in page
    assert f"/marketplace/meetings/{meeting['id']}/session" in page


def sent(http: Any, meeting: dict[str, Any], *actions: str) -> list[dict[str, Any]]:
    """The events the stand-in sends for these session actions, in order."""
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=204)
        for action in actions:
            assert http.post(f"/_sandbox/meetings/{meeting['id']}/session", json={"action": action}).status_code == 200
        return received(mock)


def test_the_host_puts_the_client_back_and_admits_them_again(zoom) -> None:
    http, _ = zoom
    meeting = create(http, tokens(http)["access_token"])
    events = sent(http, meeting, "host_starts", "client_waits", "host_admits", "host_puts_client_back", "host_admits")
    assert [e["event"] for e in events] == [
        "meeting.started",
        "meeting.participant_joined",  # the host
        "meeting.participant_joined_waiting_room",
        "meeting.participant_admitted",
        "meeting.participant_joined",
        "meeting.participant_put_in_waiting_room",
        "meeting.participant_admitted",
        "meeting.participant_joined",
    ]
    assert all(isinstance(e["payload"]["object"]["id"], str) for e in events)


def test_a_client_before_the_host_waits_for_the_host_or_with_join_before_host_gets_in_first(zoom) -> None:
    http, _ = zoom
    access = tokens(http)["access_token"]
    off = create(http, access)  # join before host off, as the app creates its meetings
    events = sent(http, off, "client_waits_for_host", "host_starts")
    assert [e["event"] for e in events] == [
        "meeting.participant_jbh_waiting",
        "meeting.started",
        "meeting.participant_joined",  # the host
        "meeting.participant_joined_waiting_room",  # the meeting's waiting room takes the client
        "meeting.participant_admitted",
        "meeting.participant_joined",
    ]
    assert set(events[0]["payload"]["object"]["participant"]) == {"id", "user_name"}  # Rivet's jbh participant
    gave_up = sent(http, create(http, access), "client_waits_for_host", "client_leaves")
    assert gave_up[-1]["payload"]["object"]["participant"]["leave_reason"] == "Host did not join."
    on = create(http, access, settings={"join_before_host": True, "waiting_room": False})
    assert [e["event"] for e in sent(http, on, "client_waits_for_host")] == [
        "meeting.started",
        "meeting.participant_jbh_joined",
        "meeting.participant_joined",
    ]
