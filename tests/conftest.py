"""Shared fixtures: a real database (a SQLite file, and PostgreSQL when
GIGBROKER_TEST_POSTGRES_URL is set), an engine on a manual clock with the
sandbox provider, and helpers that create people and funded gigs through the
engine itself (no fakes of our own code)."""
from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

from adapters.sandbox import SandboxProvider
from core.clock import ManualClock
from core.db import Database
from core.drafts import GigDraft
from core.engine import Engine

PG_URL = os.environ.get("GIGBROKER_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.skipif(
    not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL to run against PostgreSQL")])]


async def make_database(backend: str, tmp_path) -> Database:
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'gigbroker.db'}")
    else:
        db = Database(PG_URL)
        await db.drop_schema()
    await db.create_schema()
    return db


@pytest.fixture(params=BACKENDS)
async def db(request, tmp_path):
    database = await make_database(request.param, tmp_path)
    yield database
    await database.dispose()


@pytest.fixture
async def sqlite_db(tmp_path):
    database = await make_database("sqlite", tmp_path)
    yield database
    await database.dispose()


@pytest.fixture
def clock():
    return ManualClock(datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc))


@pytest.fixture
def engine(db, clock):
    return Engine(db, SandboxProvider(db), clock=clock)


class World:
    """Builds users and gigs through the public engine API."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._n = 0

    async def user(self, name: str, *, platform: str = "console", skills: str = "design",
                   payouts: bool = True, experienced: bool = False) -> int:
        self._n += 1
        user = await self.engine.resolve_user(platform, f"{name}-{self._n}", name)
        await self.engine.update_profile(user.id, {"skills": skills, "hours": "any"})
        if payouts:
            await self.engine.setup_payouts(user.id)
        if experienced:
            from core.models import ReputationStats

            def seasoned(t):
                stats = t.s.get(ReputationStats, user.id) or ReputationStats(user_id=user.id)
                stats.approved = max(stats.approved, 1)
                t.s.add(stats)
            await self.engine.tx(seasoned)
        return user.id

    async def gig(self, client_id: int, *, fund: bool = True, **fields) -> int:
        raw = {"title": "Logo in SVG", "reward": "25", "currency": "usd", "skills": "design,svg"}
        raw.update({k: str(v) for k, v in fields.items() if k != "community_id"})
        draft = GigDraft.parse(raw, community_id=fields.get("community_id"))
        gig = await self.engine.post_gig(client_id, draft)
        if fund:
            gig, _ = await self.engine.start_funding(client_id, gig.id)
        return gig.id


@pytest.fixture
def world(engine):
    return World(engine)
