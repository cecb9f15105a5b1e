"""The payment port (what a provider must do) and the data that crosses it.
Providers: adapters/sandbox (default, test money) and adapters/stripe."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from core.domain.errors import DomainError


@dataclass(frozen=True)
class FundingOrder:
    gig_id: int
    client_id: int
    amount_minor: int
    currency: str
    title: str
    idempotency_key: str


@dataclass(frozen=True)
class PaymentLink:
    """How the client pays: a URL (Checkout) or, for the sandbox, paid at once."""

    provider_ref: str
    url: str | None = None
    paid_now: bool = False
    funding_ref: str | None = None  # charge / payment id when paid_now


@dataclass(frozen=True)
class TransferOrder:
    idempotency_key: str
    amount_minor: int
    currency: str
    destination: str
    gig_id: int
    claim_id: int | None
    funding_ref: str | None
    op_key: str | None = None  # our PaymentOp's key (idempotency_key may add a retry suffix)


@dataclass(frozen=True)
class RefundOrder:
    idempotency_key: str
    amount_minor: int
    currency: str
    funding_ref: str | None
    gig_id: int
    op_key: str | None = None


@dataclass(frozen=True)
class ProviderResult:
    ref: str


@dataclass(frozen=True)
class OnboardingLink:
    account_ref: str
    payouts_enabled: bool
    url: str | None = None


class ProviderDeclined(DomainError):
    """Permanent refusal by the provider (retrying will not help)."""

    code = "payment_declined"


@runtime_checkable
class PaymentProvider(Protocol):
    name: str
    test_mode: bool

    async def create_payment_request(self, order: FundingOrder) -> PaymentLink: ...

    async def transfer(self, order: TransferOrder) -> ProviderResult: ...

    async def refund(self, order: RefundOrder) -> ProviderResult: ...

    async def payout_onboarding(self, user_id: int, account_ref: str | None) -> OnboardingLink: ...

    async def payments_taken(self, orders: list[FundingOrder]) -> list[PaymentLink | None]:
        """For each order, the paid ``PaymentLink`` that ``create_payment_request``
        answered (or would answer) if the provider already took that payment under
        the order's idempotency key, else None. The app asks this for gigs it holds
        as unpaid, to find money taken by a call whose answer was lost (a crash
        between the charge and its recording). No money moves."""
        ...
