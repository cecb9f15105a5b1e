"""How Stripe's errors reach the payment port. A refusal that retrying cannot
change (invalid request, card or idempotency error) becomes ``ProviderDeclined``;
everything else (network, 5xx, rate limits, auth misconfiguration) stays a plain
exception, which the outbox retries with backoff. A 409 "idempotency key in use"
means our own earlier attempt is still running at Stripe: wait briefly and ask
again with the same key, which then replays its result."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, TypeVar

import stripe

from core.api import PaymentFailed
from core.api import ProviderDeclined

T = TypeVar("T")
log = logging.getLogger(__name__)
PERMANENT = (stripe.CardError, stripe.InvalidRequestError, stripe.IdempotencyError)


def _in_use(exc: stripe.StripeError) -> bool:
    return exc.http_status == 409 or getattr(exc, "code", None) == "idempotency_key_in_use"


def stripe_message(exc: stripe.StripeError) -> str:
    return (exc.user_message or str(exc) or exc.__class__.__name__).strip()[:300]


async def call(fn: Callable[..., Awaitable[T]], *args: Any, conflicts: int = 4,
               **kwargs: Any) -> T:
    """Run a money-moving Stripe call: permanent refusals -> ``ProviderDeclined``."""
    for attempt in range(conflicts + 1):
        try:
            return await fn(*args, **kwargs)
        except PERMANENT as exc:
            raise ProviderDeclined("{message}", message=stripe_message(exc),
                                   code=getattr(exc, "code", None),
                                   stripe_error=exc.__class__.__name__) from exc
        except stripe.StripeError as exc:
            if _in_use(exc) and attempt < conflicts:
                await asyncio.sleep(0.25 * (attempt + 1))
                continue
            raise
    raise AssertionError("unreachable")


async def call_for_user(fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """A call made while a user waits in chat: transient trouble becomes a
    readable ``PaymentFailed`` instead of an internal error."""
    try:
        return await call(fn, *args, **kwargs)
    except ProviderDeclined:
        raise
    except stripe.AuthenticationError as exc:
        log.error("Stripe rejected the API key: %s", exc)
        raise PaymentFailed("Payments are not configured correctly right now. The team has "
                            "been told; please try again later.") from exc
    except stripe.StripeError as exc:
        log.warning("Stripe call failed: %r", exc)
        raise PaymentFailed("The payment service did not answer. Please try again in a "
                            "minute.") from exc
