"""Engine methods for the payment side: what a provider adapter reports
(verified webhooks, reconciliation) applied as ``ProviderChange``s, the
workers' recovery of payments taken but never recorded, and the reads those
adapters compare against the provider's objects. The provider is
always called outside these transactions; only what it said is recorded here."""
from __future__ import annotations

import logging
from datetime import datetime

from core.domain.records import Gig, PaymentOp, PaymentRequest
from core.engine.base import EngineBase
from core.lifecycle import funding_recovery as recovery
from core.lifecycle import provider_changes as changes
from core.lifecycle import provider_events as pe
from core.lifecycle.provider_changes import ProviderChange
from core import payment_read_models as reads


log = logging.getLogger(__name__)


class PaymentWrites(EngineBase):
    # -- writes ------------------------------------------------------------------
    async def apply_provider_changes(self, provider: str, todo: list[ProviderChange], *,
                                     event_id: str | None = None, event_type: str = ""
                                     ) -> list[tuple[ProviderChange | None, str]]:
        """Apply what is not applied yet, with the event id (exactly once) in the
        same transaction."""
        return await self.tx(lambda t: changes.apply_changes(
            t, provider, todo, event_id=event_id, event_type=event_type))

    async def recover_unrecorded_payments(self, *, limit: int = 500) -> list[str]:
        """The workers' recovery pass: payments the provider took but the app never
        recorded (a crash between the charge and its recording), found by the
        funding's idempotency key and recorded now, without the client pressing
        Pay again. One line per payment recorded."""
        unfunded = await self.view(lambda t: recovery.unfunded_gigs(t, limit))
        if not unfunded:
            return []
        orders = [recovery.funding_order(gig) for gig in unfunded]
        found = await self.provider.payments_taken(orders)
        done: list[str] = []
        for order, link in zip(orders, found):
            if link is None or not link.paid_now:
                continue
            result = await self.tx(lambda t: recovery.record_taken_payment(
                t, self.provider.name, order, link))
            log.warning("gig #%s: %s payment %s was taken but not recorded; recorded now: %s",
                        order.gig_id, self.provider.name, link.funding_ref, result)
            done.append(f"gig #{order.gig_id}: {result}")
        return done

    # -- reads -------------------------------------------------------------------
    async def provider_event_seen(self, event_id: str) -> bool:
        return await self.view(lambda t: pe.already_processed(t, event_id))

    async def provider_changes_done(self, todo: list[ProviderChange]) -> list[bool]:
        return await self.view(lambda t: [changes.is_done(t, c) for c in todo])

    async def gig_funded_by(self, funding_ref: str) -> int | None:
        return await self.view(lambda t: reads.gig_funded_by(t.s, funding_ref))

    async def gig_exists(self, gig_id: int) -> bool:
        return await self.view(lambda t: t.s.get(Gig, gig_id) is not None)

    async def payment_ops(self, gig_id: int, kind: str | None = None) -> list[PaymentOp]:
        return await self.view(lambda t: reads.payment_ops(t.s, gig_id, kind))

    async def unsettled_payment_ops(self) -> list[PaymentOp]:
        """Pending or failed transfers and refunds, oldest first."""
        return await self.view(lambda t: reads.unsettled_payment_ops(t.s))

    async def operator_balances(self) -> dict[tuple[str, str], int]:
        return await self.view(lambda t: pe.operator_balances(t))

    async def payment_request(self, provider_ref: str) -> PaymentRequest | None:
        return await self.view(lambda t: reads.payment_request(t.s, provider_ref))

    async def payment_requests_of(self, gig_id: int, provider: str) -> tuple[Gig, list[PaymentRequest]]:
        return await self.view(lambda t: reads.payment_requests_of(t.s, gig_id, provider))

    async def user_with_payout_account(self, account_ref: str) -> int | None:
        return await self.view(lambda t: reads.user_with_payout_account(t.s, account_ref))

    async def gigs_funded_since(self, since: datetime) -> list[Gig]:
        return await self.view(lambda t: reads.gigs_funded_since(t.s, since))

    async def funded_gigs_of_requests(self, provider_refs: list[str], *,
                                      exclude: set[int]) -> list[Gig]:
        return await self.view(lambda t: reads.funded_gigs_of_requests(
            t.s, provider_refs, exclude))

    async def ledger_has_entry(self, key: str) -> bool:
        return await self.view(lambda t: pe.entry_exists(t, key))
