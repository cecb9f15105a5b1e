"""Executing payment commands after commit, and freelancer payout accounts.

A transfer or refund is decided inside a transition (``PaymentOp`` + outbox row);
here it is sent to the provider with its deterministic idempotency key and then
recorded. A crash between the provider's acceptance and the record is safe: the
retry sends the same key, the provider answers with the same object, and the
ledger entry's own idempotency key stops a second posting."""
from __future__ import annotations

import logging

from sqlalchemy import select

from core.lifecycle import ledger, receipts
from core.failpoints import failpoint
from core.events import PayoutFailed, PayoutSent, PayoutsUnlocked, RefundSent
from core.lifecycle.tx import Tx
from core.domain.records import Gig, PaymentOp, User
from core.ports.payments import ProviderDeclined, RefundOrder, TransferOrder

log = logging.getLogger(__name__)


def enable_payouts(tx: Tx, user_id: int, account_ref: str) -> int:
    """The provider says this user can receive money: release held earnings.
    Returns how many held transfers were started."""
    user = tx.user(user_id)
    user.payout_account = account_ref
    user.payouts_enabled = True
    waiting = list(tx.s.scalars(select(PaymentOp).where(
        PaymentOp.user_id == user_id, PaymentOp.kind == "transfer",
        PaymentOp.status == "waiting_account").order_by(PaymentOp.id)))
    for op in waiting:
        tx.start_payment(op)
    tx.audit(user_id, "user", "payouts_enabled", detail=f"account={account_ref} held={len(waiting)}")
    if waiting:
        tx.emit(PayoutsUnlocked(recipient_id=user_id, transfers=len(waiting)),
                key=f"unlock:{account_ref}:{tx.now.isoformat()}")
    return len(waiting)


def disable_payouts(tx: Tx, user_id: int) -> None:
    tx.user(user_id).payouts_enabled = False


async def execute_payment_op(engine, op_id: int) -> str:
    """Send one pending transfer/refund to the provider and record the result.
    Transient errors propagate (the outbox retries with backoff)."""
    op, dest, funding_ref = await engine.view(lambda t: _load(t, op_id))
    if op is None or op.status != "pending":
        return "skipped"
    failpoint("payment", op.kind, "leased")
    provider = engine.provider
    try:
        if op.kind == "transfer":
            result = await provider.transfer(TransferOrder(
                idempotency_key=provider_key(op), amount_minor=op.amount_minor,
                currency=op.currency, destination=dest or "", gig_id=op.gig_id,
                claim_id=op.claim_id, funding_ref=funding_ref, op_key=op.idempotency_key))
        else:
            result = await provider.refund(RefundOrder(
                idempotency_key=provider_key(op), amount_minor=op.amount_minor,
                currency=op.currency, funding_ref=funding_ref, gig_id=op.gig_id,
                op_key=op.idempotency_key))
    except ProviderDeclined as declined:
        reason = str(declined)
        await engine.tx(lambda t: _record_declined(t, op_id, reason))
        return "declined"
    failpoint("payment", op.kind, "sent")
    await engine.tx(lambda t: record_payment_success(t, op_id, result.ref))
    return "succeeded"


def provider_key(op: PaymentOp) -> str:
    """The idempotency key sent to the provider: the same for every retry of one
    attempt (a crash replays it), a new one after a permanent refusal, because
    providers replay a refused key's error (Stripe: for 24 hours)."""
    return op.idempotency_key + (f":retry{op.attempts}" if op.attempts else "")


def _load(tx: Tx, op_id: int):
    op = tx.s.get(PaymentOp, op_id)
    if op is None:
        return None, None, None
    user = tx.s.get(User, op.user_id)
    gig = tx.s.get(Gig, op.gig_id)
    return op, user.payout_account, op.funding_ref or gig.funding_ref


def record_payment_success(tx: Tx, op_id: int, provider_ref: str) -> PaymentOp:
    op = tx.s.scalar(select(PaymentOp).where(PaymentOp.id == op_id).with_for_update())
    if op.status == "succeeded":
        return op
    op.status, op.provider_ref, op.done_at = "succeeded", provider_ref, tx.now
    op.attempts += 1
    if op.kind == "transfer":
        src, kind = ledger.payout_pending(op.user_id), "payout"
    else:
        src, kind = ledger.refund_pending(op.gig_id), "refund_sent"
    receipts.issue(tx, ledger.post_entry(
        tx.s, kind=kind, currency=op.currency, key=f"{kind}:{op.idempotency_key}",
        postings=[(src, -op.amount_minor), (ledger.EXTERNAL, op.amount_minor)],
        at=tx.now, gig_id=op.gig_id, claim_id=op.claim_id, user_id=op.user_id,
        memo=provider_ref))
    sent = PayoutSent if op.kind == "transfer" else RefundSent
    tx.emit(sent(recipient_id=op.user_id, gig_id=op.gig_id, claim_id=op.claim_id,
                 amount_minor=op.amount_minor, currency=op.currency, ref=provider_ref),
            key=f"op:{op.id}")
    return op


def _record_declined(tx: Tx, op_id: int, reason: str) -> None:
    """Permanent refusal: put a transfer's money back to payable and hold it for
    onboarding again; a refund stays pending in the ledger for an operator."""
    op = tx.s.scalar(select(PaymentOp).where(PaymentOp.id == op_id).with_for_update())
    if op.status != "pending":
        return
    op.last_error = reason[:500]
    op.attempts += 1
    if op.kind == "transfer":
        ledger.post_entry(tx.s, kind="payout_reversed", currency=op.currency,
                          key=f"payout_reversed:{op.idempotency_key}:{op.attempts}",
                          postings=[(ledger.payout_pending(op.user_id), -op.amount_minor),
                                    (ledger.payable(op.user_id), op.amount_minor)],
                          at=tx.now, gig_id=op.gig_id, claim_id=op.claim_id, user_id=op.user_id)
        op.status = "waiting_account"
        tx.user(op.user_id).payouts_enabled = False
        tx.emit(PayoutFailed(recipient_id=op.user_id, reason=reason[:200],
                             amount_minor=op.amount_minor, currency=op.currency),
                key=f"op:{op.id}:{op.attempts}")
    else:
        op.status = "failed"
    log.warning("payment op %s declined: %s", op.idempotency_key, reason)
