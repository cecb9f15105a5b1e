"""How many "new gig for you" pushes a freelancer gets: at most
``EngineConfig.pushes_per_hour`` in an hour. Past that, matches are held, and one
digest (``GigPushesHeld``) is queued for the end of that hour instead of a push per
gig: a client posting a hundred gigs reaches each freelancer a few times, not a
hundred. The hour is a fixed window per freelancer that starts with their first
push (``PushBudget``)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from core.domain.records import PushBudget
from core.events import GigPushesHeld
from core.lifecycle.tx import Tx

WINDOW = timedelta(hours=1)


def take_pushes(tx: Tx, user_ids: list[int]) -> list[int]:
    """Of ``user_ids`` (each matched one gig), those who may be pushed now; the others
    count as held, and each gets one digest at the end of their window."""
    if not user_ids:
        return []
    cap = tx.config.pushes_per_hour
    dml = postgresql.insert if tx.dialect == "postgresql" else sqlite.insert
    tx.conn.execute(dml(PushBudget).values([
        dict(user_id=u, window_start=tx.now, sent=0, held=0) for u in set(user_ids)])
        .on_conflict_do_nothing(index_elements=["user_id"]))
    budgets = {b.user_id: b for b in tx.s.scalars(
        select(PushBudget).where(PushBudget.user_id.in_(user_ids)).with_for_update())}
    allowed = []
    for user_id in user_ids:
        budget = budgets[user_id]
        if tx.now - budget.window_start >= WINDOW:
            budget.window_start, budget.sent, budget.held = tx.now, 0, 0
        if budget.sent < cap:
            budget.sent += 1
            allowed.append(user_id)
            continue
        budget.held += 1
        if budget.held == 1:  # the first held match of this window sets up its digest
            ends = budget.window_start + WINDOW
            tx.emit(GigPushesHeld(recipient_id=user_id, per_hour=cap),
                    key=f"window:{ends.isoformat()}", at=ends)
    return allowed
