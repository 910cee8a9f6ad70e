"""A small client for the Zoom REST API calls the connector makes.

One requests.Session per client (so per process) keeps connections alive. Every
answer Zoom can give is turned into a return value or one of the typed errors
below; nothing here knows about Flask or the browser session.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from simplespa_zoom.loopback import https_or_loopback
from simplespa_zoom.meetings.ports import (
    ProviderDailyLimit,
    ProviderError,
    ProviderMeeting,
    ProviderMeetingGone,
    ProviderMissingPermission,
    ProviderRateLimited,
    ProviderRejected,
    ProviderSlow,
    ProviderUnavailable,
    StartLink,
)
from simplespa_zoom.messages import PERMISSIONS

log = logging.getLogger(__name__)

MEETING_GONE_CODE = 3001
MISSING_SCOPE_CODE = 4711
REGISTRANT_NAME_MAX = 64
REGISTRANT_EMAIL_MAX = 128
LIST_PAGE_SIZE = 300  # the most Zoom's list of meetings gives per page
LIST_PAGES_MAX = 20
# The permissions the app asks Zoom for; what each lets it do is worded in the message table.
SCOPES = tuple(PERMISSIONS)
_SCOPE_IN_MESSAGE = re.compile(r"scopes:\[([a-z:,\s]+)\]")


class ZoomError(ProviderError):
    """Base of every Zoom failure; `code` is the stable name the browser sees, and its Help entry."""

    code = "zoom_rejected"
    http_status = 502


class ZoomUnavailable(ZoomError, ProviderUnavailable):
    code = "zoom_unavailable"
    http_status = 503


class ZoomSlow(ZoomUnavailable, ProviderSlow):
    """Zoom did not answer within the request's deadline, or every Zoom slot is held by slow calls."""

    code = "zoom_slow"


class ZoomUnreadable(ZoomUnavailable):
    """Zoom answered, but not in a shape the app can read."""

    code = "zoom_unreadable"


class ZoomRateLimited(ZoomError, ProviderRateLimited):
    """429, per second (X-RateLimit-Type: QPS, shared by every app on a free account)."""

    code = "zoom_busy"
    http_status = 429


class ZoomDailyLimit(ZoomRateLimited, ProviderDailyLimit):
    """429, the 100 meeting creates and updates per Zoom user per day (resets 00:00 UTC)."""

    code = "zoom_daily_limit"

    def __init__(self, resets_at: datetime) -> None:
        super().__init__(resets_at=resets_at)
        self.resets_at = resets_at


class ZoomMissingScope(ZoomError, ProviderMissingPermission):
    """400/4711: the token lacks a scope, which only the Zoom app's admin can add."""

    code = "zoom_missing_permission"
    http_status = 403

    def __init__(self, scopes: list[str]) -> None:
        super().__init__(scopes=scopes)
        self.scopes = scopes


class ZoomTokenInvalid(ZoomError):
    """401 from the API: the access token expired, was replaced or was revoked."""

    code = "zoom_token_invalid"
    http_status = 401


class ZoomMeetingGone(ZoomError, ProviderMeetingGone):
    code = "zoom_meeting_gone"
    http_status = 404


class ZoomRequestRejected(ZoomError, ProviderRejected):
    """Any other 4xx: Zoom understood and refused, so repeating will not help.

    `said` is Zoom's own explanation; `lacking` names what a success answer missed (a message part's code).
    """

    code = "zoom_rejected"
    http_status = 502

    def __init__(self, said: str = "", *, lacking: str = "") -> None:
        super().__init__(said=said, lacking=lacking)


@dataclass(frozen=True)
class ZoomUser:
    """Who is connected: the id (kept only in the encrypted session) and whether the account is paid."""

    id: str | None
    licensed: bool


def parse_zoom_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _meeting_from(body: dict[str, Any]) -> ProviderMeeting:
    try:
        meeting_id = int(str(body["id"]))
        join_url = str(body["join_url"])
    except (KeyError, ValueError, TypeError) as error:
        raise ZoomUnreadable() from error
    host_id = body.get("host_id")
    agenda = body.get("agenda")
    settings = body.get("settings")
    waiting_room = settings.get("waiting_room") if isinstance(settings, dict) else None
    password = body.get("password")
    return ProviderMeeting(
        id=meeting_id,
        topic=str(body.get("topic") or ""),
        starts_at=parse_zoom_time(body.get("start_time")),
        join_url=join_url,
        host_id=host_id if isinstance(host_id, str) and host_id else None,
        agenda=agenda if isinstance(agenda, str) else "",
        # The protections as Zoom applied them (it may override what was asked); None where the answer is silent.
        passcode=bool(password) if isinstance(password, str) else None,
        waiting_room=waiting_room if isinstance(waiting_room, bool) else None,
    )


def utc_z(instant: datetime) -> str:
    """Zoom's UTC form 'yyyy-MM-ddTHH:mm:ssZ' (never a bare UTC clock time)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_retry_after(value: str | None, now: datetime | None = None) -> datetime | None:
    """Retry-After as Zoom sends it: seconds, an HTTP date or an ISO date-time; or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        start = time.time() if now is None else now.timestamp()
        return datetime.fromtimestamp(start + int(value), UTC)
    parsed = parse_zoom_time(value)
    if parsed is not None:
        return parsed
    try:
        return parsedate_to_datetime(value).astimezone(UTC)  # pragma: no mutate
    except (TypeError, ValueError, IndexError):
        return None


# When the Zoom calls of the current request must be done by (time.monotonic()), if it is gated.
_deadline: ContextVar[float | None] = ContextVar("zoom_deadline", default=None)


def time_left() -> float | None:
    """Seconds left for Zoom calls in this request (None: no deadline); ZoomSlow once it has passed."""
    deadline = _deadline.get()
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise ZoomSlow()
    return left


def deadline_reached() -> bool:
    """Whether a timeout just now was the request's deadline (give or take the timer's slack)."""
    deadline = _deadline.get()
    return deadline is not None and time.monotonic() >= deadline - 0.05  # pragma: no mutate


def capped(timeout: tuple[float, float]) -> tuple[float, float]:
    """A (connect, read) timeout cut to what is left of the request's deadline."""
    left = time_left()
    return timeout if left is None else (min(timeout[0], left), min(timeout[1], left))


@dataclass
class Pacer:
    """Spaces the starts of calls made together, across every request of the process, under a per-second limit.

    A turn is taken only if it comes before the caller's deadline, so no caller waits past it.
    """

    per_second: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take_turn(self, seconds: float) -> bool:
        """Wait for the next turn if it comes within `seconds`; False (no turn taken, no wait) otherwise."""
        with self._lock:
            now = self.clock()
            turn = max(now, self._next)
            if turn - now >= seconds:
                return False
            self._next = turn + 1 / self.per_second
        if turn > now:
            self.sleep(turn - now)
        return True


class ZoomGate:
    """A slow Zoom must not stall pages that make no Zoom call: few threads may wait for it, each not for long.

    Each Zoom-calling request runs inside `within(seconds)`: it holds one of a few per-process
    slots (fewer than the server's threads, taken without waiting long) and every Zoom call
    inside shares one deadline, so retries and token refreshes never stretch it further.
    Calls made together (the day list's check) also take turns from the process's one pacer.
    """

    def __init__(self, slots: int, wait: float = 0.25, calls_per_second: float = 2.0) -> None:
        self.slots = threading.BoundedSemaphore(max(1, slots))
        self.wait = wait
        self.pacer = Pacer(calls_per_second)

    @contextmanager
    def within(self, seconds: float, *, wait: float | None = None) -> Iterator[None]:
        """Hold a slot while the block runs, its Zoom calls done within `seconds`; ZoomSlow when none frees up
        within `wait` seconds (default: the gate's; 0 for a call that is not worth queueing for).

        A nested use keeps the outer slot, and may only shorten the deadline.
        """
        outer = _deadline.get()
        nested = outer is not None
        patience = self.wait if wait is None else wait
        if not nested and not self.slots.acquire(timeout=patience):
            raise ZoomSlow()
        token = _deadline.set(min(outer or float("inf"), time.monotonic() + seconds))
        try:
            yield
        finally:
            _deadline.reset(token)
            if not nested:
                self.slots.release()


def _session_for(base_url: str) -> requests.Session:
    """A session that reads proxy and CA settings from the environment once, not per call."""
    session = requests.Session()
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.trust_env = False  # pragma: no mutate
    return session


class ZoomClient:
    """The Zoom REST calls of the connector, on one kept-alive HTTP session."""

    IDEMPOTENT_ATTEMPTS = 3

    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (3.05, 10.0),
        backoff: float = 0.25,
    ) -> None:
        self.base_url = base_url.removesuffix("/")
        self.http = session or _session_for(self.base_url)
        self.timeout = timeout
        self.backoff = backoff
        self._regional: dict[str, ZoomClient] = {}

    def at(self, base_url: str | None) -> ZoomClient:
        """This client for another API base (a user's regional cluster), sharing kept-alive connections."""
        key = (base_url or "").removesuffix("/")
        if not key or key == self.base_url:
            return self
        regional = self._regional.get(key)
        if regional is None:
            regional = self._regional[key] = ZoomClient(
                key, session=self.http, timeout=self.timeout, backoff=self.backoff
            )
        return regional

    def create_meeting(
        self,
        token: str,
        *,
        topic: str,
        start: datetime,
        duration: int,
        timezone: str,
        registration: bool = False,
        registrant_emails: bool = True,
        agenda: str = "",
    ) -> ProviderMeeting:
        """POST /users/me/meetings; never retried, as a retry could create a second meeting.

        With registration, Zoom's emails to registrants (their confirmation with the join link, and
        notices of a cancellation) follow registrant_emails: off where the spa sends its own letters.
        """
        settings: dict[str, Any] = {"join_before_host": False, "waiting_room": True}
        if registration:
            settings.update(
                approval_type=0,
                registrants_confirmation_email=registrant_emails,
                registrants_email_notification=registrant_emails,
            )
        body = {
            "topic": topic,
            "type": 2,
            "start_time": utc_z(start),
            "duration": duration,
            "timezone": timezone,
            "default_password": True,
            "settings": settings,
        }
        if agenda:
            body["agenda"] = agenda
        return _meeting_from(self._request("POST", "/users/me/meetings", token, json=body))

    def find_upcoming_meeting(self, token: str, wanted: Callable[[ProviderMeeting], bool]) -> ProviderMeeting | None:
        """The first of the user's upcoming meetings that is wanted (GET /users/me/meetings, page by page)."""
        params: dict[str, Any] = {"type": "upcoming", "page_size": LIST_PAGE_SIZE}
        for _ in range(LIST_PAGES_MAX):
            body = self._request("GET", "/users/me/meetings", token, params=params)
            listed = body.get("meetings")
            if not isinstance(listed, list):
                raise ZoomUnreadable()
            for item in listed:
                try:
                    meeting = _meeting_from(item)
                except ZoomUnreadable:
                    continue  # an item without an id or join link is not one the app made
                if wanted(meeting):
                    return meeting
            next_page = body.get("next_page_token")
            if not isinstance(next_page, str) or not next_page:
                return None
            params["next_page_token"] = next_page
        return None

    def get_meeting(self, token: str, meeting_id: int) -> ProviderMeeting:
        return _meeting_from(self._request("GET", f"/meetings/{int(meeting_id)}", token))

    def start_link(self, token: str, meeting_id: int) -> StartLink:
        """The host's start link, read now with the host the meeting names (it logs anyone in as the host: handed
        on, never kept or logged)."""
        body = self._request("GET", f"/meetings/{int(meeting_id)}", token)
        start_url = body.get("start_url")
        if not isinstance(start_url, str) or not https_or_loopback(start_url):
            raise ZoomUnreadable()
        host_id = body.get("host_id")
        return StartLink(host_id=host_id if isinstance(host_id, str) and host_id else None, url=start_url)

    def update_meeting(self, token: str, meeting_id: int, *, start: datetime, duration: int, timezone: str) -> None:
        """PATCH start and duration (Zoom answers 204 with no body)."""
        body = {"start_time": utc_z(start), "duration": duration, "timezone": timezone}
        self._request("PATCH", f"/meetings/{int(meeting_id)}", token, json=body)

    def delete_meeting(self, token: str, meeting_id: int, *, notify_registrants: bool = False) -> None:
        """DELETE; a meeting that is already gone counts as deleted.

        With notify_registrants Zoom emails registered clients that the meeting is cancelled.
        """
        params = {"cancel_meeting_reminder": "true"} if notify_registrants else None
        try:
            self._request("DELETE", f"/meetings/{int(meeting_id)}", token, params=params)
        except ZoomMeetingGone:
            return

    def get_me(self, token: str) -> ZoomUser:
        body = self._request("GET", "/users/me", token)
        user_id = body.get("id")
        return ZoomUser(id=user_id if isinstance(user_id, str) and user_id else None, licensed=body.get("type") == 2)

    def add_registrant(self, token: str, meeting_id: int, *, email: str, first_name: str, last_name: str = "") -> str:
        """Register the client (names cut to Zoom's 64 characters); returns their personal join link."""
        body = {
            "email": email,
            "first_name": first_name[:REGISTRANT_NAME_MAX],
            "last_name": last_name[:REGISTRANT_NAME_MAX],
        }
        path = f"/meetings/{int(meeting_id)}/registrants"
        answer = self._request("POST", path, token, json=body)
        join_url = answer.get("join_url")
        if not isinstance(join_url, str) or not join_url:
            raise ZoomRequestRejected(lacking="no_join_link")
        return join_url

    def _request(self, method: str, path: str, token: str, **kwargs: Any) -> dict[str, Any]:
        attempts = self.IDEMPOTENT_ATTEMPTS if method in ("GET", "DELETE") else 1
        attempt = 1
        while True:
            try:
                return self._send(method, path, token, **kwargs)
            except ZoomUnavailable:
                pause = self.backoff * 2 ** (attempt - 1)
                left = time_left()
                if attempt == attempts or (left is not None and left <= pause):
                    raise
                time.sleep(pause)
                attempt += 1

    def _send(self, method: str, path: str, token: str, **kwargs: Any) -> dict[str, Any]:
        url = self.base_url + path
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}  # pragma: no mutate
        try:
            response = self.http.request(method, url, headers=headers, timeout=capped(self.timeout), **kwargs)
        except requests.RequestException as error:
            log.warning("Zoom %s %s failed: %s", method, path, type(error).__name__)
            if isinstance(error, requests.Timeout) and deadline_reached():
                raise ZoomSlow() from error
            raise ZoomUnavailable() from error
        if response.status_code < 300:
            return _json_object(response) if response.content else {}
        raise _error_for(response)


def _json_object(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ZoomUnreadable()
    return body


def _error_for(response: requests.Response) -> ZoomError:
    """The status code decides first (Zoom's error bodies are not always JSON, even a 401's)."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    zoom_code = body.get("code") if isinstance(body, dict) else None
    zoom_code = zoom_code if isinstance(zoom_code, int) and not isinstance(zoom_code, bool) else None
    message = body.get("message") if isinstance(body, dict) else None
    message = message if isinstance(message, str) else ""
    log.info("Zoom answered HTTP %s (code %s)", status, zoom_code)
    if status == 401:
        return ZoomTokenInvalid()
    if status == 429:
        return _rate_limit_error(response, message)
    if status >= 500 or body is None:
        return ZoomUnavailable()
    if status == 404 and zoom_code == MEETING_GONE_CODE:
        return ZoomMeetingGone()
    if zoom_code == MISSING_SCOPE_CODE:
        found = _SCOPE_IN_MESSAGE.search(message)
        scopes = [part.strip() for part in found.group(1).split(",") if part.strip()] if found else []
        return ZoomMissingScope(scopes)
    return ZoomRequestRejected(message[:300])


def _rate_limit_error(response: requests.Response, message: str) -> ZoomError:
    """Per-second (try again in a moment) or daily (try again after 00:00 UTC); the headers may be missing."""
    kind = response.headers.get("X-RateLimit-Type", "").strip().lower()
    if kind == "qps" or (not kind and "daily" not in message.lower()):
        return ZoomRateLimited()
    resets_at = parse_retry_after(response.headers.get("Retry-After"))
    if resets_at is None:
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        resets_at = today + timedelta(days=1)
    return ZoomDailyLimit(resets_at)
