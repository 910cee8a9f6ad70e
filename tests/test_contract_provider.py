"""One meeting-provider contract, the same assertions against the Zoom adapter talking HTTP to the
Zoom stand-in and against the in-memory provider the service unit tests run on (tests/fakes.py), and
against the adapter over the in-memory Zoom client (FakeZoom) that the Zoom token tests run on.

Zoom's own promise, that an expired access token is refreshed unseen, is held for the two Zoom subjects."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from simplespa_zoom.loopback import https_or_loopback
from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.ports import (
    MeetingProvider,
    ProviderMeeting,
    ProviderMeetingGone,
    ProviderNotConnected,
    Registrant,
)
from simplespa_zoom.zoom.api import ZoomClient
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT
from simplespa_zoom.zoom.oauth import TokenEndpoint, Tokens, ZoomConnection
from simplespa_zoom.zoom.provider import ZoomProvider
from zoom_standin import LICENSED, ClientApp, SandboxState, create_sandbox
from zoom_standin.server import serve_in_thread

from .fakes import FakeTokenEndpoint, FakeZoom, InMemoryProvider, InMemoryTokens

START = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
REDIRECT = "https://spa.example/zoom/callback"


@dataclass
class Subject:
    """A provider bound for one request, and the hooks that act on its side from outside."""

    provider: MeetingProvider
    user_id: str
    paid_next_request: Callable[
        [], MeetingProvider
    ]  # the host's account becomes a paid one: the next request's provider
    disconnect: Callable[[], None]  # no connection in this browser any more


@dataclass
class ZoomSubject(Subject):
    """The Zoom adapter, with one browser's tokens."""

    tokens: InMemoryTokens
    expire_tokens: Callable[[], None]  # the access token stops working (it expired, or Zoom replaced it)


def zoom_subject(
    connection: ZoomConnection,
    tokens: InMemoryTokens,
    user_id: str,
    *,
    licensed: Callable[[], None],
    expire: Callable[[], None],
) -> ZoomSubject:
    """The adapter over a connection; a paid host shows once connected again, as the app reads the licence then."""

    def paid_next_request() -> MeetingProvider:
        licensed()
        tokens.set(connection.with_user(tokens.get()))  # type: ignore[arg-type]  # connecting again
        return ZoomProvider(connection, tokens)

    return ZoomSubject(ZoomProvider(connection, tokens), user_id, paid_next_request, tokens.delete, tokens, expire)


def standin() -> Iterator[ZoomSubject]:
    state = SandboxState()
    state.register_client(ClientApp("cid", "secret", [REDIRECT]))
    server = serve_in_thread(create_sandbox(state))
    try:
        code = state.issue_code("cid", REDIRECT, None, "S256")
        token = state.exchange_code(state.clients["cid"], code, REDIRECT, None)
        tokens = InMemoryTokens(Tokens.from_token_response(token))
        connection = ZoomConnection(
            ZoomClient(f"{server.url}/v2", timeout=(5.0, 5.0)),
            TokenEndpoint(server.url, "cid", "secret", (5.0, 5.0)),
            zoom_hosts=["localhost"],
        )

        def licensed() -> None:
            state.current_user().account_type = LICENSED

        yield zoom_subject(
            connection, tokens, state.current_user_id, licensed=licensed, expire=state.expire_access_tokens
        )
    finally:
        server.stop()


def fake_zoom() -> Iterator[ZoomSubject]:
    zoom = FakeZoom()
    tokens = InMemoryTokens(Tokens("access-1", "refresh-1", time.time() + 3600))
    connection = ZoomConnection(zoom, FakeTokenEndpoint(zoom))  # type: ignore[arg-type]

    def licensed() -> None:
        zoom.licensed = True

    def expire() -> None:
        zoom.valid_tokens = set()

    yield zoom_subject(connection, tokens, zoom.user_id, licensed=licensed, expire=expire)


def in_memory() -> Iterator[Subject]:
    provider = InMemoryProvider()

    def paid_next_request() -> MeetingProvider:
        provider.is_licensed = True
        return provider

    def disconnect() -> None:
        provider.connected = False

    yield Subject(provider, provider.user, paid_next_request, disconnect)


@pytest.fixture(params=[standin, in_memory, fake_zoom], ids=["zoom-standin", "in-memory", "zoom-over-fake-client"])
def subject(request: pytest.FixtureRequest) -> Iterator[Subject]:
    yield from request.param()


@pytest.fixture(params=[standin, fake_zoom], ids=["zoom-standin", "zoom-over-fake-client"])
def zoom(request: pytest.FixtureRequest) -> Iterator[ZoomSubject]:
    yield from request.param()


def create(provider: MeetingProvider, registrant: Registrant | None = None, agenda: str = "ref abc") -> ProviderMeeting:
    return provider.create(
        topic="Appointment with Ana Souza",
        starts_at=START,
        duration=60,
        timezone="America/New_York",
        agenda=agenda,
        registrant=registrant,
    )


def test_a_created_meeting_reads_back_with_its_join_link_start_agenda_and_host(subject: Subject) -> None:
    meeting = subject.provider.create(
        topic="Appointment with Ana Souza",
        starts_at=START,
        duration=60,
        timezone="America/New_York",
        agenda="Booked (ref abc).",
        registrant=None,
    )
    assert (meeting.topic, meeting.starts_at, meeting.host_id) == ("Appointment with Ana Souza", START, subject.user_id)
    assert notes.join_link_meeting(
        ZOOM_LINE_FORMAT, meeting.join_url
    ) == meeting.id and not ZOOM_LINE_FORMAT.is_personal_link(meeting.join_url)
    again = subject.provider.get(meeting.id)
    assert (again.id, again.topic, again.starts_at, again.join_url) == (
        meeting.id,
        meeting.topic,
        START,
        meeting.join_url,
    )
    assert subject.provider.user_id() == subject.user_id and subject.provider.licensed() is False


def test_an_earlier_attempts_meeting_is_found_among_upcoming_ones_by_its_agenda(subject: Subject) -> None:
    subject.provider.create(
        topic="Other", starts_at=START, duration=30, timezone="UTC", agenda="Booked (ref other).", registrant=None
    )
    mine = subject.provider.create(
        topic="Mine", starts_at=START, duration=30, timezone="UTC", agenda="Booked (ref mine).", registrant=None
    )
    found = subject.provider.find_upcoming(lambda meeting: "ref mine" in meeting.agenda)
    assert found is not None and found.id == mine.id
    assert subject.provider.find_upcoming(lambda meeting: "ref none" in meeting.agenda) is None


def test_a_move_reads_the_meeting_back_and_a_start_in_the_past_is_ignored(subject: Subject) -> None:
    meeting = create(subject.provider)
    later = START + timedelta(hours=2)
    moved = subject.provider.move(meeting.id, starts_at=later, duration=90, timezone="UTC")
    assert moved.id == meeting.id and moved.starts_at == later
    past = datetime.now(UTC) - timedelta(days=1)
    kept = subject.provider.move(meeting.id, starts_at=past, duration=90, timezone="UTC")
    assert kept.starts_at == later


def test_a_deleted_meeting_is_gone_and_deleting_it_again_counts_as_done(subject: Subject) -> None:
    meeting = create(subject.provider)
    subject.provider.delete(meeting.id, notify_registrants=True)
    with pytest.raises(ProviderMeetingGone):
        subject.provider.get(meeting.id)
    subject.provider.delete(meeting.id, notify_registrants=False)


def test_a_paid_host_registers_the_client_who_gets_a_personal_link(subject: Subject) -> None:
    client = Registrant("ana@example.com", "Ana", "Souza")
    assert ZOOM_LINE_FORMAT.is_personal_link(create(subject.provider, client).join_url) is False
    meeting = create(subject.paid_next_request(), client)
    assert ZOOM_LINE_FORMAT.is_personal_link(meeting.join_url)
    assert notes.join_link_meeting(ZOOM_LINE_FORMAT, meeting.join_url) == meeting.id


def test_a_start_link_is_handed_out_fresh_for_the_host(subject: Subject) -> None:
    meeting = create(subject.provider)
    start = subject.provider.start_link(meeting.id)
    assert https_or_loopback(start.url) and str(meeting.id) in start.url
    assert start.url != meeting.join_url and subject.provider.start_link(meeting.id).url != start.url
    assert start.host_id is not None and start.host_id == subject.provider.user_id()  # the same read names the host
    assert start.url not in repr(start)  # never in a log line, even by accident


def test_a_meeting_shows_the_protections_the_provider_applied(subject: Subject) -> None:
    meeting = create(subject.provider)
    for shown in (meeting, subject.provider.get(meeting.id)):
        assert (shown.passcode, shown.waiting_room) == (True, True)


def test_an_expired_access_token_is_refreshed_without_the_caller_seeing_it(zoom: ZoomSubject) -> None:
    meeting = create(zoom.provider)
    before = zoom.tokens.get()
    zoom.expire_tokens()
    assert zoom.provider.get(meeting.id).id == meeting.id
    after = zoom.tokens.get()
    assert before is not None and after is not None and after.access_token != before.access_token


def test_without_a_connection_every_call_says_not_connected(subject: Subject) -> None:
    subject.disconnect()
    provider = subject.provider
    for call in (
        lambda: create(subject.provider),
        lambda: provider.get(85746065432),
        lambda: provider.delete(85746065432, notify_registrants=False),
        lambda: provider.find_upcoming(lambda _meeting: True),
        provider.user_id,
        lambda: provider.start_link(85746065432),
    ):
        with pytest.raises(ProviderNotConnected):
            call()
