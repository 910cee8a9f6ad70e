"""How often an open page asks the app who is in its meetings: often only where something can happen soon.

Every open page polls (static/js/presence.js), and a chain's front desks keep several open all day. Near an
appointment (from BEFORE its start to AFTER its end) or while its presence is live, a client may arrive at any
moment, so the page asks every NEAR_SECONDS; elsewhere it asks every ELSEWHERE_SECONDS, which still brings any
change to the page (a new link, a deletion, a letter sent) within half a minute. The server tells the page, from
the database alone, so every server gives the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

NEAR_SECONDS = 2
ELSEWHERE_SECONDS = 20
BEFORE = timedelta(minutes=15)  # clients join the waiting room a little early
AFTER = timedelta(minutes=15)  # … and meetings run over


class Watched(NamedTuple):
    """An appointment a page shows, as far as the poll's pace goes."""

    starts_at: datetime
    duration_minutes: int
    live: bool  # its session has marks and has not ended


def near(watched: Watched, now: datetime) -> bool:
    """Whether something may happen in the appointment's meeting soon (with or without a meeting yet: staff add
    one as the client is due, and the page then follows its events at once)."""
    if watched.live:
        return True
    end = watched.starts_at + timedelta(minutes=watched.duration_minutes)
    return watched.starts_at <= now + BEFORE and now - AFTER <= end  # (no year overflows)


def next_poll_seconds(shown: Iterable[Watched], now: datetime) -> int:
    """When a page showing these appointments should ask again."""
    return NEAR_SECONDS if any(near(watched, now) for watched in shown) else ELSEWHERE_SECONDS
