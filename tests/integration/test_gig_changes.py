"""A client manages a live gig through the engine (core.lifecycle.gig_changes and
gig_repeats): edit before anyone claims, add slots paid like funding, extend a
deadline, tip after approval, repost, repeat every N days. Checked on the
database: the gig, the ledger, the payment ops and what the outbox will send;
every refusal writes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.api import (
    DomainError, GigStatus, InvalidTransition, NotAllowed, ValidationError,
)
from core.domain.records import Gig, OutboxMessage, PaymentRequest
from core.lifecycle import gig_changes, ledger
from core.workers.timers import run_due_timers


async def balances(engine):
    return await engine.db.read(lambda s: ledger.all_balances(s))


async def events_for(engine, recipient_id):
    return await engine.db.read(lambda s: [m.event for m in s.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient_id == recipient_id)
        .order_by(OutboxMessage.id))])


async def refused(snapshot, make, error=DomainError):
    before = await snapshot()
    with pytest.raises(error) as info:
        await make()
    assert await snapshot() == before, "a refused change wrote something"
    return info.value


async def approved_claim(engine, world, client, freelancer, gig_id):
    claim = await engine.claim_slot(freelancer, gig_id)
    await engine.deliver(freelancer, claim.id, "done", [], [])
    return await engine.approve(client, claim.id)


async def test_edit_before_a_claim_bumps_the_card_and_then_is_refused(engine, world, snapshot):
    client, other = await world.user("cli"), await world.user("bob")
    freelancer = await world.user("fre", experienced=True)
    gig_id = await world.gig(client)
    version = (await engine.gig_view(gig_id)).gig.version
    gig = await engine.edit_gig(client, gig_id, title="Logo in SVG, two colours",
                                description="Brand kit attached")
    assert (gig.title, gig.description) == ("Logo in SVG, two colours", "Brand kit attached")
    assert gig.version == version + 1
    cards = await engine.db.read(lambda s: list(s.scalars(select(OutboxMessage.dedup_key).where(
        OutboxMessage.event == "gig.card_changed"))))
    assert f"card:{gig_id}:v{version + 1}" in cards
    await refused(snapshot, lambda: engine.edit_gig(other, gig_id, title="Mine now"), NotAllowed)
    await refused(snapshot, lambda: engine.edit_gig(client, gig_id, title="x"), ValidationError)
    await refused(snapshot, lambda: engine.edit_gig(client, gig_id), ValidationError)
    await engine.claim_slot(freelancer, gig_id)
    error = await refused(snapshot, lambda: engine.edit_gig(client, gig_id, title="Changed"),
                          InvalidTransition)
    assert "already taken a slot" in str(error)


async def test_added_slots_open_only_when_paid_and_escrow_covers_them(engine, world, snapshot):
    client = await world.user("cli")
    gig_id = await world.gig(client, reward="25", slots="1")
    before = await engine.gig_view(gig_id)
    extra, link = await engine.add_slots(client, gig_id, 2)
    assert link.paid_now and extra.status == "paid" and extra.total == 2 * before.gig.price.per_slot
    gig = (await engine.gig_view(gig_id)).gig
    assert (gig.slots, gig.slots_open) == (3, 3)
    money = await balances(engine)
    assert money[(ledger.escrow(gig_id), "usd")] == 3 * 2500
    assert money[(ledger.fee_held(gig_id), "usd")] == 3 * gig.fee_per_slot
    assert sum(v for (_, cur), v in money.items() if cur == "usd") == 0
    assert "gig.slots_added" in await events_for(engine, client)
    requests = await engine.db.read(lambda s: [(r.provider_ref, r.amount_minor, r.status)
                                               for r in s.scalars(select(PaymentRequest))])
    assert (f"sbx_req_extra_{extra.id}", extra.total, "paid") in requests
    # Cancelling refunds every unclaimed slot, the added ones too.
    await engine.cancel_gig(client, gig_id)
    money = await balances(engine)
    assert money.get((ledger.escrow(gig_id), "usd"), 0) == 0
    assert money[(ledger.refund_pending(gig_id), "usd")] == 3 * gig.price.per_slot
    await refused(snapshot, lambda: engine.add_slots(client, gig_id, 1), InvalidTransition)


async def test_add_slots_refusals_write_nothing(engine, world, snapshot):
    client, other = await world.user("cli"), await world.user("bob")
    gig_id = await world.gig(client)
    unpaid = await world.gig(client, fund=False)
    await refused(snapshot, lambda: engine.add_slots(other, gig_id, 1), NotAllowed)
    await refused(snapshot, lambda: engine.add_slots(client, gig_id, 0), ValidationError)
    await refused(snapshot, lambda: engine.add_slots(client, gig_id, 101), ValidationError)
    error = await refused(snapshot, lambda: engine.add_slots(client, unpaid, 1),
                          InvalidTransition)
    assert "pay for it first" in str(error)


async def test_slots_paid_after_the_gig_closed_are_refunded_whole(engine, world):
    client = await world.user("cli")
    gig_id = await world.gig(client)
    extra = await engine.tx(lambda t: gig_changes.request_slots(t, client, gig_id, 2))
    await engine.tx(lambda t: gig_changes.record_extra_request(t, extra.id, "sandbox",
                                                               "sbx_late", None))
    await engine.cancel_gig(client, gig_id)
    await engine.confirm_funding("sbx_late", extra.total, "usd", "ch_late")
    await engine.confirm_funding("sbx_late", extra.total, "usd", "ch_late")  # twice: once
    gig = (await engine.gig_view(gig_id)).gig
    assert gig.slots == 1 and gig.status == GigStatus.cancelled
    ops = await engine.payment_ops(gig_id, "refund")
    late = [op for op in ops if op.idempotency_key == f"refund:funding:extra:{extra.id}"]
    assert [(op.amount_minor, op.funding_ref) for op in late] == [(extra.total, "ch_late")]
    assert "gig.extra_refunded" in await events_for(engine, client)


async def test_a_tip_goes_through_escrow_to_the_freelancer(engine, world, snapshot):
    client, freelancer = await world.user("cli"), await world.user("fre", experienced=True)
    gig_id = await world.gig(client)
    claim = await engine.claim_slot(freelancer, gig_id)
    await refused(snapshot, lambda: engine.tip(client, claim.id, 500), InvalidTransition)
    await engine.deliver(freelancer, claim.id, "done", [], [])
    await engine.approve(client, claim.id)
    await refused(snapshot, lambda: engine.tip(freelancer, claim.id, 500), NotAllowed)
    await refused(snapshot, lambda: engine.tip(client, claim.id, 0), ValidationError)
    extra, link = await engine.tip(client, claim.id, 500)
    assert extra.status == "paid" and extra.fee_minor == 0
    money = await balances(engine)
    assert money.get((ledger.escrow(gig_id), "usd"), 0) == 0  # the tip passed through
    assert money.get((ledger.payout_pending(freelancer), "usd"), 0) == 2500 + 500
    paid_in = await engine.db.read(lambda s: ledger.balance(s, ledger.EXTERNAL, "usd"))
    sent_out = 2500 + 500  # not yet: the transfers wait in payout_pending for the worker
    assert paid_in == -(await engine.gig_view(gig_id)).gig.price.total - 500
    assert money[(ledger.payout_pending(freelancer), "usd")] == sent_out
    transfers = {op.idempotency_key: op.amount_minor
                 for op in await engine.payment_ops(gig_id, "transfer")}
    assert transfers == {f"transfer:claim:{claim.id}": 2500, f"transfer:tip:{extra.id}": 500}
    assert "claim.tip_received" in await events_for(engine, freelancer)
    assert "claim.tip_sent" in await events_for(engine, client)


async def test_extend_deadline_moves_the_abandon_timer(engine, world, clock, snapshot):
    client, freelancer = await world.user("cli"), await world.user("fre", experienced=True)
    gig_id = await world.gig(client, deliver_in="1d")
    claim = await engine.claim_slot(freelancer, gig_id)
    await refused(snapshot, lambda: engine.extend_deadline(freelancer, claim.id, "1d"),
                  NotAllowed)
    await refused(snapshot, lambda: engine.extend_deadline(client, claim.id, "30m"),
                  ValidationError)
    extended = await engine.extend_deadline(client, claim.id, "2d", seen_version=claim.version)
    assert extended.deadline_at == claim.deadline_at + timedelta(days=2)
    # the same button tapped again (it still shows the old version) does nothing
    await refused(snapshot, lambda: engine.extend_deadline(
        client, claim.id, "1d", seen_version=claim.version), InvalidTransition)
    clock.advance(days=1, hours=1)  # past the old deadline
    await run_due_timers(engine)
    assert (await engine.claim(claim.id)).status == "active"
    clock.advance(days=2)
    await run_due_timers(engine)
    assert (await engine.claim(claim.id)).status == "abandoned"
    assert "claim.deadline_extended" in await events_for(engine, freelancer)


async def test_repost_and_recurring_copies(engine, world, clock, snapshot):
    client, freelancer = await world.user("cli"), await world.user("fre", experienced=True)
    gig_id = await world.gig(client, title="Weekly report", reward="30", skills="writing",
                             deliver_in="2d")
    await refused(snapshot, lambda: engine.repost(client, gig_id), InvalidTransition)
    await approved_claim(engine, world, client, freelancer, gig_id)
    copy = await engine.repost(client, gig_id)
    assert copy.id != gig_id and copy.status == GigStatus.awaiting_funding
    assert (copy.title, copy.reward_minor, copy.skills, copy.deliver_seconds) == (
        "Weekly report", 3000, "writing", 2 * 86400)
    rec = await engine.repeat_gig(client, gig_id, 7)
    assert rec.active and rec.every_days == 7
    await refused(snapshot, lambda: engine.repeat_gig(freelancer, gig_id, 7), NotAllowed)
    await refused(snapshot, lambda: engine.repeat_gig(client, gig_id, 0), ValidationError)

    async def gigs_of_client():
        return await engine.db.read(lambda s: [g.id for g in s.scalars(
            select(Gig).where(Gig.client_id == client).order_by(Gig.id))])
    clock.advance(days=6)
    await run_due_timers(engine)
    assert len(await gigs_of_client()) == 2
    clock.advance(days=1)
    await run_due_timers(engine)
    await run_due_timers(engine)  # a second worker pass posts nothing more
    ids = await gigs_of_client()
    assert len(ids) == 3
    assert "gig.recurring_posted" in await events_for(engine, client)
    clock.advance(days=7)  # the previous copy is still unpaid: no pile of unpaid copies
    await run_due_timers(engine)
    assert len(await gigs_of_client()) == 3
    clock.advance(days=7)  # meanwhile it expired unpaid: the series goes on
    await run_due_timers(engine)
    ids = await gigs_of_client()
    assert len(ids) == 4
    gig, _ = await engine.start_funding(client, ids[-1])
    assert gig.status == GigStatus.open
    await engine.stop_repeating(client, gig_id)
    await refused(snapshot, lambda: engine.stop_repeating(client, gig_id), InvalidTransition)
    clock.advance(days=30)
    await run_due_timers(engine)
    assert len(await gigs_of_client()) == 4


async def test_applicants_hear_about_an_edit(engine, world):
    client, freelancer = await world.user("cli"), await world.user("fre", experienced=True)
    gig_id = await world.gig(client, mode="apply")
    await engine.apply(freelancer, gig_id, "pick me")
    await engine.edit_gig(client, gig_id, description="Now with a brand kit")
    assert "gig.edited" in await events_for(engine, freelancer)
    await engine.edit_gig(client, gig_id, description="Now with a brand kit")  # no change
    assert (await events_for(engine, freelancer)).count("gig.edited") == 1

