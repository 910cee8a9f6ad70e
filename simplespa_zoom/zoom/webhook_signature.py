"""Zoom's webhook signatures: the v0 HMAC over the raw body, and the URL-validation answer."""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_TOLERANCE = 300


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_ok(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float | None = None
) -> bool:
    """Zoom's v0 HMAC over the raw body, compared in constant time, within five minutes."""
    if not timestamp or not signature or not _is_small_number(timestamp):
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TIMESTAMP_TOLERANCE:
        return False
    return hmac.compare_digest(signature_for(secret, timestamp, body).encode(), signature.encode())


def _is_small_number(text: str) -> bool:
    """ASCII digits only ('²' passes str.isdigit), few enough to be a Unix time in seconds."""
    return text.isascii() and text.isdigit() and len(text) <= 12


def validation_answer(secret: str, plain_token: str) -> str:
    """The encryptedToken that proves to Zoom this endpoint knows the secret."""
    return hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()
