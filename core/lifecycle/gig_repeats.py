"""Posting a gig again: ``/repost N`` copies a finished gig into a new unpaid gig
(paid like any new one), and a recurrence posts such a copy every N days from
the clock worker until the client stops it. A copy that is still unpaid when the
next is due is not joined by another: the series waits for the client."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.domain.errors import DomainError, InvalidTransition, NotAllowed, ValidationError
from core.domain.gig_input import GigDraft
from core.domain.records import Gig, GigRecurrence, GigStatus
from core.events import RecurringGigPosted
from core.lifecycle import gigs, queues
from core.lifecycle.tx import Tx

CLOSED = (GigStatus.completed, GigStatus.cancelled, GigStatus.expired)
MIN_EVERY_DAYS, MAX_EVERY_DAYS = 1, 365


def draft_of(tx: Tx, gig: Gig) -> GigDraft:
    """The same gig again: every field the client chose when posting it (a queue's
    items and whether one freelancer may take several slots included)."""
    return GigDraft(
        items=queues.items_of(tx.s, gig.id) if gig.item_count else [], repeat=gig.repeat,
        title=gig.title, reward_minor=gig.reward_minor, currency=gig.currency,
        description=gig.description, skills=[s for s in gig.skills.split(",") if s],
        slots=gig.slots, mode=gig.mode, deliver_in=timedelta(seconds=gig.deliver_seconds),
        review_window=timedelta(seconds=gig.review_seconds),
        listing_for=timedelta(seconds=gig.listing_seconds), max_revisions=gig.max_revisions,
        estimated_minutes=gig.estimated_minutes, community_id=gig.community_id,
        qualifies_skill=gig.qualifies_skill, requires_badge=gig.requires_badge)


def _own(tx: Tx, actor_id: int, gig_id: int) -> Gig:
    gig = tx.gig(gig_id)
    if gig.client_id != actor_id:
        raise NotAllowed("Only the client who posted gig #{gig_id} can post it again or repeat it.",
                         gig_id=gig.id)
    return gig


def repost(tx: Tx, actor_id: int, gig_id: int) -> Gig:
    """A new unpaid gig with the fields of a finished one."""
    gig = _own(tx, actor_id, gig_id)
    if gig.status not in CLOSED:
        raise InvalidTransition("Gig #{gig_id} is still {state}; repost it once it is done "
                                "(or add slots to it with /addslots {gig_id}).",
                                gig_id=gig.id, state=gig.status.replace("_", " "),
                                status=gig.status)
    copy = gigs.post_gig(tx, actor_id, draft_of(tx, gig))
    tx.audit(actor_id, "client", "repost", gig_id=copy.id, detail=f"from=gig:{gig.id}")
    return copy


def start_recurrence(tx: Tx, actor_id: int, gig_id: int, every_days: int) -> GigRecurrence:
    """Post a copy of this gig every ``every_days`` days, the first one that many
    days from now. Setting it again changes the interval."""
    gig = _own(tx, actor_id, gig_id)
    if gig.status == GigStatus.draft:
        raise InvalidTransition("Gig #{gig_id} is a draft; post it first.", gig_id=gig.id)
    if type(every_days) is not int or not MIN_EVERY_DAYS <= every_days <= MAX_EVERY_DAYS:
        raise ValidationError("every", "Repeat every 1 to 365 days, e.g. every=7.")
    rec = tx.s.scalar(select(GigRecurrence).where(GigRecurrence.gig_id == gig.id)
                      .with_for_update())
    if rec is None:
        rec = GigRecurrence(gig_id=gig.id, client_id=actor_id, every_days=every_days,
                            next_at=tx.now, created_at=tx.now)
        tx.s.add(rec)
    rec.every_days, rec.active, rec.stopped_at = every_days, True, None
    rec.next_at = tx.now + timedelta(days=every_days)
    tx.s.flush()
    tx.audit(actor_id, "client", "repeat", gig_id=gig.id, detail=f"every={every_days}d")
    return rec


def stop_recurrence(tx: Tx, actor_id: int, gig_id: int) -> GigRecurrence:
    """Stop the series this gig starts (or the series it is the latest copy of)."""
    _own(tx, actor_id, gig_id)
    rec = tx.s.scalar(select(GigRecurrence).where(
        GigRecurrence.active.is_(True),
        (GigRecurrence.gig_id == gig_id) | (GigRecurrence.last_gig_id == gig_id))
        .with_for_update())
    if rec is None:
        raise InvalidTransition("Gig #{gig_id} does not repeat.", gig_id=gig_id)
    rec.active, rec.stopped_at = False, tx.now
    tx.audit(actor_id, "client", "stop_repeat", gig_id=rec.gig_id)
    return rec


def recurrence_of(tx: Tx, gig_id: int) -> GigRecurrence | None:
    return tx.s.scalar(select(GigRecurrence).where(
        GigRecurrence.active.is_(True),
        (GigRecurrence.gig_id == gig_id) | (GigRecurrence.last_gig_id == gig_id)))


def due_recurrences(tx: Tx, limit: int) -> list[int]:
    return list(tx.s.scalars(select(GigRecurrence.id).where(
        GigRecurrence.active.is_(True), GigRecurrence.next_at <= tx.now)
        .order_by(GigRecurrence.next_at, GigRecurrence.id).limit(limit)))


def post_next_copy(tx: Tx, recurrence_id: int) -> Gig | None:
    """Clock: post the next copy if it is due (the row lock makes one worker win)."""
    rec = tx.s.scalar(select(GigRecurrence).where(GigRecurrence.id == recurrence_id)
                      .with_for_update())
    if rec is None or not rec.active or rec.next_at > tx.now:
        return None
    while rec.next_at <= tx.now:  # after a long stop, one copy, not one per missed turn
        rec.next_at += timedelta(days=rec.every_days)
    last = tx.s.get(Gig, rec.last_gig_id) if rec.last_gig_id else None
    if last is not None and last.status == GigStatus.awaiting_funding:
        return None  # the previous copy still waits for payment
    template = tx.s.get(Gig, rec.gig_id)
    try:
        with tx.savepoint():
            copy = gigs.post_gig(tx, rec.client_id, draft_of(tx, template))
    except DomainError as exc:  # e.g. the client was banned: the series ends
        rec.active, rec.stopped_at = False, tx.now
        tx.audit(None, "system", "stop_repeat", gig_id=rec.gig_id, detail=str(exc)[:200])
        return None
    rec.copies += 1
    rec.last_gig_id = copy.id
    tx.audit(None, "system", "repeat_post", gig_id=copy.id,
             detail=f"from=gig:{rec.gig_id} copy={rec.copies}")
    tx.emit(RecurringGigPosted(recipient_id=rec.client_id, gig_id=copy.id,
                               source_gig_id=rec.gig_id, every_days=rec.every_days),
            key=f"recurrence:{rec.id}:{rec.copies}")
    return copy
