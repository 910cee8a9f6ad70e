"""A browser's Zoom connection: its tokens, kept fresh, and the calls made with them.

Tokens live only where the token store keeps them (the encrypted session cookie). Zoom rotates
refresh tokens and one cookie serves every tab, so a failed refresh that a concurrent refresh
could explain first answers "retry"; only a second failure in a row clears the tokens.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from simplespa_zoom.loopback import LOOPBACK_HOSTS
from simplespa_zoom.meetings.ports import ProviderNotConnected, ProviderReconnect, ProviderRetry
from simplespa_zoom.zoom.api import (
    SCOPES,
    ZoomClient,
    ZoomError,
    ZoomGate,
    ZoomMissingScope,
    ZoomSlow,
    ZoomTokenInvalid,
    ZoomUnavailable,
    ZoomUnreadable,
    capped,
    deadline_reached,
)

log = logging.getLogger(__name__)

REFRESH_EARLY_SECONDS = 60
CALL_SECONDS = 15.0  # the deadline of a Zoom call made outside a service operation's own
DEAD_GRANT_ERRORS = ("invalid_grant", "invalid_request", "invalid_token")

T = TypeVar("T")
KNOWN_OAUTH_ERRORS = frozenset(
    {
        "access_denied",
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "invalid_scope",
        "unauthorized_client",
        "unsupported_grant_type",
        "unsupported_response_type",
        "server_error",
        "temporarily_unavailable",
    }
)


def loggable_oauth_error(value: object) -> str:
    """An OAuth error code as it may appear in a log line: a known code, never the caller's text."""
    return value if isinstance(value, str) and value in KNOWN_OAUTH_ERRORS else "unrecognised"


class ZoomNotConnected(ZoomError, ProviderNotConnected):
    code = "zoom_not_connected"
    http_status = 401


class ZoomRetry(ZoomError, ProviderRetry):
    """Zoom refused a refresh token that another tab may just have rotated."""

    code = "zoom_retry"
    http_status = 409


class ZoomReconnect(ZoomError, ProviderReconnect):
    code = "zoom_reconnect"
    http_status = 401


def is_zoom_host(url: str, patterns: Iterable[str]) -> bool:
    """An https URL on one of Zoom's hosts ('zoom.us', '*.zoom.us', …); plain http only for a loopback stand-in."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()  # pragma: no mutate
    except ValueError:
        return False
    loopback = host in LOOPBACK_HOSTS
    if not host or not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
        return False
    for pattern in patterns:
        pattern = pattern.strip().lower()
        if pattern.startswith("*.") and host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
            return True
        if host == pattern:
            return True
    return False


@dataclass(frozen=True)
class Tokens:
    """This browser's Zoom connection, as the encrypted session holds it."""

    access_token: str
    refresh_token: str
    expires_at: float
    api_url: str | None = None
    user_id: str | None = None
    licensed: bool = False

    @classmethod
    def from_token_response(cls, token: dict[str, Any], now: float | None = None) -> Tokens:
        now = time.time() if now is None else now
        try:
            expires_in = float(token.get("expires_in") or 3599)
            api_url = token.get("api_url")
            return cls(
                str(token["access_token"]),
                str(token["refresh_token"]),
                now + expires_in,
                api_url if isinstance(api_url, str) else None,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ZoomUnreadable() from error

    def due_for_refresh(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.expires_at - REFRESH_EARLY_SECONDS

    def rotated(self, fresh: Tokens) -> Tokens:
        """Fresh tokens from a refresh, keeping who is connected (and the region, unless Zoom names a new one)."""
        return replace(self, **{**fresh.token_fields(), "api_url": fresh.api_url or self.api_url})

    def token_fields(self) -> dict[str, Any]:
        return {"access_token": self.access_token, "refresh_token": self.refresh_token, "expires_at": self.expires_at}


def missing_scopes(token: dict[str, Any]) -> list[str]:
    """The scopes the app needs that a token answer does not list (none when Zoom sends no list)."""
    granted = token.get("scope")
    if not isinstance(granted, str):
        return []
    have = set(granted.split())
    return [scope for scope in SCOPES if scope not in have]


class TokenStore(Protocol):
    """Where one browser's Zoom tokens live (in production: its encrypted session cookie)."""

    def get(self) -> Tokens | None: ...

    def set(self, tokens: Tokens) -> None: ...

    def delete(self) -> None: ...


class BoundTokens:
    """A browser's token store for one request: read once, written through (the cookie is read once per click)."""

    def __init__(self, store: TokenStore) -> None:
        self.store = store
        self._read = False
        self._tokens: Tokens | None = None

    def get(self) -> Tokens | None:
        if not self._read:
            self._tokens, self._read = self.store.get(), True
        return self._tokens

    def set(self, tokens: Tokens) -> None:
        self.store.set(tokens)
        self._tokens, self._read = tokens, True

    def delete(self) -> None:
        self.store.delete()
        self._tokens, self._read = None, True


class TokenEndpoint:
    """Zoom's /oauth/token and /oauth/revoke, with HTTP Basic client authentication."""

    def __init__(self, oauth_base_url: str, client_id: str, client_secret: str, timeout: tuple[float, float]) -> None:
        self.token_url = oauth_base_url.removesuffix("/") + "/oauth/token"
        self.revoke_url = oauth_base_url.removesuffix("/") + "/oauth/revoke"
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout

    def _client(self) -> OAuth2Session:
        return OAuth2Session(
            self.client_id,
            self.client_secret,
            token_endpoint_auth_method="client_secret_basic",  # pragma: no mutate
            revocation_endpoint_auth_method="client_secret_basic",  # pragma: no mutate
            default_timeout=capped(self.timeout),
        )

    def refresh(self, refresh_token: str) -> Tokens | None:
        """New rotated tokens, or None when Zoom says this refresh token is dead."""
        try:
            with self._client() as client:
                token = client.refresh_token(self.token_url, refresh_token=refresh_token)
        except OAuthError as error:
            if error.error in DEAD_GRANT_ERRORS:
                return None
            log.warning("Zoom token refresh refused: %s", loggable_oauth_error(error.error))
            raise ZoomUnavailable() from error
        except (requests.RequestException, ValueError) as error:
            log.warning("Zoom token refresh failed: %s", type(error).__name__)
            if isinstance(error, requests.Timeout) and deadline_reached():
                raise ZoomSlow() from error
            raise ZoomUnavailable() from error
        return Tokens.from_token_response(dict(token))

    def revoke(self, access_token: str) -> None:
        """Ask Zoom to revoke the token (which also uninstalls the app for this user)."""
        with self._client() as client:
            response = client.revoke_token(self.revoke_url, token=access_token)
        if response.status_code >= 400:
            log.info("Zoom revoke answered HTTP %s", response.status_code)


class ZoomConnection:
    """Runs Zoom calls with a browser's tokens, refreshing them when due or refused.

    One per app: the tokens come from the store each call is given. `refusal_is_final` says
    whether a refused refresh may be retried by the caller (the page script can ask again,
    a form post cannot).
    """

    def __init__(
        self,
        client: ZoomClient,
        endpoint: TokenEndpoint,
        zoom_hosts: Iterable[str] = (),
        refusal_is_final: Callable[[], bool] = lambda: True,
        gate: ZoomGate | None = None,
    ) -> None:
        self.client = client
        self.endpoint = endpoint
        self.zoom_hosts = tuple(zoom_hosts)
        self.refusal_is_final = refusal_is_final
        self.gate = gate or ZoomGate(slots=2)

    def client_for(self, tokens: Tokens) -> ZoomClient:
        """The user's regional API when Zoom named one on a Zoom host, else the configured base."""
        if tokens.api_url and is_zoom_host(tokens.api_url, self.zoom_hosts):
            return self.client.at(tokens.api_url.removesuffix("/") + "/v2")
        return self.client

    def call(self, store: TokenStore, operation: Callable[[ZoomClient, str], T]) -> T:
        """Run one Zoom operation with fresh tokens, inside the request's Zoom slot and deadline."""
        tokens = store.get()
        if tokens is None:
            raise ZoomNotConnected()
        with self.gate.within(CALL_SECONDS):
            if tokens.due_for_refresh():
                tokens = self._refresh(store, tokens)
            try:
                return operation(self.client_for(tokens), tokens.access_token)
            except ZoomTokenInvalid:
                tokens = self._refresh(store, tokens)
                return operation(self.client_for(tokens), tokens.access_token)

    def with_user(self, tokens: Tokens) -> Tokens:
        """Fresh tokens with who connected (the id stays in the encrypted session) and whether their account is paid."""
        try:
            me = self.client_for(tokens).get_me(tokens.access_token)
        except ZoomMissingScope:
            return tokens
        return replace(tokens, user_id=me.id, licensed=me.licensed)

    def licensed(self, store: TokenStore) -> bool:
        """Whether the connected Zoom host can register clients (a paid account)."""
        tokens = store.get()
        return tokens is not None and tokens.licensed

    def user_id(self, store: TokenStore) -> str | None:
        """The connected Zoom user's id, asked of Zoom once for sessions connected before it was kept."""
        tokens = store.get()
        if tokens is None:
            raise ZoomNotConnected()
        if tokens.user_id:
            return tokens.user_id
        me = self.call(store, lambda client, token: client.get_me(token))
        current = store.get()
        if current is not None:
            store.set(replace(current, user_id=me.id, licensed=me.licensed))
        return me.id

    def revoke(self, store: TokenStore) -> None:
        """Ask Zoom to revoke the browser's token (best effort), then forget the connection."""
        tokens = store.get()
        if tokens is not None:
            try:
                self.endpoint.revoke(tokens.access_token)
            except (requests.RequestException, ValueError, OAuthError):
                log.warning("Zoom revoke failed; the browser's Zoom connection is cleared anyway")
        store.delete()

    def _refresh(self, store: TokenStore, tokens: Tokens) -> Tokens:
        fresh = self.endpoint.refresh(tokens.refresh_token)
        if fresh is not None:
            rotated = tokens.rotated(fresh)
            store.set(rotated)
            return rotated
        # Another tab may just have rotated the token: a caller that can ask again is told to.
        if not self.refusal_is_final():
            raise ZoomRetry()
        store.delete()
        log.info("Zoom grant is no longer valid; the browser's Zoom connection was cleared")
        raise ZoomReconnect()
