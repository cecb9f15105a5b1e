"""A global pacer for the bot's own REST calls (DMs, board cards, threads).

discord.py has no global rate limiter: it only reacts to 429s, and a burst of
concurrent sends draws dozens of them (and too many invalid requests get a bot
banned by Cloudflare). The pacer keeps at most ``limit`` request starts in any
sliding window of ``per`` seconds, with a small time margin so that network
jitter cannot squeeze ``limit + 1`` of them into one server-side window.
Interaction responses and followups are exempt from Discord's global limit and
do not go through it."""
from __future__ import annotations

import asyncio
from collections import deque


class Pacer:
    def __init__(self, limit: int = 50, per: float = 1.0, *, margin: float = 0.05) -> None:
        if limit < 1 or per <= 0:
            raise ValueError("the pacer needs limit >= 1 and per > 0")
        self.limit = limit
        self.window = per * (1.0 + margin)
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()  # FIFO: waiters go in arrival order
        self.waited = 0.0  # total seconds callers spent waiting (for metrics and benches)
        self.granted = 0

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._lock:
            began = loop.time()
            while True:
                now = loop.time()
                while self._starts and self._starts[0] <= now - self.window:
                    self._starts.popleft()
                if len(self._starts) < self.limit:
                    self._starts.append(now)
                    self.granted += 1
                    self.waited += now - began
                    return
                await asyncio.sleep(self._starts[0] + self.window - now)

    async def __aenter__(self) -> "Pacer":
        await self.acquire()
        return self

    async def __aexit__(self, *exc) -> None:
        return None
