"""A paid gig with two slots, end to end on Stripe: the Pay button carries the
Checkout URL, the gig opens only on the verified webhook, both freelancers are
paid by Transfers tied to the gig's charge, the ledger ends with only the
platform fee, and everyone gets a PDF receipt. Plus refunds of unclaimed slots
on cancel and at listing expiry, and a payment that arrives after a cancel."""
from __future__ import annotations

import aiohttp
import pytest

from core.lifecycle import ledger
from core.domain.records import Gig, GigStatus, PaymentOp, User

from tests.pdf_text import pdf_text
from tests.e2e.stripe_harness import (  # noqa: F401
    FEE, PUBLIC, REWARD, event_ids, transfer_requests, world)

# the stripe SDK posts raw bytes through httpx's deprecated ``data=``
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=:DeprecationWarning")


async def test_paid_gig_with_two_slots_end_to_end(world):
    fake = world.fake
    client = await world.user("carol")
    alice = await world.onboarded("alice")
    bob = await world.onboarded("bob")
    gig_id = await world.post_gig(client, slots=2)

    # Pay: a URL button to Checkout; nothing is paid and the gig stays closed.
    session_id, url = await world.press_pay(client, gig_id)
    assert url == f"https://checkout.stripe.com/c/pay/{session_id}"
    session = fake.get(session_id)
    assert (session["amount_total"], session["currency"]) == (2 * (REWARD + FEE), "usd")
    assert session["metadata"]["gig_id"] == str(gig_id)
    assert session["success_url"].startswith(PUBLIC) and session["cancel_url"].startswith(PUBLIC)
    items = fake.resources.sessions_private[session_id]["line_items"]
    assert [(i["quantity"], i["price"]["unit_amount"]) for i in items] == [(2, REWARD), (2, FEE)]
    assert fake.resources.sessions_private[session_id]["pi_data"]["transfer_group"] == \
        f"gig_{gig_id}"
    again, _ = await world.press_pay(client, gig_id)  # a second press reuses the open session
    assert again == session_id and fake.created["checkout.session"] == 1

    # Coming back to the success page opens nothing.
    async with aiohttp.ClientSession() as http:
        page = f"http://127.0.0.1:{world.http.bound_port}/stripe/return?gig={gig_id}&result=paid"
        async with http.get(page) as resp:
            assert resp.status == 200 and "confirming" in await resp.text()
    assert (await world.get(Gig, gig_id)).status == GigStatus.awaiting_funding
    await world.check_invariants()

    # The payer pays; the signed webhook opens the gig.
    paid = await fake.complete_checkout(session_id)
    gig = await world.get(Gig, gig_id)
    assert gig.status == GigStatus.open and gig.funding_ref == paid["charge"]
    assert await world.notes("gig.opened") == 1
    assert (await world.balances())[ledger.escrow(gig_id)] == 2 * REWARD
    await world.check_invariants()

    # Two freelancers claim, deliver and are approved: two Transfers from the charge.
    claims = [await world.deliver_and_approve(client, who, gig_id) for who in (alice, bob)]
    await world.check_invariants()
    await world.tick()
    assert fake.created["transfer"] == 2
    ops = await world.ops(gig_id, "transfer")
    assert [op.status for op in ops] == ["succeeded", "succeeded"]
    requests = transfer_requests(fake)
    assert sorted(r.idempotency_key for r in requests) == sorted(o.idempotency_key for o in ops)
    for op in ops:
        tr = fake.get(op.provider_ref)
        user = await world.get(User, op.user_id)
        assert (tr["amount"], tr["destination"]) == (REWARD, user.payout_account)
        assert tr["transfer_group"] == f"gig_{gig_id}"
        assert tr["source_transaction"] == paid["charge"]
        assert fake.balance("usd", account=user.payout_account)["available"] == REWARD
    assert sorted(op.claim_id for op in ops) == sorted(claims)
    assert (await world.get(Gig, gig_id)).status == GigStatus.completed

    balances = await world.check_invariants()
    assert balances == {ledger.EXTERNAL: -2 * FEE, ledger.REVENUE: 2 * FEE}
    assert len(await world.entries("payout")) == 2
    # transfer.created webhooks came back for our own transfers: nothing more happened
    assert event_ids(fake, "transfer.created") and fake.created["transfer"] == 2

    # Receipts: the client's payment, each freelancer's payout.
    listing = await world.command(client, "receipt")
    assert "$52.50" in listing[0].text.plain_text()
    funding = (await world.entries("funding"))[0]
    replies = await world.command(client, "receipt", str(funding.id))
    [att] = replies[0].attachments
    assert att.name.endswith(".pdf") and att.data.startswith(b"%PDF")
    shown = pdf_text(att.data)
    for text in ("$52.50", "$50.00", "$2.50", "carol", paid["charge"], "TEST MONEY"):
        assert text in shown, text
    payout = next(e for e in await world.entries("payout") if e.user_id == alice)
    pdf = (await world.command(alice, "receipt", str(payout.id)))[0].attachments[0].data
    assert pdf.startswith(b"%PDF") and "$25.00" in pdf_text(pdf) and "alice" in pdf_text(pdf)
    assert "Payout receipt" in pdf_text(pdf)
    refused = await world.command(bob, "receipt", str(payout.id))
    assert not refused[0].attachments and "no receipt" in refused[0].text.plain_text()


async def test_cancel_and_expiry_refund_unclaimed_slots(world):
    fake = world.fake
    client = await world.user("carol")
    alice = await world.onboarded("alice")
    gig_id, paid = await world.funded_gig(client, slots=3)
    claim = await world.engine.claim_slot(alice, gig_id)

    # Cancel: the two unclaimed slots (reward + fee each) go back to the card.
    await world.press(client, "cancel", gig_id)
    await world.tick()
    [refund_op] = await world.ops(gig_id, "refund")
    assert (refund_op.status, refund_op.amount_minor) == ("succeeded", 2 * (REWARD + FEE))
    refund = fake.get(refund_op.provider_ref)
    assert (refund["amount"], refund["charge"]) == (2 * (REWARD + FEE), paid["charge"])
    [req] = [r for r in fake.calls("POST", "/v1/refunds")]
    assert req.idempotency_key == refund_op.idempotency_key
    # its refund.created / charge.refunded webhooks are recognised as ours
    assert await world.entries("external_refund") == []
    await world.check_invariants()

    # The live claim runs to its end and is paid.
    await world.engine.deliver(alice, claim.id, "done")
    await world.engine.approve(client, claim.id)
    await world.tick()
    assert fake.created["transfer"] == 1
    assert (await world.get(Gig, gig_id)).status == GigStatus.cancelled
    balances = await world.check_invariants()
    assert balances == {ledger.EXTERNAL: -FEE, ledger.REVENUE: FEE}

    # Listing expiry refunds every unclaimed slot of another gig.
    other, paid2 = await world.funded_gig(client, slots=2)
    world.clock.advance(days=8)
    await world.tick()
    assert (await world.get(Gig, other)).status == GigStatus.expired
    [op] = await world.ops(other, "refund")
    assert op.status == "succeeded" and fake.get(op.provider_ref)["amount"] == 2 * (REWARD + FEE)
    await world.check_invariants()

    # Receipts for refunds too.
    entry = (await world.entries("refund_sent"))[0]
    pdf = (await world.command(client, "receipt", str(entry.id)))[0].attachments[0].data
    shown = pdf_text(pdf)
    assert "$52.50" in shown and "gig cancelled" in shown and "Refund receipt" in shown


async def test_payment_after_cancel_is_refunded_in_full(world):
    fake = world.fake
    client = await world.user("carol")
    gig_id = await world.post_gig(client, slots=1)
    session_id, _ = await world.press_pay(client, gig_id)
    await world.engine.cancel_gig(client, gig_id)
    paid = await fake.complete_checkout(session_id)  # paid in a tab left open
    await world.tick()
    gig = await world.get(Gig, gig_id)
    assert gig.status == GigStatus.cancelled
    ops = await world.ops(gig_id, "refund")
    assert [(o.status, o.amount_minor) for o in ops] == [("succeeded", REWARD + FEE)]
    assert fake.get(ops[0].provider_ref)["charge"] == paid["charge"]
    balances = await world.check_invariants()
    assert balances == {}
    assert await world.count(PaymentOp, PaymentOp.kind == "transfer") == 0


async def test_rejection_refund_and_dispute_split_move_the_right_money(world):
    fake = world.fake
    client = await world.user("carol")
    alice = await world.onboarded("alice")
    bob = await world.onboarded("bob")
    mod = await world.user("mod")

    def make_staff(t):
        t.user(mod).staff = True
    await world.engine.tx(make_staff)
    gig_id, paid = await world.funded_gig(client, slots=2)
    claims = {}
    for who in (alice, bob):
        claims[who] = (await world.engine.claim_slot(who, gig_id)).id
        await world.engine.deliver(who, claims[who], "done")
        await world.engine.reject(client, claims[who], "not what I asked for")
    await world.engine.open_dispute(bob, claims[bob], "it is exactly the brief")
    world.clock.advance(hours=73)  # alice did not dispute: her slot is refunded
    await world.tick()
    await world.engine.resolve_dispute(mod, claims[bob], 1000, "half done")
    await world.tick()

    refunds = await world.ops(gig_id, "refund")
    assert sorted(op.amount_minor for op in refunds) == [REWARD - 1000, REWARD + FEE]
    assert all(op.status == "succeeded" for op in refunds)
    assert sorted(fake.get(op.provider_ref)["amount"] for op in refunds) == [1500, 2625]
    assert {fake.get(op.provider_ref)["charge"] for op in refunds} == {paid["charge"]}
    [transfer] = await world.ops(gig_id, "transfer")
    tr = fake.get(transfer.provider_ref)
    assert (tr["amount"], tr["source_transaction"]) == (1000, paid["charge"])
    assert (await world.get(Gig, gig_id)).status == GigStatus.completed
    balances = await world.check_invariants()
    assert balances == {ledger.EXTERNAL: -FEE, ledger.REVENUE: FEE}
    assert await world.entries("external_refund") == []
