"""``SlotQueue``: one process's waiting sends that share a platform's global limit,
booked together in the send budget (``core.send_budget``).

A fan-out has dozens of notifications waiting in every process at once. Booked
one by one, each would cost a statement (and, in turn, a wait for the one before);
the queue books all that are waiting, up to ``batch``, with one ``reserve_many``:
consecutive slots of the shared limit, each also within its own limits (its
chat's). It books only slots within ``within`` seconds, so notifications never
hold the platform's slots far ahead of an answer to someone pressing a button
(answers book without it, ``SendBudget.reserve``). A slot is never nearer than
``lead``: when the shared limit has been idle its next slot is "now", and a sender
woken a moment late by a busy event loop would have to book again. A send whose own limits are
far (its chat had a message a moment ago) gets its refusal back and asks again
later; the others keep their place in the queue until the shared limit has room,
and the queue sleeps until then (half of ``within`` freed, so a statement books a
few slots rather than one). Two sends with a limit in common (the same chat) are
never in one statement: the second waits for the next one."""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from typing import Sequence

from core.send_budget import Booking, Limit, SendBudget

log = logging.getLogger(__name__)
MIN_SLEEP = 0.002  # seconds: the least a full queue sleeps before asking again
LEAD = 0.05  # seconds: a slot is at least this far, so its sender is awake for it


@dataclass
class _Waiting:
    own: tuple[Limit, ...]
    answer: asyncio.Future


class SlotQueue:
    def __init__(self, budget: SendBudget, shared: Limit, *, within: float,
                 batch: int = 32, lead: float = LEAD) -> None:
        self.budget = budget
        self.lead = lead
        self.shared = shared
        self.within = within
        self.batch = batch
        self._waiting: deque[_Waiting] = deque()
        self._booker: asyncio.Task | None = None
        self.statements = 0  # reserve_many calls (for the benchmarks)

    async def book(self, own: Sequence[Limit] = ()) -> Booking:
        """This send's slot of the shared limit (and of ``own``): granted, or refused
        with how far its own limits are."""
        answer = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(tuple(own), answer))
        if self._booker is None or self._booker.done():
            self._booker = asyncio.ensure_future(self._book_waiting())
        return await answer

    def _next_batch(self) -> list[_Waiting]:
        batch: list[_Waiting] = []
        keys: set[str] = set()
        kept: deque[_Waiting] = deque()
        while self._waiting:
            waiting = self._waiting.popleft()
            if waiting.answer.done():  # its sender gave up (cancelled)
                continue
            mine = {lim.key for lim in waiting.own}
            if len(batch) < self.batch and not mine & keys:
                batch.append(waiting)
                keys |= mine
            else:
                kept.append(waiting)
        self._waiting = kept
        return batch

    async def _book_waiting(self) -> None:
        while True:
            batch = self._next_batch()
            if not batch:
                return
            try:
                booked = await self.budget.reserve_many(self.shared, [w.own for w in batch],
                                                        within=self.within, lead=self.lead)
            except BaseException as exc:
                for waiting in batch:
                    if not waiting.answer.done():
                        waiting.answer.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            self.statements += 1
            again: list[_Waiting] = []
            for waiting, booking in zip(batch, booked.each):
                if waiting.answer.done():
                    continue
                if booking.granted or booking.wait > self.within:
                    waiting.answer.set_result(booking)
                else:  # only the shared limit is full: keep its place
                    again.append(waiting)
            self._waiting.extendleft(reversed(again))
            if again and len(again) == len(batch):
                await asyncio.sleep(max(booked.shared_wait - self.within / 2, MIN_SLEEP))
