"""The Stripe webhook endpoint on the project's HTTP server (``POST
/stripe/webhook``) and the two pages Stripe sends people back to.

The signature is checked on the raw body before anything else: a missing,
forged or stale (> 5 min) signature, one timestamped more than 5 min in the
future, a body altered after signing, or a signed body that is not an event
(no id, type or ``data.object``), gets 400 and changes nothing. A verified event is processed exactly once: its id is
stored in the same transaction as its effect (``StripeSync.apply_changes``),
so deliveries repeated by Stripe, concurrent or out of order apply once, and
the effect is computed from objects fetched from the API, not from the possibly
stale snapshot in the payload. A failure answers 500 so Stripe retries."""
from __future__ import annotations

import html
import logging
import time

import stripe
from aiohttp import web

from adapters.stripe.checkout import RETURN_PATH
from adapters.stripe.client import API_VERSION, make_client, val
from adapters.stripe.connect import ONBOARDING_PATH
from adapters.stripe.sync import StripeSync

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/stripe/webhook"
TOLERANCE_SECONDS = 300


def signed_in_the_future(header: str, now: float | None = None) -> int:
    """How many seconds past the tolerance the signature's ``t=`` lies in the future
    (0 when it does not). The SDK only refuses timestamps older than the tolerance;
    a delivery signed ahead of time (a captured signature replayed later, or a
    sender whose clock is far off) is refused too, with the same tolerance."""
    stamps = [part[2:] for part in header.split(",") if part.startswith("t=")]
    try:
        signed = int(stamps[0])
    except (IndexError, ValueError):
        return 0  # construct_event has refused such a header already
    ahead = signed - int(time.time() if now is None else now)
    return ahead if ahead > TOLERANCE_SECONDS else 0


def not_an_event(event) -> str | None:
    """Why a verified body is not a Stripe event we can process (None: it is one):
    an id, a type and ``data.object`` with an id, as every Stripe event has."""
    if not isinstance(val(event, "id"), str) or not val(event, "id"):
        return "no id"
    if not isinstance(val(event, "type"), str) or not val(event, "type"):
        return "no type"
    data = val(event, "data")
    obj = val(data, "object") if isinstance(data, stripe.StripeObject) else None
    if not isinstance(obj, stripe.StripeObject):
        return "no data.object"
    if not isinstance(val(obj, "id"), str):
        return "data.object has no id"
    return None


class StripeWebhook:
    def __init__(self, engine, client: stripe.StripeClient, secret: str | None) -> None:
        self.engine = engine
        self.client = client
        self.secret = secret
        self.sync = StripeSync(engine, client)

    async def handle(self, request: web.Request) -> web.Response:
        payload = await request.read()
        if not self.secret:
            log.error("a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set; refusing it")
            return web.json_response({"error": "webhook secret not configured"}, status=500)
        try:
            event = self.client.construct_event(payload, request.headers.get("Stripe-Signature"),
                                                self.secret, tolerance=TOLERANCE_SECONDS)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            log.warning("refused a Stripe webhook: %s", str(exc)[:200])
            return web.json_response({"error": "invalid signature or payload"}, status=400)
        future = signed_in_the_future(request.headers.get("Stripe-Signature", ""))
        if future:
            log.warning("refused a Stripe webhook signed %ss in the future", future)
            return web.json_response({"error": "signature timestamp in the future"}, status=400)
        problem = not_an_event(event)
        if problem:
            log.warning("refused a signed Stripe webhook that is not an event: %s", problem)
            return web.json_response({"error": f"not an event: {problem}"}, status=400)
        try:
            result = await self.process(event)
        except Exception:  # noqa: BLE001 - Stripe retries; the details go to the log
            log.exception("processing Stripe event %s (%s) failed", event.id, event.type)
            return web.json_response({"error": "processing failed, retry later"}, status=500)
        return web.json_response({"received": True, "result": result})

    async def process(self, event) -> list[str]:
        if getattr(event, "api_version", API_VERSION) != API_VERSION:
            log.info("event %s has API version %s (pinned %s); objects are re-fetched",
                     event.id, event.api_version, API_VERSION)
        if await self.engine.provider_event_seen(event.id):
            return ["duplicate delivery: already processed"]
        try:
            changes = await self.sync.for_event(event)
        except stripe.InvalidRequestError as exc:
            if getattr(exc, "code", None) != "resource_missing":
                raise
            # Not visible with our key (deleted, or another account/mode): nothing to do,
            # and retrying would not change that.
            log.warning("stripe event %s (%s): object not found: %s", event.id, event.type, exc)
            changes = []
        if changes is None:
            return [f"{event.type}: not used"]
        outcome = [f"{c.what}: {result}" if c else result
                   for c, result in await self.sync.apply_changes(changes, event=event)]
        log.info("stripe event %s %s: %s", event.id, event.type, "; ".join(outcome) or "no change")
        return outcome


def _page(title: str, body: str) -> web.Response:
    doc = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
           "</title><meta name='viewport' content='width=device-width'></head><body style="
           "'font-family:sans-serif;max-width:32em;margin:3em auto'>"
           f"<h1>{html.escape(title)}</h1><p>{html.escape(body)}</p></body></html>")
    return web.Response(text=doc, content_type="text/html")


async def checkout_return(request: web.Request) -> web.Response:
    """Where Checkout sends the payer back. It never opens the gig: only the
    verified webhook does."""
    gig = request.query.get("gig", "")
    gig = f" #{gig}" if gig.isdigit() else ""
    if request.query.get("result") == "paid":
        return _page("Thanks!", f"Stripe is confirming your payment for gig{gig}. The gig "
                     "opens as soon as it is confirmed; you will get a message in the chat. "
                     "You can close this page.")
    return _page("Payment not completed", f"Nothing was charged for gig{gig}. Press Pay in the "
                 "chat whenever you are ready.")


async def onboarding_return(request: web.Request) -> web.Response:
    if request.query.get("result") == "done":
        return _page("Payout setup sent", "Thanks! Stripe is checking your details. You will "
                     "get a message in the chat when payouts are on; earnings waiting for you "
                     "are sent then.")
    return _page("This link has expired", "Setup links work for a few minutes only. Send "
                 "/payout in the chat to get a fresh one.")


def mount_stripe_webhook(app, settings, http) -> StripeWebhook:
    """Add the webhook and the return pages to ``http`` (bot.runtime.http.HttpServer)."""
    client = getattr(app.provider, "client", None)
    if not isinstance(client, stripe.StripeClient):
        client = make_client(settings)
    hook = StripeWebhook(app.engine, client, settings.stripe_webhook_secret)
    http.add_route("POST", WEBHOOK_PATH, hook.handle)
    http.add_route("GET", RETURN_PATH, checkout_return)
    http.add_route("GET", ONBOARDING_PATH, onboarding_return)
    if not settings.stripe_webhook_secret:
        log.error("STRIPE_WEBHOOK_SECRET is not set: Stripe webhooks will be refused and gigs "
                  "paid by Checkout will not open until it is set")
    return hook
