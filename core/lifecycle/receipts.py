"""Automatic receipts: every ledger entry that is a receipt (a payment, a payout, a
refund sent) queues the PDF for the person it belongs to, in the transaction that
posted it, so each money event has exactly one receipt (the outbox's dedup key is
the entry's id). People who turned automatic receipts off (``/settings
receipts=off``) still get any receipt on request with ``/receipt N``."""
from __future__ import annotations

from core.domain.records import LedgerEntry, Profile
from core.events import ReceiptIssued
from core.lifecycle.tx import Tx

# ledger entry kind -> the receipt's kind (as bot.receipts names them)
RECEIPT_KINDS = {"funding": "payment", "payout": "payout", "refund_sent": "refund"}


def wants_receipts(tx: Tx, user_id: int) -> bool:
    profile = tx.s.get(Profile, user_id)
    return profile is None or bool(profile.auto_receipts)


def issue(tx: Tx, entry: LedgerEntry | None) -> None:
    """Queue the receipt of ``entry`` (None: the entry was posted before, so was its
    receipt) for its user."""
    if entry is None or entry.user_id is None or entry.gig_id is None:
        return
    kind = RECEIPT_KINDS.get(entry.kind)
    if kind is None or not wants_receipts(tx, entry.user_id):
        return
    # Keyed on the entry's idempotency key, not its id: a retried transaction (a killed
    # process) gets another id from a PostgreSQL sequence, but must not send another receipt.
    tx.emit(ReceiptIssued(recipient_id=entry.user_id, gig_id=entry.gig_id, entry_id=entry.id,
                          kind=kind), key=f"receipt:{entry.idempotency_key}")


def set_auto_receipts(tx: Tx, user_id: int, on: bool) -> bool:
    profile = tx.s.get(Profile, user_id)
    if profile is None:
        tx.user(user_id)
        profile = Profile(user_id=user_id)
        tx.s.add(profile)
    profile.auto_receipts = on
    tx.audit(user_id, "user", "auto_receipts", detail="on" if on else "off")
    return on
