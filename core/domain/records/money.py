"""Money records: the double-entry journal, payment requests (funding), payment
operations (transfers and refunds the outbox executes), processed provider
events, and the sandbox provider's own book."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.domain.clock import utcnow


class LedgerEntry(SQLModel, table=True):
    """One balanced journal entry. Immutable: DB triggers refuse UPDATE/DELETE."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    kind: str = Field(max_length=24)  # funding | release | refund | split | payout | reversal ...
    currency: str = Field(max_length=3)
    gig_id: int | None = Field(default=None, index=True)
    claim_id: int | None = None
    user_id: int | None = Field(default=None, index=True)
    # Makes every money movement happen at most once ("release:claim:42").
    idempotency_key: str = Field(max_length=96, unique=True)
    memo: str = Field(default="", max_length=200)


class LedgerPosting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="ledgerentry.id", index=True)
    account: str = Field(max_length=64, index=True)
    amount: int  # signed minor units; the postings of one entry sum to zero


class PaymentRequest(SQLModel, table=True):
    """A request to the client to pay for a gig (a Checkout Session, a sandbox invoice)."""

    id: int | None = Field(default=None, primary_key=True)
    gig_id: int = Field(foreign_key="gig.id", index=True)
    provider: str = Field(max_length=16)
    provider_ref: str = Field(max_length=128, unique=True)
    url: str | None = Field(default=None, max_length=1000)
    amount_minor: int
    currency: str = Field(max_length=3)
    status: str = Field(default="open", max_length=16)  # open | paid | expired
    created_at: datetime = Field(default_factory=utcnow)


class PaymentOp(SQLModel, table=True):
    """A transfer to a freelancer or a refund to a client, executed after commit by
    the outbox worker with ``idempotency_key`` so retries never pay twice."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # transfer | refund
    idempotency_key: str = Field(max_length=96, unique=True)
    gig_id: int = Field(foreign_key="gig.id", index=True)
    claim_id: int | None = None
    user_id: int = Field(foreign_key="user.id", index=True)
    amount_minor: int
    currency: str = Field(max_length=3)
    # waiting_account: earnings held until the freelancer finishes payout onboarding
    status: str = Field(default="pending", max_length=16)  # pending|waiting_account|succeeded|failed
    provider_ref: str | None = Field(default=None, max_length=128)
    funding_ref: str | None = Field(default=None, max_length=128)  # the charge a refund returns
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None


class ProviderEvent(SQLModel, table=True):
    """Webhook events already applied: inserted in the same transaction as their effect."""

    event_id: str = Field(primary_key=True, max_length=128)
    provider: str = Field(max_length=16)
    type: str = Field(max_length=64)
    processed_at: datetime = Field(default_factory=utcnow)


class SandboxPayment(SQLModel, table=True):
    """The sandbox provider's own record of test-money operations, keyed like
    Stripe's idempotency keys so a retried request returns the first result."""

    idempotency_key: str = Field(primary_key=True, max_length=96)
    kind: str = Field(max_length=16)
    params_digest: str = Field(max_length=64)
    ref: str = Field(max_length=64, unique=True)
    amount_minor: int
    currency: str = Field(max_length=3)
    created_at: datetime = Field(default_factory=utcnow)
