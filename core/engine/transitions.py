"""Engine methods for the lifecycle: people and profiles, posting and funding
gigs, claims, deliveries, reviews, disputes, ratings and payout setup. Each is one
transaction (see ``EngineBase``): it checks who acts, performs the transition and
records its side effects, or raises a typed ``DomainError`` and writes nothing."""
from __future__ import annotations

from datetime import datetime

from core.domain.errors import DomainError, InvalidTransition, NotAllowed
from core.domain.gig_input import GigDraft
from core.domain.records import Gig, GigStatus, User
from core.engine.base import EngineBase
from core.failpoints import failpoint
from core.lifecycle import claims, disputes, gigs, people, slots
from core.lifecycle.funding_recovery import funding_order
from core.lifecycle.tx import Tx
from core.workers import metrics
from core.ports.payments import PaymentLink


class Transitions(EngineBase):
    # -- people ------------------------------------------------------------
    async def resolve_user(self, platform: str, platform_user_id: str, display_name: str,
                           username: str | None = None, locale: str | None = None, *,
                           account_created_at: datetime | None = None) -> User:
        """``account_created_at``: when the platform says the account was made, if it
        does (the posting limits for new accounts count from the older of that and
        first seen). ``locale``: the language the platform reports, if it does (the
        user's until they choose one with /settings)."""
        return (await self.resolve_actor(platform, platform_user_id, display_name, username,
                                         locale, account_created_at=account_created_at))[0]

    async def resolve_actor(self, platform: str, platform_user_id: str, display_name: str,
                            username: str | None = None, locale: str | None = None, *,
                            account_created_at: datetime | None = None) -> tuple[User, str]:
        """``resolve_user`` and the user's time zone: one read in the common case
        (someone known, nothing changed), as every update a platform sends needs both."""
        known = await self.view(lambda t: people.find_actor(t, platform, str(platform_user_id)))
        if known is not None and (username is None or known[1].username == username) and (
                account_created_at is None or known[1].account_created_at is not None) and (
                not locale or known[0].locale_chosen or known[0].locale == locale):
            return known[0], known[2]  # the common case needs no write transaction
        user = await self.tx(lambda t: people.resolve_identity(
            t, platform, str(platform_user_id), display_name, username, locale,
            account_created_at=account_created_at), finishes_update=False)
        return user, await self.user_timezone(user.id)

    async def update_profile(self, user_id: int, fields: dict[str, object], *,
                             locale: str | None = "en", languages: tuple[str, ...] = ("en",)):
        """``locale``: the writer's, for amounts; ``languages``: what /settings may pick."""
        return await self.tx(lambda t: people.update_profile(t, user_id, fields, locale=locale,
                                                             languages=languages))

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
