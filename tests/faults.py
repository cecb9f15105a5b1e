"""Faults at the edge of the world for the payment tests: the real sandbox
provider wrapped so the worker "dies" right after the provider accepted an
operation, or so transfers are refused for good (a closed payout account)."""
from __future__ import annotations

from adapters.sandbox import SandboxProvider
from core.domain.records import SandboxPayment
from core.ports.payments import ProviderDeclined


class ProcessKilled(BaseException):
    """The worker's process died here: no handler of ours runs after it."""


class FaultyProvider:
    """``kill_after``: "charge" (the sandbox takes a gig's funding), "transfer",
    "refund" or "any" — the provider accepts that operation, then the process dies
    before recording it. ``decline_transfers``:
    transfers the provider never accepted before are refused (a retried key is
    still answered with its first result, as a real provider does)."""

    def __init__(self, inner: SandboxProvider, *, kill_after: str | None = None,
                 decline_transfers: bool = False) -> None:
        self.inner, self.kill_after, self.decline = inner, kill_after, decline_transfers
        self.name, self.test_mode = inner.name, inner.test_mode

    async def create_payment_request(self, order):
        link = await self.inner.create_payment_request(order)
        self._maybe_die("charge", link.funding_ref or link.provider_ref)
        return link

    async def payments_taken(self, orders):
        return await self.inner.payments_taken(orders)

    async def payout_onboarding(self, user_id, account_ref):
        return await self.inner.payout_onboarding(user_id, account_ref)

    async def transfer(self, order):
        if self.decline:
            known = await self.inner.db.read(
                lambda s: s.get(SandboxPayment, order.idempotency_key) is not None)
            if not known:
                raise ProviderDeclined("The destination account cannot receive transfers.")
        result = await self.inner.transfer(order)
        self._maybe_die("transfer", result.ref)
        return result

    async def refund(self, order):
        result = await self.inner.refund(order)
        self._maybe_die("refund", result.ref)
        return result

    def _maybe_die(self, kind: str, ref: str) -> None:
        if self.kill_after in (kind, "any"):
            raise ProcessKilled(f"killed after {kind} {ref} was accepted")
