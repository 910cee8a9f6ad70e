"""Keys derived from SECRET_KEY, in one place: one HKDF, a separate key for each purpose."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_key(secret: str, purpose: bytes) -> bytes:
    """A 256-bit key for one purpose (HKDF-SHA256): it reveals nothing of the secret or of another purpose's key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"simplespa-zoom", info=purpose).derive(secret.encode())
