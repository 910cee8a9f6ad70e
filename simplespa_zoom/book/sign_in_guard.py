"""Slowing down password guessing without letting anyone lock a staff member out.

Failures count per client address, and per email from that address, each with a delay that
doubles past a few tries; an IPv6 /64 (one subscriber's network, which hands out addresses by
the billion) counts as one address. Nobody can lock an email from somewhere else, and a browser
that has signed in to that account before (its known-browser mark) is held back by its own
failures only, never by what any address did. A refused attempt is not counted, so hammering
a pause does not extend it. The table is bounded in age and size, and the email is cut to an
address's maximum length and folded to one case before it is kept.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select

from simplespa_zoom.book.schema import sign_in_failures as failures

WINDOW = 60 * 60
MAX_EMAIL = 254
MAX_ROWS = 10_000
FIRST_DELAY = 15.0
LONGEST_DELAY = 15 * 60.0


@dataclass(frozen=True)
class Limit:
    """After `free` failures within the window, each next try waits FIRST_DELAY, doubling, at most LONGEST_DELAY."""

    free: int

    def wait(self, failures: int, last_failure: float | None, now: float) -> float:
        if failures < self.free or last_failure is None:
            return 0.0
        delay = min(LONGEST_DELAY, FIRST_DELAY * 2 ** min(failures - self.free, 16))
        return max(0.0, last_failure + delay - now)


PER_EMAIL_AND_ADDRESS = Limit(5)
PER_ADDRESS = Limit(20)
PER_EMAIL_ANYWHERE = Limit(50)  # distributed guessing; browsers that signed in before are exempt


def cut_email(email: str) -> str:
    return email.strip()[:MAX_EMAIL]


def email_key(email: str) -> str:
    """The email as failures are counted: cut, and in one case (sign-in ignores case)."""
    return cut_email(email).lower()


def client_key(client: str) -> str:
    """Where a client's failures are counted: its IPv4 address, its IPv6 /64, or a browser's own id."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def seconds_to_wait(db: Connection, email: str, client: str, now: float, *, known_browser: bool) -> float:
    """How long this client must wait before trying this email again (0: go ahead).

    `client` is the address, or for a browser that signed in to this account before its own
    id: such a browser is held back only by its own failures, whatever its address shares.
    """
    since, email = now - WINDOW, email_key(email)
    same_email = failures.c.email == email
    row = db.execute(
        select(
            func.count().filter(same_email),
            func.max(failures.c.failed_at).filter(same_email),
            func.count(),
            func.max(failures.c.failed_at),
        ).where(failures.c.address == client_key(client), failures.c.failed_at > since)
    ).one()
    waits = [PER_EMAIL_AND_ADDRESS.wait(row[0], row[1], now)]
    if not known_browser:
        anywhere = db.execute(
            select(func.count(), func.max(failures.c.failed_at)).where(same_email, failures.c.failed_at > since)
        ).one()
        waits += [PER_ADDRESS.wait(row[2], row[3], now), PER_EMAIL_ANYWHERE.wait(anywhere[0], anywhere[1], now)]
    return max(waits)


def record_failure(db: Connection, email: str, address: str, now: float) -> None:
    db.execute(insert(failures).values(email=email_key(email), address=client_key(address), failed_at=now))
    db.execute(delete(failures).where(failures.c.failed_at <= now - WINDOW))
    oldest_kept = (
        select(failures.c.failed_at).order_by(failures.c.failed_at.desc()).offset(MAX_ROWS - 1).limit(1)
    ).scalar_subquery()
    db.execute(delete(failures).where(failures.c.failed_at < oldest_kept))


def forget_failures(db: Connection, email: str, address: str) -> None:
    db.execute(delete(failures).where(failures.c.email == email_key(email), failures.c.address == client_key(address)))
