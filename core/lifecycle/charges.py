"""Which of a gig's charges pays a transfer or a refund. A gig is paid by one
charge at funding, and by one more for each payment added later (more slots, a
tip: ``GigExtra``). A provider draws a transfer (Stripe: its
``source_transaction``) or a refund from one charge and refuses more than that
charge still holds, so each payment op names a charge with room for it: what
it took minus what the ops already drawn from it move. A gig never added to
has one charge, as before."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.records import Gig, GigExtra, PaymentOp


def gig_charges(s: Session, gig: Gig) -> list[tuple[str, int]]:
    """(charge, amount it paid) of every payment into this gig, oldest first."""
    extras = list(s.execute(select(GigExtra.funding_ref, GigExtra.kind, GigExtra.slots,
                                   GigExtra.reward_minor, GigExtra.fee_minor)
                            .where(GigExtra.gig_id == gig.id, GigExtra.status == "paid",
                                   GigExtra.funding_ref.is_not(None))
                            .order_by(GigExtra.id)))
    added_slots = sum(x.slots for x in extras if x.kind == "slots")
    first = [(gig.funding_ref, gig.price.for_slots(gig.slots - added_slots).total)] \
        if gig.funding_ref else []
    return first + [(x.funding_ref, x.reward_minor + x.fee_minor) for x in extras]


def _room(s: Session, gig: Gig) -> list[tuple[str, int]]:
    charges = gig_charges(s, gig)
    if len(charges) < 2:
        return charges
    drawn = dict(s.execute(select(PaymentOp.funding_ref, func.sum(PaymentOp.amount_minor))
                           .where(PaymentOp.gig_id == gig.id)
                           .group_by(PaymentOp.funding_ref)).all())
    return [(ref, paid - int(drawn.get(ref) or 0)) for ref, paid in charges]


def charge_for(s: Session, gig: Gig, amount: int) -> str | None:
    """The oldest charge with room for ``amount`` (the gig's first charge if none)."""
    for ref, room in _room(s, gig):
        if room >= amount:
            return ref
    return gig.funding_ref


def split_by_charge(s: Session, gig: Gig, amount: int) -> list[tuple[str | None, int]]:
    """``amount`` taken from the charges with room, oldest first; one part when one
    charge has room for all of it."""
    rooms = _room(s, gig)
    whole = next((ref for ref, room in rooms if room >= amount), None)
    if whole is not None or len(rooms) < 2:
        return [(whole or gig.funding_ref, amount)]
    parts, left = [], amount
    for ref, room in rooms:
        take = min(room, left)
        if take > 0:
            parts.append((ref, take))
            left -= take
    if left:  # more than the charges hold (cannot happen while escrow balances)
        parts.append((gig.funding_ref, left))
    return parts
