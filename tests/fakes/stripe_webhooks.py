"""Webhook plumbing for the fake Stripe API (see ``stripe_api.py``).

Stripe signs every webhook delivery with the endpoint's secret::

    Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, f"{t}.{raw body}")>

and ``stripe.Webhook.construct_event(raw_body, header, secret)`` recomputes that
HMAC and rejects timestamps older than its tolerance (300 s by default).  This
module holds the pieces the fake needs to reproduce that exactly:

* :func:`encode_event` – the raw JSON body Stripe would POST for an event;
* :func:`stripe_signature` – the ``Stripe-Signature`` header value for a body;
* :class:`WebhookEndpoint` – a configured destination (url, secret, event filter);
* :class:`WebhookMessage` – one signed delivery (``payload`` bytes + ``headers``),
  which unpacks as ``payload, headers = message`` so a test can hand it to an
  in-process endpoint without any HTTP;
* :class:`WebhookDelivery` – the record of one HTTP delivery attempt made by the fake.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any, Iterator

WEBHOOK_USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
FORGED_SECRET = "whsec_this_is_not_the_endpoint_secret"


def encode_event(event: dict[str, Any]) -> bytes:
    """Serialise an event the way Stripe does (pretty-printed JSON, UTF-8)."""
    return json.dumps(event, indent=2, ensure_ascii=False).encode("utf-8")


def compute_signature(payload: bytes, secret: str, timestamp: int) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}.{payload}"`` keyed with ``secret``."""
    signed = str(int(timestamp)).encode("ascii") + b"." + payload
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def stripe_signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header value for ``payload`` signed with ``secret``."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},v1={compute_signature(payload, secret, t)}"


def webhook_headers(signature: str) -> dict[str, str]:
    """HTTP headers of a Stripe webhook POST carrying ``signature``."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": signature,
        "User-Agent": WEBHOOK_USER_AGENT,
        "Accept": "*/*; q=0.5, application/xml",
        "Cache-Control": "no-cache",
    }


@dataclass
class WebhookEndpoint:
    """A webhook destination.

    ``events`` is ``None`` (everything) or a list of event types, where ``"*"`` and
    prefixes such as ``"charge.*"`` are accepted like Stripe's ``enabled_events``.
    ``connect`` is ``None`` (receive both platform and Connect events), ``False``
    (only events of the platform account) or ``True`` (only events that carry an
    ``account`` field, i.e. Connect events such as ``account.updated``).
    ``url`` may be ``None``: events for such an endpoint are only queued, for the
    test to take with ``FakeStripe.take_webhooks()``.
    """

    id: str
    url: str | None
    secret: str
    events: list[str] | None = None
    connect: bool | None = None
    queue: asyncio.Queue | None = field(default=None, repr=False)
    worker: asyncio.Task | None = field(default=None, repr=False)

    def wants(self, event: dict[str, Any]) -> bool:
        if self.connect is True and not event.get("account"):
            return False
        if self.connect is False and event.get("account"):
            return False
        if self.events is None:
            return True
        etype = event["type"]
        for pattern in self.events:
            if pattern == "*" or pattern == etype:
                return True
            if pattern.endswith(".*") and etype.startswith(pattern[:-1]):
                return True
        return False


@dataclass
class WebhookMessage:
    """One signed webhook delivery, ready to POST or to hand to a handler.

    ``payload`` is the exact raw body (bytes) and ``headers`` carries the
    ``Stripe-Signature``; ``payload, headers = message`` works too.
    """

    event_id: str
    type: str
    payload: bytes
    headers: dict[str, str]
    url: str | None = None
    endpoint_id: str | None = None
    forged: bool = False

    def __iter__(self) -> Iterator[Any]:
        yield self.payload
        yield self.headers

    @property
    def signature(self) -> str:
        return self.headers["Stripe-Signature"]

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.payload)


@dataclass
class WebhookDelivery:
    """Record of one HTTP POST of an event made by the fake."""

    event_id: str
    type: str
    endpoint_id: str | None
    url: str
    status: int | None
    error: str | None = None
    forged: bool = False
    at: float = field(default_factory=time.time)
    response_body: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300
