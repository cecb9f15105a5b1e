"""Claim-level transitions after a slot is taken (see ``core.lifecycle.slots``):
withdraw, deliver, request a revision, approve (release), reject, and the clock's
moves (abandon after the deadline, auto-approve after the review window)."""
from __future__ import annotations

import json

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from core.lifecycle import ledger
from core.domain.errors import InvalidTransition, NotAllowed, Plural, ValidationError
from core.lifecycle.badges import grant_for_approval
from core.lifecycle.gigs import maybe_complete, refund_slots
from core.events import (
    ClaimAbandoned, ClaimApproved, ClaimAutoApproved, ClaimRejected, ClaimWithdrawn,
    DeliverySubmitted, RevisionRequested,
)
from core.lifecycle.tx import Tx
from core.domain.records import Claim, ClaimStatus, Delivery, Gig, GigStatus, ReputationStats
from core.domain.gig_input import clean_text

MAX_LINKS, MAX_FILES = 10, 10
MAX_LINKS_CHARS = 2000  # Delivery.links column


# Statements built once (see core.lifecycle.tx).
_STATS = select(ReputationStats).where(ReputationStats.user_id == bindparam("user_id"))
_STATS_LOCKED = _STATS.with_for_update()


def stats_for(tx: Tx, user_id: int, *, lock: bool = False) -> ReputationStats:
    stats = tx.s.scalar(_STATS_LOCKED if lock else _STATS, {"user_id": user_id})
    if stats is None:
        # A newcomer's first claims on two gigs at once both find no row: the loser of
        # the insert race (PostgreSQL) reads the winner's row instead of crashing.
        try:
            with tx.savepoint():
                tx.s.add(ReputationStats(user_id=user_id))
        except IntegrityError:
            pass
        stats = tx.s.scalar(_STATS_LOCKED if lock else _STATS, {"user_id": user_id})
    return stats


def _own_claim(tx: Tx, actor_id: int, claim_id: int, *, as_client: bool) -> tuple[Claim, Gig]:
    claim = tx.claim(claim_id)
    gig = tx.gig(claim.gig_id, lock=True)
    if as_client and gig.client_id != actor_id:
        raise NotAllowed("Only the client who posted this gig can do that.")
    if not as_client and claim.freelancer_id != actor_id:
        raise NotAllowed("Only the freelancer who claimed this slot can do that.")
    return claim, gig


def _require(claim: Claim, *states: ClaimStatus, doing: str) -> None:
    if claim.status not in states:
        raise InvalidTransition("Claim #{claim_id} is {state}; it cannot be {doing} now.",
                                claim_id=claim.id, state=claim.status.replace("_", " "),
                                doing=doing, status=claim.status)


def _free_slot(tx: Tx, gig: Gig, claim: Claim) -> None:
    """A live claim ended without payment: reopen its slot, or refund it if the listing closed."""
    gig.slots_live -= 1
    stats_for(tx, claim.freelancer_id).live_claims -= 1
    tx.cancel_timers(claim_id=claim.id)
    if gig.status != GigStatus.open:
        refund_slots(tx, gig, 1, reason="closed_listing", claim_id=claim.id)
    tx.card_changed(gig)


def withdraw(tx: Tx, actor_id: int, claim_id: int) -> Claim:
    claim, gig = _own_claim(tx, actor_id, claim_id, as_client=False)
    _require(claim, ClaimStatus.active, ClaimStatus.revision_requested, doing="withdrawn")
    before, claim.status = claim.status, ClaimStatus.withdrawn
    claim.version += 1
    _free_slot(tx, gig, claim)
    tx.audit(actor_id, "freelancer", "withdraw", gig_id=gig.id, claim_id=claim.id,
             from_state=before, to_state=claim.status)
    tx.emit(ClaimWithdrawn(recipient_id=gig.client_id, gig_id=gig.id, claim_id=claim.id),
            key=f"claim:{claim.id}")
    return claim


def deliver(tx: Tx, actor_id: int, claim_id: int, text: str, links: list[str],
            files: list[dict]) -> Delivery:
    claim, gig = _own_claim(tx, actor_id, claim_id, as_client=False)
    _require(claim, ClaimStatus.active, ClaimStatus.revision_requested, doing="delivered")
    text = clean_text(text, "delivery text", max_len=4000)
    links = [clean_text(u, "link", max_len=500, single_line=True) for u in links]
    if len(links) > MAX_LINKS or len(files) > MAX_FILES:
        # one plural, by the links: translations keep the files part free of agreement
        raise ValidationError("delivery", Plural(
            "At most {max_links} link and {max_files} files.",
            "At most {max_links} links and {max_files} files.", count="max_links"),
            max_links=MAX_LINKS, max_files=MAX_FILES)
    for url in links:
        if not url.lower().startswith(("http://", "https://")):
            raise ValidationError("link", "{url} is not a web link (http:// or https://).",
                                  url=repr(url[:60]))
    if len("\n".join(links)) > MAX_LINKS_CHARS:
        raise ValidationError("link", Plural(
            "The links are too long together (at most {max_chars} character); share a "
            "folder link instead.",
            "The links are too long together (at most {max_chars} characters); share a "
            "folder link instead.", count="max_chars"), max_chars=MAX_LINKS_CHARS)
    if not (text or links or files):
        raise ValidationError("delivery", "A delivery needs some text, a link or a file.")
    before = claim.status
    delivery = Delivery(claim_id=claim.id, revision_no=claim.revisions_used, text=text,
                        links="\n".join(links), files_json=json.dumps(files), created_at=tx.now)
    tx.s.add(delivery)
    claim.status = ClaimStatus.delivered
    if claim.delivered_at is None:
        claim.delivered_at = tx.now
    claim.review_due_at = tx.deadline(gig.review_seconds)
    claim.version += 1
    tx.cancel_timers(claim_id=claim.id)
    tx.schedule_with_reminders("auto_approve", "review_reminder", claim.review_due_at,
                               f"claim:{claim.id}:v{claim.version}", gig_id=gig.id,
                               claim_id=claim.id)
    tx.s.flush()
    tx.audit(actor_id, "freelancer", "deliver", gig_id=gig.id, claim_id=claim.id,
             from_state=before, to_state=claim.status, detail=f"delivery={delivery.id}")
    tx.emit(DeliverySubmitted(recipient_id=gig.client_id, gig_id=gig.id, claim_id=claim.id,
                              delivery_id=delivery.id, freelancer_id=actor_id,
                              revision_no=delivery.revision_no), key=f"delivery:{delivery.id}")
    return delivery


def request_revision(tx: Tx, actor_id: int, claim_id: int, note: str) -> Claim:
    claim, gig = _own_claim(tx, actor_id, claim_id, as_client=True)
    _require(claim, ClaimStatus.delivered, doing="sent back for a revision")
    if claim.revisions_used >= gig.max_revisions:
        raise InvalidTransition("All {max_revisions} revisions are used; approve or reject "
                                "this delivery.", max_revisions=gig.max_revisions,
                                limit=gig.max_revisions)
    note = clean_text(note, "revision note", max_len=1000)
    claim.status = ClaimStatus.revision_requested
    claim.revisions_used += 1
    claim.deadline_at = tx.deadline(gig.deliver_seconds)
    claim.version += 1
    tx.cancel_timers(claim_id=claim.id)
    tx.schedule_with_reminders("claim_deadline", "deadline_reminder", claim.deadline_at,
                               f"claim:{claim.id}:v{claim.version}", gig_id=gig.id,
                               claim_id=claim.id)
    tx.audit(actor_id, "client", "request_revision", gig_id=gig.id, claim_id=claim.id,
             from_state=ClaimStatus.delivered, to_state=claim.status, detail=note)
    tx.emit(RevisionRequested(recipient_id=claim.freelancer_id, gig_id=gig.id, claim_id=claim.id,
                              note=note, revisions_left=gig.max_revisions - claim.revisions_used),
            key=f"claim:{claim.id}:v{claim.version}")
    return claim


def release(tx: Tx, gig: Gig, claim: Claim, amount: int, *, fee_to_revenue: bool = True) -> None:
    """Pay ``amount`` of this slot's reward to the freelancer (payable, then transfer)."""
    key = f"release:claim:{claim.id}"
    ledger.post_entry(tx.s, kind="release", currency=gig.currency, key=key, postings=[
        (ledger.escrow(gig.id), -amount), (ledger.payable(claim.freelancer_id), amount),
        (ledger.fee_held(gig.id), -gig.fee_per_slot if fee_to_revenue else 0),
        (ledger.REVENUE, gig.fee_per_slot if fee_to_revenue else 0),
    ], at=tx.now, gig_id=gig.id, claim_id=claim.id, user_id=claim.freelancer_id)
    claim.paid_minor = amount
    tx.payment_op(kind="transfer", key=f"transfer:claim:{claim.id}", gig=gig,
                  user_id=claim.freelancer_id, amount=amount, claim_id=claim.id)


def _settle(tx: Tx, gig: Gig, claim: Claim) -> None:
    gig.slots_live -= 1
    gig.slots_settled += 1
    claim.settled_at = tx.now
    claim.version += 1
    stats_for(tx, claim.freelancer_id).live_claims -= 1
    tx.cancel_timers(claim_id=claim.id)
    tx.card_changed(gig)


def approve(tx: Tx, actor_id: int | None, claim_id: int) -> Claim:
    """The client approves (or, with ``actor_id=None``, the review window ran out)."""
    if actor_id is None:
        claim = tx.claim(claim_id)
        gig = tx.gig(claim.gig_id, lock=True)
    else:
        claim, gig = _own_claim(tx, actor_id, claim_id, as_client=True)
    _require(claim, ClaimStatus.delivered, doing="approved")
    claim.status = ClaimStatus.approved if actor_id is not None else ClaimStatus.auto_approved
    release(tx, gig, claim, gig.reward_minor)
    _settle(tx, gig, claim)
    stats = stats_for(tx, claim.freelancer_id)
    stats.approved += 1
    if claim.delivered_at is not None and claim.delivered_at <= claim.deadline_at:
        stats.on_time += 1
    tx.audit(actor_id, "client" if actor_id else "system", "approve", gig_id=gig.id,
             claim_id=claim.id, from_state=ClaimStatus.delivered, to_state=claim.status)
    approved = ClaimApproved if claim.status == ClaimStatus.approved else ClaimAutoApproved
    for who in (claim.freelancer_id, gig.client_id):
        tx.emit(approved(recipient_id=who, gig_id=gig.id, claim_id=claim.id,
                         amount_minor=gig.reward_minor, currency=gig.currency),
                key=f"claim:{claim.id}")
    grant_for_approval(tx, gig, claim)  # a qualification gig: its badge, in this transaction
    maybe_complete(tx, gig)
    return claim


def reject(tx: Tx, actor_id: int, claim_id: int, reason: str) -> Claim:
    claim, gig = _own_claim(tx, actor_id, claim_id, as_client=True)
    _require(claim, ClaimStatus.delivered, doing="rejected")
    reason = clean_text(reason, "reason", max_len=1000)
    if len(reason) < 3:
        raise ValidationError("reason", "Say briefly why you reject the delivery: the "
                              "freelancer and a moderator will read it.")
    claim.status = ClaimStatus.rejected
    claim.rejected_at = tx.now
    claim.reject_reason = reason
    claim.dispute_due_at = tx.deadline(gig.dispute_seconds)
    claim.version += 1
    tx.cancel_timers(claim_id=claim.id)
    tx.schedule("dispute_window", claim.dispute_due_at, f"claim:{claim.id}:v{claim.version}",
                gig_id=gig.id, claim_id=claim.id)
    tx.audit(actor_id, "client", "reject", gig_id=gig.id, claim_id=claim.id,
             from_state=ClaimStatus.delivered, to_state=claim.status, detail=reason)
    tx.emit(ClaimRejected(recipient_id=claim.freelancer_id, gig_id=gig.id, claim_id=claim.id,
                          reason=reason, dispute_due_at=claim.dispute_due_at.isoformat()),
            key=f"claim:{claim.id}")
    return claim


def abandon(tx: Tx, claim_id: int) -> Claim | None:
    """Clock: the delivery deadline passed with nothing delivered; the slot reopens."""
    claim = tx.claim(claim_id)
    if claim.status not in (ClaimStatus.active, ClaimStatus.revision_requested) \
            or claim.deadline_at > tx.now:
        return None
    gig = tx.gig(claim.gig_id, lock=True)
    before, claim.status = claim.status, ClaimStatus.abandoned
    claim.version += 1
    stats_for(tx, claim.freelancer_id).late_or_abandoned += 1
    _free_slot(tx, gig, claim)
    tx.audit(None, "system", "abandon", gig_id=gig.id, claim_id=claim.id, from_state=before,
             to_state=claim.status)
    for who in (claim.freelancer_id, gig.client_id):
        tx.emit(ClaimAbandoned(recipient_id=who, gig_id=gig.id, claim_id=claim.id),
                key=f"claim:{claim.id}")
    maybe_complete(tx, gig)
    return claim
