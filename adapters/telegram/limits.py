"""Outbound pacing: the one place every Bot API call goes through.

``Pacer`` is a python-telegram-bot ``BaseRateLimiter``, so nothing can reach
Telegram around it. Sends and edits are spaced to stay under Telegram's flood
limits instead of running into them: about 30 messages/s for the whole bot,
1/s per chat (a short burst allowed) and 20/min per group or channel. Each
limit is a GCRA bucket of the engine's send budget (``core.send_budget``: in the
database when several processes share PostgreSQL, so the limits hold for the bot
as a whole); a request books its slot in every bucket it needs at once, then
sleeps until that slot. Answers to a user (``INTERACTIVE``) take the next free
slot; notifications (``BULK``) only book a slot that is near, so they never
queue ahead of an answer, and the notifications a process has waiting book their
slots together (``core.send_slots.SlotQueue``: one statement for a run of them).
A slot comes back on this process's clock, so a send the busy event loop wakes
more than ``LATE`` after it books again rather than go out on top of the next
ones. Other methods (answering callbacks, getChatMember, ...) are not paced.

If Telegram still answers 429, the request waits ``retry_after`` and is retried
(up to ``SendPolicy.max_retries``); the chat (and, for a private chat, the whole
bot, since that is most likely the global limit) is paused for that time in the
shared budget, so every process's requests wait it out. A request whose wait
would exceed ``SendPolicy.max_wait`` raises ``RetryAfter`` to its caller
instead: a notification then goes back to the outbox to be retried later, so
nothing is lost either way. Waits and 429s are counted in /metrics
(``gigbroker_pacer_wait_seconds``, ``gigbroker_platform_rate_limited``)."""
from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable, Coroutine

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.delivery.memory import KeyedLocks
from core.api import LocalBudget, Limit, SendBudget, SlotQueue, metrics

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
    """Telegram's flood limits (documented approximately by Telegram: 30 msg/s for the
    bot, 1/s per chat, 20/min per group); scale together for benchmarks against a
    fake with a different ceiling. The bot's limit is booked at 28/s with no burst:
    Telegram counts any one-second window, and a request the event loop sends a
    little late must not bring 31 into one."""

    per_second: float = 28.0  # under 30, so a late request cannot fill a second's window
    burst: int = 1
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
    bulk: bool = False  # a notification: yields to answers (see ``Pacer._book``)


INTERACTIVE = SendPolicy(max_retries=3, max_wait=30.0)
BULK = SendPolicy(max_retries=2, max_wait=5.0, bulk=True)
GLOBAL_KEY = "telegram:global"
LOOKAHEAD = 0.2  # how far ahead a bulk send may book its slot
LATE, MAX_REBOOKINGS = 0.03, 3  # a slot missed by more than 30 ms is booked again


def retry_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds (PTB is moving it from int to timedelta)."""
    value = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


class Pacer(BaseRateLimiter[SendPolicy]):
    def __init__(self, limits: Limits | None = None, *, clock: Callable[[], float] = time.monotonic,
                 default: SendPolicy = INTERACTIVE, budget: SendBudget | None = None,
                 lookahead: float = LOOKAHEAD) -> None:
        self.limits = limits or Limits()
        self.default = default
        self.budget: SendBudget = budget or LocalBudget(clock)
        self.lookahead = lookahead
        self.clock = clock
        self._queues: dict[Limit, SlotQueue] = {}  # bulk sends, booked together
        # one chat's sends go out in the order they were asked for, even when one is
        # woken late and books its slot again (a chat takes one message a second
        # anyway); answers and notifications keep separate turns, so an answer never
        # waits behind a notification that is waiting for its chat's slot
        self._chat_turns = KeyedLocks()
        self.retries = 0  # 429s seen (for metrics and the benchmark)
        self.rebooked = 0  # slots missed because the process was busy
        self.waited = 0.0  # seconds requests spent waiting for their slot

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    # -- limits --------------------------------------------------------------
    @staticmethod
    def _is_group(chat_id: Any) -> bool:
        if isinstance(chat_id, str):
            return not chat_id.lstrip("-").isdigit() or chat_id.startswith("-")
        return isinstance(chat_id, int) and chat_id < 0

    def buckets(self, endpoint: str, chat_id: Any) -> list[Limit]:
        """The limits a call books: the bot's, the chat's and, for a send to a group,
        the group's (none for methods Telegram does not limit)."""
        kind = endpoint.lower()
        if not self.limits.enabled or chat_id is None or (
                kind not in SEND_METHODS and kind not in EDIT_METHODS):
            return []
        lim = self.limits
        key = str(chat_id)
        limits = [Limit(GLOBAL_KEY, lim.per_second, lim.burst),
                  Limit(f"telegram:chat:{key}", lim.chat_per_second, lim.chat_burst)]
        if kind in SEND_METHODS and self._is_group(chat_id):
            limits.append(Limit(f"telegram:group:{key}", lim.group_per_minute / 60.0,
                                lim.group_burst))
        return limits

    def _queue(self, shared: Limit) -> SlotQueue:
        queue = self._queues.get(shared)
        if queue is None:  # the limits may change (benchmarks turn them off and on)
            queue = self._queues[shared] = SlotQueue(self.budget, shared, within=self.lookahead)
        return queue

    async def _book(self, limits: list[Limit], policy: SendPolicy) -> float:
        """When this call's slot is (on ``clock``). Interactive calls take the next
        slot; bulk ones only a slot within ``lookahead``, booked together with the
        other notifications this process has waiting (``SlotQueue``), so they never
        queue far ahead of an answer to someone pressing a button."""
        if not policy.bulk:
            return (await self.budget.reserve(limits)).at
        while True:
            booking = await self._queue(limits[0]).book(limits[1:])
            if booking.granted:
                return booking.at
            if booking.wait > policy.max_wait:  # back to the outbox, retried later
                raise RetryAfter(math.ceil(booking.wait))
            await asyncio.sleep(booking.wait - self.lookahead)  # its chat is busy: later

    async def _slot(self, limits: list[Limit], policy: SendPolicy) -> None:
        """Wait for this call's slot. A call the event loop wakes late (a busy
        process) takes a new slot instead of going out on top of the next ones, so
        no second at Telegram's end holds more than the limit."""
        if not limits:
            return
        began = self.clock()
        for _ in range(MAX_REBOOKINGS):
            at = await self._book(limits, policy)
            if at > self.clock():
                await asyncio.sleep(at - self.clock())
            if self.clock() - at <= LATE:
                break
            self.rebooked += 1
        waited = self.clock() - began
        metrics.pacer_waited("telegram", waited)
        self.waited += waited

    # -- BaseRateLimiter -----------------------------------------------------
    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: SendPolicy | None) -> Any:
        policy = rate_limit_args or self.default
        chat_id = data.get("chat_id")
        buckets = self.buckets(endpoint, chat_id)
        if not buckets:
            return await self._send(callback, args, kwargs, endpoint, chat_id, buckets, policy)
        async with self._chat_turns.hold((str(chat_id), policy.bulk)):
            return await self._send(callback, args, kwargs, endpoint, chat_id, buckets, policy)

    async def _send(self, callback, args, kwargs, endpoint: str, chat_id, buckets: list[Limit],
                    policy: SendPolicy) -> Any:
        for attempt in range(policy.max_retries + 1):
            await self._slot(buckets, policy)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.retries += 1
                metrics.rate_limited("telegram")
                delay = retry_seconds(exc)
                if buckets:  # every process waits it out: this chat, and for a private
                    # chat the whole bot, since that is most likely the global limit
                    await self.budget.pause(
                        buckets[1:2] if self._is_group(chat_id) else buckets[:2], delay + 0.05)
                log.warning("Telegram flood control on %s (chat %s): retry after %ss", endpoint,
                            chat_id, delay)
                if attempt == policy.max_retries or delay > policy.max_wait:
                    raise
                if not buckets:  # unpaced methods just wait their turn
                    await asyncio.sleep(float(delay) + 0.05)
        raise AssertionError("unreachable")
