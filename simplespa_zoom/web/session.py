"""The browser session: the whole session encrypted (AES-GCM) into the cookie.

Zoom tokens live only here, so the cookie is authenticated encryption, not just
signed. Keys come from SECRET_KEY (and SECRET_KEY_FALLBACKS while rotating). The
idle and absolute deadlines sit inside the ciphertext, so they cannot be edited.
A session too large for one cookie is split into numbered chunk cookies.

A response writes the session's cookies only when the request brought them or a view began
a session (the sign-in page, sign-in): a cross-site POST arrives without the SameSite=Lax
cookie, and whatever its answer wrote would replace the browser's real session.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import time
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, Request, Response
from flask import request as current_request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from simplespa_zoom.keys import derive_key

FORMAT = "v1"
PURPOSE = b"session cookie v1"  # the HKDF info that keeps this key apart from every other
NONCE_BYTES = 12
CHUNK_CHARS = 3800
MAX_CHUNKS = 6
SEEN_RESOLUTION = 600
_CHUNK_COUNTS = frozenset(str(count) for count in range(1, MAX_CHUNKS + 1))


class EncryptedSession(CallbackDict, SessionMixin):
    """Session data plus the two deadlines that guard it."""

    def __init__(
        self, data: dict[str, Any] | None = None, *, created: float, seen: float, received: bool = False
    ) -> None:
        def on_update(session: EncryptedSession) -> None:
            session.modified = True  # (Flask marks it accessed: it is only reached through flask.session)

        super().__init__(data or {}, on_update)
        self.created = created
        self.seen = seen
        self.modified = False
        self.needs_rewrite = False
        self.received = received  # the request brought this session's cookie (valid or not)
        self.started = False
        self.held = False

    @property
    def writable(self) -> bool:
        """Whether this response may write the session's cookies: never one it did not receive,
        unless a view began a session here; never on a refused request."""
        return (self.received or self.started) and not self.held

    def start(self) -> None:
        """Begin a session for a browser that brought none (the sign-in page needs one for its token)."""
        self.started = True

    def hold(self) -> None:
        """Write no cookie at all in this response (a refused request)."""
        self.held = True

    def restart(self) -> None:
        """Start a fresh session (sign-in): new creation time, nothing carried over."""
        self.clear()
        self.created = self.seen = time.time()
        self.started = True


class SessionCrypto:
    """Seal and open session payloads with the current key, accepting older ones."""

    def __init__(self, secret: str, fallbacks: Iterable[str] = ()) -> None:
        self.current = AESGCM(derive_key(secret, PURPOSE))
        self.older = [AESGCM(derive_key(key, PURPOSE)) for key in fallbacks]

    def seal(self, payload: bytes, associated: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self.current.encrypt(nonce, payload, associated)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()

    def open(self, token: str, associated: bytes) -> tuple[bytes, bool] | None:
        """The payload and whether an older key opened it; None if nothing opens it."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))  # pragma: no mutate
        except (binascii.Error, ValueError):
            return None
        nonce, ciphertext = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        if len(nonce) != NONCE_BYTES:
            return None
        for index, key in enumerate([self.current, *self.older]):
            try:
                return key.decrypt(nonce, ciphertext, associated), index > 0
            except InvalidTag:
                continue
        return None


class EncryptedCookieSessionInterface(SessionInterface):
    """Flask SessionInterface storing the encrypted session in one or more cookies.

    The session holds only JSON types (ids, tokens, numbers, flashed messages), so plain
    JSON serialises it: it is smaller and much faster than Flask's tagged JSON.
    """

    def __init__(self, crypto: SessionCrypto) -> None:
        self.crypto = crypto

    def open_session(self, app: Flask, request: Request) -> EncryptedSession:
        now = time.time()
        received = bool(_own_cookies(request.cookies, self.get_cookie_name(app)))
        opened = self._read(app, request)
        if opened is None:
            return EncryptedSession(created=now, seen=now, received=received)
        data, created, seen, old_key = opened
        if now - created > app.config["SESSION_ABSOLUTE_LIFETIME"] or now - seen > app.config["SESSION_IDLE_TIMEOUT"]:
            expired = EncryptedSession(created=now, seen=now, received=True)
            expired.needs_rewrite = True
            return expired
        session = EncryptedSession(data, created=created, seen=seen, received=True)
        if old_key or now - seen > SEEN_RESOLUTION:
            session.seen = now
            session.needs_rewrite = True
        return session

    def _read(self, app: Flask, request: Request) -> tuple[dict[str, Any], float, float, bool] | None:
        """The data, when the session began and was last seen, and whether an older key opened it."""
        name = self.get_cookie_name(app)
        value = _read_chunks(_own_cookies(request.cookies, name), name)
        opened = None if value is None else self.crypto.open(value, name.encode())
        if opened is None:
            return None
        payload, old_key = opened
        try:
            deadlines, _, body = payload.decode().partition("\n")  # pragma: no mutate
            created, seen = (float(value) for value in json.loads(deadlines))
            data = json.loads(body)
        except (ValueError, TypeError, UnicodeDecodeError):
            return None
        return (data, created, seen, old_key) if isinstance(data, dict) else None

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, EncryptedSession)
        name = self.get_cookie_name(app)
        if session.accessed:
            response.vary.add("Cookie")
        if not (session.modified or session.needs_rewrite) or not session.writable:
            return
        present = set(_own_cookies(current_request.cookies, name))
        if not session:
            for cookie in present:
                self._delete(app, response, cookie)
            return
        payload = f"[{session.created},{session.seen}]\n{json.dumps(dict(session), separators=(',', ':'))}"
        value = self.crypto.seal(payload.encode(), name.encode())
        chunks = _split(name, value)
        expires = session.created + app.config["SESSION_ABSOLUTE_LIFETIME"]
        for cookie_name, chunk in chunks:
            response.set_cookie(
                cookie_name,
                chunk,
                expires=expires,
                secure=self.get_cookie_secure(app),
                httponly=True,
                samesite=self.get_cookie_samesite(app),
            )
        written = {cookie_name for cookie_name, _ in chunks}
        for cookie in present - written:
            self._delete(app, response, cookie)

    def _delete(self, app: Flask, response: Response, cookie: str) -> None:
        """Expire a cookie with the attributes it was set with, so every browser replaces it."""
        response.delete_cookie(
            cookie, secure=self.get_cookie_secure(app), httponly=True, samesite=self.get_cookie_samesite(app)
        )


def _chunk_name(name: str, index: int) -> str:
    return name if index == 0 else f"{name}-{index}"


def _split(name: str, value: str) -> list[tuple[str, str]]:
    """Cookie names and values; the first carries the format and the chunk count."""
    pieces = [value[i : i + CHUNK_CHARS] for i in range(0, len(value), CHUNK_CHARS)]
    if len(pieces) > MAX_CHUNKS:
        raise ValueError("session too large to store in cookies")
    pieces[0] = f"{FORMAT}.{len(pieces)}.{pieces[0]}"
    return [(_chunk_name(name, index), piece) for index, piece in enumerate(pieces)]


def _own_cookies(cookies: Mapping[str, str], name: str) -> dict[str, str]:
    """This session's cookies: name and its chunks name-1, name-2, …"""
    return {key: value for key, value in cookies.items() if key == name or key.startswith(f"{name}-")}


def _read_chunks(cookies: dict[str, str], name: str) -> str | None:
    head = cookies.get(name)
    if not head:
        return None
    version, _, rest = head.partition(".")
    count_text, _, first = rest.partition(".")  # pragma: no mutate
    if version != FORMAT or count_text not in _CHUNK_COUNTS:
        return None
    parts = [first]
    for index in range(1, int(count_text)):  # one ASCII digit, checked above
        part = cookies.get(_chunk_name(name, index))
        if part is None:
            return None
        parts.append(part)
    return "".join(parts)
