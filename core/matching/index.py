"""The freelancer pool in memory, for ranking 100,000 profiles in milliseconds.

One ``MatchIndex`` per database per process keeps every profile's matching data
(skills, minimum reward, zone and hours, live-claim cap and count, reputation,
opt-out or opt-in to every gig, ban) in NumPy columns, with an inverted index
from skill tag to rows.
Before each use it reads the ``matchchange`` log, which database triggers append
to whenever a profile, reputation stats or a ban changes, and reloads only the
users named there. So a ranking sees every change committed before it, like a
query would, while a SQL scan of the pool costs more than the whole budget.

PostgreSQL hands out log ids at insert but commits in any order, so an id
below the newest one seen can still appear: such holes are remembered and read
again until they show up or ``HOLE_SECONDS`` pass (a rolled-back transaction).
Per-gig facts that are small or change often (the client's blocks, community
membership) are not indexed: the caller queries them for each ranking."""
from __future__ import annotations

import threading
import time
import weakref
from typing import Callable, Iterable

import numpy as np
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.engine import Connection

from core.domain.records import MatchChange, Profile, ReputationStats, User

HOLE_SECONDS = 120.0  # how long a missing log id is waited for
RECENT_IDS = 10_000  # log ids checked for holes when the index is first loaded
KEEP_LOG = 200_000  # log rows the clock worker keeps; older ones are pruned

_p, _r, _u = Profile.__table__.c, ReputationStats.__table__.c, User.__table__.c
_log = MatchChange.__table__.c
_POOL = (select(_p.user_id, _p.skills, _p.min_reward_minor, _p.min_reward_currency, _p.timezone,
                _p.work_start_hour, _p.work_end_hour, _p.max_live_claims, _p.notify_new_gigs,
                _p.notify_all_gigs, _u.banned, func.coalesce(_r.rating_sum, 0),
                func.coalesce(_r.rating_count, 0), func.coalesce(_r.approved, 0),
                func.coalesce(_r.on_time, 0), func.coalesce(_r.disputes_lost, 0),
                func.coalesce(_r.live_claims, 0))
         .select_from(Profile.__table__.join(User.__table__, _u.id == _p.user_id)
                      .outerjoin(ReputationStats.__table__, _r.user_id == _p.user_id)))
_POOL_OF = _POOL.where(_p.user_id.in_(bindparam("ids", expanding=True)))
_LOG_SPAN = select(func.min(_log.id), func.max(_log.id))
_LOG_AFTER = select(_log.id, _log.user_id).where(_log.id > bindparam("after"))
_LOG_IDS_AFTER = select(_log.id).where(_log.id > bindparam("after"))

# The per-row columns, in the order of _POOL's columns from the third on.
_COLUMNS = {"min_reward": np.int64, "min_currency": np.int32, "zone": np.int32,
            "start": np.int16, "end": np.int16, "cap": np.int32, "notify": np.bool_,
            "notify_all": np.bool_, "listed": np.bool_, "rating_sum": np.int64,
            "rating_count": np.int64, "approved": np.int64, "on_time": np.int64,
            "disputes_lost": np.int64, "live": np.int64}

_INDEXES: "weakref.WeakKeyDictionary[object, MatchIndex]" = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def index_for(bind) -> "MatchIndex":
    """The process's index for this database. Keyed by the engine's connection
    pool, which the writer and the readers (engines with other options) share."""
    with _INDEXES_LOCK:
        index = _INDEXES.get(bind.pool)
        if index is None:
            index = _INDEXES[bind.pool] = MatchIndex()
        return index


class MatchIndex:
    """Refreshing reads the database without holding ``lock`` (on PostgreSQL every
    session shares the event loop's thread, so a lock held across a query would
    block it) and applies what it read under the lock only if no other refresh
    was applied meanwhile; otherwise it reads again. Ranking holds the lock while
    it reads the columns (no I/O)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation = 0  # refreshes applied
        self._reset()

    def _reset(self) -> None:
        self.loaded = False
        self.size = 0
        self.user_ids = np.zeros(0, np.int64)
        self.cols = {name: np.zeros(0, dtype) for name, dtype in _COLUMNS.items()}
        self.row_of: dict[int, int] = {}
        self.tags_of: list[tuple[str, ...]] = []  # each tag string stored once (_tag)
        self._tags: dict[str, str] = {}
        # tag -> its rows: an array as loaded; a set once a change touched the tag
        # (turned back into an array, cached in _tag_rows, when a ranking needs it).
        self.rows_by_tag: dict[str, np.ndarray | set[int]] = {}
        self._tag_rows: dict[str, np.ndarray] = {}
        self.zones: list[str] = []
        self.currencies: list[str] = []
        self._codes: dict[tuple[str, str], int] = {}
        self.watermark = 0  # the newest log id applied
        self.holes: dict[int, float] = {}  # log id -> when it was first missed

    # -- reading the pool ------------------------------------------------
    def refresh(self, conn: Connection, attempts: int = 5) -> None:
        """Apply every logged change committed since the last refresh (or load all)."""
        for _ in range(attempts):
            low, high = conn.execute(_LOG_SPAN).one()
            low, high = low or 0, high or 0
            with self.lock:
                generation = self.generation
                # First use, a recreated log, or pruned past what this index has seen.
                full = not self.loaded or high < self.watermark or low > self.watermark + 1
                if not full:
                    self._expire_holes()
                    if high == self.watermark and not self.holes:
                        return
                    watermark, holes = self.watermark, set(self.holes)
            if full:
                start = max(0, low - 1, high - RECENT_IDS)
                rows = conn.execute(_POOL).all()
                # Ids missing from the recent part of the log may belong to
                # transactions still open (PostgreSQL); ids below ``low`` were pruned.
                seen = {i for (i,) in conn.execute(_LOG_IDS_AFTER, {"after": start})}
            else:
                after = min(holes, default=watermark + 1) - 1
                fresh = [(i, u) for i, u in conn.execute(_LOG_AFTER, {"after": after})
                         if i > watermark or i in holes]
                rows = self._fetch(conn, {u for _, u in fresh})
                seen = {i for i, _ in fresh}
            with self.lock:
                if self.generation != generation:
                    continue  # someone else applied a refresh meanwhile: read again
                if full:
                    self._load(rows)
                    self.watermark = start
                else:
                    for i in seen:
                        self.holes.pop(i, None)
                    self._ensure_capacity(self.size + len(rows))
                    for row in rows:
                        self._put(row)
                self._note_holes(seen, high)
                self.generation += 1
                return

    @staticmethod
    def _fetch(conn: Connection, user_ids: Iterable[int]) -> list:
        ids, rows = sorted(user_ids), []
        for i in range(0, len(ids), 500):
            rows += conn.execute(_POOL_OF, {"ids": ids[i:i + 500]}).all()
        return rows

    def _load(self, rows: list) -> None:
        self._reset()
        self.size = len(rows)
        columns = list(zip(*rows)) or [()] * (len(_COLUMNS) + 2)
        self.user_ids = np.array(columns[0], np.int64)
        self.row_of = {uid: i for i, uid in enumerate(columns[0])}
        self.tags_of = [self._split(skills) for skills in columns[1]]
        rows_by_tag: dict[str, list[int]] = {}
        for i, tags in enumerate(self.tags_of):
            for tag in tags:
                rows_by_tag.setdefault(tag, []).append(i)
        self.rows_by_tag = {tag: np.array(rows, np.int64) for tag, rows in rows_by_tag.items()}
        for (name, dtype), values in zip(_COLUMNS.items(), columns[2:]):
            if name in ("min_currency", "zone"):
                names = self.currencies if name == "min_currency" else self.zones
                values = [self._code(name, v, names) for v in values]
            self.cols[name] = np.array(values, dtype)
        self.cols["listed"] = ~self.cols["listed"]  # the query gives "banned"
        self.loaded = True

    def _note_holes(self, seen: set[int], high: int) -> None:
        now = time.monotonic()
        for i in range(self.watermark + 1, high + 1):
            if i not in seen:
                self.holes.setdefault(i, now)
        self.watermark = max(self.watermark, high)

    def _expire_holes(self) -> None:
        cutoff = time.monotonic() - HOLE_SECONDS
        for i in [i for i, since in self.holes.items() if since < cutoff]:
            del self.holes[i]

    def _split(self, skills: str) -> tuple[str, ...]:
        return tuple(self._tags.setdefault(t, t) for t in skills.split(",") if t)

    def _code(self, kind: str, value: str, names: list[str]) -> int:
        code = self._codes.get((kind, value))
        if code is None:
            code = self._codes[(kind, value)] = len(names)
            names.append(value)
        return code

    def _ensure_capacity(self, n: int) -> None:
        have = len(self.user_ids)
        if n > have:
            grown = max(n, 2 * have, 1024)
            self.user_ids = np.resize(self.user_ids, grown)
            self.cols = {name: np.resize(col, grown) for name, col in self.cols.items()}

    def _put(self, row) -> None:
        uid, skills, *values = row
        i = self.row_of.get(uid)
        if i is None:
            i = self.row_of[uid] = self.size
            self.size += 1
            self.tags_of.append(())
            self.user_ids[i] = uid
        tags = self._split(skills)
        if tags != self.tags_of[i]:
            for tag in set(self.tags_of[i]) ^ set(tags):
                members = self.rows_by_tag.get(tag)
                if not isinstance(members, set):
                    members = self.rows_by_tag[tag] = set(
                        () if members is None else members.tolist())
                (members.add if tag in tags else members.discard)(i)
                self._tag_rows.pop(tag, None)
            self.tags_of[i] = tags
        for (name, _), value in zip(_COLUMNS.items(), values):
            if name in ("min_currency", "zone"):
                value = self._code(name, value, self.currencies if name == "min_currency"
                                   else self.zones)
            elif name == "listed":
                value = not value  # the query gives "banned"
            self.cols[name][i] = value

    # -- ranking -----------------------------------------------------------
    def col(self, name: str) -> np.ndarray:
        """One column for the rows in use (a view, not a copy)."""
        return self.cols[name][:self.size]

    def rows_of(self, user_ids: Iterable[int]) -> np.ndarray:
        found = [self.row_of[u] for u in user_ids if u in self.row_of]
        return np.array(found, dtype=np.int64)

    def tag_counts(self, tags: list[str]) -> np.ndarray:
        """How many of ``tags`` each row has."""
        counts = np.zeros(self.size, np.int16)
        for tag in tags:
            rows = self.rows_by_tag.get(tag)
            if rows is None:
                continue
            if isinstance(rows, set):
                cached = self._tag_rows.get(tag)
                if cached is None:
                    cached = self._tag_rows[tag] = np.fromiter(rows, np.int64, len(rows))
                rows = cached
            counts[rows] += 1
        return counts

    def local_hours(self, hour_in: Callable[[str], int]) -> np.ndarray:
        """Each row's current local hour."""
        by_zone = np.array([hour_in(z) for z in self.zones] or [0], np.int16)
        return by_zone[self.col("zone")]

    def currency_code(self, currency: str) -> int:
        return self._codes.get(("min_currency", currency), -1)


async def keep_index_fresh(engine) -> None:
    """Load or refresh this process's index in a read transaction (at startup and
    from the clock worker), so a ranking inside a write transaction (the fan-out)
    never loads the whole pool and only applies the last few seconds of changes."""
    def refresh(t) -> None:
        index_for(t.s.get_bind()).refresh(t.s.connection())
    await engine.view(refresh)


async def prune_match_log(engine, keep: int = KEEP_LOG) -> int:
    """Drop all but the newest ``keep`` log rows (run by the clock worker). An index
    that falls behind the pruned part reloads in full."""
    low, high = await engine.view(lambda t: t.s.execute(_LOG_SPAN).one())
    if not high or high - low < keep + keep // 10:
        return 0
    return await engine.tx(lambda t: t.s.execute(
        delete(MatchChange).where(MatchChange.id <= high - keep)).rowcount)
