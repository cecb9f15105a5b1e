"""``StripeProvider``: core's payment port on Stripe, with separate charges and
transfers. Funding is a Checkout Session (``checkout.py``), payouts go to Connect
Express accounts (``connect.py``); here the money movements the outbox asks
for: Transfers (``transfer_group`` = the gig, ``source_transaction`` = the
charge) and Refunds, each sent with the ``PaymentOp``'s own deterministic
idempotency key, so a retry after a crash gets Stripe's first answer back
instead of moving money twice."""
from __future__ import annotations

import stripe

import adapters.stripe.checkout as checkout
import adapters.stripe.connect as connect
from adapters.stripe.client import OP_METADATA_KEY, is_test_key, make_client, transfer_group
from adapters.stripe.errors import call
from core.api import (
    FundingOrder, OnboardingLink, PaymentLink, ProviderDeclined, ProviderRecords, ProviderResult,
    RefundOrder, TransferOrder,
)


class StripeProvider:
    name = "stripe"

    def __init__(self, settings, db, *, client=None) -> None:
        self.settings = settings
        self.db = db
        self.records = ProviderRecords(db)
        self._http = None
        if client is None:
            self._http = stripe.HTTPXClient()
            client = make_client(settings, self._http)
        self.client = client
        self.test_mode = is_test_key(settings.stripe_secret_key)
        self.label = "Stripe test mode" if self.test_mode else "Stripe"
        self.public_base_url = settings.public_base_url.rstrip("/")

    async def create_payment_request(self, order: FundingOrder) -> PaymentLink:
        return await checkout.payment_link(self, order)

    async def payout_onboarding(self, user_id: int, account_ref: str | None) -> OnboardingLink:
        return await connect.onboarding_link(self, user_id, account_ref)

    async def transfer(self, order: TransferOrder) -> ProviderResult:
        if not order.destination:
            raise ProviderDeclined("No payout account is set up yet.")
        params = {
            "amount": order.amount_minor, "currency": order.currency,
            "destination": order.destination, "transfer_group": transfer_group(order.gig_id),
            "description": f"gigbroker gig #{order.gig_id}"
                           + (f" claim #{order.claim_id}" if order.claim_id else ""),
            "metadata": {"gig_id": str(order.gig_id), "claim_id": str(order.claim_id or ""),
                         OP_METADATA_KEY: order.op_key or order.idempotency_key},
        }
        if order.funding_ref and order.funding_ref.startswith(("ch_", "py_")):
            # Paid out of this gig's charge: works before the funds are available and
            # never out of another client's money.
            params["source_transaction"] = order.funding_ref
        transfer = await call(self.client.v1.transfers.create_async, params=params,
                              options={"idempotency_key": order.idempotency_key})
        return ProviderResult(transfer.id)

    async def refund(self, order: RefundOrder) -> ProviderResult:
        ref = order.funding_ref
        if not ref:
            raise ProviderDeclined("There is no payment to refund for this gig.")
        params = {"amount": order.amount_minor,
                  "metadata": {"gig_id": str(order.gig_id), OP_METADATA_KEY: order.op_key or order.idempotency_key}}
        params["payment_intent" if ref.startswith("pi_") else "charge"] = ref
        refund = await call(self.client.v1.refunds.create_async, params=params,
                            options={"idempotency_key": order.idempotency_key})
        return ProviderResult(refund.id)

    async def payments_taken(self, orders: list[FundingOrder]) -> list[PaymentLink | None]:
        """Nothing to look up: a Stripe payment is a Checkout Session the client pays
        later, never inside our call, and a paid session always reaches the app
        (the signed webhook, which Stripe retries for three days, and
        ``gigbroker reconcile``, which asks the API). A crash after a session was
        created and before it was recorded leaves nothing paid; the next Pay gets
        the same session back through its idempotency key."""
        return [None for _ in orders]

    async def aclose(self) -> None:
        """Close the HTTP connections (tests; a process that stops cleanly)."""
        if self._http is not None:
            await self._http.close_async()
