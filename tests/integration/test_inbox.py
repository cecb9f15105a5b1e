"""The inbox of platform updates (core.lifecycle.inbox through the Engine), on SQLite
and PostgreSQL: a repeat is not stored twice, the write that handles an update
finishes it in the same transaction (so a restart does not handle it again), writes
that only recognise who and where do not, and an update that keeps killing its
process ends dead instead of in a crash loop."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.api import GigDraft, ValidationError
from core.lifecycle.inbox import MAX_ATTEMPTS

TG = "telegram"


def draft(title: str = "Logo") -> GigDraft:
    return GigDraft(title=title, reward_minor=2500, currency="USD", slots=1)


async def test_a_repeat_is_not_stored_twice(engine):
    assert await engine.store_inbound(TG, [("1", "{}"), ("2", "{}"), ("1", "{}")]) == {"1", "2"}
    assert await engine.store_inbound(TG, [("2", "{}"), ("3", "{}")]) == {"3"}
    assert await engine.store_inbound("discord", [("1", "{}")]) == {"1"}  # per platform


async def test_unfinished_updates_are_handed_out_oldest_first(engine):
    await engine.store_inbound(TG, [("10", '{"a": 1}'), ("11", '{"b": 2}'), ("12", "{}")])
    await engine.finish_inbound(TG, "11")
    assert await engine.take_unfinished_inbound(TG) == [("10", '{"a": 1}'), ("12", "{}")]


async def test_the_write_that_handles_an_update_finishes_it(engine):
    await engine.store_inbound(TG, [("20", "{}"), ("21", "{}")])
    user = await engine.resolve_user(TG, "501", "Carla")
    with engine.handling_inbound(TG, "20"):
        await engine.resolve_user(TG, "502", "Ben")  # recognising a new user: not the action
        assert [k for k, _ in await engine.take_unfinished_inbound(TG)] == ["20", "21"]
        await engine.post_gig(user.id, draft())
    assert [k for k, _ in await engine.take_unfinished_inbound(TG)] == ["21"]


async def test_a_refused_write_does_not_finish_the_update(engine):
    await engine.store_inbound(TG, [("30", "{}")])
    user = await engine.resolve_user(TG, "503", "Dana")
    with engine.handling_inbound(TG, "30"):
        with pytest.raises(ValidationError):
            await engine.post_gig(user.id, GigDraft(title="", reward_minor=0, currency="USD",
                                                    slots=1))
    assert [k for k, _ in await engine.take_unfinished_inbound(TG)] == ["30"]


async def test_an_update_that_keeps_failing_ends_dead(engine):
    await engine.store_inbound(TG, [("40", "{}")])
    for _ in range(MAX_ATTEMPTS):
        assert await engine.take_unfinished_inbound(TG) == [("40", "{}")]
    assert await engine.take_unfinished_inbound(TG) == []
    assert await engine.store_inbound(TG, [("40", "{}")]) == set()  # still known: a repeat


async def test_finished_updates_are_forgotten_after_two_days(engine, clock):
    await engine.store_inbound(TG, [("50", "{}"), ("51", "{}")])
    await engine.finish_inbound(TG, "50")
    assert await engine.prune_inbound() == 0
    clock.advance(timedelta(days=3))
    assert await engine.prune_inbound() == 1  # the unfinished one stays
    assert [k for k, _ in await engine.take_unfinished_inbound(TG)] == ["51"]
