"""The inbox of platform updates: stored before the platform is told they arrived,
finished once processed, so a killed process loses none and a repeat is ignored.

An update counts as finished with the first write transaction its handling
commits (``HANDLING`` names it while it is handled; ``EngineBase.tx`` finishes it in
that same transaction), so a kill after that write never replays it into a second
gig or claim; an update whose handling wrote nothing is finished by the adapter.

``store_inbound`` inserts a batch, ignoring keys already there; ``unfinished`` hands out
what a previous process had stored but not finished, counting attempts so an update
that kills every process which tries it ends ``dead`` instead of in a crash loop."""
from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from core.domain.records import InboundUpdate
from core.lifecycle.tx import Tx

MAX_ATTEMPTS = 3
# (platform, key) of the update the current task is handling, if any
HANDLING: ContextVar[tuple[str, str] | None] = ContextVar("inbound_handling", default=None)


def store_inbound(tx: Tx, platform: str, updates: list[tuple[str, str]]) -> set[str]:
    """Store ``(key, payload)`` pairs as pending; returns the keys that were new (a
    key already stored, or twice in the batch, is a repeat)."""
    dml = postgresql.insert if tx.dialect == "postgresql" else sqlite.insert
    new: set[str] = set()
    for key, payload in updates:
        if key in new:
            continue
        stmt = dml(InboundUpdate).values(
            platform=platform, key=key, payload=payload, status="pending", attempts=0,
            received_at=tx.now).on_conflict_do_nothing(index_elements=["platform", "key"])
        if tx.conn.execute(stmt).rowcount:
            new.add(key)
    return new


def finish_inbound(tx: Tx, platform: str, *keys: str) -> None:
    tx.conn.execute(update(InboundUpdate).where(
        InboundUpdate.platform == platform, InboundUpdate.key.in_(keys),
        InboundUpdate.status == "pending").values(status="done", done_at=tx.now))


def take_unfinished(tx: Tx, platform: str, *, limit: int = 1000) -> list[tuple[str, str]]:
    """``(key, payload)`` of the pending updates, oldest first, each counted as one
    more attempt; those past ``MAX_ATTEMPTS`` are set dead and left out."""
    rows = tx.s.execute(select(InboundUpdate.id, InboundUpdate.key, InboundUpdate.payload,
                               InboundUpdate.attempts)
                        .where(InboundUpdate.platform == platform,
                               InboundUpdate.status == "pending")
                        .order_by(InboundUpdate.id).limit(limit)).all()
    dead = [r.id for r in rows if r.attempts >= MAX_ATTEMPTS]
    live = [r for r in rows if r.attempts < MAX_ATTEMPTS]
    if dead:
        tx.conn.execute(update(InboundUpdate).where(InboundUpdate.id.in_(dead))
                        .values(status="dead", done_at=tx.now))
    if live:
        tx.conn.execute(update(InboundUpdate).where(InboundUpdate.id.in_([r.id for r in live]))
                        .values(attempts=InboundUpdate.attempts + 1))
    return [(r.key, r.payload) for r in live]


def prune_inbound(tx: Tx, before: datetime) -> int:
    """Forget finished updates received before ``before`` (a repeat that old is not
    re-sent by any platform)."""
    res = tx.conn.execute(delete(InboundUpdate).where(
        InboundUpdate.status != "pending", InboundUpdate.received_at < before))
    return int(res.rowcount or 0)
