"""Redirect targets that can only point inside this app."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_target(candidate: str | None, default: str) -> str:
    """candidate when it is a path on this site, else default (no open redirects)."""
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return default
    if any(ord(char) < 0x20 or char in "\\\x7f" for char in candidate):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return candidate
