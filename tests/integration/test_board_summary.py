"""A board's weekly summary: a moderator turns it on, the clock worker fires it
every Monday 09:00 UTC (once, however many workers run), the outbox carries it
to the board, and turning it off stops it. Migration 0007 adds the community
timer column and takes it away again."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, inspect, select

from core.api import InvalidTransition, NotAllowed, run_due_timers
from core.domain.records import OutboxMessage, Timer


async def summaries(engine) -> list[OutboxMessage]:
    return await engine.view(lambda t: list(t.s.scalars(select(OutboxMessage).where(
        OutboxMessage.event == "board.weekly_summary").order_by(OutboxMessage.id))))


async def board_with_moderator(engine, world):
    mod = await world.user("mod")
    community = await world.community("guild", moderators=(mod,))
    await engine.configure_board(mod, community, board_channel_id="chan-1", visibility=None,
                                 moderator_role_id=None, fee_bps=None, platform_admin=True)
    return mod, community


async def test_weekly_summary_fires_each_monday_until_turned_off(engine, world, clock):
    mod, community = await board_with_moderator(engine, world)  # clock: Mon 1 June 12:00
    due = await engine.set_weekly_summary(mod, community, True)
    assert due == datetime(2026, 6, 8, 9, tzinfo=timezone.utc)
    assert await engine.set_weekly_summary(mod, community, True) == due  # once is enough
    assert await engine.weekly_summary_due(community) == due

    clock.advance(timedelta(days=6))  # Sunday: not yet
    await run_due_timers(engine)
    assert await summaries(engine) == []
    clock.advance(timedelta(days=1))  # Monday 12:00
    assert await run_due_timers(engine) == 1 and await run_due_timers(engine) == 0
    [first] = await summaries(engine)
    assert first.recipient_id is None and '"community_id": %d' % community in first.payload
    assert await engine.weekly_summary_due(community) == due + timedelta(weeks=1)

    clock.advance(timedelta(days=7))
    await run_due_timers(engine)
    assert len(await summaries(engine)) == 2
    assert await engine.set_weekly_summary(mod, community, False) is None
    assert await engine.weekly_summary_due(community) is None
    clock.advance(timedelta(days=14))
    await run_due_timers(engine)
    assert len(await summaries(engine)) == 2
    # on again the same week: a fresh timer, not a clash with the cancelled one
    assert await engine.set_weekly_summary(mod, community, True) is not None


async def test_only_a_moderator_of_a_board_turns_it_on(engine, world):
    mod, community = await board_with_moderator(engine, world)
    member = await world.user("member")
    with pytest.raises(NotAllowed):
        await engine.set_weekly_summary(member, community, True)
    bare = await world.community("no-board", moderators=(mod,))
    with pytest.raises(InvalidTransition):
        await engine.set_weekly_summary(mod, bare, True)
    pending = await engine.view(lambda t: t.s.scalars(select(Timer).where(
        Timer.kind == "board_summary")).all())
    assert pending == []


def test_sqlite_0007_adds_the_community_timer_and_downgrades(tmp_path):
    from alembic import command

    from core.storage.migrate import alembic_config, upgrade
    url = f"sqlite:///{tmp_path / 'm7.db'}"
    upgrade(url, "0007")
    engine = create_engine(url)
    assert "community_id" in {c["name"] for c in inspect(engine).get_columns("timer")}
    command.downgrade(alembic_config(url), "0006")
    engine.dispose()
    engine = create_engine(url)
    assert "community_id" not in {c["name"] for c in inspect(engine).get_columns("timer")}
    engine.dispose()
