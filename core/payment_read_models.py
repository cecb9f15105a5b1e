"""Read models of the payment side, for provider adapters comparing the app's
records with the provider's objects (webhooks, reconciliation): payment
requests, payment operations, funded gigs and payout accounts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.records import Gig, PaymentOp, PaymentRequest, User


def gig_funded_by(s: Session, funding_ref: str) -> int | None:
    return s.scalar(select(Gig.id).where(Gig.funding_ref == funding_ref).limit(1))


def payment_ops(s: Session, gig_id: int, kind: str | None = None) -> list[PaymentOp]:
    q = select(PaymentOp).where(PaymentOp.gig_id == gig_id)
    if kind is not None:
        q = q.where(PaymentOp.kind == kind)
    return list(s.scalars(q.order_by(PaymentOp.id)))


def unsettled_payment_ops(s: Session) -> list[PaymentOp]:
    return list(s.scalars(select(PaymentOp).where(
        PaymentOp.status.in_(("pending", "failed"))).order_by(PaymentOp.id)))


def payment_request(s: Session, provider_ref: str) -> PaymentRequest | None:
    return s.scalar(select(PaymentRequest).where(PaymentRequest.provider_ref == provider_ref))


def payment_requests_of(s: Session, gig_id: int, provider: str
                        ) -> tuple[Gig | None, list[PaymentRequest]]:
    """A gig and its payment requests at ``provider``, oldest first."""
    return s.get(Gig, gig_id), list(s.scalars(select(PaymentRequest).where(
        PaymentRequest.gig_id == gig_id, PaymentRequest.provider == provider)
        .order_by(PaymentRequest.id)))


def user_with_payout_account(s: Session, account_ref: str) -> int | None:
    return s.scalar(select(User.id).where(User.payout_account == account_ref))


def gigs_funded_since(s: Session, since: datetime) -> list[Gig]:
    return list(s.scalars(select(Gig).where(
        Gig.funding_ref.is_not(None), Gig.funded_at >= since).order_by(Gig.id)))


def funded_gigs_of_requests(s: Session, provider_refs: list[str], exclude: set[int]) -> list[Gig]:
    """Funded gigs paid through one of these payment requests, not in ``exclude``."""
    ids = s.scalars(select(PaymentRequest.gig_id).where(
        PaymentRequest.provider_ref.in_(provider_refs or [""])))
    extra = [i for i in dict.fromkeys(ids) if i not in exclude]
    return list(s.scalars(select(Gig).where(Gig.id.in_(extra or [0]),
                                            Gig.funding_ref.is_not(None))))
