"""Read models behind the pictures and exports: a freelancer's earnings per week
(paid out / waiting), a community board's last days (gigs posted, slots filled,
median times, money paid out, disputes, top skills) and ledger statements (a
user's, a board's) with a running balance.

Sums and counts are SQL aggregations; time buckets are ``CASE`` arms over
half-open ranges computed here, so the same SQL runs on SQLite and PostgreSQL.
Medians are taken here from the (few) durations, since SQLite has no
percentile function. Each model carries ``data_key``: the newest row id that
can change it, so a picture made from it can be cached until that moves."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from statistics import median
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import String, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from core.domain.records import (
    AuditEvent, Claim, ClaimStatus, Community, Dispute, Gig, LedgerEntry, LedgerPosting, Profile,
    SLOT_HOLDING_STATES, User,
)
from core.domain.errors import NotFound
from core.lifecycle import ledger

WEEKS = 12
BOARD_DAYS = 30
TOP_SKILLS = 5
STATEMENT_MAX_LINES = 50_000


def _bucket(column, starts: list[datetime], end: datetime):
    """The index of the half-open range ``[starts[i], starts[i+1])`` holding
    ``column`` (the last range ends at ``end``), NULL outside them all."""
    bounds = starts[1:] + [end]
    return case(*[(and_(column >= lo, column < hi), i)
                  for i, (lo, hi) in enumerate(zip(starts, bounds))], else_=None)


def _zone(s: Session, user_id: int) -> ZoneInfo | timezone:
    name = s.scalar(select(Profile.timezone).where(Profile.user_id == user_id)) or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


# -- a freelancer's earnings per week ------------------------------------------------
@dataclass(frozen=True)
class WeekEarnings:
    start: date  # Monday, in the user's time zone
    paid_out: int  # minor units released to them and already sent to their account
    waiting: int  # released to them, not sent yet (payout setup, payout pending)

    @property
    def total(self) -> int:
        return self.paid_out + self.waiting


@dataclass(frozen=True)
class EarningsReport:
    user_id: int
    currency: str  # "" when nothing was earned in the period
    weeks: tuple[WeekEarnings, ...]  # oldest first, the current week last
    currencies: tuple[str, ...]  # every currency earned in the period, most earned first
    data_key: int  # the newest ledger entry id of this user (0: none)

    @property
    def total(self) -> int:
        return sum(w.total for w in self.weeks)

    @property
    def last_4(self) -> int:
        return sum(w.total for w in self.weeks[-4:])

    @property
    def previous_4(self) -> int:
        return sum(w.total for w in self.weeks[-8:-4])

    @property
    def change_pct(self) -> int | None:
        """The last 4 weeks against the 4 before, in whole percent (None: nothing before)."""
        if not self.previous_4:
            return None
        return round((self.last_4 - self.previous_4) * 100 / self.previous_4)


def week_starts(now: datetime, zone, weeks: int) -> list[datetime]:
    """The starts (aware UTC) of the last ``weeks`` weeks, Monday 00:00 local, oldest first."""
    local = now.astimezone(zone).date()
    monday = local - timedelta(days=local.weekday())
    return [datetime.combine(monday - timedelta(weeks=weeks - 1 - i), time(), zone)
            .astimezone(timezone.utc) for i in range(weeks)]


def earnings(s: Session, user_id: int, now: datetime, *, currency: str | None = None,
             weeks: int = WEEKS) -> EarningsReport:
    if s.get(User, user_id) is None:
        raise NotFound("Unknown user.")
    zone = _zone(s, user_id)
    starts = week_starts(now, zone, weeks)
    payable = ledger.payable(user_id)
    paid = (select(LedgerEntry.claim_id.label("claim_id"))
            .where(LedgerEntry.kind == "payout", LedgerEntry.user_id == user_id,
                   LedgerEntry.claim_id.is_not(None)).distinct().subquery())
    bucket = _bucket(LedgerEntry.created_at, starts, now + timedelta(seconds=1)).label("bucket")
    earned = LedgerPosting.amount
    rows = s.execute(
        select(LedgerEntry.currency, bucket, func.sum(earned),
               func.sum(case((paid.c.claim_id.is_not(None), earned), else_=0)))
        .join(LedgerPosting, LedgerPosting.entry_id == LedgerEntry.id)
        .outerjoin(paid, paid.c.claim_id == LedgerEntry.claim_id)
        .where(LedgerEntry.kind == "release", LedgerEntry.user_id == user_id,
               LedgerPosting.account == payable, LedgerEntry.created_at >= starts[0])
        .group_by(LedgerEntry.currency, bucket)).all()
    by_currency: dict[str, dict[int, tuple[int, int]]] = {}
    for cur, i, total, paid_out in rows:
        if i is not None:
            by_currency.setdefault(cur, {})[int(i)] = (int(total), int(paid_out))
    ranked = tuple(sorted(by_currency, key=lambda c: (-sum(t for t, _ in by_currency[c].values()),
                                                      c)))
    chosen = (currency or "").lower() or (ranked[0] if ranked else "")
    cells = by_currency.get(chosen, {})
    series = tuple(WeekEarnings(start=st.astimezone(zone).date(),
                                paid_out=cells.get(i, (0, 0))[1],
                                waiting=cells.get(i, (0, 0))[0] - cells.get(i, (0, 0))[1])
                   for i, st in enumerate(starts))
    newest = s.scalar(select(func.max(LedgerEntry.id)).where(LedgerEntry.user_id == user_id))
    return EarningsReport(user_id=user_id, currency=chosen, weeks=series, currencies=ranked,
                          data_key=int(newest or 0))


# -- a board's last days -----------------------------------------------------------------
@dataclass(frozen=True)
class BoardStats:
    community_id: int
    name: str
    since: datetime
    until: datetime
    days: tuple[date, ...]  # one per day of the period, oldest first (UTC)
    posted_per_day: tuple[int, ...]
    filled_per_day: tuple[int, ...]
    gigs_posted: int
    slots_filled: int
    median_claim_seconds: int | None  # from the gig going live to a slot being claimed
    median_approval_seconds: int | None  # from the delivery to the client's (or clock's) approval
    paid_out: dict[str, int]  # currency -> minor units released to freelancers
    disputes: int
    top_skills: tuple[tuple[str, int], ...]
    data_key: int  # the newest audit event id of the board's gigs (0: none)


def _median(pairs) -> int | None:
    spans = [(end - start).total_seconds() for start, end in pairs
             if start is not None and end is not None and end >= start]
    return int(median(spans)) if spans else None


def board_stats(s: Session, community_id: int, now: datetime, *,
                days: int = BOARD_DAYS) -> BoardStats:
    community = s.get(Community, community_id)
    if community is None:
        raise NotFound("Unknown community.")
    today = now.astimezone(timezone.utc).date()
    day_list = [today - timedelta(days=days - 1 - i) for i in range(days)]
    starts = [datetime.combine(d, time(), timezone.utc) for d in day_list]
    since, end = starts[0], now + timedelta(seconds=1)
    board = Gig.community_id == community_id

    posted = _bucket(Gig.funded_at, starts, end).label("day")
    per_day_posted = dict(s.execute(select(posted, func.count()).where(
        board, Gig.funded_at >= since).group_by(posted)).all())
    # a slot is filled by a claim that holds it or settled it (not withdrawn or abandoned)
    holds = Claim.status.in_(SLOT_HOLDING_STATES)
    filled = _bucket(Claim.claimed_at, starts, end).label("day")
    per_day_filled = dict(s.execute(select(filled, func.count()).join(Gig, Gig.id == Claim.gig_id)
                                    .where(board, holds, Claim.claimed_at >= since)
                                    .group_by(filled)).all())
    claim_waits = s.execute(select(Gig.funded_at, Claim.claimed_at).join(
        Gig, Gig.id == Claim.gig_id).where(board, holds, Claim.claimed_at >= since)).all()
    approval_waits = s.execute(select(Claim.delivered_at, Claim.settled_at).join(
        Gig, Gig.id == Claim.gig_id).where(
        board, Claim.settled_at >= since,
        Claim.status.in_((ClaimStatus.approved, ClaimStatus.auto_approved)))).all()
    paid = s.execute(select(LedgerEntry.currency, func.sum(LedgerPosting.amount))
                     .join(LedgerPosting, LedgerPosting.entry_id == LedgerEntry.id)
                     .join(Gig, Gig.id == LedgerEntry.gig_id)
                     .where(board, LedgerEntry.kind == "release",
                            LedgerEntry.created_at >= since,
                            LedgerPosting.account.like("payable:user:%"))
                     .group_by(LedgerEntry.currency)).all()
    disputes = s.scalar(select(func.count()).select_from(Dispute)
                        .join(Claim, Claim.id == Dispute.claim_id)
                        .join(Gig, Gig.id == Claim.gig_id)
                        .where(board, Dispute.opened_at >= since))
    skills: Counter[str] = Counter()
    for tags in s.scalars(select(Gig.skills).where(board, Gig.funded_at >= since)):
        skills.update(t for t in (tags or "").split(",") if t)
    newest = s.scalar(select(func.max(AuditEvent.id)).join(Gig, Gig.id == AuditEvent.gig_id)
                      .where(board))
    posted_series = tuple(int(per_day_posted.get(i, 0)) for i in range(days))
    filled_series = tuple(int(per_day_filled.get(i, 0)) for i in range(days))
    return BoardStats(
        community_id=community_id, name=community.name, since=since, until=now,
        days=tuple(day_list), posted_per_day=posted_series, filled_per_day=filled_series,
        gigs_posted=sum(posted_series), slots_filled=sum(filled_series),
        median_claim_seconds=_median(claim_waits), median_approval_seconds=_median(approval_waits),
        paid_out={cur: int(v) for cur, v in paid if v}, disputes=int(disputes or 0),
        top_skills=tuple(sorted(skills.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SKILLS]),
        data_key=int(newest or 0))


# -- ledger statements -----------------------------------------------------------------
@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    at: datetime
    kind: str  # the ledger entry kind: funding, release, refund, refund_sent, payout...
    gig_id: int | None
    gig_title: str
    claim_id: int | None
    currency: str
    amount: int  # signed minor units: the change of what the platform holds for the owner
    balance: int  # after this line, per currency


@dataclass(frozen=True)
class Statement:
    """A user's (or a board's) ledger lines, oldest first; ``truncated`` when only
    the newest ``STATEMENT_MAX_LINES`` are here."""

    owner: str  # "user" | "board"
    lines: list[StatementLine] = field(default_factory=list)
    truncated: bool = False


def _gig_account(prefix: str):
    return literal(prefix) + cast(LedgerEntry.gig_id, String)


def _statement(s: Session, owner: str, where) -> Statement:
    net = func.sum(LedgerPosting.amount)
    balance = func.sum(net).over(partition_by=LedgerEntry.currency, order_by=LedgerEntry.id)
    q = (select(LedgerEntry.id, LedgerEntry.created_at, LedgerEntry.kind, LedgerEntry.gig_id,
                Gig.title, LedgerEntry.claim_id, LedgerEntry.currency, net, balance)
         .select_from(LedgerPosting)
         .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
         .outerjoin(Gig, Gig.id == LedgerEntry.gig_id)
         .where(where)
         .group_by(LedgerEntry.id, LedgerEntry.created_at, LedgerEntry.kind, LedgerEntry.gig_id,
                   Gig.title, LedgerEntry.claim_id, LedgerEntry.currency)
         .having(net != 0))
    # The window sums over every line before LIMIT keeps the newest ones.
    rows = s.execute(q.order_by(LedgerEntry.id.desc()).limit(STATEMENT_MAX_LINES + 1)).all()
    truncated = len(rows) > STATEMENT_MAX_LINES
    lines = [StatementLine(entry_id=r[0], at=r[1], kind=r[2], gig_id=r[3], gig_title=r[4] or "",
                           claim_id=r[5], currency=r[6], amount=int(r[7]), balance=int(r[8]))
             for r in reversed(rows[:STATEMENT_MAX_LINES])]
    return Statement(owner=owner, lines=lines, truncated=truncated)


def user_statement(s: Session, user_id: int) -> Statement:
    """What the platform holds for or owes ``user_id``: as a freelancer their
    earnings (payable, payout pending), as a client the escrow, fees held and
    refunds on their way for their gigs. Moves inside those accounts net to zero
    and are left out."""
    if s.get(User, user_id) is None:
        raise NotFound("Unknown user.")
    own = LedgerPosting.account.in_([ledger.payable(user_id), ledger.payout_pending(user_id)])
    as_client = and_(LedgerEntry.gig_id.in_(select(Gig.id).where(Gig.client_id == user_id)),
                     LedgerPosting.account.in_([_gig_account("escrow:gig:"),
                                                _gig_account("fee_held:gig:"),
                                                _gig_account("refund_pending:gig:")]))
    return _statement(s, "user", or_(own, as_client))


def board_statement(s: Session, community_id: int) -> Statement:
    """The money held on a board: rewards and fees in escrow for its gigs."""
    if s.get(Community, community_id) is None:
        raise NotFound("Unknown community.")
    on_board = LedgerEntry.gig_id.in_(select(Gig.id).where(Gig.community_id == community_id))
    return _statement(s, "board", and_(on_board, LedgerPosting.account.in_(
        [_gig_account("escrow:gig:"), _gig_account("fee_held:gig:")])))
