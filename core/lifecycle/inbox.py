"""The inbox of platform updates: stored before the platform is told they arrived,
finished once processed, so a killed process loses none and a repeat is ignored.

An update counts as finished with the first write transaction its handling
commits (``HANDLING`` names it while it is handled; ``EngineBase.tx`` finishes it in
that same transaction), so a kill after that write never replays it into a second
gig or claim; an update whose handling wrote nothing is finished by the adapter.

``store_inbound`` inserts a batch, ignoring keys already there; ``unfinished`` hands out
what a previous process had stored but not finished, counting attempts so an update
that kills every process which tries it ends ``dead`` instead of in a crash loop.

Several processes (PostgreSQL): each update names its ``sender``; ``take_sender``
leases all of one sender's pending updates, oldest first, to one process, under a
transaction-level advisory lock on that sender, and hands out nothing while another
process holds a live lease on any of them. The holder handles them in order,
finishes each, and takes again until nothing is left, so one person's quick
successive answers are applied in the order they arrived whichever process
received them (``ready_senders`` is what a worker polls for).

The lease is short (a killed process's updates pass to another within seconds, in
time to answer a button press) and fenced: the write that finishes an update checks
that this process still holds it (``finish_handled``), so a process that stalled
past its lease and lost the update to another one rolls its write back
(``UpdateTakenOver``) instead of doing the update's work a second time."""
from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from core.domain.records import InboundUpdate
from core.lifecycle.tx import Tx

MAX_ATTEMPTS = 3
# (platform, key, lease owner or None) of the update the current task is handling
HANDLING: ContextVar[tuple[str, str, str | None] | None] = ContextVar(
    "inbound_handling", default=None)


class UpdateTakenOver(Exception):
    """The update being handled is another process's now (this one held it past its
    lease): the write that would have finished it is rolled back, and nobody is told
    anything, since the new holder handles it and answers."""

    def __init__(self, platform: str, key: str) -> None:
        super().__init__(f"{platform} update {key} was taken over by another process")
        self.key = key


def store_inbound(tx: Tx, platform: str, updates: list[tuple]) -> set[str]:
    """Store ``(key, payload)`` or ``(key, payload, sender)`` tuples as pending;
    returns the keys that were new (a key already stored, or twice in the batch, is
    a repeat)."""
    dml = postgresql.insert if tx.dialect == "postgresql" else sqlite.insert
    new: set[str] = set()
    for key, payload, *rest in updates:
        if key in new:
            continue
        stmt = dml(InboundUpdate).values(
            platform=platform, key=key, payload=payload, status="pending", attempts=0,
            received_at=tx.now, sender=(rest[0] if rest else None),
        ).on_conflict_do_nothing(index_elements=["platform", "key"])
        if tx.conn.execute(stmt).rowcount:
            new.add(key)
    return new


def finish_inbound(tx: Tx, platform: str, *keys: str, owner: str | None = None) -> int:
    """Mark these pending updates done; with ``owner``, only those it holds (or that
    nobody leased), so a process never finishes what another one took over. How many
    were finished."""
    where = [InboundUpdate.platform == platform, InboundUpdate.key.in_(keys),
             InboundUpdate.status == "pending"]
    if owner is not None:
        where.append((InboundUpdate.lease_owner == owner) | InboundUpdate.lease_owner.is_(None))
    return int(tx.conn.execute(update(InboundUpdate).where(*where).values(
        status="done", done_at=tx.now, lease_until=None)).rowcount or 0)


def finish_handled(tx: Tx, platform: str, key: str, owner: str | None) -> None:
    """Finish the update whose handling this write is part of. Held by ``owner``
    (several processes): the write goes ahead only while it still holds the update,
    or when an earlier write of the same handling finished it already; otherwise
    ``UpdateTakenOver`` rolls it back."""
    if finish_inbound(tx, platform, key, owner=owner) or owner is None:
        return  # the common case: one statement, which also locks the row until commit
    row = tx.s.execute(select(InboundUpdate.status, InboundUpdate.lease_owner).where(
        InboundUpdate.platform == platform, InboundUpdate.key == key)).first()
    if row is None:
        return  # never stored (nothing to fence)
    if row.status == "done" and row.lease_owner in (owner, None):
        return  # an earlier write of this same handling finished it
    raise UpdateTakenOver(platform, key)


def take_sender(tx: Tx, platform: str, sender: str | None, owner: str, lease_for: timedelta,
                *, key: str | None = None,
                finished: list[str] | None = None) -> list[tuple[str, str]] | None:
    """Lease every pending update of ``sender`` (or, without a sender, the one update
    ``key``) to ``owner``, oldest first, each counted as one more attempt (those past
    ``MAX_ATTEMPTS`` end dead); ``None`` while another owner's lease on one of them
    is live: that process is handling this sender and takes the rest after.
    ``finished``: the keys of the caller's previous batch, finished first (one
    transaction per batch instead of two)."""
    if tx.dialect == "postgresql":
        tx.conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                        {"k": f"inbound:{platform}:{sender or 'update:' + str(key)}"})
    if finished:
        finish_inbound(tx, platform, *finished, owner=owner)
    who = InboundUpdate.sender == sender if sender is not None else InboundUpdate.key == key
    rows = tx.s.execute(select(InboundUpdate.id, InboundUpdate.key, InboundUpdate.payload,
                               InboundUpdate.attempts, InboundUpdate.lease_owner,
                               InboundUpdate.lease_until)
                        .where(InboundUpdate.platform == platform, who,
                               InboundUpdate.status == "pending")
                        .order_by(InboundUpdate.id)).all()
    if any(r.lease_owner not in (None, owner) and r.lease_until is not None
           and r.lease_until > tx.now for r in rows):
        return None
    dead = [r.id for r in rows if r.attempts >= MAX_ATTEMPTS]
    live = [r for r in rows if r.attempts < MAX_ATTEMPTS]
    if dead:
        tx.conn.execute(update(InboundUpdate).where(InboundUpdate.id.in_(dead))
                        .values(status="dead", done_at=tx.now, lease_until=None))
    if live:
        tx.conn.execute(update(InboundUpdate).where(InboundUpdate.id.in_([r.id for r in live]))
                        .values(attempts=InboundUpdate.attempts + 1, lease_owner=owner,
                                lease_until=tx.now + lease_for))
    return [(r.key, r.payload) for r in live]


def renew_inbound(tx: Tx, platform: str, owner: str, keys: list[str],
                  lease_for: timedelta) -> int:
    """Extend ``owner``'s leases on updates it is still handling."""
    res = tx.conn.execute(update(InboundUpdate).where(
        InboundUpdate.platform == platform, InboundUpdate.key.in_(keys),
        InboundUpdate.lease_owner == owner, InboundUpdate.status == "pending")
        .values(lease_until=tx.now + lease_for))
    return int(res.rowcount or 0)


def ready_senders(tx: Tx, platform: str, *, received_before: datetime,
                  limit: int = 100) -> list[tuple[str | None, str]]:
    """``(sender, key of its oldest update)`` of senders with pending updates that
    nobody holds (no lease, or an ended one), oldest first: what a worker takes."""
    free = (InboundUpdate.lease_until.is_(None)) | (InboundUpdate.lease_until < tx.now)
    first = func.min(InboundUpdate.id).label("first")
    rows = tx.s.execute(select(InboundUpdate.sender, first, func.min(InboundUpdate.key))
                        .where(InboundUpdate.platform == platform,
                               InboundUpdate.status == "pending",
                               InboundUpdate.received_at <= received_before, free)
                        .group_by(InboundUpdate.sender,
                                  func.coalesce(InboundUpdate.sender, InboundUpdate.key))
                        .order_by(first).limit(limit)).all()
    return [(r[0], r[2]) for r in rows]


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
