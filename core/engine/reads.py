"""The read side of the engine: every read the conversation layer and adapters
do, returned as read models (``core.read_models``) or detached records."""
from __future__ import annotations

from core import read_models as queries
from core.engine.base import EngineBase


class Reads(EngineBase):
    async def wallet(self, user_id: int) -> queries.Wallet:
        return await self.view(lambda t: queries.wallet(t.s, user_id))

    async def gig_view(self, gig_id: int) -> queries.GigView:
        return await self.view(lambda t: queries.gig_view(t.s, gig_id))
