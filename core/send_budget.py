"""The platforms' send budgets: how fast the bot may call Telegram or Discord.

A platform's rate limits hold for the bot as a whole, not per process, so with
several processes on one PostgreSQL every process books its sends in one shared
budget (``core.storage.send_budget.SharedBudget``: one GCRA bucket per limit, one
row each, booked with one statement per send). On SQLite (one process) the same
arithmetic runs in memory (``LocalBudget``). ``Engine.send_budget()`` hands out the
right one; the adapters' pacers (PTB's rate limiter, the Discord pacer) use it.

A booking asks every limit it needs at once (Telegram: the bot's global limit,
the chat's, the group's) for the earliest moment all of them allow and moves them
all past it. ``within`` books only when that moment is near: fan-out
notifications pass it, so they never hold slots far ahead and an answer to a user
who is pressing buttons (booked without it) gets the next free slot. ``pause``
records a platform's retry_after, so every process waits it out."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol, Sequence

FORGET_AFTER = 4096  # in-memory buckets kept before idle ones are dropped


@dataclass(frozen=True)
class Limit:
    """``per_second`` requests a second, ``burst`` of them at once, under ``key``."""

    key: str
    per_second: float
    burst: int = 1

    @property
    def step(self) -> float:
        return 1.0 / self.per_second

    @property
    def tolerance(self) -> float:
        return max(self.burst - 1, 0) * self.step


@dataclass(frozen=True)
class Booking:
    """``granted``: the send may go in ``wait`` seconds; otherwise the earliest slot
    was ``wait`` seconds away, past ``within``, and nothing was booked."""

    granted: bool
    wait: float


class SendBudget(Protocol):
    shared: bool  # True when other processes book in the same budget

    async def reserve(self, limits: Sequence[Limit], *,
                      within: float | None = None) -> Booking: ...

    async def pause(self, limits: Sequence[Limit], seconds: float) -> None: ...


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

    def book(self, limits: Sequence[Limit], *, within: float | None = None) -> Booking:
        now = self.clock()
        if not limits:
            return Booking(True, 0.0)
        self._forget_idle(now)
        at = max([now] + [self._tat.get(lim.key, 0.0) - lim.tolerance for lim in limits])
        if within is not None and at - now > within:
            return Booking(False, at - now)
        for lim in limits:
            self._tat[lim.key] = max(self._tat.get(lim.key, 0.0), at) + lim.step
        return Booking(True, at - now)

    async def reserve(self, limits: Sequence[Limit], *,
                      within: float | None = None) -> Booking:
        return self.book(limits, within=within)

    def hold(self, limits: Sequence[Limit], seconds: float) -> None:
        until = self.clock() + seconds
        for lim in limits:
            self._tat[lim.key] = max(self._tat.get(lim.key, 0.0), until + lim.tolerance)

    async def pause(self, limits: Sequence[Limit], seconds: float) -> None:
        self.hold(limits, seconds)
