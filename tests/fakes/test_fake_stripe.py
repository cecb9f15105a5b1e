"""Tests of the loopback fake Stripe API (``fakes/stripe_api.py``) through the real SDK.

The stripe 16 SDK talks to the fake exactly as the project's Stripe adapter will
(``StripeClient`` + ``HTTPXClient``, ``*_async`` methods), and webhooks are
checked with ``stripe.Webhook.construct_event``.  Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time

import pytest
import stripe
from aiohttp import web

from tests.fakes.stripe_api import FakeStripe, FakeStripeUsageError

SECRET = "whsec_test_fake_stripe_secret"


class Receiver:
    """An in-test webhook endpoint that verifies signatures like the app must."""

    def __init__(self, secret: str = SECRET, fail_first: int = 0):
        self.secret = secret
        self.events: list[stripe.Event] = []
        self.rejected = 0
        self.fail_first = fail_first
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        payload = await request.read()
        try:
            event = stripe.Webhook.construct_event(
                payload, request.headers.get("Stripe-Signature"), self.secret)
        except stripe.SignatureVerificationError:
            self.rejected += 1
            return web.Response(status=400)
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.Response(status=503)
        self.events.append(event)
        return web.json_response({"received": True})

    async def __aenter__(self) -> "Receiver":
        app = web.Application()
        app.router.add_post("/stripe/webhook", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/stripe/webhook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.runner is not None
        await self.runner.cleanup()

    def types(self) -> list[str]:
        return [e.type for e in self.events]


@pytest.fixture
async def fake():
    async with FakeStripe(webhook_secret=SECRET) as f:
        yield f
        assert f.server_errors == []


@pytest.fixture
async def client(fake):
    http = stripe.HTTPXClient()
    yield stripe.StripeClient(api_key="sk_test_x", base_addresses={"api": fake.base_url},
                              http_client=http)
    await http.close_async()


@pytest.fixture
async def receiver(fake):
    async with Receiver() as r:
        fake.webhook_url = r.url
        yield r


def session_params(amount: int = 1500, quantity: int = 2, gig: str = "gig_42") -> dict:
    return {
        "mode": "payment",
        "line_items": [{"quantity": quantity, "price_data": {
            "currency": "usd", "unit_amount": amount, "product_data": {"name": "Logo design"}}}],
        "metadata": {"gig_id": gig},
        "client_reference_id": gig,
        "success_url": "https://t.me/gigbroker_bot?start=paid",
        "cancel_url": "https://t.me/gigbroker_bot?start=cancel",
        "payment_intent_data": {"transfer_group": gig, "metadata": {"gig_id": gig}},
    }


async def paid_checkout(fake, client, amount: int = 1500, quantity: int = 2,
                        gig: str = "gig_42") -> dict:
    session = await client.v1.checkout.sessions.create_async(
        params=session_params(amount, quantity, gig))
    return await fake.complete_checkout(session.id)


async def onboarded_account(fake, client) -> str:
    account = await client.v1.accounts.create_async(
        params={"type": "express", "metadata": {"freelancer": "u1"}})
    await fake.complete_onboarding(account.id)
    return account.id


# ---------------------------------------------------------------- checkout


async def test_checkout_session_create_complete_and_signed_webhook(fake, client, receiver):
    session = await client.v1.checkout.sessions.create_async(params=session_params())
    assert session.id.startswith("cs_test_") and len(session.id) == 66
    assert session.url == f"https://checkout.stripe.com/c/pay/{session.id}"
    assert (session.status, session.payment_status) == ("open", "unpaid")
    assert (session.amount_total, session.currency, session.mode) == (3000, "usd", "payment")
    assert session.metadata["gig_id"] == "gig_42" and session.client_reference_id == "gig_42"
    assert session.payment_intent is None

    done = await fake.complete_checkout(session.id)

    completed = [e for e in receiver.events if e.type == "checkout.session.completed"]
    assert len(completed) == 1
    obj = completed[0].data.object
    assert isinstance(obj, stripe.checkout.Session)
    assert (obj.id, obj.payment_status, obj.status) == (session.id, "paid", "complete")
    assert obj.payment_intent == done["payment_intent"]
    assert obj.metadata["gig_id"] == "gig_42"
    assert {"payment_intent.succeeded", "charge.succeeded"} <= set(receiver.types())
    assert receiver.rejected == 0

    again = await client.v1.checkout.sessions.retrieve_async(
        session.id, params={"expand": ["payment_intent.latest_charge"]})
    pi = again.payment_intent
    assert isinstance(pi, stripe.PaymentIntent)
    assert (pi.status, pi.amount, pi.amount_received) == ("succeeded", 3000, 3000)
    assert pi.transfer_group == "gig_42" and pi.metadata["gig_id"] == "gig_42"
    charge = pi.latest_charge
    assert isinstance(charge, stripe.Charge)
    assert (charge.id, charge.status, charge.amount, charge.transfer_group) == (
        done["charge"], "succeeded", 3000, "gig_42")

    # localstripe's own endpoint answers with the current shape (latest_charge is an id)
    plain = await client.v1.payment_intents.retrieve_async(done["payment_intent"])
    assert plain.latest_charge == done["charge"]

    items = await client.v1.checkout.sessions.line_items.list_async(session.id)
    assert [(i.quantity, i.amount_total, i.description) for i in items.data] == [
        (2, 3000, "Logo design")]


async def test_checkout_manual_mode_returns_payload_and_headers(fake, client):
    fake.set_webhook_mode("manual")
    session = await client.v1.checkout.sessions.create_async(params=session_params())
    await fake.complete_checkout(session.id)
    messages = fake.take_webhooks(types=["checkout.session.completed"])
    assert len(messages) == 1
    payload, headers = messages[0]
    event = client.construct_event(payload, headers["Stripe-Signature"], SECRET)
    assert event.type == "checkout.session.completed" and event.data.object.id == session.id
    assert fake.take_webhooks(types=["checkout.session.completed"]) == []
    assert {m.type for m in fake.take_webhooks()} >= {"payment_intent.succeeded"}

    forged = fake.webhook_message(event.id, forge=True)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(forged.payload, forged.signature, SECRET)
    stale = fake.webhook_message(event.id, timestamp=int(time.time()) - 3600)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(stale.payload, stale.signature, SECRET)


async def test_checkout_validation_and_expire(fake, client):
    with pytest.raises(stripe.InvalidRequestError) as err:
        await client.v1.checkout.sessions.create_async(params={"mode": "payment"})
    assert err.value.param == "line_items" and err.value.http_status == 400
    too_small = session_params(amount=10, quantity=1)
    with pytest.raises(stripe.InvalidRequestError, match="at least"):
        await client.v1.checkout.sessions.create_async(params=too_small)
    typo = dict(session_params(), sucess_url="https://x.example")
    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter: sucess_url"):
        await client.v1.checkout.sessions.create_async(params=typo)

    session = await client.v1.checkout.sessions.create_async(params=session_params())
    expired = await client.v1.checkout.sessions.expire_async(session.id)
    assert expired.status == "expired" and expired.url is None
    with pytest.raises(stripe.InvalidRequestError, match="can be expired"):
        await client.v1.checkout.sessions.expire_async(session.id)
    with pytest.raises(FakeStripeUsageError):
        await fake.complete_checkout(session.id)
    assert fake.last_event("checkout.session.expired")["data"]["object"]["id"] == session.id
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await client.v1.checkout.sessions.retrieve_async("cs_test_nope")
    assert missing.value.http_status == 404 and missing.value.code == "resource_missing"


# ------------------------------------------------------------------ connect


async def test_account_link_and_onboarding(fake, client, receiver):
    account = await client.v1.accounts.create_async(
        params={"type": "express", "metadata": {"freelancer": "u1"}})
    assert account.id.startswith("acct_") and account.type == "express"
    assert (account.charges_enabled, account.payouts_enabled, account.details_submitted) == (
        False, False, False)
    assert account.metadata["freelancer"] == "u1"

    before = int(time.time())
    link = await client.v1.account_links.create_async(params={
        "account": account.id, "type": "account_onboarding",
        "refresh_url": "https://t.me/gigbroker_bot?start=refresh",
        "return_url": "https://t.me/gigbroker_bot?start=onboarded"})
    assert link.object == "account_link"
    assert link.url.startswith(f"https://connect.stripe.com/setup/e/{account.id}/")
    assert before + 295 <= link.expires_at <= int(time.time()) + 305
    with pytest.raises(stripe.InvalidRequestError) as err:
        await client.v1.account_links.create_async(params={
            "account": "acct_missing", "type": "account_onboarding"})
    assert err.value.code == "resource_missing" and err.value.param == "account"

    await fake.complete_onboarding(account.id)
    updated = [e for e in receiver.events if e.type == "account.updated"]
    assert len(updated) == 1
    assert updated[0].account == account.id
    assert updated[0].data.object.payouts_enabled is True
    assert updated[0].data.previous_attributes.payouts_enabled is False

    fresh = await client.v1.accounts.retrieve_async(account.id)
    assert (fresh.charges_enabled, fresh.payouts_enabled, fresh.details_submitted) == (
        True, True, True)
    assert fresh.capabilities.transfers == "active"
    login = await client.v1.accounts.login_links.create_async(account.id)
    assert login.url.startswith("https://connect.stripe.com/express/")


# ---------------------------------------------------------------- transfers


async def test_transfer_idempotency_key_replays_one_transfer(fake, client):
    paid = await paid_checkout(fake, client)
    acct = await onboarded_account(fake, client)
    params = {"amount": 1200, "currency": "usd", "destination": acct,
              "transfer_group": "gig_42", "source_transaction": paid["charge"],
              "metadata": {"claim_id": "c1"}}
    options = {"idempotency_key": "release-claim-c1"}
    first = await client.v1.transfers.create_async(params=params, options=options)
    second = await client.v1.transfers.create_async(params=dict(params), options=options)
    assert first.id == second.id and first.id.startswith("tr_")
    assert second.last_response.headers.get("Idempotent-Replayed") == "true"
    assert fake.created["transfer"] == 1 and fake.idempotent_replays == 1

    with pytest.raises(stripe.IdempotencyError, match="same parameters"):
        await client.v1.transfers.create_async(params=dict(params, amount=1300), options=options)
    with pytest.raises(stripe.IdempotencyError, match="same endpoint"):
        await client.v1.refunds.create_async(params={"payment_intent": paid["payment_intent"]},
                                             options=options)
    assert fake.created["transfer"] == 1 and fake.created["refund"] == 0

    listed = await client.v1.transfers.list_async(params={"transfer_group": "gig_42", "limit": 10})
    assert [t.id for t in listed.data] == [first.id]
    got = await client.v1.transfers.retrieve_async(first.id)
    assert (got.amount, got.destination, got.source_transaction, got.metadata["claim_id"]) == (
        1200, acct, paid["charge"], "c1")
    assert fake.balance("usd", account=acct)["available"] == 1200

    reversal = await client.v1.transfers.reversals.create_async(first.id, params={"amount": 200})
    assert reversal.amount == 200 and reversal.transfer == first.id
    after = await client.v1.transfers.retrieve_async(first.id)
    assert (after.amount_reversed, after.reversed) == (200, False)
    with pytest.raises(stripe.InvalidRequestError, match="greater than"):
        await client.v1.transfers.reversals.create_async(first.id, params={"amount": 5000})


async def test_transfer_to_unonboarded_account_is_rejected(fake, client):
    paid = await paid_checkout(fake, client)
    account = await client.v1.accounts.create_async(params={"type": "express"})
    with pytest.raises(stripe.InvalidRequestError) as err:
        await client.v1.transfers.create_async(params={
            "amount": 500, "currency": "usd", "destination": account.id,
            "source_transaction": paid["charge"]}, options={"idempotency_key": "k-unboarded"})
    assert err.value.http_status == 400
    assert err.value.code == "insufficient_capabilities_for_transfer"
    assert "capabilities" in str(err.value.user_message)
    assert err.value.error.type == "invalid_request_error"
    assert fake.created["transfer"] == 0

    # a 400 is not stored: the same key works once the account is onboarded
    await fake.complete_onboarding(account.id)
    ok = await client.v1.transfers.create_async(params={
        "amount": 500, "currency": "usd", "destination": account.id,
        "source_transaction": paid["charge"]}, options={"idempotency_key": "k-unboarded"})
    assert ok.amount == 500 and fake.created["transfer"] == 1


async def test_transfer_limits_follow_the_money(fake, client):
    paid = await paid_checkout(fake, client, amount=1000, quantity=1)
    acct = await onboarded_account(fake, client)
    with pytest.raises(stripe.InvalidRequestError) as err:
        await client.v1.transfers.create_async(params={
            "amount": 1001, "currency": "usd", "destination": acct,
            "source_transaction": paid["charge"]})
    assert err.value.code == "balance_insufficient"
    with pytest.raises(stripe.InvalidRequestError) as err:
        await client.v1.transfers.create_async(params={
            "amount": 2000, "currency": "usd", "destination": acct})
    assert err.value.code == "balance_insufficient"
    await client.v1.transfers.create_async(params={"amount": 1000, "currency": "usd",
                                                   "destination": acct})
    assert fake.balance("usd")["available"] == 0


# ------------------------------------------------------------------ refunds


async def test_refunds_api_dashboard_and_dispute(fake, client, receiver):
    paid = await paid_checkout(fake, client)          # 3000
    pi = paid["payment_intent"]
    refund = await client.v1.refunds.create_async(
        params={"payment_intent": pi, "amount": 1000, "reason": "requested_by_customer",
                "metadata": {"slot": "2"}}, options={"idempotency_key": "refund-slot-2"})
    assert (refund.amount, refund.status, refund.charge, refund.payment_intent) == (
        1000, "succeeded", paid["charge"], pi)
    again = await client.v1.refunds.create_async(
        params={"payment_intent": pi, "amount": 1000, "reason": "requested_by_customer",
                "metadata": {"slot": "2"}}, options={"idempotency_key": "refund-slot-2"})
    assert again.id == refund.id and fake.created["refund"] == 1
    with pytest.raises(stripe.InvalidRequestError, match="greater than unrefunded"):
        await client.v1.refunds.create_async(params={"charge": paid["charge"], "amount": 2500})

    dash = await fake.dashboard_refund(pi, 500)
    refunded = [e for e in receiver.events if e.type == "charge.refunded"]
    assert [e.data.object.amount_refunded for e in refunded] == [1000, 1500]
    assert refunded[-1].request.id is None and refunded[0].request.id is not None
    assert refunded[0].request.idempotency_key == "refund-slot-2"
    assert "refund.created" in receiver.types()

    listed = await client.v1.refunds.list_async(params={"payment_intent": pi})
    assert [r.id for r in listed.data] == [dash["id"], refund.id]
    charge = await client.v1.charges.retrieve_async(paid["charge"])
    assert (charge.amount_refunded, charge.refunded) == (1500, False)

    dispute = await fake.open_dispute(paid["charge"], 1500)
    created = [e for e in receiver.events if e.type == "charge.dispute.created"]
    assert len(created) == 1 and created[0].data.object.id == dispute["id"]
    assert created[0].data.object.amount == 1500
    with pytest.raises(stripe.InvalidRequestError) as err:
        await client.v1.refunds.create_async(params={"payment_intent": pi})
    assert err.value.code == "charge_disputed"
    got = await client.v1.disputes.retrieve_async(dispute["id"])
    assert got.status == "needs_response" and got.charge == paid["charge"]


# ------------------------------------------------------------------- events


async def test_events_list_filters_and_pages(fake, client):
    since = int(time.time())
    await paid_checkout(fake, client, gig="g1")
    await paid_checkout(fake, client, gig="g2")
    one = await client.v1.events.list_async(params={"type": "checkout.session.completed",
                                                    "created": {"gte": since}})
    assert [e.data.object.client_reference_id for e in one.data] == ["g2", "g1"]
    event = await client.v1.events.retrieve_async(one.data[0].id)
    assert event.type == "checkout.session.completed"
    wildcard = await client.v1.events.list_async(params={"type": "charge.*"})
    assert len(wildcard.data) == 2
    seen = []
    page = await client.v1.events.list_async(params={"limit": 3, "created": {"gte": since}})
    async for e in page.auto_paging_iter():
        seen.append(e.id)
    assert seen == [e["id"] for e in reversed(fake.events)]
    assert len(seen) == 8
    future = await client.v1.events.list_async(params={"created": {"gt": int(time.time()) + 5}})
    assert future.data == [] and future.has_more is False


async def test_redelivery_twice_concurrently_out_of_order_and_forged(fake, client, receiver):
    fake.set_webhook_mode("manual")
    await paid_checkout(fake, client)
    queued = fake.peek_webhooks()
    assert [m.type for m in queued] == ["payment_intent.created", "payment_intent.succeeded",
                                        "charge.succeeded", "checkout.session.completed"]
    assert receiver.events == []
    ids = [m.event_id for m in queued]
    await fake.flush_webhooks(order="reversed")
    assert [e.id for e in receiver.events] == list(reversed(ids))
    completed = ids[-1]
    results = await fake.deliver(completed, times=3, concurrently=True)
    assert [d.status for d in results] == [200, 200, 200]
    forged = await fake.deliver(completed, forge=True)
    assert forged[0].status == 400 and receiver.rejected == 1
    assert [e.id for e in receiver.events].count(completed) == 4
    assert fake.get(completed)["pending_webhooks"] == 0


async def test_failed_auto_delivery_can_be_retried(fake, client):
    async with Receiver(fail_first=1) as flaky:
        fake.webhook_url = flaky.url
        session = await client.v1.checkout.sessions.create_async(params=session_params())
        await fake.expire_checkout(session.id)
        assert [d.status for d in fake.deliveries] == [503]
        delivered = await client.v1.events.list_async(params={"delivery_success": False})
        assert len(delivered.data) == 1
        retried = await fake.retry_failed_webhooks()
        assert [d.status for d in retried] == [200]
        assert flaky.types() == ["checkout.session.expired"]


# ------------------------------------------------------------------- faults


async def test_fail_next_then_retry_succeeds(fake, client):
    acct = await onboarded_account(fake, client)
    await paid_checkout(fake, client)
    fake.fail_next("/v1/transfers", status=500)
    params = {"amount": 100, "currency": "usd", "destination": acct}
    with pytest.raises(stripe.APIError):
        await client.v1.transfers.create_async(params=params, options={"idempotency_key": "k1"})
    assert fake.created["transfer"] == 0
    ok = await client.v1.transfers.create_async(params=params, options={"idempotency_key": "k1"})
    assert ok.amount == 100 and fake.created["transfer"] == 1


async def test_dropped_response_then_same_key_replays(fake, client):
    acct = await onboarded_account(fake, client)
    await paid_checkout(fake, client)
    fake.drop_response_next("/v1/transfers")
    params = {"amount": 100, "currency": "usd", "destination": acct, "transfer_group": "g"}
    with pytest.raises(stripe.APIConnectionError):
        await client.v1.transfers.create_async(params=params, options={"idempotency_key": "k2"})
    assert fake.created["transfer"] == 1          # Stripe did it; the client never heard
    ok = await client.v1.transfers.create_async(params=params, options={"idempotency_key": "k2"})
    assert ok.last_response.headers["Idempotent-Replayed"] == "true"
    assert fake.created["transfer"] == 1
    listed = await client.v1.transfers.list_async(params={"transfer_group": "g"})
    assert [t.id for t in listed.data] == [ok.id]


async def test_same_key_while_in_progress_is_409_and_slow_calls_time_out(fake, client):
    acct = await onboarded_account(fake, client)
    await paid_checkout(fake, client)
    params = {"amount": 100, "currency": "usd", "destination": acct}
    fake.delay_next("/v1/transfers", 0.2)
    results = await asyncio.gather(
        client.v1.transfers.create_async(params=params, options={"idempotency_key": "k3"}),
        client.v1.transfers.create_async(params=params, options={"idempotency_key": "k3"}),
        return_exceptions=True)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], stripe.APIError)
    assert errors[0].http_status == 409
    assert errors[0].error.code == "idempotency_key_in_use"
    assert fake.created["transfer"] == 1

    http = stripe.HTTPXClient(timeout=0.05)
    impatient = stripe.StripeClient(api_key="sk_test_x", base_addresses={"api": fake.base_url},
                                    http_client=http)
    try:
        fake.delay_next("/v1/transfers", 0.25)
        with pytest.raises(stripe.APIConnectionError):
            await impatient.v1.transfers.create_async(params=params,
                                                      options={"idempotency_key": "k4"})
        assert fake.created["transfer"] == 1      # still "in flight" at Stripe
        for _ in range(100):
            if fake.created["transfer"] == 2:
                break
            await asyncio.sleep(0.02)
        assert fake.created["transfer"] == 2
        replay = await client.v1.transfers.create_async(params=params,
                                                        options={"idempotency_key": "k4"})
        assert replay.last_response.headers["Idempotent-Replayed"] == "true"
    finally:
        await http.close_async()


async def test_sdk_retries_see_the_replay(fake):
    http = stripe.HTTPXClient()
    retrying = stripe.StripeClient(api_key="sk_test_x", base_addresses={"api": fake.base_url},
                                   http_client=http, max_network_retries=2)
    try:
        acct = await onboarded_account(fake, retrying)
        await paid_checkout(fake, retrying)
        fake.drop_response_next("/v1/transfers")
        tr = await retrying.v1.transfers.create_async(
            params={"amount": 100, "currency": "usd", "destination": acct})
        assert tr.last_response.headers["Idempotent-Replayed"] == "true"
        assert fake.created["transfer"] == 1
    finally:
        await http.close_async()


async def test_unknown_route_and_auth(fake, client):
    with pytest.raises(stripe.InvalidRequestError, match="Unrecognized request URL"):
        await client.raw_request_async("get", "/v1/nonexistent_things")
    http = stripe.HTTPXClient()
    bad = stripe.StripeClient(api_key="pk_test_x", base_addresses={"api": fake.base_url},
                              http_client=http)
    try:
        with pytest.raises(stripe.AuthenticationError):
            await bad.v1.accounts.list_async()
    finally:
        await http.close_async()


# --------------------------------------------------------------- isolation


async def test_instances_are_isolated_and_nothing_is_pickled():
    pickle_path = os.path.join(tempfile.gettempdir(), "localstripe.pickle")
    before = os.stat(pickle_path).st_mtime_ns if os.path.exists(pickle_path) else None
    async with FakeStripe() as first:
        c = first.stripe_client()
        session = await c.v1.checkout.sessions.create_async(params=session_params())
        await first.complete_checkout(session.id)
        with pytest.raises(RuntimeError):
            await FakeStripe().start()
    async with FakeStripe() as second:
        c = second.stripe_client()
        with pytest.raises(stripe.InvalidRequestError):
            await c.v1.checkout.sessions.retrieve_async(session.id)
        assert (await c.v1.payment_intents.list_async()).data == []
        assert second.created == {}
    after = os.stat(pickle_path).st_mtime_ns if os.path.exists(pickle_path) else None
    assert before == after


async def test_flush_via_config_route(fake, client):
    await paid_checkout(fake, client)
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.delete(fake.base_url + "/_config/data") as resp:
            assert resp.status == 200
    assert fake.events == [] and fake.created == {}
    assert (await client.v1.events.list_async()).data == []


def test_threaded_mode_serves_the_sync_sdk():
    with FakeStripe(threaded=True) as fake:
        http = stripe.HTTPXClient(allow_sync_methods=True)
        c = stripe.StripeClient(api_key="sk_test_x", base_addresses={"api": fake.base_url},
                                http_client=http)
        account = c.v1.accounts.create(params={"type": "express"})
        asyncio.run(fake.complete_onboarding(account.id))
        assert c.v1.accounts.retrieve(account.id).payouts_enabled is True
        assert fake.last_event("account.updated")["account"] == account.id
        http.close()
    assert json.dumps(fake.created["account"]) == "1"
