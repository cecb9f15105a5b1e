"""The clock worker: fires due timers (claim deadlines, auto-approval, dispute
windows, disputes nobody decided by their deadline, listing expiry, reminders).
Each timer fires in its own transaction that first flips it from pending to done
with a conditional UPDATE, so several processes can run this at once and a crash
simply leaves the timer pending."""
from __future__ import annotations

import logging

from sqlalchemy import select, update

from core.domain.errors import DomainError
from core.lifecycle import board_summary, claims, dispute_statements, disputes, gigs
from core.events import DeadlineReminderDue, ReviewReminderDue
from core.lifecycle.tx import Tx
from core.domain.records import Claim, ClaimStatus, Gig, GigStatus, Timer

log = logging.getLogger(__name__)


def due_timer_ids(tx: Tx, limit: int) -> list[int]:
    return list(tx.s.scalars(select(Timer.id).where(Timer.status == "pending",
                                                    Timer.due_at <= tx.now)
                             .order_by(Timer.due_at, Timer.id).limit(limit)))


def fire_timer(tx: Tx, timer_id: int) -> str | None:
    row = tx.s.execute(update(Timer).where(Timer.id == timer_id, Timer.status == "pending")
                       .values(status="done", done_at=tx.now)
                       .returning(Timer.kind, Timer.gig_id, Timer.claim_id,
                                  Timer.community_id)).first()
    if row is None:
        return None  # another worker fired it
    kind, gig_id, claim_id, community_id = row
    try:
        with tx.savepoint():
            if kind == board_summary.KIND:  # a community timer
                board_summary.fire(tx, community_id)
            else:
                _HANDLERS[kind](tx, gig_id, claim_id)
    except DomainError as exc:  # the world moved on; the timer is obsolete
        log.info("timer %s (%s) obsolete: %s", timer_id, kind, exc)
    return kind


def _reminder(tx: Tx, claim_id: int, states: tuple[str, ...],
              event: type[DeadlineReminderDue | ReviewReminderDue], to_client: bool) -> None:
    claim = tx.s.get(Claim, claim_id)
    if claim is None or claim.status not in states:
        return
    gig = tx.s.get(Gig, claim.gig_id)
    due = claim.deadline_at if not to_client else claim.review_due_at
    tx.emit(event(recipient_id=gig.client_id if to_client else claim.freelancer_id,
                  gig_id=gig.id, claim_id=claim.id, due_at=due.isoformat()),
            key=f"claim:{claim.id}:v{claim.version}:{due.isoformat()}:{tx.now.isoformat()}")


def _expire(tx: Tx, gig_id: int, _claim_id) -> None:
    gig = tx.s.get(Gig, gig_id)
    if gig is not None and gig.status == GigStatus.open and gig.expires_at <= tx.now:
        gigs.close_listing(tx, None, gig_id, reason="expired")


def _expire_unfunded(tx: Tx, gig_id: int, _claim_id) -> None:
    gig = tx.s.get(Gig, gig_id)
    if gig is not None and gig.status == GigStatus.awaiting_funding:
        gigs.close_listing(tx, None, gig_id, reason="expired")


_HANDLERS = {
    "claim_deadline": lambda tx, g, c: claims.abandon(tx, c),
    "auto_approve": lambda tx, g, c: _auto_approve(tx, c),
    "dispute_window": lambda tx, g, c: disputes.close_dispute_window(tx, c),
    "dispute_deadline": lambda tx, g, c: disputes.settle_undecided(tx, c),
    "dispute_answer": lambda tx, g, c: dispute_statements.close_answer_window(tx, c),
    "listing_expiry": _expire,
    "unfunded_expiry": _expire_unfunded,
    "deadline_reminder": lambda tx, g, c: _reminder(
        tx, c, (ClaimStatus.active, ClaimStatus.revision_requested), DeadlineReminderDue, False),
    "review_reminder": lambda tx, g, c: _reminder(
        tx, c, (ClaimStatus.delivered,), ReviewReminderDue, True),
}


def _auto_approve(tx: Tx, claim_id: int) -> None:
    claim = tx.s.get(Claim, claim_id)
    if claim and claim.status == ClaimStatus.delivered and claim.review_due_at <= tx.now:
        claims.approve(tx, None, claim_id)


async def run_due_timers(engine, limit: int = 200) -> int:
    """Fire every timer due now; returns how many this worker fired."""
    fired = await engine.post_due_recurring_gigs(limit)  # recurring gigs keep their own due time
    while True:
        ids = await engine.view(lambda t: due_timer_ids(t, limit))
        if not ids:
            return fired
        for timer_id in ids:
            if await engine.tx(lambda t: fire_timer(t, timer_id)):
                fired += 1
        if len(ids) < limit:
            return fired
