"""What a payment provider reports on its own (webhooks, reconciliation), applied
to the domain exactly once. Provider-neutral: adapters translate their events
into these calls and run them in one transaction together with
``claim_event``, so an event's id is stored with its effect or not at all.

Every money movement here is one balanced ledger entry whose idempotency key is
the provider's object id (refund, dispute, reversal), so the same fact reported
twice - by two events, or by an event and the reconciliation - counts once.

Account families added for money the app did not move itself:
``unallocated:gig:N`` money that came in for gig N and belongs to no slot (an
  amount that does not match, a reversed transfer, a won chargeback beyond what
  it covered); held by the platform (>= 0) until an operator assigns it.
``external:adjustment:gig:N`` money that left through the provider outside the
  app's flows (a dashboard refund beyond the unclaimed slots); part of the
  outside world like ``external`` (<= 0), an operator writes it off or recovers it.
``external:chargeback:user:N`` what client N took back through their bank after
  it was committed (paid out or owed to live claims); the client is flagged."""
from __future__ import annotations

from sqlalchemy import select

from core.lifecycle import ledger
from core.domain.errors import DomainError
from core.lifecycle import gigs
from core.events import (
    ChargebackOpened, Event, ExternalRefundMade, PaymentUnallocated, PayoutReversed,
    PayoutsDisabled, RefundNeedsDecision,
)
from core.lifecycle.tx import Tx
from core.domain.records import Claim, ClaimStatus, Gig, GigStatus, LedgerEntry, PaymentRequest, \
    ProviderEvent, User
from core.lifecycle.payouts import disable_payouts, enable_payouts

OPERATOR_PREFIXES = ("unallocated:", "external:adjustment:", "external:chargeback:")


def unallocated(gig_id: int) -> str:
    return f"unallocated:gig:{gig_id}"


def adjustment(gig_id: int) -> str:
    return f"external:adjustment:gig:{gig_id}"


def chargeback_account(user_id: int) -> str:
    return f"external:chargeback:user:{user_id}"


# -- exactly once ----------------------------------------------------------------
def already_processed(tx: Tx, event_id: str) -> bool:
    return tx.s.get(ProviderEvent, event_id) is not None


def claim_event(tx: Tx, provider: str, event_id: str, event_type: str) -> bool:
    """Record ``event_id`` as processed in this transaction. False if it already was
    (another delivery got there first: apply nothing). On PostgreSQL a concurrent
    delivery waits here until the first one commits, then sees its row."""
    dialect = tx.s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = (insert(ProviderEvent)
            .values(event_id=event_id[:128], provider=provider[:16], type=event_type[:64],
                    processed_at=tx.now)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(ProviderEvent.event_id))
    return tx.s.execute(stmt).first() is not None


def entry_exists(tx: Tx, key: str) -> bool:
    return tx.s.scalar(select(LedgerEntry.id).where(LedgerEntry.idempotency_key == key)) is not None


# -- funding -----------------------------------------------------------------------
def funding_paid(tx: Tx, provider_ref: str, amount: int, currency: str,
                 funding_ref: str | None) -> str:
    """The provider says a payment request was paid: open the gig (or, as
    ``confirm_funding`` decides, refund a late payment). A payment that does not
    match its gig is held as unallocated for an operator."""
    req = tx.s.scalar(select(PaymentRequest).where(PaymentRequest.provider_ref == provider_ref))
    if req is None:
        return "unknown payment request"
    gig = tx.gig(req.gig_id, lock=True)  # first: serialises with other changes to the gig
    tx.s.refresh(req)
    if req.status == "paid":
        return "already funded"
    was = gig.status
    try:
        with tx.savepoint():
            gig = gigs.confirm_funding(tx, provider_ref, amount, currency, funding_ref)
    except DomainError as exc:
        gig = tx.gig(req.gig_id, lock=True)
        ledger.post_entry(tx.s, kind="unallocated_in", currency=currency.lower(),
                          key=f"unallocated:payment:{provider_ref}"[:96],
                          postings=[(ledger.EXTERNAL, -amount), (unallocated(gig.id), amount)],
                          at=tx.now, gig_id=gig.id, user_id=gig.client_id,
                          memo=f"{funding_ref or provider_ref}: {exc}")
        req.status = "paid"
        tx.audit(None, "system", "payment_unallocated", gig_id=gig.id,
                 detail=f"{provider_ref} {amount} {currency}: {exc}")
        _tell_staff(tx, PaymentUnallocated, f"pay:{provider_ref}", gig_id=gig.id,
                    amount_minor=amount, currency=currency.lower(), reason=str(exc)[:200])
        return "held as unallocated"
    if was == GigStatus.awaiting_funding and gig.status == GigStatus.open:
        return "funded: gig opened"
    return f"paid while the gig was {was}: refunding"


def funding_expired(tx: Tx, provider_ref: str) -> str:
    req = tx.s.scalar(select(PaymentRequest).where(PaymentRequest.provider_ref == provider_ref))
    if req is None:
        return "unknown payment request"
    if req.status != "open":
        return f"already {req.status}"
    req.status = "expired"
    return "expired"


# -- payout accounts -----------------------------------------------------------------
def payout_account_changed(tx: Tx, account_ref: str, ready: bool,
                           user_hint: int | None = None) -> str:
    """The provider's view of a payout account: ready to receive money or not.
    Enabling releases held earnings; a restricted account stops new transfers."""
    user = tx.s.scalar(select(User).where(User.payout_account == account_ref))
    if user is None and user_hint is not None:
        hinted = tx.s.get(User, user_hint)
        if hinted is not None and hinted.payout_account in (None, account_ref):
            user = hinted
    if user is None:
        return "unknown account"
    if ready and not (user.payouts_enabled and user.payout_account == account_ref):
        held = enable_payouts(tx, user.id, account_ref)
        return f"payouts enabled ({held} held transfer(s) released)"
    if not ready and user.payouts_enabled:
        disable_payouts(tx, user.id)
        tx.audit(user.id, "user", "payouts_disabled", detail=f"account={account_ref}")
        tx.emit(PayoutsDisabled(recipient_id=user.id),
                key=f"disabled:{account_ref}:{tx.now.isoformat()}")
        return "payouts disabled"
    user.payout_account = user.payout_account or account_ref
    return "unchanged"


# -- money taken back outside the app -------------------------------------------------
def _take_back(tx: Tx, gig: Gig, amount: int, currency: str, remainder_account: str
               ) -> tuple[list[tuple[str, int]], int, int]:
    """Postings that take ``amount`` back from gig ``gig``: whole unclaimed slots
    first (their reward and fee leave escrow, the slots are settled), the rest
    from ``remainder_account``. Returns (postings, slots settled, remainder)."""
    per_slot = gig.price.per_slot
    slots = 0
    if currency == gig.currency and gig.status == GigStatus.open and per_slot > 0:
        slots = max(0, min(gig.slots_open, amount // per_slot))
    taken = gig.price.for_slots(slots)
    rest = amount - taken.total
    postings = [(ledger.EXTERNAL, amount),
                (ledger.escrow(gig.id), -taken.rewards_total),
                (ledger.fee_held(gig.id), -taken.fee_total),
                (remainder_account, -rest)]
    return postings, slots, rest


def _close_if_done(tx: Tx, gig: Gig, reason: str) -> None:
    if gig.status != GigStatus.open or gig.slots_open > 0 or gig.slots_live > 0:
        return
    paid = tx.s.scalar(select(Claim.id).where(Claim.gig_id == gig.id, Claim.status.in_(
        (ClaimStatus.approved, ClaimStatus.auto_approved, ClaimStatus.resolved))).limit(1))
    if paid:
        gigs.maybe_complete(tx, gig)
        return
    gig.status = GigStatus.cancelled
    gig.closed_at = tx.now
    tx.cancel_timers(gig_id=gig.id)
    tx.audit(None, "system", reason, gig_id=gig.id, from_state=GigStatus.open,
             to_state=gig.status)


def external_refund(tx: Tx, gig_id: int, refund_ref: str, amount: int, currency: str) -> str:
    """A refund made outside the app (the provider's dashboard) returned ``amount``
    of gig ``gig_id``'s payment: it settles unclaimed slots first; anything beyond
    is an adjustment an operator must handle (freelancers keep what they earned)."""
    key = f"ext_refund:{refund_ref}"[:96]
    gig = tx.gig(gig_id, lock=True)
    if entry_exists(tx, key):
        return "already recorded"
    postings, slots, rest = _take_back(tx, gig, amount, currency.lower(), adjustment(gig.id))
    ledger.post_entry(tx.s, kind="external_refund", currency=currency.lower(), key=key,
                      postings=postings, at=tx.now, gig_id=gig.id, user_id=gig.client_id,
                      memo=refund_ref)
    gig.slots_settled += slots
    tx.audit(None, "system", "external_refund", gig_id=gig.id,
             detail=f"{refund_ref} amount={amount} slots={slots} adjustment={rest}")
    tx.emit(ExternalRefundMade(recipient_id=gig.client_id, gig_id=gig.id, amount_minor=amount,
                               currency=currency.lower(), slots=slots), key=f"ext:{refund_ref}")
    if rest:
        _tell_staff(tx, RefundNeedsDecision, f"ext:{refund_ref}", gig_id=gig.id,
                    amount_minor=rest, currency=currency.lower(), ref=refund_ref)
    if slots:
        _close_if_done(tx, gig, "refunded_outside")
        tx.card_changed(gig)
    return f"recorded ({slots} slot(s) settled, adjustment {rest})"


def chargeback(tx: Tx, gig_id: int, dispute_ref: str, amount: int, currency: str) -> str:
    """The client's bank took ``amount`` back. Unclaimed slots cover what they can;
    the rest (money paid out or owed to live claims, which still get paid) is
    recorded against the client, whose account is flagged."""
    key = f"chargeback:{dispute_ref}"[:96]
    gig = tx.gig(gig_id, lock=True)
    if entry_exists(tx, key):
        return "already recorded"
    postings, slots, rest = _take_back(tx, gig, amount, currency.lower(),
                                       chargeback_account(gig.client_id))
    ledger.post_entry(tx.s, kind="chargeback", currency=currency.lower(), key=key,
                      postings=postings, at=tx.now, gig_id=gig.id, user_id=gig.client_id,
                      memo=dispute_ref)
    gig.slots_settled += slots
    if rest:
        tx.user(gig.client_id).flagged = True
    tx.audit(None, "system", "chargeback", gig_id=gig.id,
             detail=f"{dispute_ref} amount={amount} slots={slots} owed={rest}")
    _tell_staff(tx, ChargebackOpened, f"cb:{dispute_ref}", gig_id=gig.id,
                amount_minor=amount, currency=currency.lower(), owed=rest,
                client_id=gig.client_id)
    if slots:
        _close_if_done(tx, gig, "charged_back")
        tx.card_changed(gig)
    return f"recorded ({slots} slot(s) settled, owed {rest}{', client flagged' if rest else ''})"


def chargeback_reversed(tx: Tx, gig_id: int, dispute_ref: str, amount: int,
                        currency: str) -> str:
    """A chargeback was won: the money is back. It clears what the client owes;
    anything beyond (slots the chargeback had settled) waits as unallocated."""
    key = f"chargeback_won:{dispute_ref}"[:96]
    gig = tx.gig(gig_id, lock=True)
    if entry_exists(tx, key):
        return "already recorded"
    cur = currency.lower()
    owed = -ledger.balance(tx.s, chargeback_account(gig.client_id), cur)
    back = max(0, min(amount, owed))
    ledger.post_entry(tx.s, kind="chargeback_reversed", currency=cur, key=key,
                      postings=[(ledger.EXTERNAL, -amount),
                                (chargeback_account(gig.client_id), back),
                                (unallocated(gig.id), amount - back)],
                      at=tx.now, gig_id=gig.id, user_id=gig.client_id, memo=dispute_ref)
    tx.audit(None, "system", "chargeback_won", gig_id=gig.id,
             detail=f"{dispute_ref} amount={amount} cleared={back}")
    return f"recorded (cleared {back}, unallocated {amount - back})"


def transfer_reversed(tx: Tx, gig_id: int, user_id: int, reversal_ref: str, amount: int,
                      currency: str) -> str:
    """Part of a payout came back from the freelancer's account (a reversal made
    at the provider): held as unallocated until an operator decides."""
    key = f"reversal:{reversal_ref}"[:96]
    gig = tx.gig(gig_id, lock=True)
    if entry_exists(tx, key):
        return "already recorded"
    ledger.post_entry(tx.s, kind="transfer_reversed", currency=currency.lower(), key=key,
                      postings=[(ledger.EXTERNAL, -amount), (unallocated(gig.id), amount)],
                      at=tx.now, gig_id=gig.id, user_id=user_id, memo=reversal_ref)
    tx.audit(None, "system", "transfer_reversed", gig_id=gig.id,
             detail=f"{reversal_ref} user={user_id} amount={amount}")
    tx.emit(PayoutReversed(recipient_id=user_id, gig_id=gig.id, amount_minor=amount,
                           currency=currency.lower()), key=f"rev:{reversal_ref}")
    _tell_staff(tx, PayoutReversed, f"rev:{reversal_ref}", gig_id=gig.id,
                amount_minor=amount, currency=currency.lower(), freelancer_id=user_id)
    return "recorded"


def operator_balances(tx: Tx) -> dict[tuple[str, str], int]:
    """Non-zero balances of the accounts an operator must look at."""
    return {k: v for k, v in ledger.all_balances(tx.s).items()
            if v and k[0].startswith(OPERATOR_PREFIXES)}


def _tell_staff(tx: Tx, event: type[Event], key: str, **data) -> None:
    for staff in tx.moderators(None):
        tx.emit(event(recipient_id=staff, for_moderator=True, **data), key=key)
