"""The meeting services over the Zoom adapter and an in-memory Zoom client: Zoom's tokens, their refresh,
and Zoom's own wording of its refusals. The core's rules are tested over the port's fake in
test_meeting_service.py."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from simplespa_zoom.meetings.following import Notice
from simplespa_zoom.zoom.api import ZoomDailyLimit
from simplespa_zoom.zoom.oauth import Tokens, ZoomConnection, ZoomReconnect, ZoomRetry
from simplespa_zoom.zoom.provider import ZoomProvider

from .fakes import FakeTokenEndpoint, FakeZoom, InMemoryBook, InMemoryTokens
from .test_meeting_service import NOW, START, World, services


class ZoomWorld(World):
    """One spa whose provider is the Zoom adapter over one browser's token store and an in-memory Zoom."""

    def __init__(self, *, connected: bool = True, final_refusals: bool = True, now: datetime = NOW) -> None:
        self.book = InMemoryBook()
        self.zoom = FakeZoom(now=lambda: now)
        self.calls = self.zoom.calls
        self.endpoint = FakeTokenEndpoint(self.zoom)
        fresh = time.time() + 3600
        self.tokens = InMemoryTokens(Tokens("access-1", "refresh-1", fresh, user_id="host-1") if connected else None)
        self.connection = ZoomConnection(self.zoom, self.endpoint, refusal_is_final=lambda: final_refusals)  # type: ignore[arg-type]
        self.now = now
        self.next_request()

    def next_request(self) -> None:
        """The services of a new request: its provider reads the browser's tokens afresh (once per request)."""
        self.service = services(self.book, ZoomProvider(self.connection, self.tokens), self.now)


def test_an_expired_access_token_is_refreshed_once_and_the_rotated_tokens_are_stored() -> None:
    world = ZoomWorld()
    world.zoom.valid_tokens = {"access-from-elsewhere"}  # Zoom no longer takes access-1
    appointment = world.book.add("Ana Souza", START)
    assert world.service.adding.add(appointment.id).created
    assert world.endpoint.refreshes == 1
    stored = world.tokens.get()
    assert stored is not None and (stored.access_token, stored.refresh_token) == ("access-2", "refresh-2")
    assert stored.user_id == "host-1"  # who is connected survives the refresh


def test_a_refused_refresh_asks_the_page_to_retry_or_clears_the_connection_for_good() -> None:
    for final, expected in ((False, ZoomRetry), (True, ZoomReconnect)):
        world = ZoomWorld(final_refusals=final)
        world.zoom.valid_tokens = set()
        world.endpoint.refused.add("refresh-1")
        appointment = world.book.add("Ana Souza", START)
        with pytest.raises(expected):
            world.service.adding.add(appointment.id)
        assert (world.tokens.get() is None) is final
        assert world.book.get(appointment.id).notes == ""


DAY_RESETS_AT = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)


def cancel_on_a_spent_day() -> Notice | None:
    """Cancel an appointment whose meeting Zoom will not delete today: the day's limit resets at DAY_RESETS_AT."""
    world = ZoomWorld()
    appointment_id = world.with_meeting()

    def daily_limit(*_args: object, **_kwargs: object) -> None:
        raise ZoomDailyLimit(DAY_RESETS_AT)

    world.zoom.delete_meeting = daily_limit  # type: ignore[method-assign]
    return world.service.changing.follow_cancel(replace(world.book.get(appointment_id), status="cancelled"))


def test_a_cancel_zoom_refuses_for_the_day_says_when_it_resets_in_the_spas_zone() -> None:
    notice = cancel_on_a_spent_day()
    assert notice is not None and (notice.code, notice.values["what"]) == ("zoom_not_followed", "delete")
    error = notice.values["error"]
    assert isinstance(error, ZoomDailyLimit) and error.data == {"resets_at": DAY_RESETS_AT}
