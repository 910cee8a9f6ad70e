"""Keyed fingerprints of Zoom hosts: how the server recognises "the same Zoom user" without knowing who.

The app must know whether this browser's Zoom user hosts an appointment's meeting before it
acts on a Zoom answer about it, yet keeps no Zoom user id. It stores HMAC(key, user id) with
a key derived from SECRET_KEY: useless without the key, and still recognised while the key
rotates through SECRET_KEY_FALLBACKS.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"simplespa-zoom", info=b"zoom host mark v1").derive(
        secret.encode()
    )


class HostMarks:
    """Make and recognise host fingerprints under the current key and every fallback key."""

    def __init__(self, secret: str, fallbacks: Iterable[str] = ()) -> None:
        self.keys = [_derive(secret), *(_derive(key) for key in fallbacks)]

    def _mark(self, key: bytes, zoom_user_id: str) -> str:
        return hmac.new(key, zoom_user_id.encode(), hashlib.sha256).hexdigest()

    def mark(self, zoom_user_id: str) -> str:
        return self._mark(self.keys[0], zoom_user_id)

    def matches(self, mark: str | None, zoom_user_id: str | None) -> bool:
        """Whether mark was made for zoom_user_id under any known key, compared in constant time."""
        if not mark or not zoom_user_id:
            return False
        found = False
        for key in self.keys:
            found |= hmac.compare_digest(self._mark(key, zoom_user_id).encode(), mark.encode())
        return found
