"""The platforms' send budget (``Engine.send_budget``): on PostgreSQL one budget for
every process, booked atomically; on SQLite the same arithmetic in memory."""
from __future__ import annotations

import asyncio
import time

import pytest

from core.api import Database, Limit, LocalBudget
from core.storage.send_budget import SharedBudget
from tests.conftest import PG_URL, make_database

GLOBAL = Limit("test:global", 10.0, 1)
CHAT = Limit("test:chat:1", 2.0, 2)


@pytest.fixture
async def budgets(tmp_path):
    """Three "processes" on one PostgreSQL: a budget each, on a pool each."""
    db = await make_database("postgres", tmp_path)
    others = [Database(db.url) for _ in range(2)]
    try:
        yield [SharedBudget(d.async_engine) for d in [db, *others]]
    finally:
        for d in others:
            await d.dispose()
        await db.dispose()


def test_local_budget_spaces_sends_and_keeps_bursts():
    now = [100.0]
    budget = LocalBudget(clock=lambda: now[0])
    waits = [budget.book([GLOBAL, CHAT]).wait for _ in range(4)]
    # the chat allows 2 at once, then 2/s; the global limit 10/s spaces the burst
    assert waits == pytest.approx([0.0, 0.1, 0.5, 1.0], rel=3e-3)


def test_local_budget_refuses_a_booking_that_is_not_near():
    now = [0.0]
    budget = LocalBudget(clock=lambda: now[0])
    for _ in range(5):
        budget.book([GLOBAL])
    refused = budget.book([GLOBAL], within=0.2)
    assert not refused.granted and refused.wait == pytest.approx(0.5, rel=3e-3)
    assert budget.book([GLOBAL]).wait == pytest.approx(0.5, rel=3e-3)  # nothing was booked meanwhile


def test_a_pause_holds_every_limit_it_names():
    now = [0.0]
    budget = LocalBudget(clock=lambda: now[0])
    budget.hold([GLOBAL], 3.0)
    assert budget.book([GLOBAL, CHAT]).wait == pytest.approx(3.0, rel=3e-3)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL to run against PostgreSQL")
async def test_processes_share_one_budget_on_postgresql(budgets):
    limit = Limit("test:shared", 50.0, 1)
    started = time.monotonic()
    bookings = await asyncio.gather(*(b.reserve([limit, Limit(f"test:chat:{i}", 100.0, 5)])
                                      for i in range(60) for b in budgets))
    elapsed = time.monotonic() - started
    assert len(bookings) == 180 and all(b.granted for b in bookings)
    # 180 bookings from 3 pools at 50/s, none sharing a slot: the last one is
    # 179 steps after the first, however long booking them took
    assert max(b.wait for b in bookings) + elapsed >= 179 * 0.02 - 0.01
    after = await budgets[0].reserve([limit])
    assert after.wait + (time.monotonic() - started) >= 180 * 0.02 - 0.01

    await budgets[1].pause([limit], 30.0)  # a 429 seen by one process
    later = await budgets[2].reserve([limit], within=1.0)
    assert not later.granted and later.wait > 25.0


def most_in_window(times: list[float], window: float) -> int:
    """The most ``times`` in any half-open window (t - window, t]; slots are seconds of
    the database's epoch clock (float8), exact to about a microsecond."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window + 1e-6:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_a_run_of_slots_keeps_each_chats_limit_and_skips_a_busy_chat():
    now = [0.0]
    budget = LocalBudget(clock=lambda: now[0])
    busy = Limit("test:chat:busy", 1.0, 1)
    budget.book([busy])  # the busy chat had a message just now
    chats = [[Limit(f"test:chat:{i}", 1.0, 1)] for i in range(3)]
    run = budget.book_many(GLOBAL, [[busy], *chats], within=0.25)
    granted = [b for b in run.each if b.granted]
    assert [b.wait for b in granted] == pytest.approx([0.0, 0.1, 0.2], rel=3e-3)  # 10/s, one each
    refused = run.each[0]
    assert not refused.granted and refused.wait == pytest.approx(1.0, rel=3e-3)  # its own limit
    assert run.shared_wait == pytest.approx(0.3, rel=3e-3)
    # nothing more fits within reach, and a lead keeps the first slot that far
    again = budget.book_many(GLOBAL, [[Limit("test:chat:9", 1.0, 1)]], within=0.05)
    assert not again.each[0].granted and again.each[0].wait == 0.0
    now[0] = 5.0
    led = budget.book_many(GLOBAL, [[]], within=1.0, lead=0.05)
    assert led.each[0].wait == pytest.approx(0.05, rel=3e-3)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL to run against PostgreSQL")
async def test_three_processes_never_book_more_than_the_limit_in_any_second(budgets):
    for b in budgets[1:]:  # one clock reading for all, so slots compare exactly
        b.clock = budgets[0].clock
    limit = Limit("test:shared:window", 30.0, 1)
    slots: list[float] = []

    async def fan_out(budget: SharedBudget, first: int) -> None:
        for n in range(first, first + 40, 8):  # batches of 8 sends, each to its chat
            run = await budget.reserve_many(limit, [[Limit(f"test:w:chat:{i}", 1.0, 4)]
                                                    for i in range(n, n + 8)], within=2.0)
            slots.extend(b.at for b in run.each if b.granted)

    async def answers(budget: SharedBudget) -> None:
        for i in range(10):  # answers to people pressing, booked one by one
            slots.append((await budget.reserve([limit, Limit(f"test:w:a:{i}", 1.0)])).at)

    await asyncio.gather(fan_out(budgets[0], 0), fan_out(budgets[1], 1000),
                         answers(budgets[2]))
    assert len(slots) >= 10 + 8  # some of the fan-out was within reach
    assert most_in_window(slots, 1.0) <= 30
    ordered = sorted(slots)
    assert min(b - a for a, b in zip(ordered, ordered[1:])) >= 1 / 30 - 1e-6


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL to run against PostgreSQL")
async def test_a_pause_holds_back_another_processs_fan_out(tmp_path):
    db = await make_database("postgres", tmp_path)
    other = Database(db.url)
    try:
        one, two = SharedBudget(db.async_engine), SharedBudget(other.async_engine)
        limit = Limit("test:shared:pause", 30.0, 1)
        await one.pause([limit], 20.0)  # a 429 with retry_after 20 seen by one process
        run = await two.reserve_many(limit, [[Limit("test:p:chat", 1.0)], []], within=0.2)
        assert not any(b.granted for b in run.each) and run.shared_wait > 15.0
    finally:
        await other.dispose()
        await db.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL to run against PostgreSQL")
async def test_idle_rows_are_pruned_and_a_booking_after_makes_its_row_again(tmp_path,
                                                                            monkeypatch):
    import core.storage.send_budget as shared_budget
    from sqlalchemy import text

    db = await make_database("postgres", tmp_path)
    try:
        budget = SharedBudget(db.async_engine)
        idle = Limit("test:prune:idle", 1.0)
        await budget.reserve([idle])
        async with db.async_engine.begin() as conn:  # as if its last send was two days ago
            await conn.execute(text("UPDATE sendbudget SET tat = tat - 172800 "
                                    "WHERE key = 'test:prune:idle'"))
        await budget.reserve([Limit("test:prune:busy", 1.0)])
        assert await budget.prune() >= 1
        assert await budget.prune() == 0  # not again so soon

        async def keys() -> set[str]:
            async with db.async_engine.connect() as conn:
                return set((await conn.execute(text(
                    "SELECT key FROM sendbudget WHERE key LIKE 'test:prune:%'"))).scalars())
        assert await keys() == {"test:prune:busy"}
        monkeypatch.setattr(shared_budget, "KNOWN_FOR", 0.0)  # a process's memory ran out
        await budget.reserve([idle])
        assert await keys() == {"test:prune:busy", "test:prune:idle"}
    finally:
        await db.dispose()
