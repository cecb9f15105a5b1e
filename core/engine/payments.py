"""Engine methods for the payment side: what a provider adapter reports
(verified webhooks, reconciliation) applied as ``ProviderChange``s, and the
reads those adapters compare against the provider's objects. The provider is
always called outside these transactions; only what it said is recorded here."""
from __future__ import annotations

from datetime import datetime

from core.domain.records import Gig, PaymentOp, PaymentRequest
from core.engine.base import EngineBase
from core.lifecycle import provider_changes as changes
from core.lifecycle import provider_events as pe
from core.lifecycle.provider_changes import ProviderChange
from core import payment_read_models as reads


class PaymentWrites(EngineBase):
    # -- writes ------------------------------------------------------------------
    async def apply_provider_changes(self, provider: str, todo: list[ProviderChange], *,
                                     event_id: str | None = None, event_type: str = ""
                                     ) -> list[tuple[ProviderChange | None, str]]:
        """Apply what is not applied yet, with the event id (exactly once) in the
        same transaction."""
        return await self.tx(lambda t: changes.apply_changes(
            t, provider, todo, event_id=event_id, event_type=event_type))

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
