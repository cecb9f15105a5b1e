"""Engine reads for rendering what the outbox delivers: the subject of a
notification and a claim's delivery to show (see ``core.read_models``)."""
from __future__ import annotations

from core import read_models as queries
from core.engine.base import EngineBase


class NotificationReads(EngineBase):
    async def notification_subject(self, *, gig_id: int | None = None,
                                   claim_id: int | None = None,
                                   freelancer_id: int | None = None) -> queries.NotificationSubject:
        return await self.view(lambda t: queries.notification_subject(
            t.s, gig_id, claim_id, freelancer_id))

    async def delivery_to_show(self, claim_id: int, *,
                               viewer_id: int | None = None) -> queries.DeliveryToShow:
        """Raises NotFound / NotAllowed (a viewer who is not a party or moderator)."""
        return await self.view(lambda t: queries.delivery_to_show(t, claim_id, viewer_id))
