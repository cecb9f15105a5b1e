"""Rejection aftermath and ratings: the freelancer disputes a rejection, a
moderator resolves it with a split, an undisputed rejection refunds the slot
when the dispute window closes, and both sides rate each other.

A dispute never holds money forever: it goes to the board's moderators who are
not a party to it, or to the platform staff when there is none, and when it
opens it states a deadline (``EngineConfig.dispute_decide_hours``, or the
board's own) and the split the clock applies if nobody decides by then
(``dispute_fallback_share_bps``, half by default)."""
from __future__ import annotations

from sqlalchemy import select

from core.lifecycle import ledger
from core.domain.gig_input import clean_text
from core.domain.errors import InvalidTransition, NotAllowed, ValidationError
from core.lifecycle.claims import _require, _settle, release, stats_for
from core.lifecycle.gigs import maybe_complete, refund_slots
from core.events import DisputeOpened, DisputeResolved, RatingReceived, SlotRefunded
from core.lifecycle.tx import Tx
from core.domain.records import (
    Claim, ClaimStatus, Community, CommunityMember, Dispute, Gig, Rating, User,
)

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
    community = tx.s.get(Community, gig.community_id) if gig.community_id else None
    hours = (community.dispute_decide_hours if community and community.dispute_decide_hours
             else tx.config.dispute_decide_hours)
    answer_hours = min(hours, community.dispute_answer_hours
                       if community and community.dispute_answer_hours
                       else tx.config.dispute_answer_hours)
    bps = (community.dispute_fallback_bps if community and community.dispute_fallback_bps
           is not None else tx.config.dispute_fallback_share_bps)
    dispute = Dispute(claim_id=claim.id, opened_by=actor_id, reason=reason, opened_at=tx.now,
                      decide_by=tx.deadline(hours * 3600),
                      answer_by=tx.deadline(answer_hours * 3600),
                      fallback_share_minor=gig.reward_minor * bps // 10_000)
    tx.s.add(dispute)
    claim.status = ClaimStatus.disputed
    claim.version += 1
    tx.cancel_timers(claim_id=claim.id)
    tx.s.flush()
    tx.schedule("dispute_deadline", dispute.decide_by, f"dispute:{dispute.id}", gig_id=gig.id,
                claim_id=claim.id)
    tx.schedule("dispute_answer", dispute.answer_by, f"dispute:{dispute.id}", gig_id=gig.id,
                claim_id=claim.id)
    tx.audit(actor_id, "freelancer", "dispute", gig_id=gig.id, claim_id=claim.id,
             from_state=ClaimStatus.rejected, to_state=claim.status, detail=reason)
    rule = dict(gig_id=gig.id, claim_id=claim.id, dispute_id=dispute.id,
                decide_by=dispute.decide_by.isoformat(),
                answer_by=dispute.answer_by.isoformat(),
                fallback_share=dispute.fallback_share_minor)
    tx.emit(DisputeOpened(recipient_id=gig.client_id, **rule), key=f"dispute:{dispute.id}")
    deciders, as_staff = deciders_of(tx, gig.community_id, (gig.client_id, claim.freelancer_id))
    for mod in deciders:
        tx.emit(DisputeOpened(recipient_id=mod, for_moderator=True, as_staff=as_staff, **rule),
                key=f"dispute:{dispute.id}")
    return dispute


def deciders_of(tx: Tx, community_id: int | None,
                parties: tuple[int, ...]) -> tuple[list[int], bool]:
    """Who can decide this dispute: the board's moderators who are not a party to it,
    else the platform staff who are not (True: it went to the staff)."""
    if community_id is not None:
        mods = [m for m in tx.s.scalars(select(CommunityMember.user_id).where(
            CommunityMember.community_id == community_id, CommunityMember.role == "moderator"))
            if m not in parties]
        if mods:
            return mods, False
    staff = tx.s.scalars(select(User.id).where(User.staff.is_(True)).order_by(User.id))
    return [u for u in staff if u not in parties], True


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
    return _settle_dispute(tx, gig, claim, dispute, freelancer_share,
                           clean_text(note, "note", max_len=2000), actor_id)


def settle_undecided(tx: Tx, claim_id: int) -> Dispute | None:
    """Clock: nobody decided the dispute by its deadline, so the split stated when it
    opened applies."""
    claim = tx.claim(claim_id)
    dispute = tx.s.scalar(select(Dispute).where(Dispute.claim_id == claim_id))
    if claim.status != ClaimStatus.disputed or dispute is None or dispute.decide_by is None \
            or dispute.decide_by > tx.now:
        return None
    gig = tx.gig(claim.gig_id, lock=True)
    share = min(dispute.fallback_share_minor or 0, gig.reward_minor)
    return _settle_dispute(tx, gig, claim, dispute, share, "", None)


def _settle_dispute(tx: Tx, gig: Gig, claim: Claim, dispute: Dispute, freelancer_share: int,
                    note: str, actor_id: int | None) -> Dispute:
    """Pay the split (``actor_id`` None: the clock, by the stated rule)."""
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
    by_deadline = actor_id is None
    tx.audit(actor_id, "system" if by_deadline else "moderator",
             "resolve_by_deadline" if by_deadline else "resolve", gig_id=gig.id,
             claim_id=claim.id, from_state=ClaimStatus.disputed, to_state=claim.status,
             detail=f"freelancer_share={freelancer_share} {note}")
    for who in (gig.client_id, claim.freelancer_id):
        tx.emit(DisputeResolved(recipient_id=who, gig_id=gig.id, claim_id=claim.id,
                                freelancer_share=freelancer_share, client_share=client_share,
                                currency=gig.currency, note=note, by_deadline=by_deadline),
                key=f"dispute:{dispute.id}")
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
