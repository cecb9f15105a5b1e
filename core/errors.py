"""Typed domain errors. Each carries a stable ``code`` (the conversation layer
looks up a translated text by it) and the details a user needs to act."""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every refusal a user can understand. Nothing was written."""

    code = "domain_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    code = "invalid_input"

    def __init__(self, field: str, message: str, **details: Any) -> None:
        super().__init__(message, field=field, **details)
        self.field = field


class NotFound(DomainError):
    code = "not_found"


class NotAllowed(DomainError):
    """The actor may not do this (not the client, not the claimant, not a moderator...)."""

    code = "not_allowed"


class InvalidTransition(DomainError):
    """The thing is in a state where this move makes no sense (stale button, double tap)."""

    code = "invalid_state"


class NoSlotLeft(DomainError):
    code = "no_slot_left"


class AlreadyClaimed(DomainError):
    code = "already_claimed"


class ClaimLimitReached(DomainError):
    code = "claim_limit"


class Banned(DomainError):
    code = "banned"


class PaymentFailed(DomainError):
    code = "payment_failed"


class PayoutAccountMissing(DomainError):
    code = "payout_account_missing"
