"""Money added to a live gig on Stripe (stripe SDK against the fake Stripe): more
slots and a tip are each their own Checkout Session through the same payment
port; nothing changes until the signed webhook says it is paid; the tip's
Transfer is funded by the tip's own charge."""
from __future__ import annotations

import pytest

from core.domain.records import Gig, GigExtra
from core.lifecycle import ledger

from tests.e2e.stripe_harness import (  # noqa: F401
    FEE, REWARD, transfer_requests, world)

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=:DeprecationWarning")


async def test_added_slots_and_a_tip_are_paid_through_checkout(world):
    fake = world.fake
    client = await world.user("carol")
    alice = await world.onboarded("alice")
    gig_id, _ = await world.funded_gig(client, slots=1)

    extra, link = await world.engine.add_slots(client, gig_id, 2)
    assert extra.status == "awaiting_payment" and link.url and not link.paid_now
    session = fake.get(link.provider_ref)
    assert session["amount_total"] == 2 * (REWARD + FEE)
    assert (await world.get(Gig, gig_id)).slots == 1  # not before the payment
    again, link_again = await world.engine.add_slots(client, gig_id, 2)
    assert again.id == extra.id and link_again.provider_ref == link.provider_ref
    await fake.complete_checkout(link.provider_ref)
    gig = await world.get(Gig, gig_id)
    assert gig.slots == 3 and gig.slots_open == 3
    assert (await world.balances())[ledger.escrow(gig_id)] == 3 * REWARD
    assert await world.notes("gig.slots_added") == 1
    await world.check_invariants()

    claim_id = await world.deliver_and_approve(client, alice, gig_id)
    tip, tip_link = await world.engine.tip(client, claim_id, 700)
    assert tip.status == "awaiting_payment" and fake.get(tip_link.provider_ref)["amount_total"] == 700
    paid = await fake.complete_checkout(tip_link.provider_ref)
    assert (await world.get(GigExtra, tip.id)).status == "paid"
    await world.tick()
    await world.check_invariants()
    tips = [op for op in await world.ops(gig_id, "transfer")
            if op.idempotency_key == f"transfer:tip:{tip.id}"]
    assert [(op.amount_minor, op.status, op.funding_ref) for op in tips] == [
        (700, "succeeded", paid["charge"])]
    sent = [r for r in transfer_requests(fake) if r.idempotency_key.startswith("transfer:tip:")]
    assert len(sent) == 1
    assert fake.get(tips[0].provider_ref)["source_transaction"] == paid["charge"]
    assert await world.notes("claim.tip_received") == 1


async def test_added_slots_are_paid_out_and_refunded_from_their_own_charges(world):
    """Stripe refuses a transfer or refund beyond what its charge holds: releases and
    refunds of a gig paid in two charges draw from the one with room."""
    fake = world.fake
    client = await world.user("carol")
    workers = [await world.onboarded(n) for n in ("alice", "bob")]
    gig_id, first = await world.funded_gig(client, slots=1)
    extra, link = await world.engine.add_slots(client, gig_id, 2)
    second = await fake.complete_checkout(link.provider_ref)
    for who in workers:  # two releases: more than the first charge (one slot) holds
        await world.deliver_and_approve(client, who, gig_id)
    await world.engine.cancel_gig(client, gig_id)  # the third slot goes back
    await world.tick()
    await world.check_invariants()
    ops = await world.ops(gig_id)
    assert {op.status for op in ops} == {"succeeded"}, [(o.idempotency_key, o.last_error)
                                                        for o in ops]
    drawn = {}
    for op in ops:
        drawn[op.funding_ref] = drawn.get(op.funding_ref, 0) + op.amount_minor
    assert drawn == {first["charge"]: REWARD, second["charge"]: REWARD + (REWARD + FEE)}
    assert (await world.get(Gig, gig_id)).status == "cancelled"
