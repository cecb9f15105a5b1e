"""The read side of the engine: every read the conversation layer and adapters
do, returned as read models (``core.read_models``) or detached records."""
from __future__ import annotations

from core import read_models as queries
from core.domain.records import Claim, ConversationState
from core.engine.base import EngineBase


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
