"""The in-memory match index behind ``rank_freelancers``: once loaded, every
change committed afterwards (skills, opt-out, minimum reward, hours, ban, live
claims, reputation) shows in the next ranking, whichever code path made it; a
long random run of changes ranks exactly like a brute-force scoring of the
database; PostgreSQL's out-of-order commits are not missed; pruning the change
log never leaves an index stale."""
from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.matching.index import index_for, keep_index_fresh, prune_match_log
from core.matching.ranking import _LocalHours, _score, in_hours, rank_freelancers, reputation
from core.domain.records import Gig, MatchChange, Profile, ReputationStats, User


async def ranked(engine, gig_id: int, *, push: bool = True, limit: int = 50) -> list[int]:
    def run(t):
        gig = t.s.get(Gig, gig_id)
        return [c.user_id for c in rank_freelancers(t.s, gig, t.now, limit=limit,
                                                    for_push=push, config=t.config)]
    return await engine.view(run)


async def test_changes_after_loading_show_in_the_next_ranking(engine, world):
    client = await world.user("client", skills="writing")
    alice = await world.user("alice", skills="writing")
    bob = await world.user("bob", skills="design")
    carol = await world.user("carol", skills="design")
    dave = await world.user("dave", skills="design")
    gig_id = await world.gig(client, skills="design", fund=False)
    assert set(await ranked(engine, gig_id)) == {bob, carol, dave}  # loads the index

    await engine.update_profile(alice, {"skills": "design,writing"})
    await engine.update_profile(bob, {"notify": "off"})
    await engine.update_profile(carol, {"min_reward": "100"})

    def ban(t):
        t.s.get(User, dave).banned = True
    await engine.tx(ban)
    assert await ranked(engine, gig_id) == [alice]
    assert set(await ranked(engine, gig_id, push=False)) == {alice, bob, carol}

    # A claim (the engine's Core path bumps the live-claim counter) fills alice's
    # newcomer cap of one: no more pushes to her, but she still ranks.
    other = await world.gig(client, skills="design")
    await engine.claim_slot(alice, other)
    assert await ranked(engine, gig_id) == []
    assert alice in await ranked(engine, gig_id, push=False)


async def test_rankings_at_once_share_one_index_without_blocking(engine, world):
    """Eight fan-outs at once on a cold index: on PostgreSQL they all run on the
    event loop's thread, so none may hold the index's lock across a query."""
    client = await world.user("client", skills="writing")
    people = [await world.user(f"f{i}", skills="design") for i in range(10)]
    gig_id = await world.gig(client, skills="design", fund=False)
    results = await asyncio.wait_for(asyncio.gather(
        *(ranked(engine, gig_id) for _ in range(8))), timeout=60)
    assert all(sorted(r) == sorted(people) for r in results)
    await engine.update_profile(people[0], {"skills": "writing"})
    results = await asyncio.gather(*(ranked(engine, gig_id) for _ in range(8)))
    assert all(sorted(r) == sorted(people[1:]) for r in results)
    # Limits at and around the pool's size, and pushes turned off.
    for limit, expected in ((9, 9), (8, 8), (1, 1), (0, 0), (50, 9)):
        assert len(await ranked(engine, gig_id, limit=limit)) == expected


def reference_ranking(s, gig: Gig, now, *, push: bool, limit: int, config) -> list[int]:
    """Brute force: score every profile from the database with the scalar formula."""
    tags = [t for t in gig.skills.split(",") if t]
    hour = _LocalHours(now).hour
    scored = []
    for p, banned, st in s.execute(
            select(Profile, User.banned, ReputationStats)
            .join(User, User.id == Profile.user_id)
            .outerjoin(ReputationStats, ReputationStats.user_id == Profile.user_id)):
        st = st or ReputationStats(user_id=p.user_id)
        mine = {t for t in p.skills.split(",") if t}
        overlap = len(mine.intersection(tags))
        if banned or p.user_id == gig.client_id or (tags and not overlap and not push):
            continue
        if push and not overlap and not p.notify_all_gigs:  # no tag matched (or none named)
            continue
        ok = p.min_reward_currency != gig.currency or gig.reward_minor >= p.min_reward_minor
        avail = bool(in_hours(hour(p.timezone), p.work_start_hour, p.work_end_hour))
        cap = config.live_claim_cap(p.max_live_claims, st.approved)
        if push and not (p.notify_new_gigs and ok and avail and st.live_claims < cap):
            continue
        rep = reputation(st.rating_sum, st.rating_count, st.approved, st.on_time,
                         st.disputes_lost)
        score = float(_score(overlap / len(tags) if tags else 0.5, ok, avail, st.live_claims,
                             cap, rep))
        scored.append((score, p.user_id))
    return [uid for _, uid in sorted(scored, reverse=True)[:limit]]


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_changes_rank_like_brute_force(engine, world, seed):
    rnd = random.Random(seed)
    client = await world.user("client", skills="writing")
    people = [await world.user(f"f{i}", skills=rnd.choice(["design", "svg", "logo,svg"]))
              for i in range(24)]
    gigs = [await world.gig(client, skills=s, fund=False) for s in ("design,svg", "logo", "")]

    def change(t):
        for _ in range(rnd.randint(1, 6)):
            uid = rnd.choice(people)
            what = rnd.randrange(6)
            if what == 0:
                t.s.get(Profile, uid).skills = ",".join(
                    rnd.sample(["design", "svg", "logo", "writing"], rnd.randint(0, 3)))
            elif what == 1:
                p = t.s.get(Profile, uid)
                p.notify_new_gigs = rnd.random() < 0.7
                p.notify_all_gigs = p.notify_new_gigs and rnd.random() < 0.4
            elif what == 2:
                p = t.s.get(Profile, uid)
                p.min_reward_minor = rnd.choice([0, 1000, 5000])
                p.min_reward_currency = rnd.choice(["usd", "eur"])
            elif what == 3:
                p = t.s.get(Profile, uid)
                p.timezone = rnd.choice(["UTC", "Asia/Tokyo", "America/Denver", "Nowhere/Bad"])
                p.work_start_hour, p.work_end_hour = rnd.choice([(0, 24), (9, 17), (22, 6)])
            elif what == 4:
                st = t.s.get(ReputationStats, uid) or ReputationStats(user_id=uid)
                st.rating_sum, st.rating_count = rnd.randint(0, 50), rnd.randint(0, 10)
                st.approved, st.on_time = rnd.randint(0, 5), rnd.randint(0, 5)
                st.disputes_lost, st.live_claims = rnd.randint(0, 2), rnd.randint(0, 4)
                t.s.add(st)
            else:
                t.s.get(User, uid).banned = rnd.random() < 0.3

    for _ in range(12):
        await engine.tx(change)
        for gig_id in gigs:
            for push in (True, False):
                def both(t, gig_id=gig_id, push=push):
                    gig = t.s.get(Gig, gig_id)
                    got = [c.user_id for c in rank_freelancers(
                        t.s, gig, t.now, limit=10, for_push=push, config=t.config)]
                    return got, reference_ranking(t.s, gig, t.now, push=push, limit=10,
                                                  config=t.config)
                got, expected = await engine.view(both)
                assert got == expected, (gig_id, push)


@pytest.mark.postgres
async def test_a_change_committed_out_of_order_is_not_missed(engine, world, db):
    """PostgreSQL: a transaction that logged its change first but commits after a
    later one leaves a hole below the newest id; the index waits for it."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite commits log rows in id order")
    client = await world.user("client", skills="writing")
    slow = await world.user("slow", skills="writing")
    fast = await world.user("fast", skills="writing")
    gig_id = await world.gig(client, skills="design", fund=False)
    assert await ranked(engine, gig_id) == []

    async with AsyncSession(db._async) as early:
        await early.execute(update(Profile).where(Profile.user_id == slow)
                            .values(skills="design"))  # logged first, not committed
        await engine.update_profile(fast, {"skills": "design"})
        assert await ranked(engine, gig_id) == [fast]
        await early.commit()
    assert set(await ranked(engine, gig_id)) == {slow, fast}


async def test_pruning_past_an_index_reloads_it(engine, world):
    client = await world.user("client", skills="writing")
    people = [await world.user(f"f{i}", skills="writing") for i in range(6)]
    gig_id = await world.gig(client, skills="design", fund=False)
    assert await ranked(engine, gig_id) == []
    for uid in people:
        await engine.update_profile(uid, {"skills": "design"})
    pruned = await prune_match_log(engine, keep=2)
    assert pruned > 0
    left = await engine.view(lambda t: len(t.s.scalars(select(MatchChange.id)).all()))
    assert left == 2
    assert set(await ranked(engine, gig_id)) == set(people)
    index = index_for(engine.db._sync or engine.db._async.sync_engine)
    assert index.loaded and len(index.holes) == 0
    # Below the threshold nothing is deleted.
    assert await prune_match_log(engine, keep=100) == 0


async def test_the_clock_worker_keeps_the_index_loaded_and_current(engine, world):
    people = [await world.user(f"f{i}", skills="design") for i in range(3)]
    index = index_for(engine.db._sync or engine.db._async.sync_engine)
    await keep_index_fresh(engine)
    assert index.loaded and sorted(index.row_of) == sorted(people)
    newcomer = await world.user("late", skills="design")
    await keep_index_fresh(engine)
    assert newcomer in index.row_of and index.size == 4
