"""A board's weekly summary: when a moderator turns it on, a timer of the
community fires every Monday at 09:00 UTC; firing queues ``WeeklySummaryDue``
for the board (the conversation layer draws the /stats picture and posts it)
and sets the next week's timer in the same transaction. Turning it off cancels
the pending timer. The clock worker fires it like every other timer, so it is
safe with several workers and after a restart (a missed Monday fires late, once)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select, update

from core.domain.errors import InvalidTransition, NotAllowed, NotFound
from core.domain.records import Community, Timer
from core.events import WeeklySummaryDue
from core.lifecycle.tx import Tx

KIND = "board_summary"
WEEKDAY, HOUR = 0, 9  # Monday 09:00 UTC


def next_due(now: datetime) -> datetime:
    """The first Monday 09:00 UTC after ``now``."""
    day = now.astimezone(timezone.utc).date()
    due = datetime.combine(day + timedelta(days=(WEEKDAY - day.weekday()) % 7), time(HOUR),
                           timezone.utc)
    return due if due > now else due + timedelta(weeks=1)


def pending_due(tx: Tx, community_id: int) -> datetime | None:
    """When the next summary is due, or None when the summary is off."""
    return tx.s.scalar(select(Timer.due_at).where(
        Timer.kind == KIND, Timer.community_id == community_id, Timer.status == "pending")
        .order_by(Timer.due_at).limit(1))


def _schedule(tx: Tx, community_id: int, cause: str) -> datetime:
    due = next_due(tx.now)
    stamp = int(tx.now.timestamp() * 1_000_000)
    tx.s.add(Timer(kind=KIND, due_at=due, community_id=community_id,
                   dedup_key=f"{KIND}:{community_id}:{due:%Y%m%d}:{cause}:{stamp}"))
    tx.s.flush()
    return due


def set_weekly_summary(tx: Tx, actor_id: int, community_id: int, on: bool) -> datetime | None:
    """Turn the board's weekly summary on (returns when the first is due) or off (None)."""
    community = tx.s.get(Community, community_id)
    if community is None:
        raise NotFound("Unknown community.")
    if not tx.is_moderator(actor_id, community_id):
        raise NotAllowed("Only moderators of this board can turn its weekly summary on or off.")
    due = pending_due(tx, community_id)
    if on:
        if due is not None:
            return due
        if not community.board_channel_id:
            raise InvalidTransition("This community has no gig board yet: an admin sends "
                                    "/board in the chat that should hold it.")
        due = _schedule(tx, community_id, "on")
    elif due is not None:
        tx.s.execute(update(Timer).where(Timer.kind == KIND, Timer.community_id == community_id,
                                         Timer.status == "pending")
                     .values(status="cancelled", done_at=tx.now))
        due = None
    tx.audit(actor_id, "moderator", "weekly_summary", detail=(
        f"community={community_id} {'on' if on else 'off'}"))
    return due


def fire(tx: Tx, community_id: int | None) -> None:
    """The timer is due: queue this week's summary for the board, set next week's."""
    community = tx.s.get(Community, community_id) if community_id is not None else None
    if community is None or not community.board_channel_id:
        return  # the board is gone: the summary stops
    tx.emit(WeeklySummaryDue(recipient_id=None, community_id=community.id,
                             week_of=tx.now.date().isoformat()),
            key=f"{community.id}:{tx.now:%Y%m%d}")
    _schedule(tx, community.id, "next")
