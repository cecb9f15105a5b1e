"""Freelancer payouts on Stripe Connect: earnings held until onboarding is done
(then sent on ``account.updated``), /payout hands out fresh Account Links for
one reused Express account, and a crash after Stripe made a Transfer but
before the app recorded it ends, after a restart, with exactly one Transfer."""
from __future__ import annotations

import pytest

from core.lifecycle import ledger
from core.domain.records import LedgerEntry, PaymentOp, User

from tests.e2e.stripe_harness import (  # noqa: F401
    FEE, PUBLIC, REWARD, transfer_requests, world)

# the stripe SDK posts raw bytes through httpx's deprecated ``data=``
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=:DeprecationWarning")


async def test_earnings_wait_for_onboarding_then_are_paid(world):
    fake = world.fake
    client = await world.user("carol")
    bob = await world.user("bob")  # never set up payouts
    gig_id, paid = await world.funded_gig(client, slots=1)
    claim_id = await world.deliver_and_approve(client, bob, gig_id)
    await world.tick()
    [op] = await world.ops(gig_id, "transfer")
    assert op.status == "waiting_account" and fake.created["transfer"] == 0
    balances = await world.check_invariants()
    assert balances[ledger.payable(bob)] == REWARD
    wallet = (await world.command(bob, "wallet"))[0].text.plain_text()
    assert "waiting for your payout setup: $25.00" in wallet

    # /payout: an Express account and a fresh Account Link as a URL button.
    replies = await world.command(bob, "payout")
    [button] = [b for r in replies for b in r.all_buttons() if b.url]
    link = fake.account_links[-1]
    assert button.url == link["url"] and link["type"] == "account_onboarding"
    assert link["return_url"].startswith(PUBLIC) and link["refresh_url"].startswith(PUBLIC)
    user = await world.get(User, bob)
    assert user.payout_account == link["account"] and not user.payouts_enabled
    account = fake.get(user.payout_account)
    assert account["type"] == "express"
    assert account["metadata"]["gigbroker_user_id"] == str(bob)
    # The link expires in minutes: asking again gives a new link, same account.
    await world.command(bob, "payout")
    assert len(fake.account_links) == 2 and fake.created["account"] == 1
    assert fake.account_links[0]["url"] != fake.account_links[1]["url"]
    assert fake.created["transfer"] == 0

    # Onboarding done at Stripe -> account.updated -> the held transfer goes out.
    await fake.complete_onboarding(user.payout_account)
    assert (await world.get(User, bob)).payouts_enabled
    await world.tick()
    [op] = await world.ops(gig_id, "transfer")
    assert op.status == "succeeded" and fake.created["transfer"] == 1
    tr = fake.get(op.provider_ref)
    assert (tr["amount"], tr["destination"], tr["source_transaction"], tr["transfer_group"]) == (
        REWARD, user.payout_account, paid["charge"], f"gig_{gig_id}")
    assert tr["metadata"]["claim_id"] == str(claim_id)
    balances = await world.check_invariants()
    assert balances == {ledger.EXTERNAL: -FEE, ledger.REVENUE: FEE}
    replies = await world.command(bob, "payout")
    assert "Payouts are on" in replies[0].text.plain_text()
    assert len(fake.account_links) == 2


async def test_crash_after_transfer_before_record_then_restart_pays_once(world):
    fake = world.fake
    client = await world.user("carol")
    alice = await world.onboarded("alice")
    gig_id, paid = await world.funded_gig(client, slots=1)
    await world.deliver_and_approve(client, alice, gig_id)
    fake.set_webhook_mode("manual")  # transfer.created must not be what heals it

    # Stripe makes the Transfer; the answer never arrives (the SDK's retry too).
    fake.drop_response_next("/v1/transfers", count=2)
    await world.tick()
    assert fake.created["transfer"] == 1
    [op] = await world.ops(gig_id, "transfer")
    assert op.status == "pending" and op.provider_ref is None
    assert await world.count(LedgerEntry, LedgerEntry.kind == "payout") == 0
    await world.check_invariants()

    # The process dies and comes back; the outbox retries after its backoff.
    await world.restart()
    world.clock.advance(minutes=5)
    await world.tick()
    [op] = await world.ops(gig_id, "transfer")
    assert op.status == "succeeded"
    assert fake.created["transfer"] == 1
    keys = {r.idempotency_key for r in transfer_requests(fake)}
    assert keys == {op.idempotency_key}
    assert any(r.replayed for r in transfer_requests(fake))
    [transfer] = fake.resources._all("transfer")
    assert op.provider_ref == transfer["id"]
    assert await world.count(LedgerEntry, LedgerEntry.kind == "payout") == 1
    balances = await world.check_invariants()
    assert balances == {ledger.EXTERNAL: -FEE, ledger.REVENUE: FEE}

    # The late transfer.created webhook changes nothing.
    before = await world.snapshot()
    deliveries = await fake.flush_webhooks()
    assert deliveries and all(d.ok for d in deliveries)
    after = await world.snapshot()
    assert after["ledgerentry"] == before["ledgerentry"]
    assert after["paymentop"] == before["paymentop"]


@pytest.mark.parametrize("stores_errors", [False, True], ids=["errors-not-replayed",
                                                               "errors-replayed-like-stripe"])
async def test_declined_transfer_goes_back_to_waiting(world, stores_errors):
    """Stripe restricts the account before the transfer: it is refused for good,
    the money waits as payable, and is sent once the account is fixed. Stripe
    replays a refused key's error for a day, so the retry must use a new key."""
    fake = world.fake
    fake.idempotency_stores_4xx = stores_errors
    client = await world.user("carol")
    alice = await world.onboarded("alice")
    gig_id, _ = await world.funded_gig(client, slots=1)
    account = (await world.get(User, alice)).payout_account
    fake.set_webhook_mode("manual")  # the app has not heard of the restriction yet
    await fake.disable_payouts(account)
    await world.deliver_and_approve(client, alice, gig_id)
    await world.tick()
    [op] = await world.ops(gig_id, "transfer")
    assert op.status == "waiting_account" and "capabilities" in (op.last_error or "")
    assert fake.created["transfer"] == 0
    await world.check_invariants()
    fake.set_webhook_mode("auto")
    await fake.flush_webhooks()
    await fake.complete_onboarding(account)
    await world.tick()
    [op] = await world.ops(gig_id, "transfer")
    assert op.status == "succeeded" and fake.created["transfer"] == 1
    assert (await world.check_invariants()) == {ledger.EXTERNAL: -FEE, ledger.REVENUE: FEE}
    assert await world.count(PaymentOp, PaymentOp.status != "succeeded") == 0
