"""In-process memory of the delivery layer: which deliveries are done (so a
notification the outbox hands over again is not sent twice) and how far a
partly sent one got, one asyncio lock per key (a card, a user), and
``LatestOnly``: jobs of which only the latest run matters (refreshing a card
from the database), so requests that arrive while one runs share the next.

All are bounded: the delivery log forgets its oldest entries past ``limit``;
a lock or a key's state is dropped when nobody holds or waits for it. Across
processes the outbox's lease and dedup key are what count; this is the fast path."""
from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager

from bot.delivery.platform import Progress

DONE = -1


class DeliveryLog:
    """Per dedup key: parts already sent, or done."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._parts: OrderedDict[Hashable, int] = OrderedDict()

    def __len__(self) -> int:
        return len(self._parts)

    def progress(self, key: Hashable) -> Progress | None:
        """Where to resume delivering ``key``; None when it was delivered already."""
        done = self._parts.get(key, 0)
        if done == DONE:
            return None
        return _Tracked(self, key, done)

    def record(self, key: Hashable, parts: int) -> None:
        self._parts[key] = parts
        self._parts.move_to_end(key)
        while len(self._parts) > self.limit:
            self._parts.popitem(last=False)

    def done(self, key: Hashable) -> None:
        self.record(key, DONE)


class _Tracked(Progress):
    def __init__(self, log: DeliveryLog, key: Hashable, done: int) -> None:
        super().__init__(done)
        self._log, self._key = log, key

    def part_sent(self) -> None:
        super().part_sent()
        self._log.record(self._key, self.done)


class KeyedLocks:
    """One asyncio lock per key, created on demand; waiters acquire in arrival order."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class _Runs:
    __slots__ = ("lock", "asked", "covered", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.asked = 0  # requests so far
        self.covered = 0  # requests a finished run started after
        self.users = 0


class LatestOnly:
    """Per key, a job that reads the current state itself (re-render a card from the
    database and show it): a request is done once a run that *started after it* has
    succeeded. Runs of one key never overlap; requests that arrive while one runs
    wait and are all served by one more run. A failed run raises to the request
    that ran it (the outbox retries that one); the requests waiting behind it run
    the job again themselves, so no request is ever served by a run that missed it."""

    def __init__(self) -> None:
        self._keys: dict[Hashable, _Runs] = {}
        self.runs = 0  # jobs run (for tests and benches)
        self.requests = 0

    def __len__(self) -> int:
        return len(self._keys)

    async def run(self, key: Hashable, job: Callable[[], Awaitable[None]]) -> None:
        state = self._keys.get(key)
        if state is None:
            state = self._keys[key] = _Runs()
        state.users += 1
        state.asked += 1
        mine = state.asked
        self.requests += 1
        try:
            async with state.lock:
                if state.covered >= mine:
                    return  # a run that started after this request succeeded
                starts_at = state.asked  # this run reads the state after every request so far
                self.runs += 1
                await job()
                state.covered = max(state.covered, starts_at)
        finally:
            state.users -= 1
            if state.users == 0:
                del self._keys[key]
