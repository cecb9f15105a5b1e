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


def test_local_budget_spaces_sends_and_keeps_bursts():
    now = [100.0]
    budget = LocalBudget(clock=lambda: now[0])
    waits = [budget.book([GLOBAL, CHAT]).wait for _ in range(4)]
    # the chat allows 2 at once, then 2/s; the global limit 10/s spaces the burst
    assert waits == pytest.approx([0.0, 0.1, 0.5, 1.0])


def test_local_budget_refuses_a_booking_that_is_not_near():
    now = [0.0]
    budget = LocalBudget(clock=lambda: now[0])
    for _ in range(5):
        budget.book([GLOBAL])
    refused = budget.book([GLOBAL], within=0.2)
    assert not refused.granted and refused.wait == pytest.approx(0.5)
    assert budget.book([GLOBAL]).wait == pytest.approx(0.5)  # nothing was booked meanwhile


def test_a_pause_holds_every_limit_it_names():
    now = [0.0]
    budget = LocalBudget(clock=lambda: now[0])
    budget.hold([GLOBAL], 3.0)
    assert budget.book([GLOBAL, CHAT]).wait == pytest.approx(3.0)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL to run against PostgreSQL")
async def test_processes_share_one_budget_on_postgresql(tmp_path):
    db = await make_database("postgres", tmp_path)
    others = [Database(db.url) for _ in range(2)]  # three "processes", three pools
    try:
        budgets = [SharedBudget(d.async_engine) for d in [db, *others]]
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
    finally:
        for d in others:
            await d.dispose()
        await db.dispose()
