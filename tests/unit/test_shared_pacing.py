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
