"""Outbound limits and logs: the pacer's schedule honours Telegram's limits, a 429
from the fake is waited out (or handed back to the outbox) without losing a
message, and the bot token never shows up in the logs."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from adapters.telegram.limits import Limits, Pacer, SendPolicy
from bot.conversation import Reply, Rich
from core.domain.records import OutboxMessage
from core.send_budget import STEP_MARGIN
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, CLIENT, GROUP, ONE_LINER, Harness, harness, tg)

# python-telegram-bot warns about its own RetryAfter.retry_after type change on every 429.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def schedule(pacer: Pacer, chat_ids: list[int], endpoint: str = "sendMessage") -> list[float]:
    """When each call would go (the pacer's in-process budget, on the fake clock)."""
    now = pacer.budget.clock()
    return [now + pacer.budget.book(pacer.buckets(endpoint, chat)).wait for chat in chat_ids]


def most_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window + 1e-9:  # a half-open window (t - window, t]
            j += 1
        best = max(best, i - j + 1)
    return best


def test_schedule_respects_global_chat_and_group_limits():
    clock = FakeClock()
    pacer = Pacer(Limits(), clock=clock)
    fan_out = schedule(pacer, list(range(1, 301)))  # 300 different users at once
    assert fan_out[0] == 100.0  # no burst: 28/s from the first, so that any one-second
    # window holds at most 29 (of 30); slots are STEP_MARGIN wider than 1/rate
    assert fan_out[-1] == pytest.approx(100 + 299 * (1 + STEP_MARGIN) / 28, abs=1e-6)
    assert most_in_window(fan_out, 1.0) <= 29

    pacer = Pacer(Limits(), clock=clock)
    one_chat = schedule(pacer, [42] * 8)  # a chat's burst of 4, then 1/s
    assert all(100.0 <= t < 100.2 for t in one_chat[:4])
    assert one_chat[4:] == pytest.approx([101.0, 102.0, 103.0, 104.0], rel=3e-3)

    pacer = Pacer(Limits(), clock=clock)
    group = schedule(pacer, [GROUP] * 40)
    assert most_in_window(group, 1.0) <= 1 + 3  # 1/s per chat, burst 3
    assert most_in_window(group, 60.0) <= 20 + 3  # 20 per minute in a group
    assert group[-1] >= 100 + 36 * 3

    pacer = Pacer(Limits(), clock=clock)
    edits = schedule(pacer, [GROUP] * 6, "editMessageText")  # edits: 1/s, not 20/min
    assert edits[-1] == pytest.approx(102.0, rel=3e-3)
    assert schedule(pacer, [GROUP] * 5, "answerCallbackQuery") == [100.0] * 5  # not paced
    assert schedule(pacer, [GROUP] * 5, "getChatMember") == [100.0] * 5


async def test_real_limits_against_the_fakes_real_limits(tg, tmp_path, migrated_db):
    """Telegram's figures on both sides: a burst to 40 users and 6 messages to one
    chat go out with no 429 at all."""
    h = Harness(tg, tmp_path, limits=Limits(), template=migrated_db)
    tg.rate_limits.chat_per_second, tg.rate_limits.group_per_minute = 1.0, 20.0
    await h.start()
    try:
        users = list(range(5000, 5040))
        for uid in users + [ANA]:
            tg.user_started(uid)
        sender = h.service.sender
        started = asyncio.get_running_loop().time()
        await asyncio.gather(*(sender.send(uid, Reply(Rich().add(f"hi {uid}"))) for uid in users),
                             *(sender.send(ANA, Reply(Rich().add(f"m{i}"))) for i in range(6)))
        elapsed = asyncio.get_running_loop().time() - started
        assert tg.throttled == []
        assert len(tg.accepted_sends) == 46
        assert [m.text for m in tg.messages_to(ANA)] == [f"m{i}" for i in range(6)]
        assert 1.8 < elapsed < 6
    finally:
        await h.stop()


async def test_429_is_waited_out_and_nothing_is_lost(tg, tmp_path, migrated_db):
    # The fake is much stricter than the pacer thinks Telegram is: 429s will happen.
    loose = Limits(per_second=1000, burst=1000, chat_per_second=1000, chat_burst=1000,
                   group_per_minute=60000, group_burst=1000)
    h = Harness(tg, tmp_path, limits=loose, template=migrated_db)
    tg.rate_limits.enabled = False  # set the scene quickly
    await h.start()
    try:
        await h.client()
        freelancers = list(range(2001, 2009))
        for n, uid in enumerate(freelancers):
            await h.freelancer(uid, f"Free{n}")
        tg.rate_limits.enabled = True
        tg.rate_limits.global_per_second = 4.0
        gig = await h.funded_gig(chat=None)
        for uid in freelancers:  # each got the new gig exactly once
            assert [t for t in h.texts(uid) if "New gig for you" in t] != []
            assert len([t for t in h.texts(uid) if f"#{gig} " in t]) == 1
        assert tg.throttled, "the fake should have refused some sends"
        assert h.service.pacer.retries == len(tg.throttled)
        pending = await h.engine.view(lambda t: t.s.scalar(select(func.count()).select_from(
            OutboxMessage).where(OutboxMessage.status != "done")))
        assert pending == 0
    finally:
        await h.stop()


async def test_429_beyond_the_wait_budget_goes_back_to_the_outbox(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    h.service.notifier.policy = SendPolicy(max_retries=0, max_wait=0)
    await h.say(CLIENT, ONE_LINER)
    tg.click(CLIENT, h.last(CLIENT, "Preview"), "Pay")
    await h.settle(drain=False)  # paid; the notifications are still in the outbox
    tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await h.settle()  # the first notification meets the 429 and goes back to the outbox
    held = await h.engine.view(lambda t: list(t.s.scalars(select(OutboxMessage).where(
        OutboxMessage.status == "pending"))))
    assert len(held) == 1 and "retry after" in held[0].last_error
    h.clock.advance(timedelta(seconds=2))
    await h.settle()
    assert "New gig for you" in h.last(ANA, "#1 ").text
    assert "is live" in h.last(CLIENT, "is live").text
    assert await h.engine.view(lambda t: t.s.scalar(select(func.count()).select_from(
        OutboxMessage).where(OutboxMessage.status != "done"))) == 0


async def test_notifications_wait_for_start_and_go_when_the_user_starts(harness, tg):
    h = harness
    await h.client()
    await h.board()
    tg.add_user(ANA, "Ana")
    tg.inject_message(ANA, GROUP, "/profile skills=design,svg hours=any")  # never opened a DM
    tg.users[ANA].started = False
    await h.settle()
    await h.funded_gig()
    assert h.texts(ANA) == []
    held = await h.engine.view(lambda t: t.s.scalar(select(func.count()).select_from(
        OutboxMessage).where(OutboxMessage.status == "pending")))
    assert held == 1
    await h.say(ANA, "/start")
    assert any("New gig for you" in t for t in h.texts(ANA))


async def test_the_bot_token_never_reaches_the_logs(tg, tmp_path, migrated_db, caplog):
    caplog.set_level(logging.DEBUG)
    h = Harness(tg, tmp_path, template=migrated_db)
    await h.start()
    try:
        await h.client()
        await h.board()
        await h.funded_gig()
        tg.fail_next("sendMessage", 500, "Internal Server Error")
        await h.say(CLIENT, "/wallet")
    finally:
        await h.stop()
    assert caplog.records, "nothing was logged at all?"
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    secret = tg.token.split(":", 1)[1]
    assert tg.token not in text and secret not in text
    assert "<redacted>" in text  # python-telegram-bot logged its URL, masked
    assert not [r for r in caplog.records if r.name.startswith(("httpx", "httpcore"))
                and r.levelno < logging.WARNING]
