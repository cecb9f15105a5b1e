"""Freelancer payouts through Stripe Connect Express: create (or reuse) the
user's connected account and hand out a fresh Account Link. Links expire within
minutes, so one is made only when the user asks (/payout). Payouts count as
enabled only when Stripe says so (``payouts_enabled`` and an active
``transfers`` capability) - here, or later through ``account.updated``."""
from __future__ import annotations

from urllib.parse import urlencode


from adapters.stripe.client import account_ready, val
from adapters.stripe.errors import call_for_user
from core.api import OnboardingLink, ProviderDeclined

ONBOARDING_PATH = "/stripe/onboarding"
USER_METADATA_KEY = "gigbroker_user_id"


async def onboarding_link(provider, user_id: int, account_ref: str | None) -> OnboardingLink:
    client = provider.client
    account = None
    if account_ref:
        try:
            account = await call_for_user(client.v1.accounts.retrieve_async, account_ref)
        except ProviderDeclined as exc:
            if exc.details.get("code") != "resource_missing":
                raise
            account = None  # deleted at Stripe: start again with a new account
        if val(account, "deleted", False):
            account = None
    if account is None:
        # Deterministic key: a crash before the account id is stored gets the same account.
        created = await provider.records.user_joined_at(user_id)
        account = await call_for_user(
            client.v1.accounts.create_async,
            params={"type": "express", "metadata": {USER_METADATA_KEY: str(user_id)},
                    "capabilities": {"transfers": {"requested": True}}},
            options={"idempotency_key": f"account:user:{user_id}:{created}"})
    if account_ready(account):
        return OnboardingLink(account_ref=account.id, payouts_enabled=True)
    base = provider.public_base_url.rstrip("/")
    link = await call_for_user(client.v1.account_links.create_async, params={
        "account": account.id, "type": "account_onboarding",
        "refresh_url": f"{base}{ONBOARDING_PATH}?{urlencode({'result': 'expired'})}",
        "return_url": f"{base}{ONBOARDING_PATH}?{urlencode({'result': 'done'})}",
    })
    return OnboardingLink(account_ref=account.id, payouts_enabled=False, url=link.url)
