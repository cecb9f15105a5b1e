"""The platforms' send budgets: how fast the bot may call Telegram or Discord.

A platform's rate limits hold for the bot as a whole, not per process, so with
several processes on one PostgreSQL every process books its sends in one shared
budget (``core.storage.send_budget.SharedBudget``: one GCRA bucket per limit, one
row each). On SQLite (one process) the same arithmetic runs in memory
(``LocalBudget``). ``Engine.send_budget()`` hands out the right one; the adapters'
pacers (PTB's rate limiter, the Discord pacer) use it.

A booking asks every limit it needs at once (Telegram: the bot's global limit,
the chat's, the group's) for the earliest moment all of them allow and moves them
all past it. ``within`` books only when that moment is near: fan-out
notifications pass it, so they never hold slots far ahead and an answer to a user
who is pressing buttons (booked without it) gets the next free slot. ``pause``
records a platform's retry_after, so every process waits it out.

``reserve_many`` books several sends that share one limit (the platform's global
one) in one go, each with its own other limits (its chat's): a process's waiting
notifications take consecutive slots of the shared limit with one statement
instead of one each (``core.send_slots.SlotQueue`` gathers them). A booking says
when its slot is (``at``, on the budget's clock: ``time.monotonic`` for the shared
budget, whose rows keep the database's clock), so a send can tell whether it is
late for it however long the booking took to come back."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol, Sequence

FORGET_AFTER = 4096  # in-memory buckets kept before idle ones are dropped
# slots are spaced a hair (0.2 %) wider than 1/rate: sums of float seconds round,
# and each process turns the database's slot into its own clock with an offset
# known to some tens of microseconds; slots that much too close put one send too
# many into a sliding second at the window's edge
STEP_MARGIN = 2e-3


@dataclass(frozen=True)
class Limit:
    """``per_second`` requests a second, ``burst`` of them at once, under ``key``."""

    key: str
    per_second: float
    burst: int = 1

    @property
    def step(self) -> float:
        return (1.0 + STEP_MARGIN) / self.per_second

    @property
    def tolerance(self) -> float:
        return max(self.burst - 1, 0) * self.step


@dataclass(frozen=True)
class Booking:
    """``granted``: the send may go in ``wait`` seconds, at ``at`` on the budget's
    clock; otherwise the earliest slot was ``wait`` seconds away, past ``within``, and
    nothing was booked."""

    granted: bool
    wait: float
    at: float = 0.0


@dataclass(frozen=True)
class Bookings:
    """What ``reserve_many`` booked, one ``Booking`` per request in their order. A
    refused request's ``wait`` is how far its own limits are (0 when only the shared
    limit was full); ``shared_wait``: seconds until the shared limit's next free slot."""

    each: list[Booking]
    shared_wait: float


class SendBudget(Protocol):
    shared: bool  # True when other processes book in the same budget

    async def reserve(self, limits: Sequence[Limit], *,
                      within: float | None = None) -> Booking: ...

    async def reserve_many(self, shared: Limit, own: Sequence[Sequence[Limit]], *,
                           within: float, lead: float = 0.0) -> Bookings: ...

    async def pause(self, limits: Sequence[Limit], seconds: float) -> None: ...

    async def prune(self) -> int: ...


def run_of_slots(start: float, step: float, ready: Sequence[float]) -> list[tuple[int, float]]:
    """Requests that share a limit (next free at ``start``, ``step`` apart), each
    ready at ``ready[i]`` by its own limits: the slot of each, earliest ready first,
    as ``(request index, slot)`` in slot order (the same arithmetic runs in SQL in
    ``core.storage.send_budget``)."""
    slots: list[tuple[int, float]] = []
    for i in sorted(range(len(ready)), key=lambda i: (ready[i], i)):
        at = max(start if not slots else slots[-1][1] + step, ready[i])
        slots.append((i, at))
    return slots


class LocalBudget:
    """The budget of a single process (SQLite, tests): GCRA in memory."""

    shared = False

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self._tat: dict[str, float] = {}

    def _forget_idle(self, now: float) -> None:
        if len(self._tat) > FORGET_AFTER:
            for key in [k for k, tat in self._tat.items() if tat <= now]:
                del self._tat[key]

    def _ready(self, limits: Sequence[Limit], now: float) -> float:
        return max([now] + [self._tat.get(lim.key, 0.0) - lim.tolerance for lim in limits])

    def _move(self, limits: Sequence[Limit], at: float) -> None:
        for lim in limits:
            self._tat[lim.key] = max(self._tat.get(lim.key, 0.0), at) + lim.step

    def book(self, limits: Sequence[Limit], *, within: float | None = None) -> Booking:
        now = self.clock()
        if not limits:
            return Booking(True, 0.0, now)
        self._forget_idle(now)
        at = self._ready(limits, now)
        if within is not None and at - now > within:
            return Booking(False, at - now, at)
        self._move(limits, at)
        return Booking(True, at - now, at)

    def book_many(self, shared: Limit, own: Sequence[Sequence[Limit]], *,
                  within: float, lead: float = 0.0) -> Bookings:
        now = self.clock()
        self._forget_idle(now)
        ready = [self._ready(limits, now) for limits in own]
        each: list[Booking] = [Booking(False, 0.0, now)] * len(own)
        last = None
        start = self._ready([shared], now + lead)
        for i, at in run_of_slots(start, shared.step, ready):
            if at - now > within:
                each[i] = Booking(False, max(ready[i] - now, 0.0), ready[i])
                continue
            self._move(own[i], at)
            each[i], last = Booking(True, at - now, at), at
        if last is not None:
            self._move([shared], last)
        return Bookings(each, self._ready([shared], now + lead) - now)

    async def reserve(self, limits: Sequence[Limit], *,
                      within: float | None = None) -> Booking:
        return self.book(limits, within=within)

    async def reserve_many(self, shared: Limit, own: Sequence[Sequence[Limit]], *,
                           within: float, lead: float = 0.0) -> Bookings:
        return self.book_many(shared, own, within=within, lead=lead)

    def hold(self, limits: Sequence[Limit], seconds: float) -> None:
        until = self.clock() + seconds
        for lim in limits:
            self._tat[lim.key] = max(self._tat.get(lim.key, 0.0), until + lim.tolerance)

    async def pause(self, limits: Sequence[Limit], seconds: float) -> None:
        self.hold(limits, seconds)

    async def prune(self) -> int:
        """Buckets that no longer hold anything back behave as new: forget them."""
        now = self.clock()
        idle = [k for k, tat in self._tat.items() if tat <= now]
        for key in idle:
            del self._tat[key]
        return len(idle)
