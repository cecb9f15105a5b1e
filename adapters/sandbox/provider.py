"""Sandbox payments: test money that moves at once. It keeps its own book in the
database (``SandboxPayment``) and honours idempotency keys the way Stripe does:
the same key with the same parameters returns the first result; the same key
with other parameters is refused. The book is also how the app finds a charge
whose answer a crash lost (``payments_taken``)."""
from __future__ import annotations

import hashlib
import json
import secrets

from core.api import (
    Database, FundingOrder, OnboardingLink, PaymentLink, ProviderDeclined, ProviderRecords,
    ProviderResult, RefundOrder, TransferOrder,
)


class IdempotencyMismatch(ProviderDeclined):
    code = "idempotency_mismatch"


class SandboxProvider:
    name = "sandbox"
    test_mode = True
    label = "TEST MONEY (sandbox)"

    def __init__(self, db: Database) -> None:
        self.db = db
        self.records = ProviderRecords(db)

    @staticmethod
    def _digest(kind: str, amount: int, currency: str, params: dict) -> str:
        return hashlib.sha256(json.dumps([kind, amount, currency, params], sort_keys=True,
                                         default=str).encode()).hexdigest()

    async def _once(self, kind: str, key: str, amount: int, currency: str, params: dict) -> str:
        digest = self._digest(kind, amount, currency, params)

        ref, stored = await self.records.keep_sandbox_payment(
            key=key, kind=kind, digest=digest, ref=f"sbx_{kind[:3]}_{secrets.token_hex(6)}",
            amount=amount, currency=currency)
        if stored != digest:
            raise IdempotencyMismatch(
                "Keys for idempotent requests can only be used with the same parameters "
                "they were first used with.", key=key)
        return ref

    async def create_payment_request(self, order: FundingOrder) -> PaymentLink:
        ref = await self._once("charge", order.idempotency_key, order.amount_minor,
                               order.currency, {"gig": order.gig_id})
        return self._paid(order, ref)

    @staticmethod
    def _paid(order: FundingOrder, ref: str) -> PaymentLink:
        # A gig's funding and later payments for it (more slots, a tip) are separate
        # requests, each named after its own idempotency key.
        name = (f"gig_{order.gig_id}" if order.idempotency_key == f"funding:gig:{order.gig_id}"
                else order.idempotency_key.replace(":", "_"))
        return PaymentLink(provider_ref=f"sbx_req_{name}", paid_now=True, funding_ref=ref)

    async def payments_taken(self, orders: list[FundingOrder]) -> list[PaymentLink | None]:
        """Charges in the sandbox's book under the orders' keys, with the same
        parameters: the answer ``create_payment_request`` would replay."""
        book = await self.records.sandbox_payments([o.idempotency_key for o in orders])
        out: list[PaymentLink | None] = []
        for order in orders:
            row = book.get(order.idempotency_key)
            same = row is not None and row.kind == "charge" and row.params_digest == self._digest(
                "charge", order.amount_minor, order.currency, {"gig": order.gig_id})
            out.append(self._paid(order, row.ref) if same else None)
        return out

    async def transfer(self, order: TransferOrder) -> ProviderResult:
        ref = await self._once("transfer", order.idempotency_key, order.amount_minor,
                               order.currency, {"to": order.destination, "gig": order.gig_id})
        return ProviderResult(ref)

    async def refund(self, order: RefundOrder) -> ProviderResult:
        ref = await self._once("refund", order.idempotency_key, order.amount_minor,
                               order.currency, {"charge": order.funding_ref})
        return ProviderResult(ref)

    async def payout_onboarding(self, user_id: int, account_ref: str | None) -> OnboardingLink:
        return OnboardingLink(account_ref=account_ref or f"sbx_acct_{user_id}",
                              payouts_enabled=True)
