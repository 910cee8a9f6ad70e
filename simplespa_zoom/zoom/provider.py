"""Zoom as the app's meeting provider: the core's MeetingProvider port over one browser's Zoom connection."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from simplespa_zoom.meetings.ports import ProviderMeeting, Registrant, StartLink
from simplespa_zoom.zoom.api import REGISTRANT_EMAIL_MAX, ZoomClient, ZoomError, time_left
from simplespa_zoom.zoom.oauth import BoundTokens, TokenStore, ZoomConnection

log = logging.getLogger(__name__)
T = TypeVar("T")


class ZoomProvider:
    """One browser's Zoom for one request: its token store read once, every call refreshed as needed."""

    def __init__(self, connection: ZoomConnection, store: TokenStore) -> None:
        self.connection = connection
        self.tokens = BoundTokens(store)

    def within(self, seconds: float, *, wait: float | None = None) -> AbstractContextManager[None]:
        return self.connection.gate.within(seconds, wait=wait)

    def time_left(self) -> float | None:
        return time_left()

    def take_turn(self, seconds: float) -> bool:
        return self.connection.gate.pacer.take_turn(seconds)

    def create(
        self,
        *,
        topic: str,
        starts_at: datetime,
        duration: int,
        timezone: str,
        agenda: str,
        registrant: Registrant | None,
        provider_emails: bool = True,
    ) -> ProviderMeeting:
        """Create the meeting; a paid host gets the client registered, and Zoom emails them unless the spa does."""
        register = registrant is not None and len(registrant.email) <= REGISTRANT_EMAIL_MAX and self.licensed()

        def create(client: ZoomClient, token: str) -> ProviderMeeting:
            meeting = client.create_meeting(
                token,
                topic=topic,
                start=starts_at,
                duration=duration,
                timezone=timezone,
                registration=register,
                registrant_emails=provider_emails,
                agenda=agenda,
            )
            if not register or registrant is None:
                return meeting
            try:
                link = client.add_registrant(
                    token,
                    meeting.id,
                    email=registrant.email,
                    first_name=registrant.first_name,
                    last_name=registrant.last_name,
                )
            except ZoomError as error:
                # Any failure here, even a token refusal, must not repeat the create: keep the plain link.
                log.warning("Registering the client failed (%s); using the meeting's own join link", error.code)
                return meeting
            return replace(meeting, join_url=link)

        return self._call(create)

    def get(self, meeting_id: int) -> ProviderMeeting:
        return self._call(lambda client, token: client.get_meeting(token, meeting_id))

    def move(self, meeting_id: int, *, starts_at: datetime, duration: int, timezone: str) -> ProviderMeeting:
        """PATCH answers no body, and ignores a start it finds in the past: read the meeting back."""

        def move(client: ZoomClient, token: str) -> ProviderMeeting:
            client.update_meeting(token, meeting_id, start=starts_at, duration=duration, timezone=timezone)
            return client.get_meeting(token, meeting_id)

        return self._call(move)

    def delete(self, meeting_id: int, *, notify_registrants: bool) -> None:
        self._call(
            lambda client, token: client.delete_meeting(token, meeting_id, notify_registrants=notify_registrants)
        )

    def find_upcoming(self, wanted: Callable[[ProviderMeeting], bool]) -> ProviderMeeting | None:
        return self._call(lambda client, token: client.find_upcoming_meeting(token, wanted))

    def user_id(self) -> str | None:
        return self.connection.user_id(self.tokens)

    def licensed(self) -> bool:
        return self.connection.licensed(self.tokens)

    def start_link(self, meeting_id: int) -> StartLink:
        return self._call(lambda client, token: client.start_link(token, meeting_id))

    def _call(self, operation: Callable[[ZoomClient, str], T]) -> T:
        return self.connection.call(self.tokens, operation)
