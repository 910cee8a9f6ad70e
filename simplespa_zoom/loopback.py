"""The loopback rule, in one place: plain http only to this machine (the local Zoom stand-in, a demo)."""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str | None) -> bool:
    return (host or "").lower() in LOOPBACK_HOSTS


def https_or_loopback(url: str) -> bool:
    """An https URL, or a plain http one that never leaves this machine."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname))
