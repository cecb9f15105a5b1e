"""Engine methods for a client managing a live gig (edit, add slots, extend a
deadline, tip, repost, repeat) and for rate cards. Money added later is asked
from the provider outside any transaction, like funding (see
``Transitions.start_funding``): one transaction records the request, the
provider is called, a second records its answer, and if the provider took the
money at once (sandbox) the confirmation applies it."""
from __future__ import annotations

from datetime import timedelta

from core import rate_cards
from core.domain.records import Claim, Gig, GigExtra, GigRecurrence
from core.engine.base import EngineBase
from core.lifecycle import gig_changes, gig_repeats, gigs
from core.ports.payments import FundingOrder, PaymentLink
from core.rate_cards import RateCard


class GigManagement(EngineBase):
    # -- changes without money -----------------------------------------------------
    async def edit_gig(self, actor_id: int, gig_id: int, *, title: str | None = None,
                       description: str | None = None) -> Gig:
        return await self.tx(lambda t: gig_changes.edit_gig(t, actor_id, gig_id, title,
                                                            description))

    async def extend_deadline(self, actor_id: int, claim_id: int, by: str | timedelta, *,
                              seen_version: int | None = None) -> Claim:
        """Move an active claim's deadline ``by`` later ('1d', '12h'); with
        ``seen_version`` (a button's), only if the claim is still as it was shown."""
        return await self.tx(lambda t: gig_changes.extend_deadline(t, actor_id, claim_id, by,
                                                                   seen_version))

    # -- money added later -----------------------------------------------------------
    async def add_slots(self, actor_id: int, gig_id: int, count: int, *,
                        seen_version: int | None = None) -> tuple[GigExtra, PaymentLink]:
        """Ask for the payment of ``count`` more slots; they open once it is paid. With
        ``seen_version`` (a button's), only if the gig is still as it was shown."""
        extra = await self.tx(lambda t: gig_changes.request_slots(t, actor_id, gig_id, count,
                                                                  seen_version))
        return await self._pay_extra(extra, f"{count} more slot(s)")

    async def tip(self, actor_id: int, claim_id: int, amount_minor: int
                  ) -> tuple[GigExtra, PaymentLink]:
        """Ask for the payment of a tip; the freelancer is owed it once it is paid."""
        extra = await self.tx(lambda t: gig_changes.request_tip(t, actor_id, claim_id,
                                                                amount_minor))
        return await self._pay_extra(extra, f"Tip for claim #{claim_id}")

    async def _pay_extra(self, extra: GigExtra, what: str) -> tuple[GigExtra, PaymentLink]:
        gig = await self.view(lambda t: t.gig(extra.gig_id))
        link = await self.provider.create_payment_request(FundingOrder(
            gig_id=gig.id, client_id=extra.client_id, amount_minor=extra.total,
            currency=extra.currency, title=f"{what}: {gig.title}"[:120],
            idempotency_key=f"extra:{extra.id}"))
        extra = await self.tx(lambda t: gig_changes.record_extra_request(
            t, extra.id, self.provider.name, link.provider_ref, link.url))
        if link.paid_now:
            await self.tx(lambda t: gigs.confirm_funding(
                t, link.provider_ref, extra.total, extra.currency, link.funding_ref))
            extra = await self.view(lambda t: t.s.get(GigExtra, extra.id))
        return extra, link

    # -- posting again -------------------------------------------------------------
    async def repost(self, actor_id: int, gig_id: int) -> Gig:
        return await self.tx(lambda t: gig_repeats.repost(t, actor_id, gig_id))

    async def repeat_gig(self, actor_id: int, gig_id: int, every_days: int) -> GigRecurrence:
        return await self.tx(lambda t: gig_repeats.start_recurrence(t, actor_id, gig_id,
                                                                    every_days))

    async def stop_repeating(self, actor_id: int, gig_id: int) -> GigRecurrence:
        return await self.tx(lambda t: gig_repeats.stop_recurrence(t, actor_id, gig_id))

    async def recurrence_of(self, gig_id: int) -> GigRecurrence | None:
        return await self.view(lambda t: gig_repeats.recurrence_of(t, gig_id))

    async def post_due_recurring_gigs(self, limit: int = 200) -> int:
        """Clock: post the copies of recurring gigs that are due; returns how many."""
        posted = 0
        for rec_id in await self.view(lambda t: gig_repeats.due_recurrences(t, limit)):
            if await self.tx(lambda t: gig_repeats.post_next_copy(t, rec_id)) is not None:
                posted += 1
        return posted

    # -- rate cards ------------------------------------------------------------------
    async def rate_cards(self, skills: list[str], *, community_id: int | None = None
                         ) -> list[RateCard]:
        return await self.view(lambda t: rate_cards.rate_cards(
            t.s, skills, t.now, community_id=community_id))

    async def price_guidance(self, skills: list[str], currency: str, *,
                             community_id: int | None = None) -> RateCard | None:
        return await self.view(lambda t: rate_cards.price_guidance(
            t.s, skills, currency, t.now, community_id=community_id))
