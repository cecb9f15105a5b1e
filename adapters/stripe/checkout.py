"""Funding a gig through a Stripe Checkout Session (``mode=payment``): line
items for the rewards and the platform fee, ``metadata.gig_id``, the charge put
in ``transfer_group`` ``gig_<id>`` so the freelancers' transfers can name it as
their ``source_transaction``, and success/cancel pages on ``PUBLIC_BASE_URL``.

The session's URL becomes the Pay button; the gig opens only when the verified
``checkout.session.completed`` webhook (or the reconciliation, which asks the
API) says it is paid, never because the payer came back to the success page.

Pressing Pay again reuses a session that is still open; after one expired a new
one is made with the next deterministic idempotency key, so a crash between
Stripe creating a session and the app recording it gets the same session back."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode


from adapters.stripe.client import obj_id, transfer_group, val
from adapters.stripe.errors import call_for_user
from core.api import FundingOrder, Gig, PaymentLink, PaymentRequest, ProviderDeclined

RETURN_PATH = "/stripe/return"


@dataclass(frozen=True)
class _Funding:
    gig: Gig
    requests: list[PaymentRequest]


def line_items(gig: Gig, total: int) -> list[dict]:
    """Rewards x slots, then the fee x slots; one line if that would not add up."""
    cur = gig.currency
    items = [{"quantity": gig.slots, "price_data": {
        "currency": cur, "unit_amount": gig.reward_minor,
        "product_data": {"name": f"Gig #{gig.id}: {gig.title}"[:250],
                         "description": "Reward per slot, held in escrow until you approve "
                                        "the work; unclaimed slots are refunded."}}}]
    if gig.fee_per_slot:
        items.append({"quantity": gig.slots, "price_data": {
            "currency": cur, "unit_amount": gig.fee_per_slot,
            "product_data": {"name": "Platform fee",
                             "description": "Per slot, refunded with the slot if unused."}}})
    if gig.price.total != total:
        items = [{"quantity": 1, "price_data": {"currency": cur, "unit_amount": total,
                                               "product_data": {"name": f"Gig #{gig.id}"}}}]
    return items


def session_params(gig: Gig, order: FundingOrder, public_base_url: str) -> dict:
    base = public_base_url.rstrip("/")

    def back(result: str) -> str:
        return f"{base}{RETURN_PATH}?{urlencode({'gig': gig.id, 'result': result})}"

    meta = {"gig_id": str(gig.id), "client_id": str(order.client_id)}
    return {
        "mode": "payment",
        "line_items": line_items(gig, order.amount_minor),
        "metadata": meta,
        "client_reference_id": transfer_group(gig.id),
        "success_url": back("paid"),
        "cancel_url": back("cancelled"),
        "payment_intent_data": {"transfer_group": transfer_group(gig.id), "metadata": meta,
                                "description": f"gigbroker gig #{gig.id}"},
    }


# Currencies whose minor unit differs between ISO 4217 (the ledger) and Stripe's API.
UNSUPPORTED_CURRENCIES = {"isk"}


async def payment_link(provider, order: FundingOrder) -> PaymentLink:
    client = provider.client
    if order.currency.lower() in UNSUPPORTED_CURRENCIES:
        raise ProviderDeclined("Payments in {currency} are not available with "
                               "our payment provider yet. Please post the gig in another currency.",
                               currency=order.currency.upper())
    funding = _Funding(*await provider.records.payment_requests_of(order.gig_id, "stripe"))
    gig = funding.gig
    for req in reversed(funding.requests):
        if req.status != "open":
            continue
        session = await call_for_user(client.v1.checkout.sessions.retrieve_async, req.provider_ref,
                                      params={"expand": ["payment_intent"]})
        if val(session, "amount_total") != order.amount_minor:
            continue
        if session.status == "open":
            return PaymentLink(provider_ref=session.id, url=session.url)
        if session.status == "complete" and session.payment_status in ("paid",
                                                                      "no_payment_required"):
            # Paid, and the webhook has not been processed yet: the API says so
            # (server to server), which is as good as the signed event.
            return PaymentLink(provider_ref=session.id, paid_now=True,
                               funding_ref=funding_ref(session))
    key = f"checkout:gig:{gig.id}:{int(gig.created_at.timestamp())}:{len(funding.requests)}"
    session = await call_for_user(client.v1.checkout.sessions.create_async,
                                  params=session_params(gig, order, provider.public_base_url),
                                  options={"idempotency_key": key})
    return PaymentLink(provider_ref=session.id, url=session.url)


def funding_ref(session) -> str | None:
    """The charge a paid session produced (``source_transaction`` of the transfers),
    or its PaymentIntent id if the charge is not known. Expects ``payment_intent``
    expanded."""
    pi = val(session, "payment_intent")
    if pi is None or isinstance(pi, str):
        return pi
    return obj_id(val(pi, "latest_charge")) or pi.id
