"""What the Zoom stand-in remembers: OAuth codes and tokens, users, meetings, faults.

Behaviour follows shared/zoom-contract.md: single-use five-minute codes, PKCE,
strict refresh-token rotation, one valid token set per user, JWT-shaped tokens of
realistic length, Zoom's status codes and error bodies, the daily create limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

CODE_LIFETIME = 300
DAILY_WRITE_LIMIT = 100
BASIC, LICENSED = 1, 2
# Zoom support article 201362373: a non-recurring meeting's ID expires 30 days after its date.
MEETING_ID_LIFETIME = 30 * 24 * 3600
# Zoom's host start link (start_url) logs anyone in as the host and expires two hours after it is issued.
START_LINK_LIFETIME = 2 * 3600
ALL_SCOPES = (
    "meeting:write:meeting",
    "meeting:read:meeting",
    "meeting:read:list_meetings",
    "meeting:update:meeting",
    "meeting:delete:meeting",
    "meeting:write:registrant",
    "user:read:user",
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class ClientApp:
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    webhook_url: str | None = None
    webhook_secret: str | None = None
    name: str = "SimpleSpa Zoom Connector"
    # The scopes the app's admin configured in the Marketplace: what every token it gets carries.
    scopes: list[str] = field(default_factory=lambda: list(ALL_SCOPES))


@dataclass
class User:
    id: str
    email: str
    first_name: str
    last_name: str
    account_type: int = BASIC
    timezone: str = "UTC"
    pmi: int = 5551234567
    account_id: str = "acct_sandbox"
    authorized_clients: set[str] = field(default_factory=set)
    # Join links come on many hosts (us05web.zoom.us, acme.zoom.us, zoom.com, zoomgov.com).
    join_host: str = "https://us05web.zoom.us"
    # Registrant links are /w/<id>?tk=… or /j/<id>?tk=…, depending on the account.
    registrant_path: str = "w"


@dataclass
class Grant:
    user_id: str
    client_id: str
    access_token: str
    refresh_token: str
    access_expires_at: float
    scopes: frozenset[str] = frozenset(ALL_SCOPES)


@dataclass
class Fault:
    """One injected failure: matches method and path prefix, for `remaining` requests.

    Kind "late" does the request's work, then holds its answer for `retry_after` seconds (default 5)
    or until `SandboxState.release_late_answers()`: a slow Zoom, or one whose answer arrives after
    the client stopped waiting (the meeting exists, the app never heard of it).
    """

    method: str
    path_prefix: str
    kind: str
    remaining: int = 1
    retry_after: str | None = None


class OAuthFailure(Exception):
    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.error, self.reason = status, error, reason


class ApiFailure(Exception):
    def __init__(self, status: int, code: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


class SandboxState:
    """All of the stand-in's memory, guarded by one lock."""

    def __init__(self, *, token_length: int = 1100, token_lifetime: int = 3599) -> None:
        self.lock = threading.RLock()
        self.signing_key = secrets.token_bytes(32)
        self.token_length = token_length
        self.token_lifetime = token_lifetime
        self.clock_offset = 0.0
        self.latency_ms = 0
        self.clients: dict[str, ClientApp] = {}
        self.users: dict[str, User] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.grants: list[Grant] = []
        self.meetings: dict[int, dict[str, Any]] = {}
        self.start_links: dict[str, tuple[int, float]] = {}  # zak -> (meeting id, when it was issued)
        self.page_tokens: dict[str, int] = {}
        self.writes: dict[tuple[str, str], int] = {}
        self.faults: list[Fault] = []
        self.late_answers = threading.Event()  # set: answers held by "late" faults go out now
        self.calls: list[dict[str, Any]] = []
        self.webhooks_sent: list[dict[str, Any]] = []
        self.daily_write_limit = DAILY_WRITE_LIMIT
        self.emails_sent: list[dict[str, Any]] = []
        # The user's regional API cluster, as the token response's api_url names it.
        self.api_url = "https://api.zoom.us"
        # Zoom's authorize page may redirect between its own hosts (zoom.us → us05web.zoom.us).
        self.authorize_hop_host: str | None = None
        self.current_user_id = "sandbox-host"
        self.add_user(User(self.current_user_id, "host@spa.example", "Sam", "Host"))

    def now(self) -> float:
        return time.time() + self.clock_offset

    def add_user(self, user: User) -> None:
        with self.lock:
            self.users[user.id] = user

    def current_user(self) -> User:
        return self.users[self.current_user_id]

    def register_client(self, client: ClientApp) -> None:
        with self.lock:
            self.clients[client.client_id] = client

    # --- OAuth -----------------------------------------------------------------------

    def check_authorize(self, client_id: str, redirect_uri: str) -> ClientApp:
        client = self.clients.get(client_id)
        if client is None:
            raise OAuthFailure(400, "invalid_client", "Invalid client_id")
        if redirect_uri not in client.redirect_uris:
            raise OAuthFailure(400, "invalid_request", "Invalid redirect: the redirect URL is not on the allow list")
        return client

    def issue_code(self, client_id: str, redirect_uri: str, challenge: str | None, method: str) -> str:
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "challenge": challenge,
                "method": method or "plain",
                "user_id": self.current_user_id,
                "expires_at": self.now() + CODE_LIFETIME,
            }
        return code

    def authenticate_client(self, client_id: str | None, client_secret: str | None) -> ClientApp:
        client = self.clients.get(client_id or "")
        if client is None or not hmac.compare_digest((client_secret or "").encode(), client.client_secret.encode()):
            raise OAuthFailure(400, "invalid_client", "Invalid client_id or client_secret")
        return client

    def exchange_code(self, client: ClientApp, code: str, redirect_uri: str, verifier: str | None) -> dict[str, Any]:
        with self.lock:
            entry = self.codes.pop(code, None)
            if entry is None or entry["expires_at"] < self.now() or entry["client_id"] != client.client_id:
                raise OAuthFailure(400, "invalid_grant", "Invalid authorization code")
            if entry["redirect_uri"] != redirect_uri:
                raise OAuthFailure(400, "invalid_grant", "Redirect URI mismatch.")
            if entry["challenge"] is not None and not _pkce_ok(entry["challenge"], entry["method"], verifier):
                raise OAuthFailure(400, "invalid_grant", "Invalid code verifier")
            user = self.users[entry["user_id"]]
            # Authorizing again revokes every earlier token of this user for this app.
            self.grants = [g for g in self.grants if not (g.user_id == user.id and g.client_id == client.client_id)]
            user.authorized_clients.add(client.client_id)
            return self._issue(user.id, client.client_id)

    def refresh(self, client: ClientApp, refresh_token: str) -> dict[str, Any]:
        with self.lock:
            grant = next((g for g in self.grants if g.refresh_token == refresh_token), None)
            if grant is None or grant.client_id != client.client_id:
                raise OAuthFailure(400, "invalid_grant", "Invalid Token!")
            self.grants.remove(grant)
            return self._issue(grant.user_id, grant.client_id)

    def _issue(self, user_id: str, client_id: str) -> dict[str, Any]:
        access = self._jwt(user_id, client_id, "access")
        refresh = self._jwt(user_id, client_id, "refresh")
        scopes = frozenset(self.clients[client_id].scopes)
        # One valid token set per user and app: a new one replaces the previous.
        self.grants = [g for g in self.grants if not (g.user_id == user_id and g.client_id == client_id)]
        self.grants.append(Grant(user_id, client_id, access, refresh, self.now() + self.token_lifetime, scopes))
        return {
            "access_token": access,
            "token_type": "bearer",
            "refresh_token": refresh,
            "expires_in": self.token_lifetime,
            "scope": " ".join(scope for scope in ALL_SCOPES if scope in scopes),
            "api_url": self.api_url,
        }

    def _jwt(self, user_id: str, client_id: str, kind: str) -> str:
        header = _b64(json.dumps({"alg": "HS512", "v": "2.0", "kid": secrets.token_hex(8)}).encode())
        now = int(self.now())
        claims: dict[str, Any] = {
            "ver": 10,
            "auid": secrets.token_hex(16),
            "code": secrets.token_urlsafe(16),
            "iss": "zm:cid:" + client_id,
            "gno": 0,
            "type": 0 if kind == "access" else 1,
            "tid": 0,
            "aud": "https://oauth.zoom.us",
            "uid": user_id,
            "nbf": now,
            "exp": now + self.token_lifetime,
            "iat": now,
            "aid": "sandbox",
            "jti": secrets.token_hex(16),
        }
        body = _b64(json.dumps(claims).encode())
        budget = self.token_length - len(header) - len(body) - 88 - 2
        if budget > 20:
            claims["sandbox_pad"] = secrets.token_urlsafe(budget * 3 // 4)[: max(0, budget * 3 // 4 - 20)]
            body = _b64(json.dumps(claims).encode())
        signature = _b64(hmac.new(self.signing_key, f"{header}.{body}".encode(), hashlib.sha512).digest())
        return f"{header}.{body}.{signature}"

    def revoke(self, client: ClientApp, token: str) -> str | None:
        """Revoke a user's tokens (and uninstall the app for them); returns the user id."""
        with self.lock:
            grant = next((g for g in self.grants if token in (g.access_token, g.refresh_token)), None)
            if grant is None or grant.client_id != client.client_id:
                return None
            return self.uninstall(grant.user_id, client.client_id)

    def uninstall(self, user_id: str, client_id: str) -> str:
        with self.lock:
            self.grants = [g for g in self.grants if not (g.user_id == user_id and g.client_id == client_id)]
            self.users[user_id].authorized_clients.discard(client_id)
            return user_id

    def user_for_token(self, token: str | None, scope: str | None = None) -> User:
        """The token's user; 401/124 for a dead token, 400/4711 when it lacks the call's scope."""
        with self.lock:
            grant = next((g for g in self.grants if g.access_token == token), None) if token else None
            if grant is None:
                raise ApiFailure(401, 124, "Invalid access token.")
            if grant.access_expires_at < self.now():
                raise ApiFailure(401, 124, "Access token is expired.")
            if scope is not None and scope not in grant.scopes:
                raise ApiFailure(400, 4711, f"Invalid access token, does not contain scopes:[{scope}].")
            return self.users[grant.user_id]

    def allow(self, user: User, client_id: str) -> None:
        with self.lock:
            user.authorized_clients.add(client_id)

    def has_authorized(self, user: User, client_id: str) -> bool:
        """Zoom asks for consent only once: an app the user already allowed skips the page."""
        with self.lock:
            return client_id in user.authorized_clients

    def expire_access_tokens(self) -> None:
        """Test switch: every current access token is past its hour."""
        with self.lock:
            for grant in self.grants:
                grant.access_expires_at = self.now() - 1

    # --- faults and the call log ---------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method in (method, "*") and path.startswith(fault.path_prefix):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def release_late_answers(self) -> None:
        """Send every answer a "late" fault holds, and hold no more until `hold_late_answers()`."""
        self.late_answers.set()

    def hold_late_answers(self) -> None:
        self.late_answers.clear()

    def log_call(self, method: str, path: str) -> dict[str, Any]:
        """Record a request as it arrives; its status is filled in when it is answered."""
        call = {"method": method, "path": path, "status": None, "at": self.now()}
        with self.lock:
            self.calls.append(call)
        return call

    # --- meetings ----------------------------------------------------------------------

    def count_write(self, user: User) -> None:
        day = time.strftime("%Y-%m-%d", time.gmtime(self.now()))
        with self.lock:
            used = self.writes.get((user.id, day), 0)
            if used >= self.daily_write_limit:
                raise ApiFailure(
                    429,
                    429,
                    f"You have exceeded the daily rate limit ({self.daily_write_limit}) of Meeting Create/Update "
                    "API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.",
                    {
                        "X-RateLimit-Type": "Daily-limit",
                        "X-RateLimit-Limit": str(self.daily_write_limit),
                        "X-RateLimit-Remaining": "0",
                    },
                )
            self.writes[(user.id, day)] = used + 1

    def new_meeting_id(self) -> int:
        with self.lock:
            while True:
                meeting_id = 8 * 10**10 + secrets.randbelow(2 * 10**10)
                if meeting_id not in self.meetings:
                    return meeting_id

    def issue_start_link(self, meeting_id: int) -> str:
        """A new host key (zak) for the meeting's start link; each read of the meeting issues one."""
        zak = secrets.token_urlsafe(120)
        with self.lock:
            self.start_links[zak] = (meeting_id, self.now())
        return zak

    def start_with(self, meeting_id: int, zak: str) -> dict[str, Any] | None:
        """Start the meeting as its host with a start link's key: None when the key is unknown, for another
        meeting, older than its two hours, or the meeting is gone."""
        with self.lock:
            issued = self.start_links.get(zak)
            meeting = self.meetings.get(meeting_id)
            if (
                issued is None
                or issued[0] != meeting_id
                or meeting is None
                or self.now() - issued[1] > START_LINK_LIFETIME
            ):
                return None
            meeting["status"] = "started"
            return meeting

    def page_token(self, offset: int) -> str:
        """Zoom's opaque next_page_token (valid 15 minutes there; here for the stand-in's life)."""
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.page_tokens[token] = offset
        return token

    def page_offset(self, token: str) -> int | None:
        with self.lock:
            return self.page_tokens.get(token)

    def meetings_of(self, user_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return sorted(
                (m for m in self.meetings.values() if m["host_id"] == user_id),
                key=lambda m: m["_start"],
            )

    def meeting_for(self, user: User, meeting_id: int, *, gone_code: int = 3001) -> dict[str, Any]:
        """The user's own live meeting; another user's, a deleted or an expired one all look unknown."""
        meeting = self.meetings.get(meeting_id)
        expired = (
            meeting is not None and self.now() > meeting["_start"] + 60 * meeting["duration"] + MEETING_ID_LIFETIME
        )
        if meeting is None or meeting["host_id"] != user.id or expired:
            message = (
                f"Meeting does not exist: {meeting_id}."
                if gone_code == 3001
                else f"Meeting does not exist: {meeting_id}"
            )
            raise ApiFailure(404, gone_code, message)
        return meeting


def _pkce_ok(challenge: str, method: str, verifier: str | None) -> bool:
    if not verifier:
        return False
    if method == "S256":
        computed = _b64(hashlib.sha256(verifier.encode()).digest())
        return hmac.compare_digest(computed, challenge)
    return hmac.compare_digest(verifier, challenge)
