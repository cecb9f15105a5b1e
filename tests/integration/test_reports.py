"""The read models behind /wallet's chart, /stats and /export, on SQLite and
PostgreSQL, from known histories built through the engine."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.api import NotAllowed
from core.workers.outbox import OutboxWorker


async def earn(engine, world, collector, client, freelancer, reward, *, paid=True, **gig):
    gig_id = await world.gig(client, reward=str(reward), **gig)
    claim = await engine.claim_slot(freelancer, gig_id)
    await engine.deliver(freelancer, claim.id, "done")
    await engine.approve(client, claim.id)
    if paid:
        await OutboxWorker(engine, collector).drain()
    return gig_id, claim.id


async def test_earnings_per_week_split_paid_and_waiting(engine, world, clock, collector):
    client, alice = await world.user("client"), await world.user("alice")
    start = clock.now()  # a Monday
    await earn(engine, world, collector, client, alice, 25)
    clock.advance(timedelta(weeks=5))
    await earn(engine, world, collector, client, alice, 40)
    clock.advance(timedelta(weeks=4))
    await earn(engine, world, collector, client, alice, 10)
    await earn(engine, world, collector, client, alice, 7, currency="eur")
    await earn(engine, world, collector, client, alice, 15, paid=False)
    clock.advance(timedelta(weeks=2))

    report = await engine.earnings(alice)
    assert report.currency == "usd" and report.currencies == ("usd", "eur")
    assert len(report.weeks) == 12 and report.weeks[0].start == start.date()
    assert [(w.paid_out, w.waiting) for w in report.weeks] == [
        (2500, 0), (0, 0), (0, 0), (0, 0), (0, 0), (4000, 0), (0, 0), (0, 0), (0, 0),
        (1000, 1500), (0, 0), (0, 0)]
    assert report.total == 9000 and report.last_4 == 2500 and report.previous_4 == 4000
    assert report.change_pct == -38
    eur = await engine.earnings(alice, currency="eur")
    assert [w.total for w in eur.weeks][9] == 700 and eur.total == 700

    key = report.data_key
    await OutboxWorker(engine, collector).drain()  # the waiting payout goes out
    after = await engine.earnings(alice)
    assert after.data_key > key and after.weeks[9].paid_out == 2500
    assert (await engine.earnings(client)).total == 0


async def test_earnings_weeks_follow_the_users_time_zone(engine, world, clock, collector):
    client, ana = await world.user("client"), await world.user("ana")
    await engine.update_profile(ana, {"timezone": "Pacific/Auckland"})
    await earn(engine, world, collector, client, ana, 25)  # Monday 12:00 UTC = Tuesday in NZ
    report = await engine.earnings(ana)
    assert report.weeks[-1].start.weekday() == 0 and report.weeks[-1].total == 2500


async def test_board_stats_of_the_last_30_days(engine, world, clock, collector):
    mod, client = await world.user("mod"), await world.user("client")
    alice, bob = await world.user("alice"), await world.user("bob")
    carol = await world.user("carol", experienced=True)
    board = await world.community("guild", moderators=(mod,))
    old = await world.gig(client, community_id=board, skills="logo")  # 40 days before "now"
    await engine.claim_slot(alice, old)
    clock.advance(timedelta(days=35))
    g1 = await world.gig(client, community_id=board, skills="design,svg", slots=2)
    clock.advance(timedelta(hours=2))
    c1 = await engine.claim_slot(bob, g1)
    gone = await engine.claim_slot(carol, g1)  # withdrawn: it fills no slot
    await engine.withdraw(carol, gone.id)
    await engine.deliver(bob, c1.id, "done")
    clock.advance(timedelta(hours=6))
    await engine.approve(client, c1.id)
    clock.advance(timedelta(days=1))
    g2 = await world.gig(client, community_id=board, skills="svg,copywriting", reward="40")
    clock.advance(timedelta(hours=4))
    c2 = await engine.claim_slot(bob, g2)
    await engine.deliver(bob, c2.id, "done")
    await engine.reject(client, c2.id, "not what I asked")
    await engine.open_dispute(bob, c2.id, "it is")
    await world.gig(client, skills="svg")  # not on this board
    clock.advance(timedelta(days=5))

    stats = await engine.board_stats(mod, board)
    assert stats.gigs_posted == 2 and stats.slots_filled == 2
    assert sum(stats.posted_per_day) == 2 and len(stats.days) == 30
    assert stats.posted_per_day[-8] == 1 and stats.posted_per_day[-7] == 1  # 7 and 6 days ago
    assert stats.median_claim_seconds == 3 * 3600  # 2 h and 4 h
    assert stats.median_approval_seconds == 6 * 3600
    assert stats.paid_out == {"usd": 2500} and stats.disputes == 1
    assert stats.top_skills[0] == ("svg", 2)
    assert set(stats.top_skills[1:]) == {("copywriting", 1), ("design", 1)}
    with pytest.raises(NotAllowed):
        await engine.board_stats(client, board)


async def test_statements_run_a_balance_per_currency(engine, world, collector):
    client, alice = await world.user("client"), await world.user("alice")
    board_mod = await world.user("mod")
    board = await world.community("guild", moderators=(board_mod,))
    gig_id, claim_id = await earn(engine, world, collector, client, alice, 25,
                                  community_id=board)
    mine = await engine.user_statement(alice)
    assert [(line.kind, line.amount, line.balance, line.claim_id) for line in mine.lines] == [
        ("release", 2500, 2500, claim_id), ("payout", -2500, 0, claim_id)]
    theirs = await engine.user_statement(client)
    assert [(line.kind, line.amount, line.balance) for line in theirs.lines] == [
        ("funding", 2625, 2625), ("release", -2625, 0)]
    assert theirs.lines[0].gig_id == gig_id and theirs.lines[0].gig_title == "Logo in SVG"
    held = await engine.board_statement(board_mod, board)
    assert [(line.kind, line.amount, line.balance) for line in held.lines] == [
        ("funding", 2625, 2625), ("release", -2625, 0)]
    with pytest.raises(NotAllowed):
        await engine.board_statement(alice, board)


async def test_statement_balance_is_what_the_wallet_says_is_held(engine, world, collector):
    client, alice = await world.user("client"), await world.user("alice")
    lazy = await world.user("lazy", payouts=False)
    gig_id = await world.gig(client, slots=3)
    claim = await engine.claim_slot(alice, gig_id)
    await engine.deliver(alice, claim.id, "done")
    await engine.approve(client, claim.id)
    held = await engine.claim_slot(lazy, gig_id)  # live: its slot stays in escrow
    await engine.deliver(lazy, held.id, "done")
    await engine.cancel_gig(client, gig_id)  # the third slot is refunded
    await OutboxWorker(engine, collector).drain()

    for who in (client, alice, lazy):
        lines = (await engine.user_statement(who)).lines
        w = (await engine.wallet(who)).of("usd")
        balance = lines[-1].balance if lines else 0
        assert balance == w.held_in_escrow + w.refunds_pending + w.earned_unpaid + w.payout_pending
        assert sum(line.amount for line in lines) == balance
    kinds = [(line.kind, line.amount) for line in (await engine.user_statement(client)).lines]
    assert kinds == [("funding", 7875), ("release", -2625), ("refund_sent", -2625)]
    assert (await engine.user_statement(client)).lines[-1].balance == 2625  # lazy's slot
