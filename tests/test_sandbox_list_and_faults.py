"""The stand-in's list of meetings and its late answers keep Zoom's contract (shared/zoom-contract.md)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from zoom_standin import ClientApp, Fault, SandboxState, create_sandbox

from .test_sandbox import REDIRECT, api, tokens

# The fields Zoom's OpenAPI spec (ballerina-platform/module-ballerinax-zoom.meetings, docs/spec/openapi.json,
# GET /users/{userId}/meetings → InlineResponse20028Meetings) gives each listed meeting; `pmi` only for PMI meetings.
LIST_ITEM_FIELDS = {
    "uuid",
    "id",
    "host_id",
    "topic",
    "type",
    "start_time",
    "duration",
    "timezone",
    "agenda",
    "created_at",
    "join_url",
}


@pytest.fixture
def zoom() -> tuple[Any, SandboxState]:
    state = SandboxState()
    state.register_client(ClientApp("cid", "secret", [REDIRECT]))
    return create_sandbox(state).test_client(), state


def create(http, token: str, start: datetime, agenda: str = "", duration: int = 60) -> dict[str, Any]:
    body = {"topic": "T", "type": 2, "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "duration": duration}
    if agenda:
        body["agenda"] = agenda
    answer = api(http, "POST", "/users/me/meetings", token, json=body)
    assert answer.status_code == 201
    return answer.get_json()


def listed(http, token: str, **query: str) -> Any:
    return api(http, "GET", "/users/me/meetings", token, query_string=query)


def test_upcoming_meetings_page_by_next_page_token_with_the_contracts_fields(zoom) -> None:
    http, _ = zoom
    token = tokens(http)["access_token"]
    soon = datetime.now(UTC) + timedelta(days=1)
    made = [create(http, token, soon + timedelta(hours=hour), agenda=f"ref {hour}")["id"] for hour in range(5)]

    seen: list[int] = []
    query = {"type": "upcoming", "page_size": "2"}
    pages = 0
    while True:
        answer = listed(http, token, **query)
        assert answer.status_code == 200
        body = answer.get_json()
        assert body["total_records"] == 5 and body["page_size"] == 2
        for item in body["meetings"]:
            assert set(item) == LIST_ITEM_FIELDS
            assert "start_url" not in item and "password" not in item
        seen += [item["id"] for item in body["meetings"]]
        pages += 1
        if not body["next_page_token"]:
            break
        query["next_page_token"] = body["next_page_token"]
    assert seen == made and pages == 3


def test_the_list_cuts_each_agenda_to_250_characters_and_get_does_not(zoom) -> None:
    http, _ = zoom
    token = tokens(http)["access_token"]
    meeting = create(http, token, datetime.now(UTC) + timedelta(days=1), agenda="a" * 240 + "REFERENCE" + "b" * 100)
    item = listed(http, token, type="upcoming", page_size="300").get_json()["meetings"][0]
    assert item["agenda"] == ("a" * 240 + "REFERENCE" + "b" * 100)[:250] and len(item["agenda"]) == 250
    assert api(http, "GET", f"/meetings/{meeting['id']}", token).get_json()["agenda"].endswith("b" * 100)


def test_upcoming_holds_live_meetings_but_not_ended_or_deleted_ones(zoom) -> None:
    http, _ = zoom
    token = tokens(http)["access_token"]
    now = datetime.now(UTC)
    ended = create(http, token, now - timedelta(hours=3))["id"]
    live = create(http, token, now - timedelta(minutes=10))["id"]
    deleted = create(http, token, now + timedelta(days=1))["id"]
    later = create(http, token, now + timedelta(days=2))["id"]
    assert api(http, "DELETE", f"/meetings/{deleted}", token).status_code == 204
    ids = [item["id"] for item in listed(http, token, type="upcoming", page_size="30").get_json()["meetings"]]
    assert ids == [live, later]
    previous = listed(http, token, type="previous_meetings", page_size="30").get_json()["meetings"]
    assert [item["id"] for item in previous] == [ended]


@pytest.mark.parametrize(
    ("query", "scopes", "status", "code"),
    [
        ({"type": "upcoming", "page_size": "301"}, None, 400, 300),
        ({"type": "someday"}, None, 400, 300),
        ({"type": "upcoming", "next_page_token": "made-up"}, None, 400, 300),
        ({"type": "upcoming"}, ["meeting:read:meeting"], 400, 4711),
    ],
)
def test_the_list_refuses_what_zoom_refuses(zoom, query, scopes, status: int, code: int) -> None:
    http, state = zoom
    if scopes:
        state.clients["cid"].scopes = scopes
    answer = listed(http, tokens(http)["access_token"], **query)
    assert answer.status_code == status and answer.get_json()["code"] == code


def test_a_late_answer_comes_after_the_work_is_done(zoom) -> None:
    """The meeting exists while its create's answer is still held: what a client that timed out never learns."""
    http, state = zoom
    token = tokens(http)["access_token"]
    state.add_fault(Fault("POST", "/v2/users/me/meetings", "late", retry_after="60"))
    held = threading.Event()

    class NotingLateAnswers(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            held.set()  # the request's work is done; its answer waits from here
            return super().wait(timeout)

    state.late_answers = NotingLateAnswers()
    answers: list[Any] = []
    start = datetime.now(UTC) + timedelta(days=1)
    body = {"topic": "T", "type": 2, "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ")}
    worker = threading.Thread(target=lambda: answers.append(api(http, "POST", "/users/me/meetings", token, json=body)))
    worker.start()
    assert held.wait(10)
    assert len(state.meetings) == 1 and answers == []  # made in Zoom, while the client still has no answer
    state.release_late_answers()
    worker.join(10)
    assert answers[0].status_code == 201 and answers[0].get_json()["id"] in state.meetings
