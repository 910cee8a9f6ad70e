"""Keyed fingerprints of Zoom hosts: how the server recognises "the same Zoom user" without knowing who.

The app must know whether this browser's Zoom user hosts an appointment's meeting before it
acts on a Zoom answer about it, yet keeps no Zoom user id. It stores HMAC(key, user id) with
a key derived from SECRET_KEY: useless without the key, and still recognised while the key
rotates through SECRET_KEY_FALLBACKS.

The same keys make each appointment's reference, which the app writes into the agenda of the
meeting it creates: an opaque tag that names no client and cannot be turned back into the
appointment's id, yet lets the app find that meeting again when Zoom's answer to the create was lost.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from simplespa_zoom.keys import derive_key

REFERENCE_DIGITS = 24  # 96 bits of the keyed digest: no two appointments share one


def _derive(secret: str) -> bytes:
    return derive_key(secret, b"zoom host mark v1")


class HostMarks:
    """Make and recognise host fingerprints under the current key and every fallback key."""

    def __init__(self, secret: str, fallbacks: Iterable[str] = ()) -> None:
        self.keys = [_derive(secret), *(_derive(key) for key in fallbacks)]

    def _mark(self, key: bytes, user_id: str) -> str:
        return hmac.new(key, user_id.encode(), hashlib.sha256).hexdigest()

    def mark(self, user_id: str) -> str:
        return self._mark(self.keys[0], user_id)

    def every_mark(self, user_id: str) -> list[str]:
        """The user's fingerprint under every known key, as rows written before a key rotation hold it."""
        return [self._mark(key, user_id) for key in self.keys]

    def matches(self, mark: str | None, user_id: str | None) -> bool:
        """Whether mark was made for user_id under any known key, compared in constant time."""
        if not mark or not user_id:
            return False
        found = False
        for key in self.keys:
            found |= hmac.compare_digest(self._mark(key, user_id).encode(), mark.encode())
        return found

    def _reference(self, key: bytes, appointment_id: int) -> str:
        digest = hmac.new(key, f"appointment {int(appointment_id)}".encode(), hashlib.sha256).hexdigest()
        return f"ref {digest[:REFERENCE_DIGITS]}"

    def references(self, appointment_id: int) -> list[str]:
        """The appointment's reference under the current key and every fallback key."""
        return [self._reference(key, appointment_id) for key in self.keys]

    def agenda(self, appointment_id: int) -> str:
        """The agenda of the meeting created for this appointment: the reference, well within the 250
        characters Zoom's list of meetings keeps of an agenda."""
        return f"Booked with SimpleSpa ({self._reference(self.keys[0], appointment_id)})."
