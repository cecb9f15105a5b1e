"""Matching v1: one scoring function ranks freelancers for a new gig (whom to
push it to) and gigs for a freelancer (the /gigs feed).

Score = 3 x skill overlap + 2 x reputation + reward vs minimum + available now +
spare capacity. Reputation is a Bayesian average rating (prior 4.0 weighted as 5
ratings) times on-time rate, discounted by disputes lost. Pushes additionally
respect the burnout guard: nobody at their live-claim cap, nobody outside their
working hours, nobody whose minimum the reward misses, nobody who opted out."""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import Session

from core.config import EngineConfig
from core.lifecycle.tx import Tx
from core.models import (
    Block, Community, CommunityMember, Gig, Profile, ProfileSkill, ReputationStats, User,
)

PRIOR_MEAN, PRIOR_WEIGHT = 4.0, 5
DEFAULTS = EngineConfig()


@dataclass(frozen=True)
class Candidate:
    user_id: int
    score: float


def reputation(rating_sum: int, rating_count: int, approved: int, on_time: int,
               disputes_lost: int) -> float:
    """0..1: Bayesian average of stars, times on-time rate, discounted by disputes lost."""
    stars = (PRIOR_MEAN * PRIOR_WEIGHT + rating_sum) / (PRIOR_WEIGHT + rating_count)
    on_time_rate = (on_time + 1) / (approved + 2)
    return ((stars - 1) / 4) * (0.5 + 0.5 * on_time_rate) / (1 + disputes_lost)


class _LocalHours:
    """Current local hour per time zone name, computed once per ranking."""

    def __init__(self, now: datetime) -> None:
        self.utc = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        self.cache: dict[str, int] = {}

    def hour(self, tz: str) -> int:
        h = self.cache.get(tz)
        if h is None:
            try:
                h = self.utc.astimezone(ZoneInfo(tz)).hour
            except Exception:  # noqa: BLE001 - a bad stored zone counts as UTC
                h = self.utc.hour
            self.cache[tz] = h
        return h


def in_hours(hour: int, start: int, end: int) -> bool:
    return start <= hour < end if start < end else (hour >= start or hour < end)


def _score(overlap: float, reward_ok: bool, available: bool, live: int, cap: int,
           rep: float) -> float:
    spare = max(0.0, 1 - live / cap) if cap else 0.0
    return 3 * overlap + 2 * rep + (1 if reward_ok else 0) + (1 if available else 0) + spare


def _reward_ok(gig: Gig, min_minor: int, min_cur: str) -> bool:
    return min_cur != gig.currency or gig.reward_minor >= min_minor


def _candidates(s: Session, gig: Gig, tags: list[str], for_push: bool):
    """Who may be offered ``gig``: one row per profile with its reputation stats and
    (with ``tags``) how many of them it has. A plain Core select: rows come back as
    tuples without the ORM's loading step, which matters at 100k profiles. For a
    push, opted-out profiles and minimums the reward misses are left out here."""
    p, r, u = Profile.__table__.c, ReputationStats.__table__.c, User.__table__.c
    cols = [p.user_id, p.min_reward_minor, p.min_reward_currency, p.timezone,
            p.work_start_hour, p.work_end_hour, p.max_live_claims,
            func.coalesce(r.rating_sum, 0), func.coalesce(r.rating_count, 0),
            func.coalesce(r.approved, 0), func.coalesce(r.on_time, 0),
            func.coalesce(r.disputes_lost, 0), func.coalesce(r.live_claims, 0)]
    source = Profile.__table__
    if tags:
        skill = ProfileSkill.__table__.c
        overlap = select(skill.user_id, func.count().label("n")).where(
            skill.tag.in_(tags)).group_by(skill.user_id).subquery()
        source = source.join(overlap, overlap.c.user_id == p.user_id)
        cols.append(overlap.c.n)
    else:
        cols.append(literal(0))
    source = (source.join(User.__table__, u.id == p.user_id)
              .outerjoin(ReputationStats.__table__, r.user_id == p.user_id))
    block = Block.__table__.c
    blocked = select(block.blocked_id).where(block.blocker_id == gig.client_id).union(
        select(block.blocker_id).where(block.blocked_id == gig.client_id))
    q = select(*cols).select_from(source).where(
        u.banned.is_(False), p.user_id != gig.client_id, p.user_id.not_in(blocked))
    if for_push:
        q = q.where(p.notify_new_gigs.is_(True), or_(p.min_reward_currency != gig.currency,
                                                     p.min_reward_minor <= gig.reward_minor))
    if gig.community_id is not None:
        community = s.get(Community, gig.community_id)
        member = CommunityMember.__table__.c
        members = select(member.user_id).where(member.community_id == gig.community_id)
        q = q.where(p.user_id.not_in(members.where(member.role == "banned")))
        if community is not None and community.visibility == "members":
            q = q.where(p.user_id.in_(members.where(member.role != "banned")))
    return s.execute(q).all()


def rank_freelancers(s: Session, gig: Gig, now: datetime, *, limit: int,
                     for_push: bool = True, config: EngineConfig = DEFAULTS) -> list[Candidate]:
    tags = [t for t in gig.skills.split(",") if t]
    local_hour = _LocalHours(now).hour
    n_tags = len(tags) or 1
    currency, reward = gig.currency, gig.reward_minor
    scored: list[tuple[float, int]] = []
    append = scored.append
    for (uid, min_minor, min_cur, tz, start, end, cap, r_sum, r_cnt, appr, on_time, lost, live,
         n) in _candidates(s, gig, tags, for_push):
        ok = min_cur != currency or reward >= min_minor
        avail = in_hours(local_hour(tz), start, end)
        cap = config.live_claim_cap(cap, appr)
        if for_push and (not ok or not avail or live >= cap):  # (opted out: not fetched)
            continue
        overlap = (n / n_tags) if tags else 0.5
        append((_score(overlap, ok, avail, live, cap,
                       reputation(r_sum, r_cnt, appr, on_time, lost)), uid))
    return [Candidate(uid, sc) for sc, uid in heapq.nlargest(limit, scored)]


def feed(s: Session, user_id: int, now: datetime, *, skill: str | None = None,
         offset: int = 0, limit: int = 5,
         config: EngineConfig = DEFAULTS) -> tuple[list[Gig], int]:
    """Open gigs this user may take, best first; returns (page, total)."""
    profile = s.get(Profile, user_id) or Profile(user_id=user_id)
    stats = s.get(ReputationStats, user_id) or ReputationStats(user_id=user_id)
    member_of = select(CommunityMember.community_id).where(
        CommunityMember.user_id == user_id, CommunityMember.role != "banned")
    banned_in = select(CommunityMember.community_id).where(
        CommunityMember.user_id == user_id, CommunityMember.role == "banned")
    members_only = select(Community.id).where(Community.visibility == "members")
    q = select(Gig).where(
        Gig.status == "open", Gig.slots - Gig.slots_live - Gig.slots_settled > 0,
        Gig.client_id != user_id,
        or_(Gig.community_id.is_(None),
            and_(Gig.community_id.not_in(banned_in),
                 or_(Gig.community_id.not_in(members_only), Gig.community_id.in_(member_of)))))
    blocked = select(Block.blocked_id).where(Block.blocker_id == user_id).union(
        select(Block.blocker_id).where(Block.blocked_id == user_id))
    q = q.where(Gig.client_id.not_in(blocked)).order_by(Gig.id.desc()).limit(500)
    mine = set(t for t in profile.skills.split(",") if t)
    hours = _LocalHours(now)
    avail = in_hours(hours.hour(profile.timezone), profile.work_start_hour, profile.work_end_hour)
    rep = reputation(stats.rating_sum, stats.rating_count, stats.approved, stats.on_time,
                     stats.disputes_lost)
    cap = config.live_claim_cap(profile.max_live_claims, stats.approved)
    ranked = []
    for gig in s.scalars(q):
        tags = [t for t in gig.skills.split(",") if t]
        if skill and skill not in tags:
            continue
        overlap = (len(mine.intersection(tags)) / len(tags)) if tags else 0.5
        ok = _reward_ok(gig, profile.min_reward_minor, profile.min_reward_currency)
        ranked.append((_score(overlap, ok, avail, stats.live_claims, cap, rep), gig.id, gig))
    ranked.sort(key=lambda r: (-r[0], -r[1]))
    return [g for _, _, g in ranked[offset:offset + limit]], len(ranked)


def _fan_out_tx(tx: Tx, gig_id: int) -> int:
    gig = tx.s.get(Gig, gig_id)
    if gig is None or gig.status != "open":
        return 0
    picked = rank_freelancers(tx.s, gig, tx.now, limit=tx.config.match_notify_limit,
                              config=tx.config)
    for cand in picked:
        tx.notify("gig.matched", cand.user_id, f"gig:{gig.id}", gig_id=gig.id,
                  score=round(cand.score, 3))
    return len(picked)


async def fan_out(engine, gig_id: int) -> int:
    """Queue 'a gig for you' notifications for the best-matching freelancers."""
    return await engine.tx(lambda t: _fan_out_tx(t, gig_id))
