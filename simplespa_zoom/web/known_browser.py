"""The known-browser mark: a long-lived encrypted cookie naming the staff accounts this browser signed in to.

A browser that signed in to an account before is held back only by its own failures (see
book/sign_in_guard), so strangers guessing that account's password never keep its staff out.
The mark lives apart from the session, which ends after 8 idle hours, at sign-out or when a
password changes: only a successful sign-in writes it, and no other response touches it.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass

from flask import Response, current_app, request

from simplespa_zoom.web.session import SessionCrypto

LIFETIME = 400 * 24 * 3600  # the longest a browser keeps a cookie (Chrome's cap)
MAX_ACCOUNTS = 20  # a shared front-desk browser; the oldest accounts are forgotten first


@dataclass(frozen=True)
class KnownBrowser:
    """This browser's own id (None: never signed in here) and the accounts it signed in to."""

    id: str | None = None
    staff: tuple[int, ...] = ()


def cookie_name() -> str:
    """`__Host-` over TLS, as the session: only this host over https may set or read it."""
    return "__Host-known-browser" if current_app.config["SESSION_COOKIE_SECURE"] else "known-browser"


def _crypto() -> SessionCrypto:
    return current_app.session_interface.crypto  # type: ignore[attr-defined, no-any-return]


def read() -> KnownBrowser:
    """The mark this request brought; an unknown browser for a missing, forged or expired one."""
    name = cookie_name()
    value = request.cookies.get(name)
    opened = _crypto().open(value, name.encode()) if value else None
    if opened is None:
        return KnownBrowser()
    try:
        mark = json.loads(opened[0])
        browser_id, staff, issued = mark["id"], mark["staff"], float(mark["at"])
    except (ValueError, TypeError, KeyError):
        return KnownBrowser()
    well_formed = isinstance(browser_id, str) and isinstance(staff, list) and all(type(i) is int for i in staff)
    if not well_formed or time.time() - issued > LIFETIME:
        return KnownBrowser()
    return KnownBrowser(browser_id, tuple(staff))


def remember(response: Response, known: KnownBrowser, staff_id: int) -> None:
    """After a sign-in: this browser is known to this account too, for another LIFETIME."""
    staff = [*(account for account in known.staff if account != staff_id), staff_id][-MAX_ACCOUNTS:]
    payload = {"id": known.id or secrets.token_urlsafe(12), "staff": staff, "at": time.time()}
    name = cookie_name()
    response.set_cookie(
        name,
        _crypto().seal(json.dumps(payload, separators=(",", ":")).encode(), name.encode()),
        max_age=LIFETIME,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
