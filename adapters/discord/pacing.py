"""A global pacer for the bot's own REST calls (DMs, board cards, threads).

discord.py has no global rate limiter: it only reacts to 429s, and a burst of
concurrent sends draws dozens of them (and too many invalid requests get a bot
banned by Cloudflare). The pacer has ``limit`` slots; a request holds one from
the moment it starts until ``per`` seconds after its response arrived. Discord
received the request somewhere between those two moments, so any ``per``-second
window at Discord's end sees at most ``limit`` of our requests, however late
the event loop sends them or however slow the network is. The price is
``limit / (per + round trip)`` requests per second instead of ``limit / per``.
``pace_requests`` puts every REST call of a discord.py client through it — the
bot's sends, edits and threads, and discord.py's own (login, command sync,
fetches). Interaction responses and followups go through discord.py's webhook
adapter instead: they are exempt from Discord's global limit and are not paced.

Discord's 50 req/s hold for the bot, not per process: when the engine's send
budget is shared (several processes on one PostgreSQL, ``core.send_budget``),
each request also books a slot of ``discord:global`` there right before it
leaves (an aiohttp trace hook, after discord.py's own per-route waits), at ``SHARED_MARGIN``
(under 50, so a request sent a little late cannot bring 51 into one second's
window), and a global 429 seen by one process pauses every process for its
retry_after. Waits and the 429s of the REST session (``count_rate_limits``) are
counted in /metrics."""
from __future__ import annotations

import asyncio
import time
from collections import deque

import aiohttp

from core.api import Limit, SendBudget, SlotQueue, metrics

GLOBAL_KEY = "discord:global"
SHARED_MARGIN = 0.94  # of the limit, booked in the shared budget (47 of Discord's 50/s)
EXEMPT = ("/interactions/", "/webhooks/")  # not bound to the global limit
LATE, MAX_REBOOKINGS = 0.03, 3  # a slot missed by more than 30 ms is booked again
LOOKAHEAD = 0.2  # how far ahead a process books slots of the shared budget


class Pacer:
    def __init__(self, limit: int = 50, per: float = 1.0, *,
                 budget: SendBudget | None = None) -> None:
        if limit < 1 or per <= 0:
            raise ValueError("the pacer needs limit >= 1 and per > 0")
        self.limit = limit
        self.per = per
        self.budget = budget  # set when processes share one (see the module docstring)
        self.shared_limit = Limit(GLOBAL_KEY, limit / per * SHARED_MARGIN, 1)
        self._in_flight = 0
        self._cooling: deque[float] = deque()  # when used slots become free again
        self._lock = asyncio.Lock()  # FIFO: waiters get slots in arrival order
        self._released = asyncio.Event()
        self.granted = 0
        self.waited = 0.0  # total seconds callers spent waiting (for metrics and benches)
        self._queue: SlotQueue | None = None  # shared-budget bookings of this process
        self.rebooked = 0  # shared slots missed because the process was busy

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._lock:
            began = loop.time()
            while True:
                now = loop.time()
                while self._cooling and self._cooling[0] <= now:
                    self._cooling.popleft()
                if self._in_flight + len(self._cooling) < self.limit:
                    self._in_flight += 1
                    break
                self._released.clear()
                if self._cooling:
                    await asyncio.sleep(self._cooling[0] - now)
                else:  # every slot is in flight: wait for a response
                    await self._released.wait()
        now = loop.time()
        self.granted += 1
        self.waited += now - began
        metrics.pacer_waited("discord", now - began)

    async def book_shared(self, url: str) -> None:
        """Right before a request leaves (after discord.py's own per-route waits): its
        slot of the budget every process shares, booked together with this process's
        other waiting requests (``SlotQueue``, slots within ``LOOKAHEAD``), and booked
        again if this process woke up late for it. Interaction callbacks and webhooks
        are exempt, as at Discord."""
        if self.budget is None or not self.budget.shared or any(
                part in url for part in EXEMPT):
            return
        if self._queue is None or self._queue.budget is not self.budget:
            self._queue = SlotQueue(self.budget, self.shared_limit, within=LOOKAHEAD)
        for _ in range(MAX_REBOOKINGS):
            at = (await self._queue.book()).at
            if at > time.monotonic():
                await asyncio.sleep(at - time.monotonic())
            if time.monotonic() - at <= LATE:
                return
            self.rebooked += 1

    def release(self) -> None:
        self._in_flight -= 1
        self._cooling.append(asyncio.get_running_loop().time() + self.per)
        self._released.set()

    async def __aenter__(self) -> "Pacer":
        await self.acquire()
        return self

    async def __aexit__(self, *exc) -> None:
        self.release()


def pace_requests(http, pacer: Pacer) -> None:
    """Make ``http`` (a ``discord.http.HTTPClient``) take a pacer slot for each request."""
    request = http.request

    async def paced(route, **kwargs):
        async with pacer:
            return await request(route, **kwargs)
    http.request = paced


def global_retry_after(headers) -> float | None:
    """The retry_after of a 429 that stops the whole bot (Discord's global limit)."""
    if headers.get("X-RateLimit-Global", "").lower() != "true" and \
            headers.get("X-RateLimit-Scope") != "global":
        return None
    try:
        return float(headers.get("Retry-After") or 1.0)
    except ValueError:
        return 1.0


def count_rate_limits(pacer: Pacer | None = None) -> aiohttp.TraceConfig:
    """For discord.py's ``http_trace``: counts the 429s its REST session gets
    (discord.py waits and retries them itself, so they are otherwise only a log line);
    a global one pauses every process sharing ``pacer``'s budget."""
    trace = aiohttp.TraceConfig()

    async def on_request_start(_session, _context, params) -> None:
        if pacer is not None:
            await pacer.book_shared(str(params.url))

    async def on_request_end(_session, _context, params) -> None:
        if params.response.status == 429:
            metrics.rate_limited("discord")
            budget = pacer.budget if pacer is not None else None
            pause = global_retry_after(params.response.headers)
            if budget is not None and budget.shared and pause is not None:
                await budget.pause([pacer.shared_limit], pause)
    trace.on_request_start.append(on_request_start)
    trace.on_request_end.append(on_request_end)
    return trace
