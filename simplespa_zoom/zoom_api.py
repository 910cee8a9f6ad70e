"""A small client for the Zoom REST API calls the connector makes.

One requests.Session per client (so per process) keeps connections alive. Every
answer Zoom can give is turned into a return value or one of the typed errors
below; nothing here knows about Flask or the browser session.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

log = logging.getLogger(__name__)

MEETING_GONE_CODE = 3001


class ZoomError(Exception):
    """Base of every Zoom failure; `code` is the stable name the browser sees."""

    code = "zoom_error"
    http_status = 502
    default_message = "Zoom did not accept the request. The notes were not changed."

    def __init__(self, message: str | None = None, *, zoom_code: int | None = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.zoom_code = zoom_code


class ZoomUnavailable(ZoomError):
    code = "zoom_unavailable"
    http_status = 503
    default_message = "Zoom is not answering right now. Please try again in a few minutes; the notes were not changed."


class ZoomRateLimited(ZoomError):
    code = "zoom_rate_limited"
    http_status = 429

    def __init__(self, retry_at: datetime | None = None, *, zoom_code: int | None = None) -> None:
        self.retry_at = retry_at
        if retry_at is None:
            message = (
                "Zoom's limit on meeting changes for this account has been reached. "
                "Please try again later (the daily limit resets at 00:00 UTC); "
                "the notes were not changed."
            )
        else:
            when = retry_at.astimezone(UTC).strftime("%H:%M UTC on %d %b %Y")
            message = (
                f"Zoom's limit on meeting changes for this account has been reached. "
                f"Please try again after {when}; the notes were not changed."
            )
        super().__init__(message, zoom_code=zoom_code)


class ZoomTokenInvalid(ZoomError):
    """401 from the API: the access token expired, was replaced or was revoked."""

    code = "zoom_token_invalid"
    http_status = 401
    default_message = "Zoom no longer accepts this connection. Please reconnect Zoom."


class ZoomMeetingGone(ZoomError):
    code = "zoom_meeting_gone"
    http_status = 404
    default_message = "This meeting no longer exists in Zoom."


class ZoomRequestRejected(ZoomError):
    """Any other 4xx: Zoom understood and refused, so repeating will not help."""

    code = "zoom_rejected"
    http_status = 502


@dataclass(frozen=True)
class Meeting:
    """What the connector needs of a Zoom meeting (never the host's start_url)."""

    id: int
    topic: str
    start_time: datetime | None
    duration: int | None
    timezone: str | None
    join_url: str


@dataclass(frozen=True)
class ZoomUser:
    """The connected host's account type: all the app keeps of the profile."""

    licensed: bool


def parse_zoom_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _meeting_from(body: dict[str, Any]) -> Meeting:
    try:
        meeting_id = int(str(body["id"]))
        join_url = str(body["join_url"])
    except (KeyError, ValueError, TypeError) as error:
        raise ZoomUnavailable("Zoom sent an answer the app could not read.") from error
    duration = body.get("duration")
    return Meeting(
        id=meeting_id,
        topic=str(body.get("topic") or ""),
        start_time=parse_zoom_time(body.get("start_time")),
        duration=duration if isinstance(duration, int) else None,
        timezone=body.get("timezone") if isinstance(body.get("timezone"), str) else None,
        join_url=join_url,
    )


def utc_z(instant: datetime) -> str:
    """Zoom's UTC form 'yyyy-MM-ddTHH:mm:ssZ' (never a bare UTC clock time)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_retry_after(value: str | None, now: datetime | None = None) -> datetime | None:
    """Retry-After as Zoom sends it: seconds, an HTTP date or an ISO date-time; or None."""
    if not value:
        return None
    value = value.strip()
    now = now or datetime.now(UTC)
    if value.isdigit():
        return datetime.fromtimestamp(now.timestamp() + int(value), UTC)
    parsed = parse_zoom_time(value)
    if parsed is not None:
        return parsed
    try:
        return parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError, IndexError):
        return None


def _session_for(base_url: str) -> requests.Session:
    """A session that reads proxy and CA settings from the environment once, not per call."""
    session = requests.Session()
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.trust_env = False
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
        self.base_url = base_url.rstrip("/")
        self.http = session or _session_for(self.base_url)
        self.timeout = timeout
        self.backoff = backoff

    def create_meeting(
        self,
        token: str,
        *,
        topic: str,
        start: datetime,
        duration: int,
        timezone: str,
        registration: bool = False,
    ) -> Meeting:
        """POST /users/me/meetings; never retried, as a retry could create a second meeting."""
        settings: dict[str, Any] = {"join_before_host": False, "waiting_room": True}
        if registration:
            settings.update(
                approval_type=0,
                registrants_confirmation_email=True,
                registrants_email_notification=True,
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
        return _meeting_from(self._request("POST", "/users/me/meetings", token, json=body))

    def get_meeting(self, token: str, meeting_id: int) -> Meeting:
        return _meeting_from(self._request("GET", f"/meetings/{int(meeting_id)}", token))

    def update_meeting(self, token: str, meeting_id: int, *, start: datetime, duration: int, timezone: str) -> None:
        """PATCH start and duration (Zoom answers 204 with no body)."""
        body = {"start_time": utc_z(start), "duration": duration, "timezone": timezone}
        self._request("PATCH", f"/meetings/{int(meeting_id)}", token, json=body)

    def delete_meeting(self, token: str, meeting_id: int) -> None:
        """DELETE; a meeting that is already gone counts as deleted."""
        try:
            self._request("DELETE", f"/meetings/{int(meeting_id)}", token)
        except ZoomMeetingGone:
            return

    def get_me(self, token: str) -> ZoomUser:
        body = self._request("GET", "/users/me", token)
        return ZoomUser(licensed=body.get("type") == 2)

    def add_registrant(self, token: str, meeting_id: int, *, email: str, first_name: str, last_name: str = "") -> str:
        """Register the client; returns their personal join link."""
        body = {"email": email, "first_name": first_name, "last_name": last_name}
        answer = self._request("POST", f"/meetings/{int(meeting_id)}/registrants", token, json=body)
        join_url = answer.get("join_url")
        if not isinstance(join_url, str) or not join_url:
            raise ZoomRequestRejected("Zoom did not return a personal join link.")
        return join_url

    def _request(self, method: str, path: str, token: str, **kwargs: Any) -> dict[str, Any]:
        attempts = self.IDEMPOTENT_ATTEMPTS if method in ("GET", "DELETE") else 1
        for attempt in range(1, attempts + 1):
            try:
                return self._send(method, path, token, **kwargs)
            except ZoomUnavailable:
                if attempt == attempts:
                    raise
                time.sleep(self.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    def _send(self, method: str, path: str, token: str, **kwargs: Any) -> dict[str, Any]:
        url = self.base_url + path
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        try:
            response = self.http.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            log.warning("Zoom %s %s failed: %s", method, path, type(error).__name__)
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
        raise ZoomUnavailable("Zoom sent an answer the app could not read. The notes were not changed.")
    return body


def _error_for(response: requests.Response) -> ZoomError:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    zoom_code = body.get("code") if isinstance(body, dict) else None
    zoom_code = zoom_code if isinstance(zoom_code, int) else None
    log.info("Zoom answered HTTP %s (code %s)", status, zoom_code)
    if status == 429:
        return ZoomRateLimited(parse_retry_after(response.headers.get("Retry-After")), zoom_code=zoom_code)
    if status >= 500 or body is None:
        return ZoomUnavailable(zoom_code=zoom_code)
    if status == 401:
        return ZoomTokenInvalid(zoom_code=zoom_code)
    if status == 404 and zoom_code == MEETING_GONE_CODE:
        return ZoomMeetingGone(zoom_code=zoom_code)
    message = body.get("message") if isinstance(body, dict) else None
    detail = f" Zoom said: {message}" if isinstance(message, str) and message else ""
    return ZoomRequestRejected(f"Zoom refused the request.{detail} The notes were not changed.", zoom_code=zoom_code)
