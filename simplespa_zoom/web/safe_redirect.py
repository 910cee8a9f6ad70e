"""Redirect targets that can only point inside this app."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_TARGET = 512


def local_target(candidate: str | None, default: str) -> str:
    """candidate when it is a short path on this site, else default (no open redirects, no cookie bloat)."""
    if (
        not candidate
        or len(candidate) > MAX_TARGET
        or not candidate.startswith("/")
        or candidate.startswith(("//", "/\\"))
    ):
        return default
    if any(ord(char) < 0x20 or char in "\\\x7f" for char in candidate):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return candidate
