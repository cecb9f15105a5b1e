"""Badges through the engine on every database backend (SQLite, and PostgreSQL
when configured): refusals write nothing, the badge is granted in the approval's
transaction (the client's or the clock's) exactly once with its role effect, and
revoking queues the role's removal."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.api import BadgeRequired, InvalidTransition, NotAllowed
from core.domain.records import MemberBadge, OutboxMessage
from core.workers.timers import run_due_timers


async def refused(snapshot, make, error):
    before = await snapshot()
    with pytest.raises(error) as info:
        await make()
    assert await snapshot() == before, "a refused change wrote something"
    return info.value


async def rows(engine, **where):
    def read(s):
        q = select(OutboxMessage)
        for key, value in where.items():
            q = q.where(getattr(OutboxMessage, key) == value)
        return list(s.scalars(q.order_by(OutboxMessage.id)))
    return await engine.db.read(read)


async def holders(engine):
    return await engine.db.read(lambda s: [(h.user_id, h.revoked_at is None, h.role_synced)
                                           for h in s.scalars(select(MemberBadge))])


@pytest.fixture
async def board(world):
    mod = await world.user("mod")
    community = await world.community("Makers", moderators=(mod,))
    return mod, community


async def test_refusals_write_nothing(engine, world, board, snapshot):
    mod, community = board
    member = await world.user("mem", experienced=True)
    await refused(snapshot, lambda: engine.define_badge(member, community, "svg"), NotAllowed)
    await engine.define_badge(mod, community, "svg", "777")
    await refused(snapshot, lambda: world.gig(member, community_id=community, qualifies="svg"),
                  NotAllowed)
    needs = await world.gig(mod, community_id=community, requires="svg")
    error = await refused(snapshot, lambda: engine.claim_slot(member, needs), BadgeRequired)
    assert "No qualification gig for it is open right now" in error.message
    await refused(snapshot, lambda: engine.revoke_badge(mod, community, member, "svg"),
                  InvalidTransition)


async def test_client_approval_grants_once_with_the_role_and_revoke_takes_it(
        engine, world, board):
    mod, community = board
    freelancer = await world.user("fre", skills="svg")
    await engine.define_badge(mod, community, "svg", "777")
    qualification = await world.gig(mod, community_id=community, qualifies="svg", slots="2")
    needs = await world.gig(mod, community_id=community, requires="svg")
    with pytest.raises(BadgeRequired, match=r"#1 Logo in SVG \(/gig 1\)"):
        await engine.claim_slot(freelancer, needs)
    claim = await engine.claim_slot(freelancer, qualification)
    await engine.deliver(freelancer, claim.id, "done", [], [])
    await engine.approve(mod, claim.id)
    assert await holders(engine) == [(freelancer, True, False)]
    assert [m.event for m in await rows(engine, recipient_id=freelancer)
            if m.event.startswith("badge.")] == ["badge.earned"]
    (effect,) = await rows(engine, channel="platform")
    assert json.loads(effect.payload)["grant"] is True
    with pytest.raises(InvalidTransition, match="already hold the svg badge"):
        await engine.claim_slot(freelancer, qualification)  # the second slot is for others
    await engine.claim_slot(freelancer, needs)

    await engine.revoke_badge(mod, community, freelancer, "svg", "copied work")
    assert await holders(engine) == [(freelancer, False, False)]
    grant, revoke = await rows(engine, channel="platform")
    assert json.loads(revoke.payload)["grant"] is False


async def test_auto_approval_grants_the_badge(engine, world, board, clock):
    mod, community = board
    freelancer = await world.user("fre", skills="svg")
    await engine.define_badge(mod, community, "svg")
    qualification = await world.gig(mod, community_id=community, qualifies="svg")
    claim = await engine.claim_slot(freelancer, qualification)
    await engine.deliver(freelancer, claim.id, "done", [], [])
    clock.advance(timedelta(hours=73))
    await run_due_timers(engine)
    assert await holders(engine) == [(freelancer, True, True)]  # no role: nothing to sync
    assert await rows(engine, channel="platform") == []
    assert [m.event for m in await rows(engine, recipient_id=freelancer)
            if m.event.startswith("badge.")] == ["badge.earned"]
