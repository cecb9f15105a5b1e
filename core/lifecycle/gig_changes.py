"""A live gig managed by its client: edit the title and description while nobody
has taken a slot, add slots (paying the difference), extend a freelancer's
deadline, tip a freelancer after approval.

Money added after funding is a ``GigExtra`` paid through a payment request
like funding (``request_slots``/``request_tip``, then the provider's answer
reaches ``confirm_extra`` through ``gigs.confirm_funding``). Until that payment
is confirmed nothing changes: no slot opens, nothing is owed. On confirmation
the money enters escrow in one entry; new slots stay there like the first
ones, and a tip leaves escrow for the freelancer's payable in a second entry
and a transfer like a release, so escrow always covers what is owed. A
payment that arrives when the gig can no longer take it is refunded whole.

Tips carry no platform fee: all of it goes to the freelancer."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select

from core.domain.errors import (
    InvalidTransition, NotAllowed, PaymentFailed, Plural, ValidationError)
from core.domain.gig_input import (
    DESCRIPTION_MAX, TITLE_MAX, TITLE_MIN, clean_text, parse_duration, reported_as,
)
from core.domain.money import MAX_REWARD_MAJOR, MAX_SLOTS, exponent
from core.domain.records import (
    SLOT_HOLDING_STATES, Application, Claim, ClaimStatus, Gig, GigExtra, GigStatus,
    PaymentRequest,
)
from core.events import (
    DeadlineExtended, ExtraPaymentRefunded, GigEdited, SlotsAdded, TipReceived, TipSent,
)
from core.lifecycle import ledger, receipts
from core.lifecycle.tx import Tx

MAX_ADDED_SLOTS = 100  # per payment
TIPPABLE = (ClaimStatus.approved, ClaimStatus.auto_approved)
EXTENDABLE = (ClaimStatus.active, ClaimStatus.revision_requested)
MIN_EXTENSION, MAX_EXTENSION = timedelta(hours=1), timedelta(days=30)
MAX_DEADLINE_AHEAD = timedelta(days=60)  # a deadline never lies further out than this


def _own_gig(tx: Tx, actor_id: int, gig_id: int) -> Gig:
    gig = tx.gig(gig_id, lock=True)
    if gig.client_id != actor_id:
        raise NotAllowed("Only the client who posted gig #{gig_id} can change it.",
                         gig_id=gig.id)
    return gig


def _state(gig: Gig) -> str:
    return gig.status.replace("_", " ")


# -- edit --------------------------------------------------------------------------
def edit_gig(tx: Tx, actor_id: int, gig_id: int, title: str | None,
             description: str | None) -> Gig:
    """New title and/or description, while nobody holds or held a slot: what a
    freelancer took on is never changed under them. Pending applicants are told."""
    gig = _own_gig(tx, actor_id, gig_id)
    if gig.status not in (GigStatus.awaiting_funding, GigStatus.open):
        raise InvalidTransition("Gig #{gig_id} is {state}; it can no longer be edited.",
                                gig_id=gig.id, state=_state(gig), status=gig.status)
    taken = tx.s.scalar(select(exists().where(Claim.gig_id == gig.id,
                                              Claim.status.in_(SLOT_HOLDING_STATES))))
    if taken:
        raise InvalidTransition("Someone has already taken a slot of gig #{gig_id}, so its "
                                "title and description stay as they were when they took it.",
                                gig_id=gig.id)
    if title is None and description is None:
        raise ValidationError("title", 'Say what to change: title="..." and/or '
                              'description="...".')
    new_title = gig.title if title is None else clean_text(
        title, "title", min_len=TITLE_MIN, max_len=TITLE_MAX, single_line=True)
    new_description = gig.description if description is None else clean_text(
        description, "description", max_len=DESCRIPTION_MAX)
    if (new_title, new_description) == (gig.title, gig.description):
        return gig  # nothing to change: no new version, no notification
    gig.title, gig.description = new_title, new_description
    tx.s.flush()
    tx.audit(actor_id, "client", "edit", gig_id=gig.id, detail=f"title={new_title[:100]}")
    tx.card_changed(gig)
    applicants = tx.s.scalars(select(Application.freelancer_id).where(
        Application.gig_id == gig.id, Application.status == "pending"))
    for freelancer_id in applicants:
        tx.emit(GigEdited(recipient_id=freelancer_id, gig_id=gig.id),
                key=f"gig:{gig.id}:v{gig.version}")
    return gig


# -- money added later ----------------------------------------------------------------
def _stale(seen_version: int | None, version: int) -> bool:
    """A button carries the version it was drawn for: a second tap after the first one
    changed things (or a tap on an old card) must act on nothing."""
    return seen_version is not None and seen_version != version


def request_slots(tx: Tx, actor_id: int, gig_id: int, count: int,
                  seen_version: int | None = None) -> GigExtra:
    """Ask for the payment of ``count`` more slots of an open gig (same reward and
    fee per slot). Asking again for the same number while unpaid reuses the request."""
    gig = _own_gig(tx, actor_id, gig_id)
    if _stale(seen_version, gig.version):
        raise InvalidTransition("Gig #{gig_id} changed since that button was shown; nothing "
                                "was done. Open it again with /gig {gig_id}.", gig_id=gig.id)
    if gig.status == GigStatus.awaiting_funding:
        raise InvalidTransition("Gig #{gig_id} is not paid yet: pay for it first, then add "
                                "slots.", gig_id=gig.id)
    if gig.status != GigStatus.open:
        raise InvalidTransition("Gig #{gig_id} is {state}; post it again with /repost "
                                "{gig_id} instead.", gig_id=gig.id, state=_state(gig),
                                status=gig.status)
    if gig.item_count:
        raise InvalidTransition(Plural(
            "Gig #{gig_id} is a queue of {n} item, one slot each; post more items as a new "
            "gig.",
            "Gig #{gig_id} is a queue of {n} items, one slot each; post more items as a new "
            "gig."), gig_id=gig.id, n=gig.item_count)
    if type(count) is not int or not 1 <= count <= MAX_ADDED_SLOTS:
        raise ValidationError("slots", Plural(
            "Add between 1 and {maximum} slot at a time.",
            "Add between 1 and {maximum} slots at a time.", count="maximum"),
            maximum=MAX_ADDED_SLOTS)
    if gig.slots + count > MAX_SLOTS:
        raise ValidationError("slots", Plural(
            "A gig has at most {maximum} slot; gig #{gig_id} has {slots}.",
            "A gig has at most {maximum} slots; gig #{gig_id} has {slots}.",
            count="maximum"), maximum=MAX_SLOTS, gig_id=gig.id, slots=gig.slots)
    client = tx.user(actor_id)
    if client.banned or client.flagged:
        raise NotAllowed("Your account is on hold; contact support before adding money "
                         "to a gig.")
    pending = tx.s.scalar(select(GigExtra).where(
        GigExtra.gig_id == gig.id, GigExtra.kind == "slots", GigExtra.slots == count,
        GigExtra.status == "awaiting_payment"))
    if pending is not None:
        return pending
    return _new_extra(tx, gig, "slots", slots=count, reward=gig.reward_minor * count,
                      fee=gig.fee_per_slot * count)


def request_tip(tx: Tx, actor_id: int, claim_id: int, amount: int) -> GigExtra:
    """Ask for the payment of a tip for the freelancer of an approved claim."""
    claim = tx.claim(claim_id, lock=False)
    gig = _own_gig(tx, actor_id, claim.gig_id)
    if claim.status not in TIPPABLE:
        raise InvalidTransition("Claim #{claim_id} is {state}; you can tip once you have "
                                "approved the work.", claim_id=claim.id,
                                state=claim.status.replace("_", " "), status=claim.status)
    cap = MAX_REWARD_MAJOR * 10 ** exponent(gig.currency)
    if type(amount) is not int or not 0 < amount <= cap:
        raise ValidationError("amount", "A tip must be more than zero and at most {maximum} "
                              "{currency}.", maximum=f"{MAX_REWARD_MAJOR:,}",
                              currency=gig.currency.upper())
    pending = tx.s.scalar(select(GigExtra).where(
        GigExtra.claim_id == claim.id, GigExtra.kind == "tip", GigExtra.reward_minor == amount,
        GigExtra.status == "awaiting_payment"))
    if pending is not None:
        return pending
    return _new_extra(tx, gig, "tip", claim_id=claim.id, reward=amount, fee=0)


def _new_extra(tx: Tx, gig: Gig, kind: str, *, reward: int, fee: int, slots: int = 0,
               claim_id: int | None = None) -> GigExtra:
    extra = GigExtra(gig_id=gig.id, client_id=gig.client_id, kind=kind, claim_id=claim_id,
                     slots=slots, reward_minor=reward, fee_minor=fee, currency=gig.currency,
                     created_at=tx.now)
    tx.s.add(extra)
    tx.s.flush()
    tx.audit(gig.client_id, "client", f"request_{kind}", gig_id=gig.id, claim_id=claim_id,
             detail=f"extra={extra.id} slots={slots} amount={reward + fee}")
    return extra


def record_extra_request(tx: Tx, extra_id: int, provider: str, provider_ref: str,
                         url: str | None) -> GigExtra:
    """Remember how the client pays for this extra (the provider's request)."""
    extra = tx.s.get(GigExtra, extra_id)
    owner = extra_paid_by(tx, provider_ref)
    if owner is not None and owner.id != extra.id:
        raise PaymentFailed("The payment provider returned a payment that belongs to "
                            "another request; pay that one first.", provider_ref=provider_ref)
    if tx.s.scalar(select(PaymentRequest).where(PaymentRequest.provider_ref == provider_ref)) \
            is None:
        tx.s.add(PaymentRequest(gig_id=extra.gig_id, provider=provider,
                                provider_ref=provider_ref, url=url,
                                amount_minor=extra.total, currency=extra.currency,
                                created_at=tx.now))
    extra.provider_ref = provider_ref
    tx.s.flush()
    return extra


def extra_paid_by(tx: Tx, provider_ref: str) -> GigExtra | None:
    return tx.s.scalar(select(GigExtra).where(GigExtra.provider_ref == provider_ref))


def confirm_extra(tx: Tx, req: PaymentRequest, amount: int, currency: str,
                  funding_ref: str | None) -> Gig:
    """A verified payment for an extra arrived (called by ``gigs.confirm_funding``)."""
    gig = tx.gig(req.gig_id, lock=True)  # first: serialises with other changes to the gig
    extra = tx.s.scalar(select(GigExtra).where(GigExtra.provider_ref == req.provider_ref)
                        .with_for_update())
    if req.status == "paid" or extra.status != "awaiting_payment":
        return gig  # duplicate confirmation: already applied
    if amount != extra.total or currency.lower() != extra.currency:
        raise PaymentFailed("The payment ({amount} {currency}) does not match what was asked "
                            "for gig #{gig_id} ({total} {gig_currency}).", amount=amount,
                            currency=currency, gig_id=gig.id, total=extra.total,
                            gig_currency=extra.currency)
    req.status = "paid"
    extra.paid_at = tx.now
    charge = extra.funding_ref = funding_ref or req.provider_ref
    if extra.kind == "slots" and gig.status != GigStatus.open:
        _refund_whole(tx, gig, extra, charge)
        return gig
    receipts.issue(tx, ledger.post_entry(
        tx.s, kind="funding", currency=gig.currency, key=f"funding:extra:{extra.id}",
        postings=[(ledger.EXTERNAL, -extra.total), (ledger.escrow(gig.id), extra.reward_minor),
                  (ledger.fee_held(gig.id), extra.fee_minor)],
        at=tx.now, gig_id=gig.id, claim_id=extra.claim_id, user_id=gig.client_id,
        memo=f"{extra.kind} #{extra.id}"))
    extra.status = "paid"
    if extra.kind == "slots":
        _open_slots(tx, gig, extra)
    else:
        _pay_tip(tx, gig, extra, charge)
    return gig


def _open_slots(tx: Tx, gig: Gig, extra: GigExtra) -> None:
    gig.slots += extra.slots
    tx.s.flush()
    tx.audit(gig.client_id, "client", "add_slots", gig_id=gig.id,
             detail=f"extra={extra.id} added={extra.slots} slots={gig.slots}")
    tx.emit(SlotsAdded(recipient_id=gig.client_id, gig_id=gig.id, added=extra.slots,
                       slots=gig.slots, amount_minor=extra.total, currency=gig.currency),
            key=f"extra:{extra.id}")
    tx.card_changed(gig)


def _pay_tip(tx: Tx, gig: Gig, extra: GigExtra, charge: str) -> None:
    """The tip is in escrow now: owe it to the freelancer and send it like a release."""
    claim = tx.claim(extra.claim_id, lock=False)
    ledger.post_entry(tx.s, kind="tip", currency=gig.currency, key=f"tip:extra:{extra.id}",
                      postings=[(ledger.escrow(gig.id), -extra.reward_minor),
                                (ledger.payable(claim.freelancer_id), extra.reward_minor)],
                      at=tx.now, gig_id=gig.id, claim_id=claim.id, user_id=claim.freelancer_id)
    # The tip's own charge funds its transfer (Stripe: the transfer's source_transaction).
    tx.payment_op(kind="transfer", key=f"transfer:tip:{extra.id}", gig=gig,
                  user_id=claim.freelancer_id, amount=extra.reward_minor, claim_id=claim.id,
                  funding_ref=charge)
    tx.audit(gig.client_id, "client", "tip", gig_id=gig.id, claim_id=claim.id,
             detail=f"extra={extra.id} amount={extra.reward_minor}")
    tx.emit(TipReceived(recipient_id=claim.freelancer_id, gig_id=gig.id, claim_id=claim.id,
                        amount_minor=extra.reward_minor, currency=gig.currency),
            key=f"extra:{extra.id}")
    tx.emit(TipSent(recipient_id=gig.client_id, gig_id=gig.id, claim_id=claim.id,
                    freelancer_id=claim.freelancer_id, amount_minor=extra.reward_minor,
                    currency=gig.currency), key=f"extra:{extra.id}")


def _refund_whole(tx: Tx, gig: Gig, extra: GigExtra, charge: str) -> None:
    """Paid for slots after the gig closed: take it into the ledger, send it all back."""
    key = f"funding:extra:{extra.id}"
    receipts.issue(tx, ledger.post_entry(
        tx.s, kind="funding", currency=gig.currency, key=key,
        postings=[(ledger.EXTERNAL, -extra.total), (ledger.refund_pending(gig.id), extra.total)],
        at=tx.now, gig_id=gig.id, user_id=gig.client_id, memo="late payment"))
    tx.payment_op(kind="refund", key=f"refund:{key}", gig=gig, user_id=gig.client_id,
                  amount=extra.total, funding_ref=charge)
    extra.status = "refunded"
    tx.audit(None, "system", "refund_late_extra", gig_id=gig.id, detail=f"extra={extra.id}")
    tx.emit(ExtraPaymentRefunded(recipient_id=gig.client_id, gig_id=gig.id, kind=extra.kind,
                                 amount_minor=extra.total, currency=gig.currency),
            key=f"extra:{extra.id}")


# -- deadlines -----------------------------------------------------------------------
def extend_deadline(tx: Tx, actor_id: int, claim_id: int, by: str | timedelta,
                    seen_version: int | None = None) -> Claim:
    """Give the freelancer more time: the deadline (or now, if it already passed and
    the clock has not caught up) plus ``by`` ('1d', '12h'); the reminders follow it."""
    claim = tx.claim(claim_id)
    gig = _own_gig(tx, actor_id, claim.gig_id)
    if _stale(seen_version, claim.version):
        raise InvalidTransition("Claim #{claim_id} changed since that button was shown; "
                                "nothing was done. Open its gig again with /gig {gig_id}.",
                                claim_id=claim.id, gig_id=gig.id)
    if claim.status not in EXTENDABLE:
        raise InvalidTransition("Claim #{claim_id} is {state}; only work still to be "
                                "delivered has a deadline to extend.", claim_id=claim.id,
                                state=claim.status.replace("_", " "), status=claim.status)
    with reported_as("by"):
        extension = parse_duration(by, "extension", minimum=MIN_EXTENSION,
                                   maximum=MAX_EXTENSION)
    deadline = max(claim.deadline_at, tx.now) + extension
    if deadline - tx.now > MAX_DEADLINE_AHEAD:
        raise ValidationError("by", "That would put the deadline more than 60 days ahead.")
    before = claim.deadline_at
    claim.deadline_at = deadline
    claim.version += 1
    tx.cancel_timers(claim_id=claim.id)
    tx.schedule_with_reminders("claim_deadline", "deadline_reminder", claim.deadline_at,
                               f"claim:{claim.id}:v{claim.version}", gig_id=gig.id,
                               claim_id=claim.id)
    tx.audit(actor_id, "client", "extend_deadline", gig_id=gig.id, claim_id=claim.id,
             detail=f"{before.isoformat()} -> {deadline.isoformat()}")
    tx.emit(DeadlineExtended(recipient_id=claim.freelancer_id, gig_id=gig.id, claim_id=claim.id,
                             deadline_at=deadline.isoformat()),
            key=f"claim:{claim.id}:v{claim.version}")
    return claim
