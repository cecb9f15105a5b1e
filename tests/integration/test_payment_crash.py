"""Money survives a worker dying mid-payment.

A provider wrapper lets the real ``SandboxProvider`` accept a transfer (or a
refund) and then kills the worker before it can record the result, the worst
moment. A fresh ``OutboxWorker`` (another owner) must leave the dead worker's
lease alone until it expires, then retry with the same idempotency key: the
provider holds exactly one transfer, the ``PaymentOp`` is succeeded, the
ledger has exactly one payout entry and balances to zero, and the freelancer
is told once. Also: a worker that leased a batch and died before doing
anything; a freelancer without payouts whose earnings wait in the ledger until
``setup_payouts``; a provider that declines a transfer until the freelancer
sets up payouts again; and a kill between the sandbox charge and its
recording, which the workers' recovery pass records without the client.
SQLite file and PostgreSQL. (tests/integration/test_kill_points.py kills a
real process at every failpoint.)"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.domain.errors import InvalidTransition
from core.lifecycle import ledger
from core.engine import Engine
from core.domain.records import LedgerEntry, OutboxMessage, PaymentOp, SandboxPayment
from core.workers.outbox import OutboxWorker, lease
from tests.faults import FaultyProvider, ProcessKilled

REWARD, FEE = 2500, 125
LEASE = 120


async def money(engine, kind: str):
    def read(s):
        rows = list(s.scalars(select(SandboxPayment).where(SandboxPayment.kind == kind)))
        ops = list(s.scalars(select(PaymentOp).where(PaymentOp.kind == kind)
                             .order_by(PaymentOp.id)))
        sent_kind = "payout" if kind == "transfer" else "refund_sent"
        sent = s.scalar(select(func.count()).select_from(LedgerEntry)
                        .where(LedgerEntry.kind == sent_kind))
        pending = list(s.scalars(select(OutboxMessage).where(
            OutboxMessage.channel == "payment", OutboxMessage.status == "pending")))
        return rows, ops, sent, ledger.all_balances(s), ledger.unbalanced_entries(s), pending
    return await engine.db.read(read)


def bal(balances, account: str) -> int:
    return balances.get((account, "usd"), 0)


async def approved_claim(engine, world, *, payouts: bool = True):
    client = await world.user("client")
    alice = await world.user("alice", payouts=payouts)
    gig_id = await world.gig(client)
    claim = await engine.claim_slot(alice, gig_id)
    await engine.deliver(alice, claim.id, "done", ["https://example.com/logo.svg"])
    await engine.approve(client, claim.id)
    return client, alice, gig_id, claim.id


async def crash_then_recover(engine, clock, collector, kind: str):
    doomed = Engine(engine.db, FaultyProvider(engine.provider, kill_after=kind), clock=clock)
    with pytest.raises(ProcessKilled):
        await OutboxWorker(doomed, collector, owner="worker-1", lease_seconds=LEASE).drain(
            channels=("payment",))
    rows, ops, sent, _, _, pending = await money(engine, kind)
    assert len(rows) == 1, "the provider accepted the operation"
    assert [op.status for op in ops] == ["pending"] and sent == 0, "nothing was recorded"
    assert [m.lease_owner for m in pending] == ["worker-1"]

    # A new worker must not touch a message whose lease is still held...
    fresh = OutboxWorker(engine, collector, owner="worker-2", lease_seconds=LEASE)
    clock.advance(seconds=LEASE - 1)
    assert await fresh.drain(channels=("payment",)) == 0
    # ...and takes over once the dead worker's lease has run out.
    clock.advance(seconds=2)
    assert await fresh.drain() >= 1
    return rows[0].ref


async def test_transfer_accepted_then_worker_killed_pays_exactly_once(engine, world, clock,
                                                                      collector):
    _, alice, gig_id, claim_id = await approved_claim(engine, world)
    ref = await crash_then_recover(engine, clock, collector, "transfer")

    rows, ops, sent, balances, unbalanced, pending = await money(engine, "transfer")
    assert len(rows) == 1 and rows[0].ref == ref and rows[0].amount_minor == REWARD
    assert len(ops) == 1 and ops[0].status == "succeeded" and ops[0].provider_ref == ref
    assert ops[0].claim_id == claim_id
    assert sent == 1 and pending == [] and unbalanced == []
    assert bal(balances, ledger.payable(alice)) == bal(balances, ledger.payout_pending(alice)) == 0
    assert bal(balances, ledger.escrow(gig_id)) == 0
    assert bal(balances, ledger.EXTERNAL) == -FEE  # client paid reward + fee, alice got reward
    assert sum(balances.values()) == 0
    assert collector.events(alice).count("payout.sent") == 1
    wallet = await engine.wallet(alice)
    assert wallet.of("usd").paid_out == REWARD and wallet.of("usd").earned_unpaid == 0

    # Nothing is left to retry, however often workers run.
    clock.advance(hours=2)
    await OutboxWorker(engine, collector, owner="worker-3").drain()
    rows, ops, sent, *_ = await money(engine, "transfer")
    assert (len(rows), sent, collector.events(alice).count("payout.sent")) == (1, 1, 1)


async def test_refund_accepted_then_worker_killed_refunds_exactly_once(engine, world, clock,
                                                                       collector):
    client = await world.user("client")
    gig_id = await world.gig(client, slots=3)
    await engine.cancel_gig(client, gig_id)
    ref = await crash_then_recover(engine, clock, collector, "refund")

    rows, ops, sent, balances, unbalanced, pending = await money(engine, "refund")
    assert len(rows) == 1 and rows[0].ref == ref and rows[0].amount_minor == 3 * (REWARD + FEE)
    assert len(ops) == 1 and ops[0].status == "succeeded" and ops[0].provider_ref == ref
    assert sent == 1 and pending == [] and unbalanced == []
    assert bal(balances, ledger.refund_pending(gig_id)) == 0
    assert bal(balances, ledger.escrow(gig_id)) == bal(balances, ledger.fee_held(gig_id)) == 0
    assert bal(balances, ledger.EXTERNAL) == 0  # all the client's money went back
    assert collector.events(client).count("refund.sent") == 1


async def test_worker_dead_after_leasing_a_batch_is_taken_over_after_the_lease(
        engine, world, clock, collector):
    _, alice, _, _ = await approved_claim(engine, world)
    leased = await engine.tx(lambda t: lease(t, "dead-worker", limit=100,
                                             lease_for=timedelta(seconds=LEASE)))
    assert any(m.channel == "payment" for m in leased) and len(leased) >= 3
    fresh = OutboxWorker(engine, collector, owner="fresh")
    assert await fresh.drain() == 0  # all leased by the dead worker
    clock.advance(seconds=LEASE + 1)
    assert await fresh.drain() >= len(leased)

    rows, ops, sent, balances, unbalanced, pending = await money(engine, "transfer")
    assert len(rows) == 1 and ops[0].status == "succeeded" and sent == 1
    assert pending == [] and unbalanced == [] and sum(balances.values()) == 0
    assert collector.events(alice).count("claim.approved") == 1
    assert collector.events(alice).count("payout.sent") == 1

    def outbox(s):
        return s.execute(select(OutboxMessage.status, func.count())
                         .group_by(OutboxMessage.status)).all()
    assert dict(await engine.db.read(outbox)) == {"done": len(collector.notes) + 2}


async def test_earnings_wait_for_payout_setup_then_transfer_once(engine, world, clock,
                                                                  collector):
    _, alice, _, _ = await approved_claim(engine, world, payouts=False)
    await OutboxWorker(engine, collector).drain()
    rows, ops, sent, balances, _, _ = await money(engine, "transfer")
    assert rows == [] and sent == 0
    assert [op.status for op in ops] == ["waiting_account"]
    assert bal(balances, ledger.payable(alice)) == REWARD  # owed, held in the ledger
    wallet = (await engine.wallet(alice)).of("usd")
    assert (wallet.earned_unpaid, wallet.waiting_onboarding, wallet.paid_out) == (REWARD, REWARD, 0)
    assert "claim.approved" in collector.events(alice)

    link = await engine.setup_payouts(alice)
    assert link.payouts_enabled
    clock.advance(seconds=1)
    await OutboxWorker(engine, collector).drain()
    # Setting up again (a double tap on the onboarding button) changes nothing.
    await engine.setup_payouts(alice)
    await OutboxWorker(engine, collector).drain()

    rows, ops, sent, balances, unbalanced, pending = await money(engine, "transfer")
    assert len(rows) == 1 and rows[0].amount_minor == REWARD
    assert [op.status for op in ops] == ["succeeded"] and sent == 1
    assert bal(balances, ledger.payable(alice)) == bal(balances, ledger.payout_pending(alice)) == 0
    assert pending == [] and unbalanced == [] and sum(balances.values()) == 0
    assert collector.events(alice).count("payout.unlocked") == 1
    assert collector.events(alice).count("payout.sent") == 1
    wallet = (await engine.wallet(alice)).of("usd")
    assert (wallet.earned_unpaid, wallet.waiting_onboarding, wallet.paid_out) == (0, 0, REWARD)


async def test_declined_transfer_is_held_and_paid_once_after_payout_setup(engine, world, clock,
                                                                          collector):
    _, alice, _, _ = await approved_claim(engine, world)
    refusing = Engine(engine.db, FaultyProvider(engine.provider, decline_transfers=True), clock=clock)
    await OutboxWorker(refusing, collector).drain()
    rows, ops, sent, balances, unbalanced, _ = await money(engine, "transfer")
    assert rows == [] and [op.status for op in ops] == ["waiting_account"] and sent == 0
    assert bal(balances, ledger.payable(alice)) == REWARD
    assert bal(balances, ledger.payout_pending(alice)) == 0
    assert "payout.failed" in collector.events(alice)
    assert not (await engine.wallet(alice)).payouts_enabled

    await engine.setup_payouts(alice)
    clock.advance(seconds=1)
    await OutboxWorker(engine, collector).drain()
    rows, ops, sent, balances, unbalanced, pending = await money(engine, "transfer")
    assert len(rows) == 1 and [op.status for op in ops] == ["succeeded"] and sent == 1
    assert bal(balances, ledger.payable(alice)) == 0
    assert bal(balances, ledger.payout_pending(alice)) == 0
    assert pending == [] and unbalanced == [] and sum(balances.values()) == 0


async def _killed_after_the_charge(engine, world, clock):
    """The client presses Pay; the sandbox takes the money and the process dies
    before the app records it."""
    client = await world.user("client")
    gig_id = await world.gig(client, fund=False, slots=2)
    doomed = Engine(engine.db, FaultyProvider(engine.provider, kill_after="charge"), clock=clock)
    with pytest.raises(ProcessKilled):
        await doomed.start_funding(client, gig_id)
    charges, *_ = await money(engine, "charge")
    assert [c.amount_minor for c in charges] == [2 * (REWARD + FEE)], "the money was taken"
    gig = await engine.view(lambda t: t.gig(gig_id))
    assert (gig.status, gig.funded_at) == ("awaiting_funding", None), "and not recorded"
    return client, gig_id


async def funding_entries(engine) -> int:
    return await engine.db.read(lambda s: s.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "funding")))


async def test_charge_taken_then_killed_opens_the_gig_without_the_client(engine, world, clock,
                                                                         collector):
    """A kill between the sandbox charge and its recording: the workers' recovery
    pass finds the charge by its idempotency key and opens the gig; the client
    does not have to press Pay again, and pressing it later charges nothing more."""
    client, gig_id = await _killed_after_the_charge(engine, world, clock)
    recovered = await engine.recover_unrecorded_payments()
    assert recovered == [f"gig #{gig_id}: funded: gig opened"]
    await OutboxWorker(engine, collector).drain()

    gig = await engine.view(lambda t: t.gig(gig_id))
    assert gig.status == "open" and gig.funding_ref
    charges, _, _, balances, unbalanced, _ = await money(engine, "charge")
    assert len(charges) == 1 and gig.funding_ref == charges[0].ref
    assert await funding_entries(engine) == 1 and unbalanced == []
    assert bal(balances, ledger.escrow(gig_id)) == 2 * REWARD
    assert bal(balances, ledger.fee_held(gig_id)) == 2 * FEE
    assert bal(balances, ledger.EXTERNAL) == -2 * (REWARD + FEE)
    assert collector.events(client).count("gig.opened") == 1

    # Nothing more to find, however often the pass runs; a late Pay press is refused.
    assert await engine.recover_unrecorded_payments() == []
    with pytest.raises(InvalidTransition):
        await engine.start_funding(client, gig_id)
    charges, *_ = await money(engine, "charge")
    assert len(charges) == 1 and await funding_entries(engine) == 1


async def test_charge_taken_then_killed_then_cancelled_is_refunded_once(engine, world, clock,
                                                                        collector):
    """The client gave up on the gig that seemed unpaid and cancelled it: the money
    that was taken goes back, once."""
    client, gig_id = await _killed_after_the_charge(engine, world, clock)
    await engine.cancel_gig(client, gig_id)
    recovered = await engine.recover_unrecorded_payments()
    assert recovered == [f"gig #{gig_id}: paid while the gig was cancelled: refunding"]
    await OutboxWorker(engine, collector).drain()
    assert await engine.recover_unrecorded_payments() == []

    refunds, ops, sent, balances, unbalanced, pending = await money(engine, "refund")
    assert [r.amount_minor for r in refunds] == [2 * (REWARD + FEE)]
    assert [op.status for op in ops] == ["succeeded"] and sent == 1
    assert balances.get((ledger.EXTERNAL, "usd"), 0) == 0 and unbalanced == []
    assert all(v == 0 for v in balances.values()) and pending == []
    assert (await engine.view(lambda t: t.gig(gig_id))).status == "cancelled"
