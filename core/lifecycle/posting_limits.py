"""Limits on posting, so nobody can flood boards and freelancers with gigs: a
minimum reward per slot in each currency (below it, fees eat the pay and a
hundred 0.01 gigs are spam), a cap on a client's open gigs and on gigs posted in
a day, and lower caps (with a ceiling on one gig's value) for newcomers: accounts
younger than ``newcomer_days`` (first seen, or as the platform dates the account:
Discord's snowflake; whichever is older) with no completed work on either side
(fraud is the first worry of micro-job users). ``check_posting_limits`` runs in
``post_gig``, so every way of posting (one line, guided form, repost) is held to it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select

from core.domain.errors import Plural, PostingLimitReached, ValidationError
from core.domain.gig_input import GigDraft
from core.domain.money import CURRENCY_EXPONENTS, Amount
from core.domain.records import (
    Claim, ClaimStatus, Gig, GigStatus, Identity, ReputationStats, User,
)
from core.lifecycle.tx import Tx

# Per slot, in minor units: about the smallest charge card processors accept (Stripe's
# minimums); other currencies: half a major unit.
MIN_REWARD_MINOR = {"usd": 50, "eur": 50, "gbp": 30, "cad": 50, "aud": 50, "chf": 50,
                    "jpy": 50, "inr": 5000, "mxn": 1000, "brl": 50}
# A newcomer's gig may be worth this much in all (reward x slots), in minor units:
# about 250 USD; other currencies: 250 major units (x100 where there are no cents).
NEWCOMER_MAX_GIG_MINOR = {"usd": 25000, "eur": 25000, "gbp": 20000, "cad": 35000,
                          "aud": 40000, "chf": 25000, "jpy": 40000, "krw": 350000,
                          "inr": 2000000, "mxn": 500000, "brl": 150000}
OPEN_STATES = (GigStatus.draft, GigStatus.awaiting_funding, GigStatus.open)
DONE_CLAIMS = (ClaimStatus.approved, ClaimStatus.auto_approved)


def minimum_reward(currency: str) -> int:
    cur = currency.lower()
    return MIN_REWARD_MINOR.get(cur, max(1, 10 ** CURRENCY_EXPONENTS[cur] // 2))


def newcomer_ceiling(currency: str) -> int:
    cur = currency.lower()
    exp = CURRENCY_EXPONENTS[cur]
    return NEWCOMER_MAX_GIG_MINOR.get(cur, 250 * 10 ** exp * (100 if exp == 0 else 1))


def check_posting_limits(tx: Tx, client: User, draft: GigDraft) -> None:
    """Raise ValidationError (reward) or PostingLimitReached; write nothing."""
    cfg = tx.config
    floor = minimum_reward(draft.currency)
    if draft.reward_minor < floor:
        raise ValidationError("reward", "The reward must be at least {minimum} per slot: below "
                              "that, fees eat the pay.",
                              minimum=Amount(floor, draft.currency))
    newcomer = is_newcomer(tx, client)
    if newcomer:
        ceiling = newcomer_ceiling(draft.currency)
        if draft.reward_minor * draft.slots > ceiling:
            raise PostingLimitReached(
                "New accounts can post gigs worth up to {maximum} in all (reward x slots) "
                "until their first gig is completed. Lower the reward or the slots.",
                maximum=Amount(ceiling, draft.currency))
    open_cap = cfg.newcomer_max_open_gigs if newcomer else cfg.max_open_gigs
    open_now = tx.s.scalar(select(func.count()).select_from(Gig).where(
        Gig.client_id == client.id, Gig.status.in_(OPEN_STATES)))
    if open_now >= open_cap:
        raise PostingLimitReached(Plural(
            "You have {n} gig open or waiting for payment, the most you can have at once. "
            "Cancel or finish it (see /mygigs) before you post another.",
            "You have {n} gigs open or waiting for payment, the most you can have at once. "
            "Cancel or finish one (see /mygigs) before you post another."), n=open_now)
    day_ago = tx.now - timedelta(days=1)
    today = tx.s.scalar(select(func.count()).select_from(Gig).where(
        Gig.client_id == client.id, Gig.created_at > day_ago))
    if today >= cfg.max_gigs_per_day:
        raise PostingLimitReached(Plural(
            "You have posted {n} gig in the last 24 hours, the most for one day. Try again "
            "tomorrow.",
            "You have posted {n} gigs in the last 24 hours, the most for one day. Try again "
            "tomorrow."), n=today)


def is_newcomer(tx: Tx, user: User) -> bool:
    """A young account (the older of first seen and what a platform says of its account,
    e.g. Discord's snowflake date) with nothing completed yet, as client or freelancer."""
    made = tx.s.scalar(select(func.min(Identity.account_created_at)).where(
        Identity.user_id == user.id))
    oldest = min(user.created_at, made) if made is not None else user.created_at
    if tx.now - oldest >= timedelta(days=tx.config.newcomer_days):
        return False
    approved = tx.s.scalar(select(ReputationStats.approved).where(
        ReputationStats.user_id == user.id)) or 0
    if approved:
        return False
    completed_as_client = tx.s.scalar(select(Claim.id).join(Gig, Gig.id == Claim.gig_id).where(
        Gig.client_id == user.id, or_(*(Claim.status == s for s in DONE_CLAIMS))).limit(1))
    return completed_as_client is None

