"""Checking the day's meetings together: one request from the day list, the single check's rules on every row.

Rows whose check needs the provider (the app's own line, not ended) are checked a few at a time: each
check waits for one of the provider's call slots like any other request (so the day's check never
holds more of them than the provider allows a process), checks start no faster than the provider's
per-second limit, all within one deadline, and at most DAY_CHECK_MAX of them; the others say why they
were not checked. Every other row gets its answer from the same rules without a provider call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol, TypeVar

from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.errors import NoMeeting
from simplespa_zoom.meetings.following import Check, CheckMeeting, CheckState, checked_as
from simplespa_zoom.meetings.ports import Clock, MeetingProvider, ProviderSlow

T = TypeVar("T")

DAY_CHECK_MAX = 30  # rows checked with the provider per request: the day list's bound on provider calls
DAY_CHECK_TOGETHER = 2  # rows in flight at once
DAY_CHECK_SECONDS = 12.0  # the whole day's check, waiting for slots included


class Together(Protocol):
    """Runs tasks with at most at_once of them at a time; their results in order, or the first task's error."""

    def __call__(self, tasks: Sequence[Callable[[], T]], at_once: int) -> list[T]: ...


@dataclass
class Pacer:
    """Spaces the starts of calls made together so they stay under a per-second limit."""

    per_second: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_turn(self) -> None:
        with self._lock:
            now = self.clock()
            turn = max(now, self._next)
            self._next = turn + 1 / self.per_second
        if turn > now:
            self.sleep(turn - now)


@dataclass(frozen=True)
class CheckDay:
    """The single check on each of a day's appointments that have a meeting, the provider's ones together."""

    provider: MeetingProvider
    checking: CheckMeeting
    now: Clock

    def check_day(self, appointments: Sequence[Appointment], together: Together) -> list[Check]:
        now = self.now()
        deadline = time.monotonic() + DAY_CHECK_SECONDS
        pacer = Pacer(self.provider.calls_per_second)
        asked = 0
        tasks: list[Callable[[], Check | None]] = []
        for appointment in appointments:
            if appointment.meeting_line is None:
                continue
            settled = self.checking.settled(appointment, now)
            if settled is not None:
                tasks.append(partial(_as_is, settled))  # the rules answer without a provider call
            elif asked < DAY_CHECK_MAX:
                asked += 1
                tasks.append(partial(self._ask, appointment, deadline, pacer))
            else:
                tasks.append(
                    partial(checked_as, appointment, CheckState.UNCHECKED, "day_check_limit", limit=DAY_CHECK_MAX)
                )
        return [check for check in together(tasks, DAY_CHECK_TOGETHER) if check is not None]

    def _ask(self, appointment: Appointment, deadline: float, pacer: Pacer) -> Check | None:
        """The row's check once a call slot is free and its turn under the rate limit has come."""
        pacer.wait_turn()
        left = deadline - time.monotonic()
        if left <= 0:
            return checked_as(appointment, CheckState.UNCHECKED, "meeting_check_slow")
        try:
            with self.provider.within(left, wait=left):
                return self._check(appointment.id)
        except ProviderSlow:
            return checked_as(appointment, CheckState.UNCHECKED, "meeting_check_slow")

    def _check(self, appointment_id: int) -> Check | None:
        try:
            return self.checking.check(appointment_id)
        except NoMeeting:  # its line was removed meanwhile: nothing to show
            return None


def _as_is(check: Check) -> Check:
    return check
