"""Stripe payments: Checkout funding, Connect Express payouts, transfers and
refunds with deterministic idempotency keys (``provider``), the signed webhook
endpoint (``webhooks``), event handling shared with the reconciliation
(``sync``) and ``gigbroker reconcile`` (``reconcile``)."""
from adapters.stripe.provider import StripeProvider

__all__ = ["StripeProvider"]
