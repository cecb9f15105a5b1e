"""Engine methods for queue gigs and "Next similar task": a gig's items (by slot
number: the claim holding slot N works on item N) and what a freelancer could
take next after a delivery or an approval (``core.lifecycle.next_task``)."""
from __future__ import annotations

from core.engine.base import EngineBase
from core.lifecycle import next_task, queues
from core.lifecycle.next_task import NextTask


class QueueReads(EngineBase):
    async def items_of(self, gig_id: int) -> list[str]:
        """Every item of a queue gig in order (empty for identical slots)."""
        return await self.view(lambda t: queues.items_of(t.s, gig_id))

    async def item_texts(self, gig_id: int, item_nos) -> dict[int, str]:
        """The items behind these slot numbers of a gig (slot number -> item text)."""
        nos = list(item_nos)
        return await self.view(lambda t: queues.item_texts(t.s, gig_id, nos))

    async def item_of_claim(self, claim_id: int) -> str | None:
        """The item this claim works on, if its gig is a queue."""
        def read(t):
            claim = t.claim(claim_id, lock=False)
            return queues.item_texts(t.s, claim.gig_id, [claim.slot_no]).get(claim.slot_no)
        return await self.view(read)

    async def next_task(self, user_id: int, after_gig_id: int) -> NextTask:
        """What this freelancer could take next after work on ``after_gig_id``."""
        return await self.view(lambda t: next_task.next_task(t, user_id, after_gig_id))
