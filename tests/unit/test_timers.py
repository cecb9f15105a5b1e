"""The clock: what happens when time passes with nobody acting.

A claim whose delivery deadline passes is abandoned and its slot reopens; a
delivery nobody reviews is auto-approved and paid when the review window ends;
a rejection not disputed within the dispute window refunds that slot; listing
expiry refunds the unclaimed slots while a live claim runs to its end;
reminders go out 24 h and 1 h before a claim deadline and before auto-approval;
and two clock workers running at once fire each due timer exactly once.
Time moves with ``ManualClock.advance`` and ``core.workers.timers.run_due_timers``;
effects are checked in the database, the ledger and the outbox."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.lifecycle import ledger
from core.engine import Engine
from core.domain.errors import InvalidTransition
from core.domain.records import AuditEvent, Claim, Gig, OutboxMessage, PaymentOp, Timer
from core.workers.outbox import OutboxWorker
from core.workers.timers import run_due_timers

REWARD, FEE = 2500, 125  # 25 USD per slot, 5 % fee


async def tick(engine, clock, **delta) -> int:
    clock.advance(**delta)
    return await run_due_timers(engine)


async def state(engine, gig_id: int, claim_id: int | None = None):
    def read(s):
        gig = s.get(Gig, gig_id)
        claim = s.get(Claim, claim_id) if claim_id else None
        balances = ledger.all_balances(s)
        return gig, claim, balances
    return await engine.db.read(read)


async def queued(engine, event: str, recipient_id: int | None = None) -> list[OutboxMessage]:
    def read(s):
        q = select(OutboxMessage).where(OutboxMessage.event == event)
        if recipient_id is not None:
            q = q.where(OutboxMessage.recipient_id == recipient_id)
        return list(s.scalars(q.order_by(OutboxMessage.id)))
    return await engine.db.read(read)


def bal(balances, account: str, currency: str = "usd") -> int:
    return balances.get((account, currency), 0)


async def test_abandoned_claim_reopens_the_slot_after_the_deadline(engine, world, clock):
    client = await world.user("client")
    alice = await world.user("alice")
    bob = await world.user("bob")
    gig_id = await world.gig(client, deliver_in="2h")
    claim = await engine.claim_slot(alice, gig_id)

    await tick(engine, clock, hours=1, minutes=59)
    gig, c, _ = await state(engine, gig_id, claim.id)
    assert c.status == "active" and gig.slots_open == 0

    await tick(engine, clock, minutes=2)
    gig, c, balances = await state(engine, gig_id, claim.id)
    assert c.status == "abandoned"
    assert (gig.status, gig.slots_live, gig.slots_open) == ("open", 0, 1)
    assert bal(balances, ledger.escrow(gig_id)) == REWARD  # still held for the next taker
    assert await queued(engine, "claim.abandoned", alice)
    assert await queued(engine, "claim.abandoned", client)
    second = await engine.claim_slot(bob, gig_id)
    assert second.slot_no == 1


async def test_delivery_is_auto_approved_and_paid_after_the_review_window(engine, world, clock,
                                                                          collector):
    client = await world.user("client")
    alice = await world.user("alice")
    gig_id = await world.gig(client, review_window="48h")
    claim = await engine.claim_slot(alice, gig_id)
    await engine.deliver(alice, claim.id, "done", ["https://example.com/a"])

    await tick(engine, clock, hours=47)
    _, c, _ = await state(engine, gig_id, claim.id)
    assert c.status == "delivered"
    await tick(engine, clock, hours=1, seconds=1)
    gig, c, balances = await state(engine, gig_id, claim.id)
    assert (c.status, c.paid_minor, gig.status) == ("auto_approved", REWARD, "completed")
    assert bal(balances, ledger.escrow(gig_id)) == 0
    assert bal(balances, ledger.REVENUE) == FEE
    assert await queued(engine, "claim.auto_approved", alice)
    assert await queued(engine, "claim.auto_approved", client)

    await OutboxWorker(engine, collector).drain()
    _, _, balances = await state(engine, gig_id)
    assert bal(balances, ledger.payable(alice)) == bal(balances, ledger.payout_pending(alice)) == 0
    assert "payout.sent" in collector.events(alice)
    assert sum(balances.values()) == 0


async def test_undisputed_rejection_refunds_the_slot_after_the_dispute_window(
        engine, world, clock, collector):
    client = await world.user("client")
    alice = await world.user("alice")
    gig_id = await world.gig(client, slots=2)
    claim = await engine.claim_slot(alice, gig_id)
    await engine.deliver(alice, claim.id, "done")
    await engine.reject(client, claim.id, "not what I asked for")

    await tick(engine, clock, hours=71)
    _, c, _ = await state(engine, gig_id, claim.id)
    assert c.status == "rejected"
    await tick(engine, clock, hours=1, seconds=1)
    gig, c, balances = await state(engine, gig_id, claim.id)
    assert c.status == "refunded" and c.paid_minor == 0
    assert (gig.status, gig.slots_live, gig.slots_settled, gig.slots_open) == ("open", 0, 1, 1)
    assert bal(balances, ledger.escrow(gig_id)) == REWARD  # the other slot is still funded
    assert bal(balances, ledger.refund_pending(gig_id)) == REWARD + FEE
    assert await queued(engine, "claim.refunded", client)

    await OutboxWorker(engine, collector).drain()
    gig, _, balances = await state(engine, gig_id)
    assert bal(balances, ledger.refund_pending(gig_id)) == 0
    assert "refund.sent" in collector.events(client)
    # The client paid 2 x (reward + fee) and got one slot back: the rest is still held.
    assert bal(balances, ledger.EXTERNAL) == -(REWARD + FEE)


async def test_listing_expiry_refunds_unclaimed_slots_and_the_live_claim_runs_on(
        engine, world, clock, collector):
    client = await world.user("client")
    alice = await world.user("alice")
    bob = await world.user("bob")
    gig_id = await world.gig(client, slots=3, listing_for="3d", deliver_in="5d")
    claim = await engine.claim_slot(alice, gig_id)

    await tick(engine, clock, days=3, seconds=1)
    gig, c, balances = await state(engine, gig_id, claim.id)
    assert gig.status == "expired" and c.status == "active"
    assert (gig.slots_live, gig.slots_settled) == (1, 2)
    assert bal(balances, ledger.escrow(gig_id)) == REWARD  # only the live claim's slot
    assert bal(balances, ledger.refund_pending(gig_id)) == 2 * (REWARD + FEE)
    expired = await queued(engine, "gig.expired", client)
    assert len(expired) == 1 and '"refunded_slots": 2' in expired[0].payload

    with pytest.raises(InvalidTransition):
        await engine.claim_slot(bob, gig_id)

    await tick(engine, clock, days=1)  # alice is still within her 5 days
    await engine.deliver(alice, claim.id, "done late in the listing, on time for me")
    await engine.approve(client, claim.id)
    await OutboxWorker(engine, collector).drain()
    gig, c, balances = await state(engine, gig_id, claim.id)
    assert c.status == "approved" and c.paid_minor == REWARD
    assert gig.status == "expired" and gig.slots_live == 0 and gig.slots_settled == 3
    assert bal(balances, ledger.escrow(gig_id)) == 0 == bal(balances, ledger.fee_held(gig_id))
    assert bal(balances, ledger.REVENUE) == FEE
    assert sum(balances.values()) == 0


async def test_reminders_24h_and_1h_before_the_deadline_and_auto_approval(engine, world, clock):
    client = await world.user("client")
    alice = await world.user("alice")
    gig_id = await world.gig(client, deliver_in="2d", review_window="3d")
    claim = await engine.claim_slot(alice, gig_id)

    await tick(engine, clock, hours=23, minutes=59)
    assert await queued(engine, "reminder.deadline") == []
    await tick(engine, clock, minutes=1)
    first = await queued(engine, "reminder.deadline", alice)
    assert len(first) == 1 and "due_at" in first[0].payload
    await tick(engine, clock, hours=22, minutes=59)
    assert len(await queued(engine, "reminder.deadline", alice)) == 1
    await tick(engine, clock, minutes=1)  # 47 h after the claim: 1 h left
    assert len(await queued(engine, "reminder.deadline", alice)) == 2

    await engine.deliver(alice, claim.id, "done just in time")
    await tick(engine, clock, hours=48)  # review window 72 h: 24 h left
    review = await queued(engine, "reminder.review", client)
    assert len(review) == 1
    await tick(engine, clock, hours=23)  # 1 h left
    assert len(await queued(engine, "reminder.review", client)) == 2
    assert await queued(engine, "reminder.review", alice) == []
    await tick(engine, clock, hours=1)
    _, c, _ = await state(engine, gig_id, claim.id)
    assert c.status == "auto_approved"
    assert len(await queued(engine, "reminder.deadline", alice)) == 2  # nothing more


async def test_no_reminder_for_a_deadline_already_met(engine, world, clock):
    client = await world.user("client")
    alice = await world.user("alice")
    gig_id = await world.gig(client, deliver_in="2d")
    claim = await engine.claim_slot(alice, gig_id)
    await engine.deliver(alice, claim.id, "early")
    await tick(engine, clock, hours=47, minutes=30)
    assert await queued(engine, "reminder.deadline") == []


async def test_two_clock_workers_fire_each_timer_exactly_once(engine, world, clock):
    client = await world.user("client", experienced=True)  # a 12-slot gig: past newcomer caps
    freelancers = await world.many(12, "f")
    gig_id = await world.gig(client, slots=12, deliver_in="1h")
    claims = [await engine.claim_slot(f, gig_id) for f in freelancers]
    # A second engine on the same database: another clock worker process.
    other = Engine(engine.db, engine.provider, clock=clock)
    clock.advance(hours=1, seconds=1)
    fired = await asyncio.gather(run_due_timers(engine, limit=5), run_due_timers(other, limit=5))

    def read(s):
        timers = s.execute(select(Timer.kind, Timer.status, func.count())
                           .group_by(Timer.kind, Timer.status)).all()
        abandons = s.scalar(select(func.count()).select_from(AuditEvent)
                            .where(AuditEvent.action == "abandon"))
        return {(k, st): n for k, st, n in timers}, abandons, s.get(Gig, gig_id)
    timers, abandons, gig = await engine.db.read(read)
    assert sum(fired) == len(claims) == timers[("claim_deadline", "done")]
    assert ("claim_deadline", "pending") not in timers
    assert abandons == len(claims)
    assert (gig.slots_live, gig.slots_open) == (0, 12)
    for f in freelancers:
        assert len(await queued(engine, "claim.abandoned", f)) == 1
    assert await run_due_timers(engine) == 0


async def test_an_obsolete_timer_leaves_no_notification_behind(engine, world, clock,
                                                               monkeypatch):
    """A handler that queued a notification and then found the world moved on
    (a DomainError) is rolled back whole: its notification is not sent either."""
    from core.events import ClaimAbandoned
    from core.workers import timers

    client = await world.user("client")
    alice = await world.user("alice")
    gig_id = await world.gig(client, deliver_in="1h")
    claim = await engine.claim_slot(alice, gig_id)

    def half_done(tx, g, c):
        tx.emit(ClaimAbandoned(recipient_id=alice, gig_id=g, claim_id=c), key=f"claim:{c}")
        tx.audit(None, "system", "abandon", gig_id=g, claim_id=c)
        raise InvalidTransition("The claim moved on.")
    monkeypatch.setitem(timers._HANDLERS, "claim_deadline", half_done)
    assert await tick(engine, clock, hours=1, seconds=1) == 1
    assert await queued(engine, "claim.abandoned") == []

    def read(s):
        return (s.scalar(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == "abandon")),
                s.scalar(select(Timer.status).where(Timer.claim_id == claim.id,
                                                    Timer.kind == "claim_deadline")))
    assert await engine.db.read(read) == (0, "done")


async def test_outbox_workers_leasing_at_once_take_disjoint_rows(engine, world):
    """Several workers leasing at the same moment (concurrent transactions on
    PostgreSQL, where SKIP LOCKED does the work) never take the same row, take
    every due row between them, oldest first, and count the attempt."""
    from core.workers.outbox import lease

    client = await world.user("client", experienced=True)  # 30 slots: past newcomer caps
    freelancers = await world.many(30, "f")
    gig_id = await world.gig(client, slots=30)
    for f in freelancers:
        await engine.claim_slot(f, gig_id)
    due = await engine.view(lambda t: t.s.scalar(select(func.count()).select_from(OutboxMessage)
                                                 .where(OutboxMessage.status == "pending")))
    batches = await asyncio.gather(*(engine.tx(lambda t, w=w: lease(
        t, f"worker-{w}", limit=25, lease_for=timedelta(minutes=1))) for w in range(6)))
    taken = [m.id for batch in batches for m in batch]
    assert len(taken) == len(set(taken)) == min(due, 6 * 25)
    for batch in batches:
        assert [m.id for m in batch] == sorted(m.id for m in batch)
        assert all(m.attempts == 1 and m.lease_owner == batch[0].lease_owner for m in batch)


async def test_timers_of_a_settled_claim_are_obsolete(engine, world, clock):
    """Approving before the deadline: the deadline timer must not abandon the claim."""
    client = await world.user("client")
    alice = await world.user("alice")
    gig_id = await world.gig(client, deliver_in="1h", slots=2)
    claim = await engine.claim_slot(alice, gig_id)
    await engine.deliver(alice, claim.id, "fast")
    await engine.approve(client, claim.id)
    await tick(engine, clock, days=10)

    def read(s):
        ops = s.scalar(select(func.count()).select_from(PaymentOp).where(
            PaymentOp.kind == "transfer"))
        return s.get(Claim, claim.id).status, ops
    assert await engine.db.read(read) == ("approved", 1)
    gig, _, balances = await state(engine, gig_id)
    assert gig.status == "expired"  # the listing ran out; the unclaimed slot was refunded
    assert bal(balances, ledger.escrow(gig_id)) == 0
    assert timedelta(days=7) < clock.now() - gig.funded_at


async def test_a_gig_nobody_pays_for_expires_and_a_late_payment_is_refunded(engine, world, clock):
    client = await world.user("client")
    gig_id = await world.gig(client, fund=False)
    assert await tick(engine, clock, days=6) == 0
    await tick(engine, clock, days=1, minutes=1)
    gig, _, balances = await state(engine, gig_id)
    assert gig.status == "expired" and not balances
    # The client pays through an old payment link anyway: all of it goes back.
    from core.lifecycle import gigs as gig_tx
    await engine.tx(lambda t: gig_tx.record_payment_request(t, gig_id, "sandbox", "late-1", None,
                                                            2625))
    await engine.confirm_funding("late-1", 2625, "usd", "ch_late")
    await OutboxWorker(engine, _Sink()).drain()
    gig, _, balances = await state(engine, gig_id)
    assert gig.status == "expired"
    assert balances[(ledger.refund_pending(gig_id), "usd")] == 0
    assert balances[(ledger.EXTERNAL, "usd")] == 0  # in and straight back out
    ops = await engine.db.read(lambda s: list(s.scalars(select(PaymentOp))))
    assert [(o.kind, o.amount_minor, o.status, o.funding_ref) for o in ops] == [
        ("refund", 2625, "succeeded", "ch_late")]


class _Sink:
    async def deliver(self, note):
        pass
