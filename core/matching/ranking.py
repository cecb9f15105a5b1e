"""Matching v1: one scoring function ranks freelancers for a new gig (whom to
push it to) and gigs for a freelancer (the /gigs feed).

Score = 3 x skill overlap + 2 x reputation + reward vs minimum + available now +
spare capacity. Reputation is a Bayesian average rating (prior 4.0 weighted as 5
ratings) times on-time rate, discounted by disputes lost. Pushes additionally
respect the burnout guard: nobody at their live-claim cap, nobody outside their
working hours, nobody whose minimum the reward misses, nobody who opted out; and
they reach only freelancers whose skills the gig names or who asked for every new
gig (``notify=all``): a gig naming no skill is not pushed to everyone else.

Ranking freelancers scores the whole pool at once from the process's match index
(``core.matching.index``, NumPy columns kept current from a change log); the feed
scores at most 500 open gigs for one freelancer with the same formula."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from core.domain.config import EngineConfig
from core.events import GigMatched
from core.matching.push_budget import take_pushes
from core.lifecycle.tx import Tx
from core.matching.index import index_for
from core.domain.records import (
    Block, Community, CommunityBadge, CommunityMember, Gig, MemberBadge, Profile, ReputationStats,
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


def in_hours(hour, start, end):
    """Is ``hour`` inside [start, end) (wrapping midnight when start > end)? Works on
    plain ints and, element-wise, on NumPy arrays."""
    return np.where(start < end, (start <= hour) & (hour < end), (hour >= start) | (hour < end))


def _score(overlap, reward_ok, available, live, cap, rep):
    """The one scoring formula, for plain numbers (the feed) or NumPy arrays (ranking)."""
    spare = np.where(cap > 0, np.maximum(0.0, 1 - live / np.maximum(cap, 1)), 0.0)
    return 3 * overlap + 2 * rep + reward_ok + available + spare


def _reward_ok(gig: Gig, min_minor: int, min_cur: str) -> bool:
    return min_cur != gig.currency or gig.reward_minor >= min_minor


def _excluded_and_members(s: Session, gig: Gig) -> tuple[set[int], set[int] | None]:
    """Per-gig facts the index does not hold: who is out (the client, anyone the
    client blocked or who blocked the client, anyone banned from the gig's
    community) and, for a members-only community, who is in."""
    block = Block.__table__.c
    out = {gig.client_id}
    out.update(s.scalars(select(block.blocked_id).where(block.blocker_id == gig.client_id)
                         .union(select(block.blocker_id).where(block.blocked_id == gig.client_id))))
    members = None
    if gig.community_id is not None:
        member = CommunityMember.__table__.c
        roles = s.execute(select(member.user_id, member.role)
                          .where(member.community_id == gig.community_id)).all()
        out.update(uid for uid, role in roles if role == "banned")
        community = s.get(Community, gig.community_id)
        if community is not None and community.visibility == "members":
            members = {uid for uid, role in roles if role != "banned"}
        if gig.requires_badge:  # only holders may take it
            holders = _badge_holders(s, gig.community_id, gig.requires_badge)
            members = holders if members is None else members & holders
        if gig.qualifies_skill:  # holders need not qualify again
            out.update(_badge_holders(s, gig.community_id, gig.qualifies_skill))
    return out, members


def _badge_holders(s: Session, community_id: int, skill: str) -> set[int]:
    return set(s.scalars(select(MemberBadge.user_id).join(
        CommunityBadge, CommunityBadge.id == MemberBadge.badge_id).where(
        CommunityBadge.community_id == community_id, CommunityBadge.skill == skill,
        MemberBadge.revoked_at.is_(None))))


def _holds_badge_of(user_id: int, skill_column):
    """SQL: the user holds the gig's community's badge named by ``skill_column``."""
    return exists().where(MemberBadge.badge_id == CommunityBadge.id,
                          MemberBadge.user_id == user_id, MemberBadge.revoked_at.is_(None),
                          CommunityBadge.community_id == Gig.community_id,
                          CommunityBadge.skill == skill_column)


def rank_freelancers(s: Session, gig: Gig, now: datetime, *, limit: int,
                     for_push: bool = True, config: EngineConfig = DEFAULTS) -> list[Candidate]:
    """The best ``limit`` freelancers for ``gig``, best first (ties: newer user
    first). With ``for_push`` only those the burnout guard lets us disturb now."""
    if limit <= 0:
        return []  # pushes turned off (match_notify_limit = 0)
    tags = [t for t in gig.skills.split(",") if t]
    out, members = _excluded_and_members(s, gig)
    index = index_for(s.get_bind())
    index.refresh(s.connection())
    with index.lock:
        col = index.col
        keep = col("listed").copy()
        keep[index.rows_of(out)] = False
        if members is not None:
            inside = np.zeros(index.size, np.bool_)
            inside[index.rows_of(members)] = True
            keep &= inside
        # A push goes to those whose skills match, and to those who asked for every
        # gig; a gig naming no skill matches nobody's skills, so only the latter.
        if tags:
            counts = index.tag_counts(tags)
            keep &= ((counts > 0) | col("notify_all")) if for_push else (counts > 0)
            overlap = counts / len(tags)
        else:
            if for_push:
                keep &= col("notify_all")
            overlap = 0.5
        reward_ok = (col("min_currency") != index.currency_code(gig.currency)) | \
            (col("min_reward") <= gig.reward_minor)
        available = in_hours(index.local_hours(_LocalHours(now).hour), col("start"), col("end"))
        cap = config.live_claim_caps(col("cap"), col("approved"))
        live = col("live")
        if for_push:
            keep &= col("notify") & reward_ok & available & (live < cap)
        rep = reputation(col("rating_sum"), col("rating_count"), col("approved"),
                         col("on_time"), col("disputes_lost"))
        score = _score(overlap, reward_ok, available, live, cap, rep)
        rows = np.flatnonzero(keep)
        if len(rows) > limit:
            # Everyone tied with the limit-th best stays in for the exact tie-break below.
            nth = np.partition(score[rows], len(rows) - limit)[len(rows) - limit]
            rows = rows[score[rows] >= nth]
        best = sorted(zip(score[rows].tolist(), index.user_ids[rows].tolist()), reverse=True)
    return [Candidate(uid, sc) for sc, uid in best[:limit]]


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
    q = q.where(or_(Gig.requires_badge.is_(None), _holds_badge_of(user_id, Gig.requires_badge)),
                or_(Gig.qualifies_skill.is_(None),
                    ~_holds_badge_of(user_id, Gig.qualifies_skill)))
    q = q.where(Gig.client_id.not_in(blocked)).order_by(Gig.id.desc()).limit(500)
    mine = set(t for t in profile.skills.split(",") if t)
    hours = _LocalHours(now)
    avail = bool(in_hours(hours.hour(profile.timezone), profile.work_start_hour,
                          profile.work_end_hour))
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
        ranked.append((float(_score(overlap, ok, avail, stats.live_claims, cap, rep)), gig.id,
                       gig))
    ranked.sort(key=lambda r: (-r[0], -r[1]))
    return [g for _, _, g in ranked[offset:offset + limit]], len(ranked)


def _fan_out_tx(tx: Tx, gig_id: int) -> int:
    gig = tx.s.get(Gig, gig_id)
    if gig is None or gig.status != "open":
        return 0
    picked = rank_freelancers(tx.s, gig, tx.now, limit=tx.config.match_notify_limit,
                              config=tx.config)
    pushed = set(take_pushes(tx, [cand.user_id for cand in picked]))  # hourly cap each
    for cand in picked:
        if cand.user_id in pushed:
            tx.emit(GigMatched(recipient_id=cand.user_id, gig_id=gig.id,
                               score=round(cand.score, 3)), key=f"gig:{gig.id}")
    return len(pushed)


async def fan_out(engine, gig_id: int) -> int:
    """Queue 'a gig for you' notifications for the best-matching freelancers."""
    return await engine.tx(lambda t: _fan_out_tx(t, gig_id))
