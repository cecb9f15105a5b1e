"""Stripe delivers events in any order: a refund can arrive before the payment it
refunds. The app derives a gig's money from what Stripe says now (the session,
the charge with its refunds and disputes, the transfers with their reversals),
so the order of arrival does not change the outcome."""
from __future__ import annotations

import pytest

from core.api import InvalidTransition
from core.lifecycle import ledger
from core.domain.records import Gig, GigStatus

from tests.e2e.stripe_harness import event_ids, world  # noqa: F401

# the stripe SDK posts raw bytes through httpx's deprecated ``data=``
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=:DeprecationWarning")

REWARD_10, FEE_10 = 1000, 50  # 10.00 USD + the 5 % fee


@pytest.mark.parametrize("order", ["refund first", "in order"])
async def test_refund_before_payment_does_not_open_an_unfunded_gig(world, order):
    """Paid, then refunded in full at the dashboard before the app heard of the
    payment: whatever arrives first, the gig ends cancelled with no money held."""
    fake = world.fake
    client = await world.user("carol")
    alice = await world.user("alice")
    gig_id = await world.post_gig(client, slots=1, reward="10")
    session_id, _ = await world.press_pay(client, gig_id)
    fake.set_webhook_mode("manual")
    paid = await fake.complete_checkout(session_id)
    await fake.dashboard_refund(paid["payment_intent"], REWARD_10 + FEE_10)
    refund = event_ids(fake, "refund.created", "charge.refunded")
    completed = event_ids(fake, "checkout.session.completed")
    ids = refund + completed if order == "refund first" else completed + refund
    deliveries = await fake.deliver(ids)
    assert [d.status for d in deliveries] == [200] * 3

    gig = await world.get(Gig, gig_id)
    assert gig.status == GigStatus.cancelled and gig.slots_settled == 1
    balances = await world.check_invariants()
    assert balances == {}  # 10.50 in, 10.50 back: nothing held, nothing owed
    assert ledger.escrow(gig_id) not in balances
    with pytest.raises(InvalidTransition):
        await world.engine.claim_slot(alice, gig_id)
