"""Matching: who is pushed a new gig and how the /gigs feed is ordered. Built
through the engine (profiles, communities, blocks, claims), checked on the
ranking and on the 'gig.matched' notifications queued when a gig opens."""
from __future__ import annotations

from sqlalchemy import select

from core.lifecycle import people
from core.matching.ranking import feed, rank_freelancers
from core.domain.records import Gig, OutboxMessage, ReputationStats
from core.workers.outbox import OutboxWorker


class Sink:
    async def deliver(self, note):
        pass


async def profile(engine, world, name, **fields):
    uid = await world.user(name)
    await engine.update_profile(uid, {k: str(v) for k, v in fields.items()})
    return uid


async def ranked(engine, gig_id, *, push=True):
    def run(t):
        gig = t.s.get(Gig, gig_id)
        return [c.user_id for c in rank_freelancers(t.s, gig, t.now, limit=50, for_push=push)]
    return await engine.view(run)


async def test_skill_overlap_and_reputation_order_the_candidates(engine, world):
    client = await world.user("client")
    both = await profile(engine, world, "both", skills="design,svg")
    one = await profile(engine, world, "one", skills="design")
    star = await profile(engine, world, "star", skills="design")
    none = await profile(engine, world, "none", skills="writing")

    def seasoned(t):
        t.s.merge(ReputationStats(user_id=star, rating_sum=50, rating_count=10, approved=10,
                                  on_time=10))
    await engine.tx(seasoned)
    gig_id = await world.gig(client, skills="design,svg", fund=False)
    order = await ranked(engine, gig_id, push=False)
    assert none not in order and client not in order
    assert order.index(both) < order.index(star) < order.index(one)


async def test_push_respects_hours_minimum_cap_and_opt_out(engine, world, clock):
    client = await world.user("client")
    ok = await profile(engine, world, "ok", skills="design", hours="any")
    asleep = await profile(engine, world, "asleep", skills="design", timezone="UTC",
                           hours=f"{(clock.now().hour + 2) % 24}-{(clock.now().hour + 4) % 24}")
    pricey = await profile(engine, world, "pricey", skills="design", min_reward="100")
    quiet = await profile(engine, world, "quiet", skills="design", notify="off")
    busy = await profile(engine, world, "busy", skills="design")
    other_gig = await world.gig(client, skills="design")
    await engine.claim_slot(busy, other_gig)  # a newcomer: one live claim is the cap
    gig_id = await world.gig(client, skills="design", reward="25", fund=False)
    pushed = await ranked(engine, gig_id)
    assert pushed == [ok]
    feed_all = await ranked(engine, gig_id, push=False)
    assert set(feed_all) == {ok, asleep, pricey, quiet, busy}


async def test_members_only_bans_and_blocks(engine, world):
    client = await world.user("client")
    member = await profile(engine, world, "member", skills="design")
    outsider = await profile(engine, world, "outsider", skills="design")
    banned = await profile(engine, world, "banned", skills="design")
    blocked = await profile(engine, world, "blocked", skills="design")

    def setup(t):
        guild = people.ensure_community(t, "discord", "g1", "Guild")
        guild.visibility = "members"
        for uid in (member, blocked, client):
            people.set_member_role(t, guild.id, uid, "member")
        people.set_member_role(t, guild.id, banned, "banned")
        people.block(t, client, blocked)
        return guild.id
    guild_id = await engine.tx(setup)
    gig_id = await world.gig(client, skills="design", community_id=guild_id, fund=False)
    assert await ranked(engine, gig_id, push=False) == [member]
    # The feed agrees: only the member sees the gig.
    await world.engine.start_funding(client, gig_id)
    for uid, sees in ((member, True), (outsider, False), (banned, False), (blocked, False)):
        page, total = await engine.view(lambda t: feed(t.s, uid, t.now))
        assert (gig_id in [g.id for g in page]) is sees


async def test_opening_a_gig_notifies_the_top_candidates(engine, world):
    client = await world.user("client")
    fans = [await profile(engine, world, f"fan{i}", skills="design") for i in range(3)]
    await profile(engine, world, "writer", skills="writing")
    gig_id = await world.gig(client, skills="design")
    await OutboxWorker(engine, Sink()).drain()
    notified = await engine.view(lambda t: sorted(t.s.scalars(select(OutboxMessage.recipient_id)
                                                              .where(OutboxMessage.event == "gig.matched"))))
    assert notified == sorted(fans)
    assert gig_id
