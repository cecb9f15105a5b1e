"""The read side of the engine: every read the conversation layer and adapters
do, returned as read models (``core.read_models``) or detached records."""
from __future__ import annotations

from core import read_models as queries
from core.domain.records import Claim, ConversationState, Gig, Profile, User
from core.engine.base import EngineBase
from core.lifecycle import allowed, queues
from core.lifecycle.slots import check_eligible


class Reads(EngineBase):
    async def wallet(self, user_id: int) -> queries.Wallet:
        return await self.view(lambda t: queries.wallet(t.s, user_id))

    async def gig_view(self, gig_id: int) -> queries.GigView:
        return await self.view(lambda t: queries.gig_view(t.s, gig_id))

    async def claim(self, claim_id: int) -> Claim | None:
        return await self.view(lambda t: queries.claim(t.s, claim_id))

    async def claim_to_deliver(self, gig_id: int, user_id: int) -> Claim | None:
        """The claim of ``user_id`` on ``gig_id`` that can deliver now, if any."""
        return await self.view(lambda t: queries.claim_to_deliver(t.s, gig_id, user_id))

    async def form_state(self, platform: str, platform_user_id: str) -> ConversationState | None:
        """The form this person is filling in on ``platform``, if any."""
        return await self.view(lambda t: queries.form_state(t.s, platform, str(platform_user_id)))

    # -- the conversation layer's views ------------------------------------------
    async def feed_page(self, user_id: int, *, skill: str | None, offset: int,
                        limit: int) -> queries.FeedPage:
        """Open gigs ranked for this person, one page of them."""
        return await self.view(lambda t: queries.feed_page(
            t.s, user_id, t.now, t.config, skill=skill, offset=offset, limit=limit))

    async def my_gigs(self, user_id: int, limit: int = 10) -> queries.MyGigs:
        return await self.view(lambda t: queries.my_gigs(t.s, user_id, limit))

    async def claim_ids_in(self, user_id: int, states) -> list[int]:
        return await self.view(lambda t: queries.claim_ids_in(t.s, user_id, tuple(states)))

    async def gig_of_claim(self, claim_id: int) -> Gig:
        return await self.view(lambda t: queries.gig_of_claim(t.s, claim_id))

    async def check_eligible(self, user_id: int, gig_id: int) -> None:
        """Raise the refusal if this person may not take work on this gig at all."""
        await self.view(lambda t: check_eligible(t, gig_id, user_id))

    async def check_claim_action(self, user_id: int, claim_id: int, action: str) -> Claim:
        """Raise the refusal if this person may not do ``action`` (deliver, withdraw,
        approve, reject, revise, dispute) on this claim now; else the claim."""
        return await self.view(lambda t: allowed.check_claim_action(t, user_id, claim_id, action))

    async def check_can_take(self, user_id: int, gig_id: int) -> None:
        """Raise the refusal if this person may not claim or apply for this gig now."""
        def check(t):
            refusal = allowed.take_refusal(t, user_id, gig_id)
            if refusal is not None:
                raise refusal
        await self.view(check)

    async def viewer_actions(self, user_id: int, gig_id: int) -> allowed.ViewerActions:
        """What this viewer can do on this gig now (to show only usable buttons)."""
        return await self.view(lambda t: allowed.viewer_actions(t, user_id, gig_id))

    async def gig_seen_by(self, user_id: int, gig_id: int, *, claim_id: int | None = None
                          ) -> tuple[queries.GigView, allowed.ViewerActions, str | None]:
        """A viewer's own copy of a gig in one read (a press's answer is one of many
        a second): the gig, what the viewer can do on it now, and, with ``claim_id``,
        the item of a queue gig that claim works on (else None)."""
        def read(t):
            view = queries.gig_view(t.s, gig_id)
            item = None
            if claim_id is not None and view.gig.item_count:  # a queue gig
                claim = t.claim(claim_id, lock=False)
                item = queues.item_texts(t.s, gig_id, [claim.slot_no]).get(claim.slot_no)
            return view, allowed.viewer_actions(t, user_id, gig_id, gig=view.gig,
                                                claims=view.claims), item
        return await self.view(read)

    async def profile_view(self, user_id: int) -> queries.ProfileView:
        return await self.view(lambda t: queries.profile_view(t.s, user_id))

    async def profile(self, user_id: int) -> Profile | None:
        return await self.view(lambda t: queries.profile(t.s, user_id))

    async def user(self, user_id: int) -> User:
        return await self.view(lambda t: queries.user(t.s, user_id))

    async def user_by_handle(self, platform: str, handle: str, *,
                             by_display_name: bool = False) -> User | None:
        return await self.view(lambda t: queries.user_by_handle(
            t.s, platform, handle, by_display_name=by_display_name))

    async def receipt_entries(self, user_id: int) -> list[queries.ReceiptFacts]:
        return await self.view(lambda t: queries.receipt_entries(t.s, user_id))

    async def receipt_entry(self, user_id: int, number: int) -> queries.ReceiptFacts | None:
        return await self.view(lambda t: queries.receipt_entry(t.s, user_id, number))
