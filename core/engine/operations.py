"""Engine methods for running the service: the health probe, the metric counts
and marking staff users from settings (see ``core.workers.health``)."""
from __future__ import annotations

from core.engine.base import EngineBase
from core.workers import health


class Operations(EngineBase):
    async def database_answers(self) -> bool:
        return await self.view(lambda t: health.database_answers(t.s))

    async def operational_counts(self) -> dict[str, int]:
        return await self.view(lambda t: health.operational_counts(t.s))

    async def grant_staff(self, user_ids: list[int]) -> int:
        return await self.tx(lambda t: health.grant_staff(t.s, list(user_ids)))
