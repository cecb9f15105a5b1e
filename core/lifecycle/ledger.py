"""The double-entry journal. Every money movement is one balanced entry with an
idempotency key; balances are sums of postings, never stored on their own.

Accounts (all balances in minor units of the entry's currency):
``external`` the outside world (cards, bank accounts; goes negative as money comes in),
``escrow:gig:N`` rewards held for gig N, ``fee_held:gig:N`` its platform fee until
the slot settles, ``payable:user:N`` earned and not yet sent, ``payout_pending:user:N``
sent to the provider and not yet confirmed, ``refund_pending:gig:N`` refunds on
their way back, ``revenue`` the platform's fee income. Money the provider moved on
its own (core/provider_events.py): ``external:adjustment:gig:N`` and
``external:chargeback:user:N`` are outside-world accounts like ``external``;
``unallocated:gig:N`` holds money an operator must place."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.records import LedgerEntry, LedgerPosting
from core.failpoints import failpoint

EXTERNAL = "external"
REVENUE = "revenue"


def escrow(gig_id: int) -> str:
    return f"escrow:gig:{gig_id}"


def fee_held(gig_id: int) -> str:
    return f"fee_held:gig:{gig_id}"


def refund_pending(gig_id: int) -> str:
    return f"refund_pending:gig:{gig_id}"


def payable(user_id: int) -> str:
    return f"payable:user:{user_id}"


def payout_pending(user_id: int) -> str:
    return f"payout_pending:user:{user_id}"


class UnbalancedEntry(ValueError):
    """A programming error: postings must be integers that sum to zero."""


def post_entry(
    session: Session, *, kind: str, currency: str, key: str, postings: list[tuple[str, int]],
    at: datetime, gig_id: int | None = None, claim_id: int | None = None,
    user_id: int | None = None, memo: str = "",
) -> LedgerEntry | None:
    """Append one balanced entry. Returns None if ``key`` was already posted."""
    lines = [(acct, amt) for acct, amt in postings if amt != 0]
    if not lines:
        return None
    if any(type(a) is not int for _, a in lines) or sum(a for _, a in lines) != 0:
        raise UnbalancedEntry(f"entry {key} does not balance: {lines}")
    if session.scalar(select(LedgerEntry.id).where(LedgerEntry.idempotency_key == key)):
        return None
    entry = LedgerEntry(kind=kind, currency=currency, idempotency_key=key, gig_id=gig_id,
                        claim_id=claim_id, user_id=user_id, memo=memo[:200], created_at=at)
    session.add(entry)
    session.flush()
    session.add_all(LedgerPosting(entry_id=entry.id, account=a, amount=amt) for a, amt in lines)
    failpoint("ledger", kind)  # crash tests: die inside the transaction, before its commit
    return entry


def balance(session: Session, account: str, currency: str | None = None) -> int:
    q = select(func.coalesce(func.sum(LedgerPosting.amount), 0)).where(
        LedgerPosting.account == account)
    if currency:
        q = q.join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id).where(
            LedgerEntry.currency == currency)
    return int(session.scalar(q) or 0)


def balances(session: Session, accounts: list[str] | None = None) -> dict[tuple[str, str], int]:
    """(account, currency) -> balance for the given accounts (all of them with None)."""
    q = (select(LedgerPosting.account, LedgerEntry.currency, func.sum(LedgerPosting.amount))
         .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
         .group_by(LedgerPosting.account, LedgerEntry.currency))
    if accounts is not None:
        q = q.where(LedgerPosting.account.in_(accounts))
    return {(a, c): int(s) for a, c, s in session.execute(q)}


def all_balances(session: Session) -> dict[tuple[str, str], int]:
    return balances(session)


def unbalanced_entries(session: Session) -> list[int]:
    """Entry ids whose postings do not sum to zero (must always be empty)."""
    return list(session.scalars(
        select(LedgerPosting.entry_id).group_by(LedgerPosting.entry_id)
        .having(func.sum(LedgerPosting.amount) != 0)
    ))


def totals_by_currency(session: Session) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for (_acct, cur), amt in all_balances(session).items():
        out[cur] += amt
    return dict(out)
