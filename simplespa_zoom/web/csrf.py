"""CSRF protection: a secret in the encrypted session, a masked copy of it in every page.

The session cookie is already authenticated encryption with its own deadlines, so the
token needs no signature or timestamp of its own: the whole check is a constant-time
comparison of the submitted copy with the session's secret. (Flask-WTF's signed, timed
token cost ~90 µs per request and parsed the body of every JSON call; this costs ~3 µs.)

Each page gets the secret XOR a fresh random pad, so the token in compressed HTML changes
with every response (no BREACH-style guessing). An Origin header, which browsers send on
every POST, must name this site; a Referer is never required, as pages send none.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import secrets

from flask import Blueprint, Flask, g, request, session
from werkzeug.exceptions import BadRequest

log = logging.getLogger(__name__)

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
# The page script's X-CSRFToken header, and the Origin header, as the WSGI environ names them:
# read there, as Werkzeug's header lookup raises and catches an exception for every absent header.
HEADER_KEY = "HTTP_X_CSRFTOKEN"
ORIGIN_KEY = "HTTP_ORIGIN"
SECRET_BYTES = 32
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CSRFError(BadRequest):
    """A state-changing request without this session's token, or from another site."""

    description = "The request could not be verified as coming from this site's own page."


def _secret() -> bytes | None:
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, str):
        return None
    try:
        secret = base64.urlsafe_b64decode(stored)
    except (binascii.Error, ValueError):
        return None
    return secret if len(secret) == SECRET_BYTES else None


def csrf_token() -> str:
    """The token for this response's forms and meta tag: one masked copy per request."""
    token = g.get("csrf_token")
    if token is None:
        secret = _secret()
        if secret is None:
            secret = secrets.token_bytes(SECRET_BYTES)
            session[SESSION_KEY] = base64.urlsafe_b64encode(secret).decode()
        pad = secrets.token_bytes(SECRET_BYTES)
        token = g.csrf_token = base64.urlsafe_b64encode(pad + _xor(pad, secret)).decode()
    return token


def _unmask(token: str) -> bytes | None:
    try:
        raw = base64.urlsafe_b64decode(token)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 2 * SECRET_BYTES:
        return None
    return _xor(raw[:SECRET_BYTES], raw[SECRET_BYTES:])


def _xor(pad: bytes, data: bytes) -> bytes:
    return (int.from_bytes(pad) ^ int.from_bytes(data)).to_bytes(len(data))


def _failure() -> str | None:
    """Why this request fails the check, or None when it passes."""
    origin = request.environ.get(ORIGIN_KEY)
    if origin is not None and origin != f"{request.scheme}://{request.host}":
        return f"Origin {origin!r} is not this site"
    secret = _secret()
    if secret is None:
        return "the session has no CSRF secret"
    submitted = request.environ.get(HEADER_KEY) or request.form.get(FORM_FIELD)
    if not submitted:
        return "the token is missing"
    unmasked = _unmask(submitted)
    if unmasked is None or not hmac.compare_digest(unmasked, secret):
        return "the token does not match the session"
    return None


class CSRFProtect:
    """Check every state-changing request, except in blueprints that authenticate otherwise."""

    def __init__(self) -> None:
        self._exempt: set[str] = set()

    def init_app(self, app: Flask) -> None:
        app.before_request(self.protect)
        app.jinja_env.globals["csrf_token"] = csrf_token

    def exempt(self, blueprint: Blueprint) -> None:
        self._exempt.add(blueprint.name)

    def protect(self) -> None:
        if request.method in SAFE_METHODS or not request.endpoint or request.blueprint in self._exempt:
            return
        reason = _failure()
        if reason is not None:
            log.info("Refused %s %s: %s", request.method, request.path, reason)
            raise CSRFError()
