"""Engine methods for the lifecycle: posting and funding
gigs, claims, deliveries, reviews, disputes, ratings and payout setup. Each is one
transaction (see ``EngineBase``): it checks who acts, performs the transition and
records its side effects, or raises a typed ``DomainError`` and writes nothing."""
from __future__ import annotations

from core.domain.errors import DomainError, InvalidTransition, NotAllowed
from core.domain.gig_input import GigDraft
from core.domain.records import Gig, GigStatus
from core.engine.base import EngineBase
from core.failpoints import failpoint
from core.lifecycle import claims, disputes, gigs, slots
from core.lifecycle.funding_recovery import funding_order
from core.lifecycle.tx import Tx
from core.workers import metrics
from core.ports.payments import PaymentLink


class Transitions(EngineBase):
    # -- gigs --------------------------------------------------------------
    async def post_gig(self, client_id: int, draft: GigDraft) -> Gig:
        return await self.tx(lambda t: gigs.post_gig(t, client_id, draft))

    async def start_funding(self, client_id: int, gig_id: int) -> tuple[Gig, PaymentLink]:
        """Ask the provider for a way to pay (outside any transaction), record it, and
        if the provider took the money at once (sandbox), open the gig."""
        gig = await self.view(lambda t: t.gig(gig_id))
        if gig.client_id != client_id:
            raise NotAllowed("Only the client who posted this gig can pay for it.")
        if gig.status != GigStatus.awaiting_funding:
            raise InvalidTransition("Gig #{gig_id} is {state}; there is nothing to pay.",
                                    gig_id=gig.id, state=gig.status.replace("_", " "),
                                    status=gig.status)
        total = gig.price.total
        link = await self.provider.create_payment_request(funding_order(gig))
        failpoint("funding", "requested")  # crash tests: the sandbox took the money here
        await self.tx(lambda t: gigs.record_payment_request(
            t, gig.id, self.provider.name, link.provider_ref, link.url, total))
        if link.paid_now:
            gig = await self.confirm_funding(link.provider_ref, total, gig.currency,
                                             link.funding_ref)
        return gig, link

    async def confirm_funding(self, provider_ref: str, amount: int, currency: str,
                              funding_ref: str | None = None) -> Gig:
        return await self.tx(lambda t: gigs.confirm_funding(t, provider_ref, amount, currency,
                                                            funding_ref))

    async def cancel_gig(self, actor_id: int, gig_id: int) -> Gig:
        return await self.tx(lambda t: gigs.close_listing(t, actor_id, gig_id, reason="cancelled"))

    # -- claims ------------------------------------------------------------
    async def claim_slot(self, user_id: int, gig_id: int):
        try:
            claim = await self.tx(lambda t: slots.claim_slot(t, user_id, gig_id))
        except DomainError as exc:
            metrics.claim_attempted(exc.code)
            raise
        metrics.claim_attempted("claimed")
        return claim

    async def apply(self, user_id: int, gig_id: int, pitch: str = ""):
        return await self.tx(lambda t: slots.apply(t, user_id, gig_id, pitch))

    async def decide_application(self, actor_id: int, application_id: int, accept: bool):
        return await self.tx(lambda t: slots.decide_application(t, actor_id, application_id, accept))

    async def withdraw(self, user_id: int, claim_id: int):
        return await self.tx(lambda t: claims.withdraw(t, user_id, claim_id))

    async def deliver(self, user_id: int, claim_id: int, text: str = "",
                      links: list[str] | None = None, files: list[dict] | None = None):
        return await self.tx(lambda t: claims.deliver(t, user_id, claim_id, text, links or [],
                                                      files or []))

    async def request_revision(self, actor_id: int, claim_id: int, note: str = ""):
        return await self.tx(lambda t: claims.request_revision(t, actor_id, claim_id, note))

    async def approve(self, actor_id: int, claim_id: int):
        return await self.tx(lambda t: claims.approve(t, actor_id, claim_id))

    async def reject(self, actor_id: int, claim_id: int, reason: str):
        return await self.tx(lambda t: claims.reject(t, actor_id, claim_id, reason))

    async def open_dispute(self, actor_id: int, claim_id: int, reason: str):
        return await self.tx(lambda t: disputes.open_dispute(t, actor_id, claim_id, reason))

    async def resolve_dispute(self, actor_id: int, claim_id: int, freelancer_share: int,
                              note: str = ""):
        return await self.tx(lambda t: disputes.resolve_dispute(t, actor_id, claim_id,
                                                                freelancer_share, note))

    async def rate(self, actor_id: int, claim_id: int, stars: int, comment: str = ""):
        return await self.tx(lambda t: disputes.rate(t, actor_id, claim_id, stars, comment))

    # -- payouts -----------------------------------------------------------
    async def setup_payouts(self, user_id: int):
        """Create or reuse the user's payout account; enable payouts if the provider
        says they are ready (the sandbox always is). Returns the provider's link."""
        from core.lifecycle.payouts import enable_payouts
        user = await self.view(lambda t: t.user(user_id))
        link = await self.provider.payout_onboarding(user_id, user.payout_account)
        if link.payouts_enabled:
            await self.tx(lambda t: enable_payouts(t, user_id, link.account_ref))
        elif link.account_ref != user.payout_account:
            def remember(t: Tx) -> None:
                t.user(user_id).payout_account = link.account_ref
            await self.tx(remember)
        return link
