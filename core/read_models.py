"""Read models for the conversation layer: a gig with its claims, a user's
gigs in both roles, the ranked feed, a profile with its reputation, a person
found by their platform handle, receipts' ledger facts, form state and a wallet
derived from the ledger."""
from __future__ import annotations

from dataclasses import dataclass, field

from datetime import datetime

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from core.domain.config import EngineConfig
from core.lifecycle import ledger, queues
from core.matching import ranking
from core.domain.errors import NotAllowed, NotFound
from core.domain.records import (
    Application, Claim, ClaimStatus, Community, ConversationState, Delivery, Gig, Identity,
    LIVE_CLAIM_STATES, LedgerEntry, LedgerPosting, PaymentOp, Profile, ReputationStats, User,
)


@dataclass
class GigView:
    gig: Gig
    client: User
    community: Community | None
    claims: list[Claim]
    applications: list[Application]
    escrow_minor: int
    claim_items: dict[int, str] = field(default_factory=dict)  # a queue: slot no -> item
    first_items: list[str] = field(default_factory=list)  # a queue: its first few items

    def claim_of(self, user_id: int) -> Claim | None:
        live = [c for c in self.claims if c.freelancer_id == user_id]
        return max(live, key=lambda c: c.id) if live else None

    @property
    def items_done(self) -> int:
        """Slots whose work was approved (by the client or the review window)."""
        return sum(c.status in (ClaimStatus.approved, ClaimStatus.auto_approved)
                   for c in self.claims)


# A gig's card is read for every press and every notification about it: the gig,
# its client, its community and its escrow in one statement, built once.
_ESCROW = (select(func.coalesce(func.sum(LedgerPosting.amount), 0))
           .where(LedgerPosting.account == bindparam("escrow")).scalar_subquery())
_GIG_VIEW = (select(Gig, User, Community, _ESCROW)
             .join(User, User.id == Gig.client_id)
             .outerjoin(Community, Community.id == Gig.community_id)
             .where(Gig.id == bindparam("gig_id")))
_GIG_CLAIMS = select(Claim).where(Claim.gig_id == bindparam("gig_id")).order_by(Claim.id)
_GIG_APPLICATIONS = (select(Application).where(Application.gig_id == bindparam("gig_id"))
                     .order_by(Application.id))


def gig_view(s: Session, gig_id: int) -> GigView:
    row = s.execute(_GIG_VIEW, {"gig_id": gig_id, "escrow": ledger.escrow(gig_id)}).first()
    if row is None:
        raise NotFound("There is no gig #{gig_id}.", gig_id=gig_id)
    gig, client, community, escrow = row
    claims = list(s.scalars(_GIG_CLAIMS, {"gig_id": gig_id}))
    apps = list(s.scalars(_GIG_APPLICATIONS, {"gig_id": gig_id}))
    items = queues.item_texts(s, gig_id, [c.slot_no for c in claims]) if gig.item_count else {}
    return GigView(gig=gig, client=client, community=community, claims=claims,
                   applications=apps, escrow_minor=int(escrow or 0), claim_items=items,
                   first_items=queues.first_items(s, gig_id) if gig.item_count else [])


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


@dataclass
class FeedPage:
    """One page of the gigs ranked for a person, and how many there are in all."""
    gigs: list[GigView]
    total: int


def feed_page(s: Session, user_id: int, now: datetime, config: EngineConfig, *,
              skill: str | None, offset: int, limit: int) -> FeedPage:
    page, total = ranking.feed(s, user_id, now, skill=skill, offset=offset, limit=limit,
                               config=config)
    # Same session: each card's gig comes from the identity map, not a second load.
    return FeedPage([gig_view(s, g.id) for g in page], total)


@dataclass
class MyGigs:
    """A person's gigs as a client (with the applications waiting on them and who
    sent each), their claims as a freelancer, and their own applications (newest
    first: waiting, and those that ended without a slot)."""
    posted: list[Gig]
    held: list[tuple[Claim, Gig]]
    pending_applications: list[tuple[Application, str]]  # (application, applicant's name)
    applied: list[tuple[Application, Gig]] = field(default_factory=list)
    items: dict[int, str] = field(default_factory=dict)  # claim id -> its queue item


def my_gigs(s: Session, user_id: int, limit: int = 10) -> MyGigs:
    posted = gigs_posted(s, user_id, limit=limit)
    held = claims_held(s, user_id, limit=limit)
    apps = list(s.scalars(select(Application).where(
        Application.gig_id.in_([g.id for g in posted] or [0]),
        Application.status == "pending")))
    applied = s.execute(select(Application, Gig).join(Gig, Gig.id == Application.gig_id)
                        .where(Application.freelancer_id == user_id,
                               Application.status != "accepted")  # accepted: a claim above
                        .order_by(Application.id.desc()).limit(limit)).all()
    items = {}
    for c, g in held:
        if g.item_count:
            text = queues.item_texts(s, g.id, [c.slot_no]).get(c.slot_no)
            if text is not None:
                items[c.id] = text
    return MyGigs(posted, held, [(a, s.get(User, a.freelancer_id).display_name) for a in apps],
                  [(a, g) for a, g in applied], items)


def claim_ids_in(s: Session, user_id: int, states) -> list[int]:
    """The ids of this freelancer's claims in ``states``."""
    return list(s.scalars(select(Claim.id).where(Claim.freelancer_id == user_id,
                                                 Claim.status.in_(states))))


def gig_of_claim(s: Session, claim_id: int) -> Gig:
    claim_row = s.get(Claim, claim_id)
    if claim_row is None:
        raise NotFound("There is no claim #{claim_id}.", claim_id=claim_id)
    return s.get(Gig, claim_row.gig_id)


@dataclass
class ProfileView:
    """A person's profile and reputation (defaults when they have none yet) and
    their reputation score, 0..1."""
    profile: Profile
    stats: ReputationStats
    reputation: float


def profile_view(s: Session, user_id: int) -> ProfileView:
    profile = s.get(Profile, user_id) or Profile(user_id=user_id)
    stats = s.get(ReputationStats, user_id) or ReputationStats(user_id=user_id)
    score = ranking.reputation(stats.rating_sum, stats.rating_count, stats.approved,
                               stats.on_time, stats.disputes_lost)
    return ProfileView(profile, stats, score)


def profile(s: Session, user_id: int) -> Profile | None:
    return s.get(Profile, user_id)


def user(s: Session, user_id: int) -> User:
    found = s.get(User, user_id)
    if found is None:
        raise NotFound("Unknown user.")
    return found


def user_by_handle(s: Session, platform: str, handle: str, *,
                   by_display_name: bool = False) -> User | None:
    """The person with this platform id or username on ``platform`` (or, with
    ``by_display_name``, this display name), if they have used the bot."""
    ident = s.scalar(select(Identity).where(
        Identity.platform == platform,
        or_(Identity.platform_user_id == handle, Identity.username == handle)).limit(1))
    if ident is not None:
        return s.get(User, ident.user_id)
    if by_display_name:
        return s.scalar(select(User).where(User.display_name == handle).limit(1))
    return None


@dataclass
class ReceiptFacts:
    """What a receipt is made of: the ledger entry that moved the money, its gig and
    client, and this entry's postings on the accounts a receipt shows."""
    entry: LedgerEntry
    gig: Gig
    client: User
    external: int  # posting on the outside world's account
    escrow: int
    fee_held: int
    payout_pending: int  # on the entry user's payout account
    refund_pending: int
    payment_op_key: str  # idempotency key of the payment op the memo names, if any
    payee: User | None
    claim: Claim | None


RECEIPT_ENTRY_KINDS = ("funding", "payout", "refund_sent")


def receipt_entries(s: Session, user_id: int, limit: int = 15) -> list[ReceiptFacts]:
    """This person's receipts, newest first."""
    entries = s.scalars(select(LedgerEntry).where(
        LedgerEntry.user_id == user_id, LedgerEntry.kind.in_(RECEIPT_ENTRY_KINDS))
        .order_by(LedgerEntry.id.desc()).limit(limit))
    return [f for e in entries if (f := _receipt_facts(s, e)) is not None]


def receipt_entry(s: Session, user_id: int, number: int) -> ReceiptFacts | None:
    entry = s.get(LedgerEntry, number)
    if entry is None or entry.user_id != user_id or entry.kind not in RECEIPT_ENTRY_KINDS:
        return None
    return _receipt_facts(s, entry)


def _receipt_facts(s: Session, e: LedgerEntry) -> ReceiptFacts | None:
    gig = s.get(Gig, e.gig_id) if e.gig_id else None
    if gig is None:
        return None
    postings = {p.account: p.amount for p in s.scalars(
        select(LedgerPosting).where(LedgerPosting.entry_id == e.id))}
    op = s.scalar(select(PaymentOp).where(PaymentOp.provider_ref == e.memo).limit(1)) \
        if e.memo and e.kind != "funding" else None
    return ReceiptFacts(
        entry=e, gig=gig, client=s.get(User, gig.client_id),
        external=postings.get(ledger.EXTERNAL, 0), escrow=postings.get(ledger.escrow(gig.id), 0),
        fee_held=postings.get(ledger.fee_held(gig.id), 0),
        payout_pending=postings.get(ledger.payout_pending(e.user_id), 0) if e.user_id else 0,
        refund_pending=postings.get(ledger.refund_pending(gig.id), 0),
        payment_op_key=op.idempotency_key if op else "",
        payee=s.get(User, e.user_id) if e.user_id else None,
        claim=s.get(Claim, e.claim_id) if e.claim_id else None)


# -- what a notification's renderer reads --------------------------------------

@dataclass(frozen=True)
class NotificationSubject:
    """The gig, claim and freelancer a notification is about (each may be None)."""
    gig: Gig | None
    claim: Claim | None
    freelancer: User | None


def notification_subject(s: Session, gig_id: int | None, claim_id: int | None,
                         freelancer_id: int | None) -> NotificationSubject:
    return NotificationSubject(
        gig=s.get(Gig, gig_id) if gig_id else None,
        claim=s.get(Claim, claim_id) if claim_id else None,
        freelancer=s.get(User, freelancer_id) if freelancer_id else None)


@dataclass(frozen=True)
class DeliveryToShow:
    gig: Gig
    claim: Claim
    delivery: Delivery | None
    freelancer: User
    item: str | None = None  # the queue item the claim works on


def delivery_to_show(tx, claim_id: int, viewer_id: int | None) -> DeliveryToShow:
    """A claim's latest delivery, for its client, its freelancer or a moderator
    (``viewer_id`` None: the client, from a notification)."""
    claim = tx.claim(claim_id, lock=False)
    gig = tx.s.get(Gig, claim.gig_id)
    if viewer_id is not None and viewer_id not in (gig.client_id, claim.freelancer_id) \
            and not tx.is_moderator(viewer_id, gig.community_id):
        raise NotAllowed("Only the client, the freelancer and moderators can see deliveries.")
    item = queues.item_texts(tx.s, gig.id, [claim.slot_no]).get(claim.slot_no) \
        if gig.item_count else None
    return DeliveryToShow(gig=gig, claim=claim, delivery=latest_delivery(tx.s, claim_id),
                          freelancer=tx.s.get(User, claim.freelancer_id), item=item)
