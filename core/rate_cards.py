"""Rate cards: what completed gigs with the same skills paid, as the median and
the 25-75 % range of the reward per slot and of the reward per estimated hour,
per currency. Shown to anyone (``/rates SKILL``) and in a new gig's preview,
with a warning when its reward is below the 25th percentile (three in four
similar gigs paid more).

Where from: completed gigs that paid at least one freelancer, closed within the
last year, carrying every skill asked for; on a community's board its own gigs
first, falling back to all public gigs (gigs outside any community and those
of public boards; a members-only board's gigs never leave it).

Privacy: a card needs at least ``MIN_GIGS`` gigs from at least ``MIN_CLIENTS``
different clients, and no client counts for more than ``MAX_PER_CLIENT`` of
their most recent gigs, so no figure is one person's price. The percentiles
are rounded to whole units of the currency (amounts under one unit keep their
minor units)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import quantiles

from sqlalchemy import exists, literal, or_, select
from sqlalchemy.orm import Session

from core.domain.money import CURRENCY_EXPONENTS
from core.domain.records import Claim, ClaimStatus, Community, Gig, GigStatus

MIN_GIGS = 5
MIN_CLIENTS = 3
MAX_PER_CLIENT = 3
LOOKBACK = timedelta(days=365)
SAMPLE = 2000  # most recent matching gigs read per card
PAID = (ClaimStatus.approved, ClaimStatus.auto_approved, ClaimStatus.resolved)


@dataclass(frozen=True)
class Spread:
    """25th percentile, median, 75th percentile, in minor units."""
    low: int
    median: int
    high: int


@dataclass(frozen=True)
class RateCard:
    skills: tuple[str, ...]
    currency: str
    scope: str  # community | public
    community_id: int | None
    gigs: int
    clients: int
    reward: Spread
    hourly: Spread | None  # reward per estimated hour, when enough gigs had an estimate

    def reward_is_low(self, reward_minor: int) -> bool:
        return reward_minor < self.reward.low

    def hourly_is_low(self, reward_minor: int, estimated_minutes: int | None) -> bool:
        if self.hourly is None or not estimated_minutes:
            return False
        return reward_minor * 60 < self.hourly.low * estimated_minutes


def _rounded(value: float, currency: str) -> int:
    unit = 10 ** CURRENCY_EXPONENTS.get(currency, 2)
    return round(value / unit) * unit if value >= unit else round(value)


def _spread(values: list[float], currency: str) -> Spread:
    if len(values) == 1:
        q = [values[0]] * 3
    else:
        q = quantiles(sorted(values), n=4, method="inclusive")
    low, median, high = (_rounded(v, currency) for v in q)
    return Spread(low, median, high)


def _rows(s: Session, skills: tuple[str, ...], now: datetime, community_id: int | None,
          currency: str | None):
    paid = exists().where(Claim.gig_id == Gig.id, Claim.status.in_(PAID))
    q = (select(Gig.client_id, Gig.currency, Gig.reward_minor, Gig.estimated_minutes)
         .where(Gig.status == GigStatus.completed, Gig.closed_at >= now - LOOKBACK, paid))
    tagged = literal(",") + Gig.skills + literal(",")
    for skill in skills:
        q = q.where(tagged.contains(f",{skill},", autoescape=True))
    if currency:
        q = q.where(Gig.currency == currency)
    if community_id is not None:
        q = q.where(Gig.community_id == community_id)
    else:
        public = select(Community.id).where(Community.visibility == "public")
        q = q.where(or_(Gig.community_id.is_(None), Gig.community_id.in_(public)))
    return s.execute(q.order_by(Gig.closed_at.desc(), Gig.id.desc()).limit(SAMPLE)).all()


def _cards(rows, skills: tuple[str, ...], scope: str,
           community_id: int | None) -> dict[str, RateCard]:
    taken: dict[tuple[str, int], int] = defaultdict(int)
    by_currency: dict[str, list] = defaultdict(list)
    for row in rows:  # newest first: a client's most recent gigs count
        if taken[(row.currency, row.client_id)] < MAX_PER_CLIENT:
            taken[(row.currency, row.client_id)] += 1
            by_currency[row.currency].append(row)
    cards = {}
    for cur, sample in by_currency.items():
        clients = {r.client_id for r in sample}
        if len(sample) < MIN_GIGS or len(clients) < MIN_CLIENTS:
            continue
        timed = [r for r in sample if r.estimated_minutes]
        hourly = None
        if len(timed) >= MIN_GIGS and len({r.client_id for r in timed}) >= MIN_CLIENTS:
            hourly = _spread([r.reward_minor * 60 / r.estimated_minutes for r in timed], cur)
        cards[cur] = RateCard(skills=skills, currency=cur, scope=scope,
                              community_id=community_id, gigs=len(sample),
                              clients=len(clients),
                              reward=_spread([float(r.reward_minor) for r in sample], cur),
                              hourly=hourly)
    return cards


def rate_cards(s: Session, skills: list[str], now: datetime, *, community_id: int | None = None,
               currency: str | None = None) -> list[RateCard]:
    """One card per currency with enough data: the community's own where it has
    enough, otherwise all public gigs'. Most gigs first."""
    tags = tuple(dict.fromkeys(skills))
    if not tags:
        return []
    found: dict[str, RateCard] = {}
    if community_id is not None:
        found = _cards(_rows(s, tags, now, community_id, currency), tags, "community",
                       community_id)
    public = _cards(_rows(s, tags, now, None, currency), tags, "public", None)
    for cur, card in public.items():
        found.setdefault(cur, card)
    return sorted(found.values(), key=lambda c: (-c.gigs, c.currency))


def price_guidance(s: Session, skills: list[str], currency: str, now: datetime, *,
                   community_id: int | None = None) -> RateCard | None:
    """The card a new gig in ``currency`` with these skills is compared with."""
    cards = rate_cards(s, skills, now, community_id=community_id, currency=currency)
    return cards[0] if cards else None
