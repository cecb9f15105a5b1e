"""Read models for the conversation layer: a gig with its claims, a user's
gigs in both roles, and a wallet derived from the ledger."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.lifecycle import ledger
from core.domain.errors import NotFound
from core.domain.records import (
    Application, Claim, ClaimStatus, Community, ConversationState, Delivery, Gig,
    LIVE_CLAIM_STATES, LedgerEntry, LedgerPosting, PaymentOp, User,
)


@dataclass
class GigView:
    gig: Gig
    client: User
    community: Community | None
    claims: list[Claim]
    applications: list[Application]
    escrow_minor: int

    def claim_of(self, user_id: int) -> Claim | None:
        live = [c for c in self.claims if c.freelancer_id == user_id]
        return max(live, key=lambda c: c.id) if live else None


def gig_view(s: Session, gig_id: int) -> GigView:
    gig = s.get(Gig, gig_id)
    if gig is None:
        raise NotFound("There is no gig #{gig_id}.", gig_id=gig_id)
    claims = list(s.scalars(select(Claim).where(Claim.gig_id == gig_id).order_by(Claim.id)))
    apps = list(s.scalars(select(Application).where(Application.gig_id == gig_id)
                          .order_by(Application.id)))
    return GigView(gig=gig, client=s.get(User, gig.client_id),
                   community=s.get(Community, gig.community_id) if gig.community_id else None,
                   claims=claims, applications=apps,
                   escrow_minor=ledger.balance(s, ledger.escrow(gig_id)))


def latest_delivery(s: Session, claim_id: int) -> Delivery | None:
    return s.scalar(select(Delivery).where(Delivery.claim_id == claim_id)
                    .order_by(Delivery.id.desc()).limit(1))


def gigs_posted(s: Session, user_id: int, limit: int = 20) -> list[Gig]:
    return list(s.scalars(select(Gig).where(Gig.client_id == user_id)
                          .order_by(Gig.id.desc()).limit(limit)))


def claims_held(s: Session, user_id: int, *, live_only: bool = False,
                limit: int = 20) -> list[tuple[Claim, Gig]]:
    q = select(Claim, Gig).join(Gig, Gig.id == Claim.gig_id).where(Claim.freelancer_id == user_id)
    if live_only:
        q = q.where(Claim.status.in_(LIVE_CLAIM_STATES))
    return [(c, g) for c, g in s.execute(q.order_by(Claim.id.desc()).limit(limit))]


@dataclass
class CurrencyWallet:
    currency: str
    held_in_escrow: int = 0  # as a client: rewards + fees of your funded, unsettled slots
    earned_unpaid: int = 0  # as a freelancer: released to you, not yet sent
    waiting_onboarding: int = 0  # part of earned_unpaid held until payout setup
    payout_pending: int = 0
    paid_out: int = 0
    refunds_pending: int = 0


@dataclass
class Wallet:
    user_id: int
    payouts_enabled: bool
    currencies: dict[str, CurrencyWallet] = field(default_factory=dict)

    def of(self, currency: str) -> CurrencyWallet:
        return self.currencies.setdefault(currency, CurrencyWallet(currency))


def wallet(s: Session, user_id: int) -> Wallet:
    user = s.get(User, user_id)
    if user is None:
        raise NotFound("Unknown user.")
    w = Wallet(user_id=user_id, payouts_enabled=user.payouts_enabled)
    gig_ids = list(s.scalars(select(Gig.id).where(Gig.client_id == user_id)))
    accounts = [ledger.payable(user_id), ledger.payout_pending(user_id)]
    for gid in gig_ids:
        accounts += [ledger.escrow(gid), ledger.fee_held(gid), ledger.refund_pending(gid)]
    for (acct, cur), amount in ledger.balances(s, accounts).items():
        cw = w.of(cur)
        if acct.startswith(("escrow:", "fee_held:")):
            cw.held_in_escrow += amount
        elif acct.startswith("refund_pending:"):
            cw.refunds_pending += amount
        elif acct.startswith("payable:"):
            cw.earned_unpaid += amount
        else:
            cw.payout_pending += amount
    paid = s.execute(
        select(LedgerEntry.currency, func.sum(LedgerPosting.amount))
        .join(LedgerPosting, LedgerPosting.entry_id == LedgerEntry.id)
        .where(LedgerEntry.kind == "payout", LedgerEntry.user_id == user_id,
               LedgerPosting.account == ledger.payout_pending(user_id))
        .group_by(LedgerEntry.currency))
    for cur, amount in paid:
        w.of(cur).paid_out = -int(amount)
    waiting = s.execute(select(PaymentOp.currency, func.sum(PaymentOp.amount_minor)).where(
        PaymentOp.user_id == user_id, PaymentOp.kind == "transfer",
        PaymentOp.status == "waiting_account").group_by(PaymentOp.currency))
    for cur, amount in waiting:
        w.of(cur).waiting_onboarding = int(amount)
    return w


def claim(s: Session, claim_id: int) -> Claim | None:
    return s.get(Claim, claim_id)


def claim_to_deliver(s: Session, gig_id: int, user_id: int) -> Claim | None:
    """The claim of ``user_id`` on ``gig_id`` that can deliver now (active, or a
    revision was asked for), if any."""
    return s.scalar(select(Claim).where(
        Claim.gig_id == gig_id, Claim.freelancer_id == user_id,
        Claim.status.in_((ClaimStatus.active, ClaimStatus.revision_requested))).limit(1))


def form_state(s: Session, platform: str, platform_user_id: str) -> ConversationState | None:
    """The form this person is filling in on ``platform``, if any."""
    return s.scalar(select(ConversationState).where(
        ConversationState.platform == platform,
        ConversationState.platform_user_id == platform_user_id))
