"""The Stripe client the adapter uses everywhere: stripe 16's ``StripeClient`` on
httpx (async methods), the API version pinned, the base URL from
``STRIPE_API_BASE_URL`` (tests and proxies), plus the small naming conventions
shared by every Stripe object the app creates."""
from __future__ import annotations

from typing import Any

import stripe

# Pinned: object shapes are read with this version whatever the account's default.
API_VERSION = "2026-10-28.endive"
# One in-call retry (same idempotency key) for a network blip; the outbox retries the rest.
NETWORK_RETRIES = 1
OP_METADATA_KEY = "gigbroker_op"  # on transfers and refunds the app makes itself


def make_client(settings, http_client: stripe.HTTPXClient | None = None) -> stripe.StripeClient:
    if not settings.stripe_secret_key:
        raise ValueError("STRIPE_SECRET_KEY is not set")
    base = settings.stripe_api_base_url.rstrip("/")
    return stripe.StripeClient(
        settings.stripe_secret_key, stripe_version=API_VERSION,
        base_addresses={"api": base, "connect": base},
        http_client=http_client or stripe.HTTPXClient(), max_network_retries=NETWORK_RETRIES)


def is_test_key(key: str | None) -> bool:
    return bool(key) and key.startswith(("sk_test_", "rk_test_"))


def transfer_group(gig_id: int) -> str:
    return f"gig_{gig_id}"


def gig_id_from_group(group: str | None) -> int | None:
    if group and group.startswith("gig_") and group[4:].isdigit():
        return int(group[4:])
    return None


def val(obj: Any, key: str, default: Any = None) -> Any:
    """``obj[key]`` for a StripeObject (no ``.get`` since stripe 15), or ``default``."""
    if obj is None:
        return default
    try:
        value = obj[key]
    except (KeyError, TypeError, AttributeError):
        return default
    return default if value is None else value


def obj_id(value: Any) -> str | None:
    """An id from a field that is either an id string or an expanded object."""
    if value is None or isinstance(value, str):
        return value
    return val(value, "id")


def account_ready(account: Any) -> bool:
    """Can this connected account receive transfers and pay them out?"""
    if not val(account, "payouts_enabled", False):
        return False
    caps = val(account, "capabilities")
    status = val(caps, "transfers") if caps is not None else None
    return status in (None, "active")
