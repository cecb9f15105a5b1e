"""Engine methods the platform adapters need to stay within the platforms' limits
in every process at once: the shared send budget (``core.send_budget``) and
users' direct-message channels (a Discord DM to someone already contacted is one
request, not two, in every process and after a restart)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.domain.records import DirectChannel
from core.engine.base import EngineBase
from core.send_budget import LocalBudget, SendBudget
from core.storage.send_budget import SharedBudget


class PlatformLimits(EngineBase):
    _send_budget: SendBudget | None = None

    def send_budget(self) -> SendBudget:
        """The budget every process on this database books its platform calls in
        (PostgreSQL: shared; SQLite: this process's own)."""
        if self._send_budget is None:
            shared = self.db.async_engine
            self._send_budget = SharedBudget(shared) if shared is not None else LocalBudget()
        return self._send_budget

    async def prune_send_budget(self) -> int:
        """Forget the send budget's idle limits (a row per chat ever messaged on
        PostgreSQL); at most every few minutes per process, however often called."""
        return await self.send_budget().prune()

    async def direct_channel(self, platform: str, platform_user_id: str) -> str | None:
        return await self.view(lambda t: t.s.scalar(select(DirectChannel.channel_id).where(
            DirectChannel.platform == platform,
            DirectChannel.platform_user_id == str(platform_user_id))))

    async def remember_direct_channel(self, platform: str, platform_user_id: str,
                                      channel_id: str) -> None:
        def write(t) -> None:
            insert = pg_insert if t.s.bind.dialect.name == "postgresql" else sqlite_insert
            row = {"platform": platform, "platform_user_id": str(platform_user_id),
                   "channel_id": str(channel_id)}
            t.s.execute(insert(DirectChannel).values(**row).on_conflict_do_update(
                index_elements=["platform", "platform_user_id"],
                set_={"channel_id": row["channel_id"]}))
        await self.tx(write, finishes_update=False)
