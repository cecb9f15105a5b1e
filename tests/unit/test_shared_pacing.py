"""The pacers of several processes book in one send budget (here the in-memory one
two pacers share, as processes share the PostgreSQL one): a 429 one of them sees
holds the others back, and notifications never book ahead of answers."""
from __future__ import annotations

import pytest
from telegram.error import RetryAfter

from adapters.discord.pacing import Pacer as DiscordPacer, global_retry_after
from adapters.telegram.limits import BULK, Limits, Pacer, SendPolicy
from core.api import LocalBudget

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_a_429_seen_by_one_telegram_process_pauses_the_others():
    budget = LocalBudget()
    one, other = Pacer(Limits(), budget=budget), Pacer(Limits(), budget=budget)

    async def refused():
        raise RetryAfter(3)
    with pytest.raises(RetryAfter):
        await one.process_request(refused, (), {}, "sendMessage", {"chat_id": 5},
                                  SendPolicy(max_retries=0))
    # another process's send to another private chat waits the pause out too
    assert budget.book(other.buckets("sendMessage", 6)).wait > 2.9


async def test_notifications_do_not_book_far_ahead_of_answers():
    now = [0.0]
    budget = LocalBudget(clock=lambda: now[0])
    pacer = Pacer(Limits(), budget=budget)
    for chat in range(1, 200):  # a fan-out books only what is near
        booking = budget.book(pacer.buckets("sendMessage", chat), within=pacer.lookahead)
        if not booking.granted:
            break
    assert chat < 10 and booking.wait > pacer.lookahead
    answer = budget.book(pacer.buckets("sendMessage", 999))  # a reply to someone pressing
    assert answer.wait <= pacer.lookahead + 1 / Limits().per_second
    assert BULK.bulk


def test_a_global_discord_429_is_recognised():
    assert global_retry_after({"X-RateLimit-Global": "true", "Retry-After": "2"}) == 2.0
    assert global_retry_after({"X-RateLimit-Scope": "global"}) == 1.0
    assert global_retry_after({"X-RateLimit-Scope": "user", "Retry-After": "2"}) is None
    assert DiscordPacer(50, 1.0).shared_limit.per_second == pytest.approx(47.0)


async def test_a_processs_waiting_notifications_book_their_slots_together():
    import asyncio

    from core.api import Limit, SlotQueue
    budget = LocalBudget()
    shared = Limit("test:global", 100.0, 1)
    queue = SlotQueue(budget, shared, within=0.5, lead=0.0)
    chats = [Limit(f"test:chat:{i}", 1.0, 1) for i in range(10)]
    bookings = await asyncio.gather(*(queue.book([chat]) for chat in chats))
    assert all(b.granted for b in bookings)
    gaps = [b.at - a.at for a, b in zip(bookings, bookings[1:])]
    assert all(abs(gap - shared.step) < 1e-9 for gap in gaps)  # consecutive, in order asked
    assert queue.statements == 1  # one booking for all ten

    again = await asyncio.gather(queue.book([chats[0]]), queue.book([chats[0]]),
                                 queue.book([Limit("test:chat:new", 1.0, 1)]))
    # chat 0 had a message a moment ago: both its sends are refused with how far its
    # own limit is (about a second, past ``within``); the other chat's send goes
    assert [b.granted for b in again] == [False, False, True]
    assert all(0.5 < b.wait <= chats[0].step for b in again[:2])
    assert queue.statements == 3  # two sends to one chat never share a booking


async def test_bulk_telegram_sends_share_bookings_and_keep_the_global_spacing():
    import asyncio
    import time

    budget = LocalBudget()
    pacer = Pacer(Limits(per_second=200.0), budget=budget)
    sent: list[float] = []

    async def send():
        sent.append(time.monotonic())
    await asyncio.gather(*(pacer.process_request(send, (), {}, "sendMessage", {"chat_id": chat},
                                                 BULK) for chat in range(1, 41)))
    assert len(sent) == 40
    queue = next(iter(pacer._queues.values()))  # noqa: SLF001 - what booking cost
    assert queue.statements < 40  # batches, not one booking per send
