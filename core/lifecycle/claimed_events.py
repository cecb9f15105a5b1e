"""Platform events claimed once across processes: a Discord interaction or message
reaches every process connected to its shard (two processes configured with the
same shard, a restart that overlaps the old process, a gateway replay); the first
to insert its key acts, every other leaves it. Kept two days, then pruned."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from core.domain.records import ClaimedEvent
from core.lifecycle.tx import Tx


def claim_event(tx: Tx, platform: str, key: str, owner: str) -> bool:
    """True for the one caller that claims ``(platform, key)`` first."""
    dml = postgresql.insert if tx.dialect == "postgresql" else sqlite.insert
    stmt = dml(ClaimedEvent).values(platform=platform, key=key[:64], owner=owner[:64],
                                    claimed_at=tx.now).on_conflict_do_nothing(
        index_elements=["platform", "key"])
    return bool(tx.conn.execute(stmt).rowcount)


def prune_claimed(tx: Tx, before: datetime) -> int:
    res = tx.conn.execute(delete(ClaimedEvent).where(ClaimedEvent.claimed_at < before))
    return int(res.rowcount or 0)
