"""Outbound pacing: the one place every Bot API call goes through.

``Pacer`` is a python-telegram-bot ``BaseRateLimiter``, so nothing can reach
Telegram around it. Sends and edits are spaced to stay under Telegram's flood
limits instead of running into them: about 30 messages/s for the whole bot,
1/s per chat (a short burst allowed) and 20/min per group or channel. Each
limit is a GCRA bucket; a request reserves its slot in every bucket it needs at
once, in arrival order, then sleeps until that slot. Other methods (answering
callbacks, getChatMember, ...) are not paced.

If Telegram still answers 429, the request waits ``retry_after`` and is retried
(up to ``SendPolicy.max_retries``); the chat (and, for a private chat, the whole
bot, since that is most likely the global limit) is paused for that time so the
requests queued behind it do not run into the same wall. A request whose wait
would exceed ``SendPolicy.max_wait`` raises ``RetryAfter`` to its caller
instead: a notification then goes back to the outbox to be retried later, so
nothing is lost either way. Waits and 429s are counted in /metrics
(``gigbroker_pacer_wait_seconds``, ``gigbroker_platform_rate_limited``)."""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable, Coroutine

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from core.api import metrics

log = logging.getLogger(__name__)

SEND_METHODS = frozenset({
    "sendmessage", "senddocument", "sendphoto", "sendaudio", "sendvideo", "sendanimation",
    "sendvoice", "sendsticker", "sendmediagroup", "sendlocation", "sendcontact", "sendpoll",
    "copymessage", "forwardmessage", "copymessages", "forwardmessages",
})
EDIT_METHODS = frozenset({"editmessagetext", "editmessagecaption", "editmessagereplymarkup",
                          "editmessagemedia"})


@dataclass(frozen=True)
class Limits:
    """Telegram's flood limits (documented approximately by Telegram); scale together
    for benchmarks against a fake with a different ceiling."""

    per_second: float = 30.0
    burst: int = 10
    chat_per_second: float = 1.0
    chat_burst: int = 4
    group_per_minute: float = 20.0
    group_burst: int = 3
    enabled: bool = True


@dataclass(frozen=True)
class SendPolicy:
    """Passed as ``rate_limit_args``: how long a caller is willing to wait on a 429."""

    max_retries: int = 3
    max_wait: float = 30.0


INTERACTIVE = SendPolicy(max_retries=3, max_wait=30.0)
BULK = SendPolicy(max_retries=2, max_wait=5.0)


def retry_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds (PTB is moving it from int to timedelta)."""
    value = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


class Bucket:
    """GCRA: ``rate`` per second with ``burst`` allowed at once."""

    __slots__ = ("interval", "tat", "tolerance")

    def __init__(self, rate: float, burst: int) -> None:
        self.interval = 1.0 / rate
        self.tolerance = max(burst - 1, 0) * self.interval
        self.tat = 0.0  # theoretical arrival time of the next request

    def earliest(self, now: float) -> float:
        return max(now, self.tat - self.tolerance)

    def take(self, at: float) -> None:
        self.tat = max(self.tat, at) + self.interval

    def pause_until(self, until: float) -> None:
        self.tat = max(self.tat, until + self.tolerance)

    def idle(self, now: float) -> bool:
        return self.tat <= now


class Pacer(BaseRateLimiter[SendPolicy]):
    def __init__(self, limits: Limits | None = None, *, clock: Callable[[], float] = time.monotonic,
                 default: SendPolicy = INTERACTIVE) -> None:
        self.limits = limits or Limits()
        self.clock = clock
        self.default = default
        self._global = Bucket(self.limits.per_second, self.limits.burst)
        self._chats: dict[int | str, Bucket] = {}
        self._groups: dict[int | str, Bucket] = {}
        self._paused_until = 0.0
        self.retries = 0  # 429s seen (for metrics and the benchmark)
        self.waited = 0.0  # seconds requests spent waiting for their slot

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    # -- buckets -------------------------------------------------------------
    @staticmethod
    def _is_group(chat_id: Any) -> bool:
        if isinstance(chat_id, str):
            return not chat_id.lstrip("-").isdigit() or chat_id.startswith("-")
        return isinstance(chat_id, int) and chat_id < 0

    def _bucket(self, table: dict, key: int | str, rate: float, burst: int) -> Bucket:
        bucket = table.get(key)
        if bucket is None:
            if len(table) > 4096:  # forget chats whose buckets are full again
                now = self.clock()
                for k in [k for k, b in table.items() if b.idle(now)]:
                    del table[k]
            bucket = table[key] = Bucket(rate, burst)
        return bucket

    def buckets(self, endpoint: str, chat_id: Any) -> list[Bucket]:
        kind = endpoint.lower()
        if not self.limits.enabled or chat_id is None or (
                kind not in SEND_METHODS and kind not in EDIT_METHODS):
            return []
        lim = self.limits
        key = str(chat_id)
        chat = self._bucket(self._chats, key, lim.chat_per_second, lim.chat_burst)
        buckets = [self._global, chat]
        if kind in SEND_METHODS and self._is_group(chat_id):
            buckets.append(self._bucket(self._groups, key, lim.group_per_minute / 60.0,
                                        lim.group_burst))
        return buckets

    def reserve(self, buckets: list[Bucket]) -> float:
        """Book the earliest time every bucket allows; returns it (clock time)."""
        now = self.clock()
        if not buckets:
            return now
        at = max([now, self._paused_until] + [b.earliest(now) for b in buckets])
        for b in buckets:
            b.take(at)
        return at

    async def _slot(self, buckets: list[Bucket]) -> None:
        wait = self.reserve(buckets) - self.clock()
        if buckets:
            metrics.pacer_waited("telegram", wait)
        if wait > 0:
            self.waited += wait
            await asyncio.sleep(wait)

    # -- BaseRateLimiter -----------------------------------------------------
    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: SendPolicy | None) -> Any:
        policy = rate_limit_args or self.default
        chat_id = data.get("chat_id")
        buckets = self.buckets(endpoint, chat_id)
        for attempt in range(policy.max_retries + 1):
            await self._slot(buckets)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.retries += 1
                metrics.rate_limited("telegram")
                delay = retry_seconds(exc)
                until = self.clock() + float(delay) + 0.05
                if buckets:
                    buckets[1].pause_until(until)  # this chat
                    if not self._is_group(chat_id):
                        self._paused_until = max(self._paused_until, until)
                log.warning("Telegram flood control on %s (chat %s): retry after %ss", endpoint,
                            chat_id, delay)
                if attempt == policy.max_retries or delay > policy.max_wait:
                    raise
                if not buckets:  # unpaced methods just wait their turn
                    await asyncio.sleep(float(delay) + 0.05)
        raise AssertionError("unreachable")
