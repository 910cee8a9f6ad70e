"""Checking the day's meetings together: one request from the day list, the single check's rules on every row.

Rows whose check needs the provider (the app's own line, not ended) are checked a few at a time, and
none of them waits for the provider: a row takes one of the provider's call slots only if one is
free now, and its turn under the per-second limit (shared by every request of the process) only if
it comes before the deadline; all within one deadline for the whole request, and at most
DAY_CHECK_MAX of them. The others say they were checked later, or why they were not checked. Every
other row gets its answer from the same rules without a provider call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol, TypeVar

from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.errors import NoMeeting
from simplespa_zoom.meetings.following import Check, CheckMeeting, CheckState, checked_as
from simplespa_zoom.meetings.ports import Clock, MeetingProvider, ProviderSlow

T = TypeVar("T")

DAY_CHECK_MAX = 30  # rows checked with the provider per request: the day list's bound on provider calls
DAY_CHECK_TOGETHER = 2  # rows in flight at once
DAY_CHECK_SECONDS = 12.0  # the whole request, from its start to its last answer


class Together(Protocol):
    """Runs tasks with at most at_once of them at a time; their results in order, or the first task's error."""

    def __call__(self, tasks: Sequence[Callable[[], T]], at_once: int) -> list[T]: ...


@dataclass(frozen=True)
class CheckDay:
    """The single check on each of a day's appointments that have a meeting, the provider's ones together."""

    provider: MeetingProvider
    checking: CheckMeeting
    now: Clock

    def check_day(self, appointments: Sequence[Appointment], together: Together) -> list[Check]:
        now = self.now()
        deadline = time.monotonic() + DAY_CHECK_SECONDS
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
                tasks.append(partial(self._ask, appointment, deadline))
            else:
                tasks.append(
                    partial(checked_as, appointment, CheckState.UNCHECKED, "day_check_limit", limit=DAY_CHECK_MAX)
                )
        return [check for check in together(tasks, DAY_CHECK_TOGETHER) if check is not None]

    def _ask(self, appointment: Appointment, deadline: float) -> Check | None:
        """The row's check if a call slot is free now and its turn comes in time; otherwise "checked later".

        Only rows holding a slot wait for a turn, so at most the process's slots wait, each briefly; waiting
        for a turn first would hold a thread per row while many requests' rows queue for turns.
        """
        try:
            with self.provider.within(deadline - time.monotonic(), wait=0):  # ends at the request's deadline
                if not self.provider.take_turn(deadline - time.monotonic()):
                    raise ProviderSlow()
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
