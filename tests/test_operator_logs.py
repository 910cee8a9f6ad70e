"""What the operator reads in the logs when Zoom or the notes misbehave: one exact line each, never a token.

The log is the only trace of a failure nobody saw in a browser, so its words are behaviour:
each test checks the whole line a failure writes.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
import requests
import responses

from simplespa_zoom.meetings.errors import AppointmentCancelled, MeetingNotSaved, NotesBusy
from simplespa_zoom.meetings.presence import PresenceEvents
from simplespa_zoom.zoom.api import ZoomClient, ZoomMeetingGone, ZoomRequestRejected, ZoomUnavailable
from simplespa_zoom.zoom.oauth import TokenEndpoint, Tokens, ZoomConnection, ZoomReconnect

from .fakes import InMemoryTokens
from .helpers import ACCESS_TOKEN, API, MEETING_ID, OAUTH, REFRESH_TOKEN, add_appointment, with_app_meeting
from .test_meeting_service import START
from .test_meeting_service_over_zoom import ZoomWorld
from .test_webhooks import deliver


def logged(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == logger]


@pytest.fixture
def endpoint() -> TokenEndpoint:
    return TokenEndpoint(OAUTH, "client-id", "client-secret", (1.0, 1.0))


@pytest.fixture
def oauth_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="simplespa_zoom.zoom.oauth")
    return caplog


@pytest.mark.parametrize(
    ("error", "shown"),
    [("invalid_client", "invalid_client"), ("server_error", "server_error"), ("x\nforged line", "unrecognised")],
)
def test_a_refused_refresh_logs_the_oauth_error_code_only_when_it_is_a_known_one(
    endpoint: TokenEndpoint, zoom: responses.RequestsMock, oauth_log: pytest.LogCaptureFixture, error: str, shown: str
) -> None:
    zoom.post(f"{OAUTH}/oauth/token", json={"error": error}, status=400)
    with pytest.raises(ZoomUnavailable):
        endpoint.refresh(REFRESH_TOKEN)
    assert logged(oauth_log, "simplespa_zoom.zoom.oauth") == [f"Zoom token refresh refused: {shown}"]
    assert REFRESH_TOKEN not in oauth_log.text


def test_a_refresh_that_cannot_reach_zoom_logs_the_kind_of_failure(
    endpoint: TokenEndpoint, zoom: responses.RequestsMock, oauth_log: pytest.LogCaptureFixture
) -> None:
    zoom.post(f"{OAUTH}/oauth/token", body=requests.ConnectionError("refused"))
    with pytest.raises(ZoomUnavailable):
        endpoint.refresh(REFRESH_TOKEN)
    assert logged(oauth_log, "simplespa_zoom.zoom.oauth") == ["Zoom token refresh failed: ConnectionError"]


@pytest.mark.parametrize(("status", "lines"), [(200, []), (399, []), (400, ["Zoom revoke answered HTTP 400"])])
def test_a_revoke_zoom_refuses_is_logged_with_its_status(
    endpoint: TokenEndpoint, zoom: responses.RequestsMock, oauth_log: pytest.LogCaptureFixture, status: int, lines: list
) -> None:
    zoom.post(f"{OAUTH}/oauth/revoke", json={}, status=status)
    endpoint.revoke(ACCESS_TOKEN)
    assert logged(oauth_log, "simplespa_zoom.zoom.oauth") == lines
    assert zoom.calls[0].request.headers["Authorization"].startswith("Basic ")  # client_secret_basic
    assert ACCESS_TOKEN not in oauth_log.text


def test_a_failed_revoke_on_disconnect_is_logged_and_the_browser_is_disconnected_anyway(
    endpoint: TokenEndpoint, zoom: responses.RequestsMock, oauth_log: pytest.LogCaptureFixture
) -> None:
    zoom.post(f"{OAUTH}/oauth/revoke", body=requests.ConnectionError("refused"))
    store = InMemoryTokens(Tokens(ACCESS_TOKEN, REFRESH_TOKEN, 0.0))
    ZoomConnection(ZoomClient(API), endpoint).revoke(store)
    assert store.get() is None
    assert logged(oauth_log, "simplespa_zoom.zoom.oauth") == [
        "Zoom revoke failed; the browser's Zoom connection is cleared anyway"
    ]


def test_a_dead_grant_is_logged_once_when_the_connection_is_cleared(
    endpoint: TokenEndpoint, zoom: responses.RequestsMock, oauth_log: pytest.LogCaptureFixture
) -> None:
    zoom.post(f"{OAUTH}/oauth/token", json={"error": "invalid_grant"}, status=400)
    store = InMemoryTokens(Tokens(ACCESS_TOKEN, REFRESH_TOKEN, 0.0))  # due for a refresh
    with pytest.raises(ZoomReconnect):
        ZoomConnection(ZoomClient(API), endpoint).call(store, lambda client, token: client.get_me(token))
    assert store.get() is None
    assert logged(oauth_log, "simplespa_zoom.zoom.oauth") == [
        "Zoom grant is no longer valid; the browser's Zoom connection was cleared"
    ]


def test_zoom_out_of_reach_is_logged_per_attempt_with_method_path_and_kind(
    zoom: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    zoom.get(f"{API}/meetings/{MEETING_ID}", body=requests.ConnectionError("refused"))
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.zoom.api"), pytest.raises(ZoomUnavailable):
        ZoomClient(API, backoff=0).get_meeting(ACCESS_TOKEN, MEETING_ID)
    line = f"Zoom GET /meetings/{MEETING_ID} failed: ConnectionError"
    assert logged(caplog, "simplespa_zoom.zoom.api") == [line, line, line]


def test_every_refusal_is_logged_with_its_status_and_zooms_code(
    zoom: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    zoom.get(f"{API}/meetings/{MEETING_ID}", json={"code": 3001, "message": "Meeting does not exist"}, status=404)
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.zoom.api"), pytest.raises(ZoomMeetingGone):
        ZoomClient(API).get_meeting(ACCESS_TOKEN, MEETING_ID)
    assert logged(caplog, "simplespa_zoom.zoom.api") == ["Zoom answered HTTP 404 (code 3001)"]


def test_a_failed_registration_is_logged_by_its_code_and_the_plain_link_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = ZoomWorld()
    world.tokens.set(replace(world.tokens.get(), licensed=True))  # type: ignore[type-var]
    appointment = world.book.add("Ana Souza", START, client_email="ana@example.com")

    def refuse(*_args: object, **_kwargs: object) -> str:
        raise ZoomRequestRejected()

    world.zoom.add_registrant = refuse  # type: ignore[method-assign]
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.zoom.provider"):
        assert world.service.adding.add(appointment.id).created
    assert logged(caplog, "simplespa_zoom.zoom.provider") == [
        "Registering the client failed (zoom_rejected); using the meeting's own join link"
    ]


def test_a_join_link_that_would_not_read_back_is_logged_before_the_meeting_is_deleted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = ZoomWorld()
    world.zoom.join_host = "zoom.example.org"  # not a Zoom host: the line would not read back
    appointment = world.book.add("Ana Souza", START)
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.meetings.adding"), pytest.raises(MeetingNotSaved):
        world.service.adding.add(appointment.id)
    assert logged(caplog, "simplespa_zoom.meetings.adding") == [
        "The provider's join link for a new meeting does not read back; deleting the meeting again"
    ]


def test_a_line_that_could_not_be_saved_is_logged_with_the_appointment_and_the_cause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = ZoomWorld()
    world.book.failing_writes = 1
    appointment = world.book.add("Ana Souza", START)
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.meetings.adding"), pytest.raises(MeetingNotSaved):
        world.service.adding.add(appointment.id)
    assert logged(caplog, "simplespa_zoom.meetings.adding") == [
        f"Saving the meeting line of appointment {appointment.id} failed"
    ]
    assert "disk full" in caplog.text  # the traceback of the cause goes with it


def test_a_claim_that_could_not_be_released_is_logged_as_going_stale(caplog: pytest.LogCaptureFixture) -> None:
    """The click's own answer stands (here: the appointment is cancelled); the claim lapses by itself."""
    world = ZoomWorld()
    appointment = world.book.add("Ana Souza", START, status="cancelled")

    def locked(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database is locked")

    world.book.release_meeting = locked  # type: ignore[method-assign]
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.meetings.adding"), pytest.raises(AppointmentCancelled):
        world.service.adding.add(appointment.id)
    assert logged(caplog, "simplespa_zoom.meetings.adding") == [
        f"Releasing the meeting claim of appointment {appointment.id} failed; it goes stale"
    ]


def test_a_url_validation_without_a_usable_token_is_logged(client, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.zoom.events"):
        assert deliver(client, {"event": "endpoint.url_validation", "payload": {}}).status_code == 204
    assert logged(caplog, "simplespa_zoom.zoom.events") == [
        "Zoom webhook: URL validation without a usable plainToken, acknowledged"
    ]


def test_a_meeting_event_is_logged_with_how_many_appointments_it_changed(app, client, caplog) -> None:
    with_app_meeting(app, add_appointment(app))
    with caplog.at_level(logging.INFO, logger="simplespa_zoom.zoom.events"):
        deliver(client, {"event": "meeting.deleted", "payload": {"object": {}}, "event_ts": 1})
        deliver(client, {"event": "meeting.deleted", "payload": {"object": {"id": MEETING_ID}}, "event_ts": 2})
    assert logged(caplog, "simplespa_zoom.zoom.events") == [
        "Zoom webhook: meeting.deleted names no meeting, acknowledged",
        "Zoom webhook: meeting.deleted applied to 1 appointment(s)",
    ]


def test_a_presence_event_is_logged_with_how_many_appointments_it_concerned(app, client, caplog, monkeypatch) -> None:
    """And one that names no meeting or no participant, or whose attendance line could not be written yet, says so."""
    with_app_meeting(app, add_appointment(app))
    joined: dict[str, object] = {"id": MEETING_ID, "uuid": "s1==", "host_id": "host-1"}
    guest = {"user_id": "16778241", "user_name": "Ana Souza", "id": ""}

    def busy(*_args: object) -> int:
        raise NotesBusy()

    with caplog.at_level(logging.INFO, logger="simplespa_zoom.zoom.events"):
        for sent in ({"participant": guest}, joined, {**joined, "participant": guest}):
            assert (
                deliver(client, {"event": "meeting.participant_joined", "payload": {"object": sent}}).status_code == 204
            )
        monkeypatch.setattr(PresenceEvents, "record", busy)
        assert deliver(client, {"event": "meeting.ended", "payload": {"object": joined}}).status_code == 204
    assert logged(caplog, "simplespa_zoom.zoom.events") == [
        "Zoom webhook: meeting.participant_joined names no meeting, acknowledged",
        "Zoom webhook: meeting.participant_joined names no participant, acknowledged",
        "Zoom webhook: meeting.participant_joined applied to 1 appointment(s)",
        "Zoom webhook: meeting.ended kept, but the notes stayed busy; the next event writes the line",
    ]
