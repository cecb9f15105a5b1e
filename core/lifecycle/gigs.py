"""Gig-level transitions: post, record a payment request, confirm funding (open),
cancel, expire, and the settlement helpers shared with claim transitions
(refunding unclaimed slots, completing a gig whose slots are all settled)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.lifecycle.badges import check_gig_badges
from core.lifecycle import charges, gig_changes, ledger, queues, receipts
from core.domain.gig_input import GigDraft
from core.domain.errors import Banned, InvalidTransition, NotAllowed, PaymentFailed, ValidationError
from core.events import GigCancelled, GigCompleted, GigExpired, GigOpened, LatePaymentRefunded
from core.lifecycle.slots import close_pending_applications
from core.lifecycle.posting_limits import check_posting_limits
from core.lifecycle.tx import Tx
from core.domain.records import Community, Gig, GigStatus, PaymentRequest
from core.domain.money import MAX_REWARD_MAJOR, exponent, fee_for


def post_gig(tx: Tx, client_id: int, draft: GigDraft) -> Gig:
    draft = draft.validate()
    client = tx.user(client_id)
    if client.banned:
        raise Banned("Your account cannot post gigs. Contact support if this is a mistake.")
    if client.flagged:
        raise Banned("Your account is on hold after a payment was charged back. Contact "
                     "support to settle it before posting new gigs.")
    cfg = tx.config
    community = tx.s.get(Community, draft.community_id) if draft.community_id else None
    if community is not None:
        if tx.member_role(community.id, client_id) == "banned":
            raise Banned("You are banned from {community}.", community=community.name)
    check_gig_badges(tx, client_id, draft, community)
    fee_bps = community.fee_bps if community and community.fee_bps is not None else cfg.fee_bps
    if draft.reward_minor * draft.slots > MAX_REWARD_MAJOR * 10 ** exponent(draft.currency) * 10:
        raise ValidationError("slots", "That gig is too large to fund at once. Lower the reward "
                              "or the number of slots.")
    if community and community.min_hourly_rate_minor:
        if not draft.estimated_minutes:
            raise ValidationError("estimate", "{community} asks for an estimate in minutes "
                                  "(estimate=30) to check its fair-pay floor.",
                                  community=community.name)
        hourly = draft.reward_minor * 60 // draft.estimated_minutes
        if hourly < community.min_hourly_rate_minor:
            raise ValidationError("reward", "That pays below {community}'s fair-pay floor. "
                                  "Raise the reward or lower the estimate.",
                                  community=community.name)

    check_posting_limits(tx, client, draft)  # after the field checks: fix those first

    def pick(draft_value: timedelta | None, community_value: int | None, default: timedelta):
        if draft_value is not None:
            return int(draft_value.total_seconds())
        return int(default.total_seconds()) if community_value is None else community_value

    gig = Gig(
        client_id=client_id, community_id=draft.community_id, title=draft.title,
        description=draft.description, skills=",".join(draft.skills), currency=draft.currency,
        reward_minor=draft.reward_minor, fee_per_slot=fee_for(draft.reward_minor, fee_bps),
        slots=draft.slots, mode=draft.mode, estimated_minutes=draft.estimated_minutes,
        qualifies_skill=draft.qualifies_skill, requires_badge=draft.requires_badge,
        deliver_seconds=pick(draft.deliver_in, community and community.deliver_hours and
                             community.deliver_hours * 3600, timedelta(hours=cfg.deliver_hours)),
        review_seconds=pick(draft.review_window, community and community.review_hours and
                            community.review_hours * 3600, timedelta(hours=cfg.review_hours)),
        dispute_seconds=(community.dispute_hours * 3600 if community and community.dispute_hours
                         else cfg.dispute_hours * 3600),
        listing_seconds=pick(draft.listing_for, community and community.listing_days and
                             community.listing_days * 86400, timedelta(days=cfg.listing_days)),
        max_revisions=draft.max_revisions if draft.max_revisions is not None else (
            community.max_revisions if community and community.max_revisions is not None
            else cfg.max_revisions),
        repeat=bool(draft.repeat), item_count=len(draft.items),
        status=GigStatus.awaiting_funding, created_at=tx.now,
    )
    tx.s.add(gig)
    tx.s.flush()
    queues.add_items(tx, gig.id, draft.items)
    # A gig nobody pays for does not linger: it expires like an unfilled listing.
    tx.schedule("unfunded_expiry", tx.deadline(gig.listing_seconds), f"gig:{gig.id}",
                gig_id=gig.id)
    tx.audit(client_id, "client", "post", gig_id=gig.id, to_state=gig.status)
    return gig


def record_payment_request(tx: Tx, gig_id: int, provider: str, provider_ref: str,
                           url: str | None, amount: int) -> PaymentRequest:
    gig = tx.gig(gig_id, lock=True)
    existing = tx.s.scalar(select(PaymentRequest).where(PaymentRequest.provider_ref == provider_ref))
    if existing:
        return existing
    req = PaymentRequest(gig_id=gig.id, provider=provider, provider_ref=provider_ref, url=url,
                         amount_minor=amount, currency=gig.currency, created_at=tx.now)
    tx.s.add(req)
    tx.s.flush()
    return req


def confirm_funding(tx: Tx, provider_ref: str, amount: int, currency: str,
                    funding_ref: str | None) -> Gig:
    """A verified payment for a payment request arrived: hold it in escrow, open the gig."""
    req = tx.s.scalar(select(PaymentRequest).where(PaymentRequest.provider_ref == provider_ref))
    if req is None:
        raise PaymentFailed("That payment does not belong to any gig.", provider_ref=provider_ref)
    if gig_changes.extra_paid_by(tx, provider_ref) is not None:
        # Slots added or a tip, paid after the gig was funded: applied on their own.
        return gig_changes.confirm_extra(tx, req, amount, currency, funding_ref)
    gig = tx.gig(req.gig_id, lock=True)
    if req.status == "paid":
        return gig  # duplicate confirmation: already applied
    total = gig.price.total
    if amount != total or currency.lower() != gig.currency:
        raise PaymentFailed("The payment ({amount} {currency}) does not match gig #{gig_id} "
                            "({total} {gig_currency}).", amount=amount, currency=currency,
                            gig_id=gig.id, total=total, gig_currency=gig.currency)
    if gig.status != GigStatus.awaiting_funding:
        return _refund_late_payment(tx, gig, req, total, funding_ref)
    req.status = "paid"
    gig.status = GigStatus.open
    gig.funded_at = tx.now
    gig.expires_at = tx.deadline(gig.listing_seconds)
    gig.funding_ref = funding_ref or provider_ref
    receipts.issue(tx, ledger.post_entry(
        tx.s, kind="funding", currency=gig.currency, key=f"funding:gig:{gig.id}",
        postings=[(ledger.EXTERNAL, -total), (ledger.escrow(gig.id), gig.price.rewards_total),
                  (ledger.fee_held(gig.id), gig.price.fee_total)],
        at=tx.now, gig_id=gig.id, user_id=gig.client_id))
    tx.cancel_timers(gig_id=gig.id)  # the unfunded expiry
    tx.schedule("listing_expiry", gig.expires_at, f"gig:{gig.id}", gig_id=gig.id)
    tx.audit(gig.client_id, "client", "fund", gig_id=gig.id,
             from_state=GigStatus.awaiting_funding, to_state=gig.status)
    tx.emit(GigOpened(recipient_id=gig.client_id, gig_id=gig.id), key=f"gig:{gig.id}")
    tx.enqueue("match", "gig.opened", f"match:gig:{gig.id}", None, {"gig_id": gig.id})
    tx.card_changed(gig)
    return gig


def _refund_late_payment(tx: Tx, gig: Gig, req: PaymentRequest, total: int,
                         funding_ref: str | None) -> Gig:
    """Money arrived for a gig that was cancelled meanwhile (or paid twice through
    two payment links): take it into the ledger and send all of it back."""
    req.status = "paid"
    key = f"funding:gig:{gig.id}:req:{req.id}"
    receipts.issue(tx, ledger.post_entry(
        tx.s, kind="funding", currency=gig.currency, key=key,
        postings=[(ledger.EXTERNAL, -total), (ledger.refund_pending(gig.id), total)],
        at=tx.now, gig_id=gig.id, user_id=gig.client_id, memo="late payment"))
    if gig.funding_ref is None:
        gig.funding_ref = funding_ref or req.provider_ref
    tx.payment_op(kind="refund", key=f"refund:{key}", gig=gig, user_id=gig.client_id,
                  amount=total, funding_ref=funding_ref or req.provider_ref)
    tx.audit(None, "system", "refund_late_payment", gig_id=gig.id, detail=req.provider_ref)
    tx.emit(LatePaymentRefunded(recipient_id=gig.client_id, gig_id=gig.id, amount_minor=total,
                                currency=gig.currency), key=f"late:{req.provider_ref}")
    return gig


def close_listing(tx: Tx, actor_id: int | None, gig_id: int, *, reason: str) -> Gig:
    """Cancel (client/moderator) or expire (clock): refund unclaimed slots; live claims go on."""
    gig = tx.gig(gig_id, lock=True)
    if actor_id is not None:
        if gig.client_id == actor_id:
            role = "client"
        elif tx.is_moderator(actor_id, gig.community_id):
            role = "moderator"
        else:
            raise NotAllowed("Only the client who posted this gig or a moderator can cancel it.")
    else:
        role = "system"
    if gig.status not in (GigStatus.open, GigStatus.awaiting_funding, GigStatus.draft):
        raise InvalidTransition("Gig #{gig_id} is already {status}.", gig_id=gig.id,
                                status=gig.status)
    before = gig.status
    new_status = GigStatus.expired if reason == "expired" else GigStatus.cancelled
    refunded = 0
    if before == GigStatus.open:
        refunded = refund_slots(tx, gig, gig.slots_open, reason=reason)
    gig.status = new_status
    gig.closed_at = tx.now
    tx.cancel_timers(gig_id=gig.id)
    close_pending_applications(tx, gig.id, reason="closed")
    tx.audit(actor_id, role, reason, gig_id=gig.id, from_state=before, to_state=new_status,
             detail=f"refunded_slots={refunded}")
    closed = GigExpired if new_status == GigStatus.expired else GigCancelled
    tx.emit(closed(recipient_id=gig.client_id, gig_id=gig.id,
                   refunded_slots=refunded,
                   refund_minor=gig.price.for_slots(refunded).total,
                   live_claims=gig.slots_live), key=f"gig:{gig.id}")
    tx.card_changed(gig)
    return gig


def refund_slots(tx: Tx, gig: Gig, count: int, *, reason: str, claim_id: int | None = None,
                 reward_part: int | None = None) -> int:
    """Settle ``count`` slots back to the client (reward + their fee share)."""
    if count <= 0:
        return 0
    part = gig.price.for_slots(count)
    reward = part.rewards_total if reward_part is None else reward_part
    fee = part.fee_total
    tag = f"claim:{claim_id}" if claim_id else f"open:{gig.slots_settled}"
    key = f"refund:gig:{gig.id}:{reason}:{tag}"
    ledger.post_entry(tx.s, kind="refund", currency=gig.currency, key=key,
                      postings=[(ledger.escrow(gig.id), -reward), (ledger.fee_held(gig.id), -fee),
                                (ledger.refund_pending(gig.id), reward + fee)],
                      at=tx.now, gig_id=gig.id, claim_id=claim_id, user_id=gig.client_id)
    gig.slots_settled += count
    # Slots added later were paid by their own charges: the refund may take from several.
    for n, (charge, part) in enumerate(charges.split_by_charge(tx.s, gig, reward + fee)):
        tx.payment_op(kind="refund", key=key if n == 0 else f"{key}:{n + 1}", gig=gig,
                      user_id=gig.client_id, amount=part, claim_id=claim_id, funding_ref=charge)
    return count


def maybe_complete(tx: Tx, gig: Gig) -> None:
    if gig.status == GigStatus.open and gig.slots_live == 0 and gig.slots_open == 0:
        gig.status = GigStatus.completed
        gig.closed_at = tx.now
        tx.cancel_timers(gig_id=gig.id)
        tx.audit(None, "system", "complete", gig_id=gig.id, from_state=GigStatus.open,
                 to_state=gig.status)
        tx.emit(GigCompleted(recipient_id=gig.client_id, gig_id=gig.id), key=f"gig:{gig.id}")
