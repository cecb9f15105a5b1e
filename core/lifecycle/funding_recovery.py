"""Payments the provider took that the app never recorded.

Funding asks the provider outside any transaction, then records what it said.
A crash in between (the sandbox charges at once) leaves the money taken and the
gig unpaid. The workers' recovery pass finds such payments without the client:
for every recent gig that was never funded it asks the provider, by the
funding's deterministic idempotency key, whether it holds a payment, and records
it exactly as the lost answer would have been recorded - the gig opens, or, if
it was cancelled or expired meanwhile, the money goes back (``confirm_funding``
decides; a payment that does not match the gig is held for an operator)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select

from core.domain.records import Gig, GigStatus, PaymentRequest
from core.lifecycle import gigs
from core.lifecycle import provider_events as pe
from core.lifecycle.tx import Tx
from core.ports.payments import FundingOrder, PaymentLink

UNFUNDED = (GigStatus.awaiting_funding, GigStatus.cancelled, GigStatus.expired)


def funding_order(gig: Gig) -> FundingOrder:
    """What the provider is asked to charge for gig ``gig``: the key is the same on
    every attempt, so a retry (or the recovery pass) finds the first charge."""
    return FundingOrder(gig_id=gig.id, client_id=gig.client_id, amount_minor=gig.price.total,
                        currency=gig.currency, title=gig.title,
                        idempotency_key=f"funding:gig:{gig.id}")


def unfunded_gigs(tx: Tx, limit: int) -> list[Gig]:
    """Gigs posted within twice the listing period that were never funded and
    have no paid payment request, newest first."""
    since = tx.now - timedelta(days=2 * tx.config.listing_days)
    paid = exists().where(PaymentRequest.gig_id == Gig.id, PaymentRequest.status == "paid")
    return list(tx.s.scalars(select(Gig).where(
        Gig.funded_at.is_(None), Gig.status.in_(UNFUNDED), Gig.created_at >= since, ~paid)
        .order_by(Gig.id.desc()).limit(limit)))


def record_taken_payment(tx: Tx, provider: str, order: FundingOrder, link: PaymentLink) -> str:
    """Record a payment the provider holds under ``order``'s key as if its answer
    had arrived: the payment request, then the funding (idempotent both)."""
    gigs.record_payment_request(tx, order.gig_id, provider, link.provider_ref, link.url,
                                order.amount_minor)
    result = pe.funding_paid(tx, link.provider_ref, order.amount_minor, order.currency,
                             link.funding_ref)
    tx.audit(None, "system", "payment_recovered", gig_id=order.gig_id,
             detail=f"{link.funding_ref or link.provider_ref} {order.amount_minor} "
                    f"{order.currency}: {result}")
    return result
