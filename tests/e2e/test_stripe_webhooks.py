"""The webhook endpoint: signatures are checked on the raw body first (forged,
stale or altered deliveries get 400 and change nothing), and each event is
applied exactly once however often, concurrently or out of order it arrives."""
from __future__ import annotations

import json
import time

import aiohttp
import pytest

from core.lifecycle import ledger
from core.domain.records import Gig, GigStatus, LedgerEntry, ProviderEvent, User

from tests.e2e.stripe_harness import FEE, REWARD, event_ids, world  # noqa: F401

# the stripe SDK posts raw bytes through httpx's deprecated ``data=``
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=:DeprecationWarning")


async def _post(url: str, payload: bytes, headers: dict) -> int:
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=payload, headers=headers) as resp:
            return resp.status


async def held_back_checkout(world) -> tuple[int, str]:
    """carol pays for a 2-slot gig; Stripe's checkout.session.completed is made but
    not delivered yet. Returns the gig and that event's id."""
    client = await world.user("carol")
    gig_id = await world.post_gig(client, slots=2)
    session_id, _ = await world.press_pay(client, gig_id)
    world.fake.set_webhook_mode("manual")
    await world.fake.complete_checkout(session_id)
    [completed] = event_ids(world.fake, "checkout.session.completed")
    return gig_id, completed


async def test_forged_stale_and_altered_deliveries_change_nothing(world):
    fake = world.fake
    gig_id, completed = await held_back_checkout(world)
    before = await world.snapshot()

    forged = await fake.deliver(completed, forge=True)
    stale = await fake.deliver(completed, timestamp=int(time.time()) - 3600)
    assert [d.status for d in forged + stale] == [400, 400]
    message = fake.webhook_message(completed)
    event = json.loads(message.payload)
    event["data"]["object"]["amount_total"] = 1  # altered after signing
    altered = json.dumps(event, indent=2).encode()
    assert await _post(world.webhook_url, altered, message.headers) == 400
    no_sig = {k: v for k, v in message.headers.items() if k != "Stripe-Signature"}
    assert await _post(world.webhook_url, message.payload, no_sig) == 400
    assert await _post(world.webhook_url, b"\xff\xfe not json", message.headers) == 400
    assert await world.snapshot() == before
    assert (await world.get(Gig, gig_id)).status == GigStatus.awaiting_funding

    # The genuine delivery, unchanged, is accepted.
    assert await _post(world.webhook_url, message.payload, message.headers) == 200
    assert (await world.get(Gig, gig_id)).status == GigStatus.open

    # A genuine event about an object our key cannot see: acknowledged once, no retries.
    ghost = fake.emit("checkout.session.completed",
                      {"id": "cs_test_gone", "object": "checkout.session"})
    [delivery] = await fake.deliver(ghost["id"])
    assert delivery.status == 200
    assert await world.count(ProviderEvent, ProviderEvent.event_id == ghost["id"]) == 1


async def test_same_event_delivered_many_times_concurrently_applies_once(world):
    fake = world.fake
    gig_id, completed = await held_back_checkout(world)

    results = await fake.deliver(completed, times=5, concurrently=True)
    assert [d.status for d in results] == [200] * 5
    assert sum("duplicate" in d.response_body for d in results) == 4
    # the rest of the queue (payment_intent.*, charge.succeeded) in reverse, twice
    await fake.flush_webhooks(order="reversed", concurrently=True)
    await fake.deliver(event_ids(fake, "charge.succeeded", "checkout.session.completed"),
                       times=2, concurrently=True, order="shuffled", seed=7)
    gig = await world.get(Gig, gig_id)
    assert gig.status == GigStatus.open
    assert await world.count(LedgerEntry, LedgerEntry.kind == "funding") == 1
    assert await world.notes("gig.opened") == 1
    assert await world.count(ProviderEvent, ProviderEvent.event_id == completed) == 1
    assert (await world.balances())[ledger.escrow(gig_id)] == 2 * REWARD
    await world.check_invariants()


async def test_account_updates_out_of_order_follow_stripe_not_the_arrival(world):
    fake = world.fake
    bob = await world.user("bob")
    link = await world.engine.setup_payouts(bob)
    fake.set_webhook_mode("manual")
    await fake.complete_onboarding(link.account_ref)  # enabled
    await fake.disable_payouts(link.account_ref)  # then restricted
    enabled, disabled = event_ids(fake, "account.updated")
    # The later event arrives first, the earlier one last.
    await fake.deliver([disabled, enabled])
    assert (await world.get(User, bob)).payouts_enabled is False
    # Stripe lifts the restriction; its event is lost, but the next one tells the truth.
    await fake.complete_onboarding(link.account_ref)
    await fake.flush_webhooks(types=["account.updated"])
    user = await world.get(User, bob)
    assert user.payouts_enabled is True and user.payout_account == link.account_ref


@pytest.mark.parametrize("order", ["given", "reversed"])
async def test_refund_and_dispute_events_in_any_order_are_booked_once(world, order):
    """A dashboard refund and then a chargeback, their events reordered and doubled:
    the outcome follows Stripe's timeline, not the arrival order."""
    fake = world.fake
    client = await world.user("carol")
    alice = await world.onboarded("alice")
    gig_id, paid = await world.funded_gig(client, slots=2)
    await world.deliver_and_approve(client, alice, gig_id)
    await world.tick()  # alice's transfer
    fake.set_webhook_mode("manual")
    await fake.dashboard_refund(paid["payment_intent"], REWARD + FEE)  # the open slot's worth
    dispute = await fake.open_dispute(paid["charge"])  # the rest: 26.25 already paid out
    ids = event_ids(fake, "refund.created", "charge.refunded", "charge.dispute.created",
                    "charge.dispute.funds_withdrawn")
    results = await fake.deliver(ids, order=order)
    results += await fake.deliver(ids, concurrently=True)
    assert all(d.status == 200 for d in results)

    gig = await world.get(Gig, gig_id)
    assert gig.slots_settled == 2 and gig.status == GigStatus.completed
    assert await world.count(LedgerEntry, LedgerEntry.kind == "external_refund") == 1
    assert await world.count(LedgerEntry, LedgerEntry.kind == "chargeback") == 1
    balances = await world.check_invariants()
    owed = f"external:chargeback:user:{client}"
    assert balances[owed] == -(REWARD + FEE)
    assert (await world.get(User, client)).flagged is True

    # The bank sides with us: the chargeback is reversed, what the client owed is cleared.
    await fake.close_dispute(dispute["id"], won=True)
    await fake.flush_webhooks()
    await fake.deliver(event_ids(fake, "charge.dispute.closed"), times=2, concurrently=True)
    balances = await world.check_invariants()
    assert owed not in balances
    assert balances == {ledger.EXTERNAL: -FEE, ledger.REVENUE: FEE}
