"""The engine's reports: the reads behind /wallet's earnings chart, /stats and
/export (``core.reports``), with who may see a board's figures decided here,
and turning a board's weekly summary on or off (``core.lifecycle.board_summary``)."""
from __future__ import annotations

from datetime import datetime

from core import reports
from core.lifecycle import board_summary
from core.domain.errors import NotAllowed
from core.engine.base import EngineBase
from core.lifecycle.tx import Tx


def _moderator(t: Tx, actor_id: int, community_id: int) -> None:
    if not t.is_moderator(actor_id, community_id):
        raise NotAllowed("Only moderators of this board can see its figures.")


class Reports(EngineBase):
    async def earnings(self, user_id: int, *, currency: str | None = None,
                       weeks: int = reports.WEEKS) -> reports.EarningsReport:
        """What ``user_id`` earned per week (paid out / waiting), in one currency."""
        return await self.view(lambda t: reports.earnings(t.s, user_id, t.now, currency=currency,
                                                          weeks=weeks))

    async def board_stats(self, actor_id: int | None, community_id: int, *,
                          days: int = reports.BOARD_DAYS) -> reports.BoardStats:
        """A board's last ``days``; ``actor_id`` must moderate it (None: the system)."""
        def read(t: Tx) -> reports.BoardStats:
            if actor_id is not None:
                _moderator(t, actor_id, community_id)
            return reports.board_stats(t.s, community_id, t.now, days=days)
        return await self.view(read)

    async def user_statement(self, user_id: int) -> reports.Statement:
        return await self.view(lambda t: reports.user_statement(t.s, user_id))

    async def board_statement(self, actor_id: int, community_id: int) -> reports.Statement:
        def read(t: Tx) -> reports.Statement:
            _moderator(t, actor_id, community_id)
            return reports.board_statement(t.s, community_id)
        return await self.view(read)

    async def set_weekly_summary(self, actor_id: int, community_id: int,
                                 on: bool) -> datetime | None:
        """A moderator turns the board's weekly summary on (when the first is due) or off."""
        return await self.tx(lambda t: board_summary.set_weekly_summary(t, actor_id,
                                                                        community_id, on))

    async def weekly_summary_due(self, community_id: int) -> datetime | None:
        """When the board's next weekly summary is due (None: it is off)."""
        return await self.view(lambda t: board_summary.pending_due(t, community_id))
