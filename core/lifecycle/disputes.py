"""Rejection aftermath and ratings: the freelancer disputes a rejection, a
moderator resolves it with a split, an undisputed rejection refunds the slot
when the dispute window closes, and both sides rate each other."""
from __future__ import annotations

from sqlalchemy import select

from core.lifecycle import ledger
from core.domain.gig_input import clean_text
from core.domain.errors import InvalidTransition, NotAllowed, ValidationError
from core.lifecycle.claims import _require, _settle, release, stats_for
from core.lifecycle.gigs import maybe_complete, refund_slots
from core.events import DisputeOpened, DisputeResolved, RatingReceived, SlotRefunded
from core.lifecycle.tx import Tx
from core.domain.records import Claim, ClaimStatus, Dispute, Rating

SETTLED_FOR_RATING = (ClaimStatus.approved, ClaimStatus.auto_approved, ClaimStatus.resolved)


def open_dispute(tx: Tx, actor_id: int, claim_id: int, reason: str) -> Dispute:
    claim = tx.claim(claim_id)
    gig = tx.gig(claim.gig_id, lock=True)
    if claim.freelancer_id != actor_id:
        raise NotAllowed("Only the freelancer whose delivery was rejected can dispute it.")
    _require(claim, ClaimStatus.rejected, doing="disputed")
    reason = clean_text(reason, "reason", max_len=2000)
    if len(reason) < 3:
        raise ValidationError("reason", "Tell the moderator briefly why the rejection is wrong.")
    dispute = Dispute(claim_id=claim.id, opened_by=actor_id, reason=reason, opened_at=tx.now)
    tx.s.add(dispute)
    claim.status = ClaimStatus.disputed
    claim.version += 1
    tx.cancel_timers(claim_id=claim.id)
    tx.s.flush()
    tx.audit(actor_id, "freelancer", "dispute", gig_id=gig.id, claim_id=claim.id,
             from_state=ClaimStatus.rejected, to_state=claim.status, detail=reason)
    tx.emit(DisputeOpened(recipient_id=gig.client_id, gig_id=gig.id, claim_id=claim.id,
                          dispute_id=dispute.id), key=f"dispute:{dispute.id}")
    for mod in tx.moderators(gig.community_id):
        if mod not in (gig.client_id, claim.freelancer_id):
            tx.emit(DisputeOpened(recipient_id=mod, gig_id=gig.id, claim_id=claim.id,
                                  dispute_id=dispute.id, for_moderator=True),
                    key=f"dispute:{dispute.id}")
    return dispute


def resolve_dispute(tx: Tx, actor_id: int, claim_id: int, freelancer_share: int,
                    note: str = "") -> Dispute:
    """A moderator splits the slot's reward: ``freelancer_share`` to the freelancer,
    the rest back to the client. The fee is refunded only if the freelancer gets nothing."""
    claim = tx.claim(claim_id)
    gig = tx.gig(claim.gig_id, lock=True)
    if not tx.is_moderator(actor_id, gig.community_id):
        raise NotAllowed("Only a moderator of this board can resolve disputes.")
    if actor_id in (gig.client_id, claim.freelancer_id):
        raise NotAllowed("You are a party to this dispute; another moderator must resolve it.")
    _require(claim, ClaimStatus.disputed, doing="resolved")
    if type(freelancer_share) is not int or not 0 <= freelancer_share <= gig.reward_minor:
        raise ValidationError("share", "The freelancer's share must be between 0 and the reward.",
                              maximum=gig.reward_minor)
    dispute = tx.s.scalar(select(Dispute).where(Dispute.claim_id == claim.id))
    note = clean_text(note, "note", max_len=2000)
    claim.status = ClaimStatus.resolved
    if freelancer_share:
        release(tx, gig, claim, freelancer_share)
    client_share = gig.reward_minor - freelancer_share
    if client_share or not freelancer_share:
        # The refund carries the fee only when nothing was released (release took it otherwise).
        key = f"refund:gig:{gig.id}:dispute:claim:{claim.id}"
        fee = 0 if freelancer_share else gig.fee_per_slot
        ledger.post_entry(tx.s, kind="refund", currency=gig.currency, key=key, postings=[
            (ledger.escrow(gig.id), -client_share), (ledger.fee_held(gig.id), -fee),
            (ledger.refund_pending(gig.id), client_share + fee)], at=tx.now, gig_id=gig.id,
            claim_id=claim.id, user_id=gig.client_id)
        tx.payment_op(kind="refund", key=key, gig=gig, user_id=gig.client_id,
                      amount=client_share + fee, claim_id=claim.id)
    _settle(tx, gig, claim)
    dispute.status = "resolved"
    dispute.resolver_id = actor_id
    dispute.freelancer_share_minor = freelancer_share
    dispute.note = note
    dispute.resolved_at = tx.now
    if freelancer_share * 2 < gig.reward_minor:
        stats_for(tx, claim.freelancer_id).disputes_lost += 1
    tx.audit(actor_id, "moderator", "resolve", gig_id=gig.id, claim_id=claim.id,
             from_state=ClaimStatus.disputed, to_state=claim.status,
             detail=f"freelancer_share={freelancer_share} {note}")
    for who in (gig.client_id, claim.freelancer_id):
        tx.emit(DisputeResolved(recipient_id=who, gig_id=gig.id, claim_id=claim.id,
                                freelancer_share=freelancer_share, client_share=client_share,
                                currency=gig.currency, note=note), key=f"dispute:{dispute.id}")
    maybe_complete(tx, gig)
    return dispute


def close_dispute_window(tx: Tx, claim_id: int) -> Claim | None:
    """Clock: a rejection was not disputed in time, so the slot is refunded."""
    claim = tx.claim(claim_id)
    if claim.status != ClaimStatus.rejected or (claim.dispute_due_at and claim.dispute_due_at > tx.now):
        return None
    gig = tx.gig(claim.gig_id, lock=True)
    claim.status = ClaimStatus.refunded
    gig.slots_live -= 1
    refund_slots(tx, gig, 1, reason="rejected", claim_id=claim.id)
    claim.settled_at = tx.now
    claim.version += 1
    stats_for(tx, claim.freelancer_id).live_claims -= 1
    tx.cancel_timers(claim_id=claim.id)
    tx.card_changed(gig)
    tx.audit(None, "system", "refund_rejected", gig_id=gig.id, claim_id=claim.id,
             from_state=ClaimStatus.rejected, to_state=claim.status)
    for who in (gig.client_id, claim.freelancer_id):
        tx.emit(SlotRefunded(recipient_id=who, gig_id=gig.id, claim_id=claim.id,
                             amount_minor=gig.price.per_slot, currency=gig.currency),
                key=f"claim:{claim.id}")
    maybe_complete(tx, gig)
    return claim


def rate(tx: Tx, actor_id: int, claim_id: int, stars: int, comment: str = "") -> Rating:
    claim = tx.claim(claim_id, lock=False)
    gig = tx.gig(claim.gig_id)
    if actor_id == gig.client_id:
        ratee = claim.freelancer_id
    elif actor_id == claim.freelancer_id:
        ratee = gig.client_id
    else:
        raise NotAllowed("Only the client and the freelancer of this slot can rate it.")
    if claim.status not in SETTLED_FOR_RATING:
        raise InvalidTransition("You can rate once the work is approved or the dispute resolved.")
    if type(stars) is not int or not 1 <= stars <= 5:
        raise ValidationError("stars", "Give 1 to 5 stars.")
    if tx.s.scalar(select(Rating.id).where(Rating.claim_id == claim.id,
                                           Rating.rater_id == actor_id)):
        raise InvalidTransition("You already rated this.")
    rating = Rating(claim_id=claim.id, rater_id=actor_id, ratee_id=ratee, stars=stars,
                    comment=clean_text(comment, "comment", max_len=500), created_at=tx.now)
    tx.s.add(rating)
    stats = stats_for(tx, ratee)
    stats.rating_sum += stars
    stats.rating_count += 1
    tx.audit(actor_id, "client" if actor_id == gig.client_id else "freelancer", "rate",
             gig_id=gig.id, claim_id=claim.id, detail=f"stars={stars}")
    tx.emit(RatingReceived(recipient_id=ratee, gig_id=gig.id, claim_id=claim.id, stars=stars),
            key=f"rating:{claim.id}:{actor_id}")
    return rating
