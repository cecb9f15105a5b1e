"""Shared fixtures: a real database (a SQLite file, and PostgreSQL when
GIGBROKER_TEST_POSTGRES_URL is set), an engine on a manual clock with the
sandbox provider, and helpers that create people and funded gigs through the
engine itself (no fakes of our own code).

Under pytest-xdist (one worker per core) each worker has its own PostgreSQL
database, ``<name>_gwN`` beside the one in GIGBROKER_TEST_POSTGRES_URL, made on
first use; the variable is set to it before any test module reads it."""
from __future__ import annotations

import asyncio
import os
from datetime import datetime, timezone

import pytest

from adapters.sandbox import SandboxProvider
from core.domain.clock import ManualClock
from core.storage.db import Database
from core.domain.gig_input import GigDraft
from core.engine import Engine



def _worker_database(url: str | None) -> str | None:
    """This xdist worker's own database on the server of ``url`` (created if missing)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    head, _, tail = url.partition("?")
    base, _, name = head.rpartition("/")
    mine = f"{name}_{worker}"

    async def create() -> None:
        import asyncpg
        for attempt in range(20):  # CREATE DATABASE fails while another copies template1
            conn = await asyncpg.connect(head.replace("postgresql+asyncpg://", "postgresql://"))
            try:
                if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", mine):
                    return
                await conn.execute(f'CREATE DATABASE "{mine}"')
                return
            except asyncpg.PostgresError:
                if attempt == 19:
                    raise
            finally:
                await conn.close()
            await asyncio.sleep(0.2)
    asyncio.run(create())
    return f"{base}/{mine}" + (f"?{tail}" if tail else "")


if os.environ.get("GIGBROKER_TEST_POSTGRES_URL"):
    os.environ["GIGBROKER_TEST_POSTGRES_URL"] = _worker_database(
        os.environ["GIGBROKER_TEST_POSTGRES_URL"])
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
            from core.domain.records import ReputationStats

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

    async def many(self, n: int, prefix: str, *, experienced: bool = True,
                   platform: str = "console") -> list[int]:
        """``n`` users in one transaction (fast enough for a thousand claimants)."""
        from core.lifecycle import people
        from core.domain.records import ReputationStats

        def create(t):
            ids = []
            for i in range(n):
                user = people.resolve_identity(t, platform, f"{prefix}-{i}", f"{prefix}{i}")
                if experienced:
                    t.s.add(ReputationStats(user_id=user.id, approved=1))
                ids.append(user.id)
            return ids
        return await self.engine.tx(create)

    async def community(self, name: str, *, moderators: tuple[int, ...] = (),
                        platform: str = "discord") -> int:
        from core.lifecycle import people

        def create(t):
            community = people.ensure_community(t, platform, f"guild-{name}", name)
            for mod in moderators:
                people.set_member_role(t, community.id, mod, "moderator")
            return community.id
        return await self.engine.tx(create)

    async def second_identity(self, user_id: int, platform: str, platform_user_id: str) -> int:
        """Link a second platform identity to ``user_id`` with /link's one-time code;
        returns the user id that identity now resolves to (``user_id``)."""
        from core.lifecycle import people
        other = await self.engine.resolve_user(platform, platform_user_id, "second")
        code = await self.engine.tx(lambda t: people.create_link_code(t, user_id).code)
        await self.engine.tx(lambda t: people.redeem_link_code(t, other.id, code))
        return (await self.engine.resolve_user(platform, platform_user_id, "second")).id


@pytest.fixture
def world(engine):
    return World(engine)


# -- helpers shared by the invariant, authorization and fault tests ------------

@pytest.fixture(params=BACKENDS)
def backend(request):
    """The backend name, for tests that build their own ``Database`` (in their own
    event loop or process) with ``database_factory``."""
    return request.param


@pytest.fixture
def database_factory():
    """``await database_factory(backend, directory)`` -> a fresh, empty ``Database``."""
    return make_database


class Collector:
    """A NotificationDispatcher that keeps what it was asked to deliver."""

    def __init__(self) -> None:
        self.notes = []

    async def deliver(self, note) -> None:
        self.notes.append(note)

    def events(self, recipient_id: int | None = ...) -> list[str]:
        return [n.event for n in self.notes if recipient_id is ... or n.recipient_id == recipient_id]


@pytest.fixture
def collector():
    return Collector()


async def db_snapshot(db: Database) -> dict:
    """Every row of every table (ordered by primary key), the ledger balances and
    the audit count: two equal snapshots mean nothing at all was written."""
    from sqlalchemy import func, select
    from sqlmodel import SQLModel

    from core.lifecycle import ledger
    from core.domain.records import AuditEvent

    def dump(s):
        out = {}
        for table in SQLModel.metadata.sorted_tables:
            rows = s.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
        out["__balances__"] = sorted(ledger.all_balances(s).items())
        out["__audit_count__"] = s.scalar(select(func.count()).select_from(AuditEvent))
        return out
    return await db.read(dump)


@pytest.fixture
def snapshot(db):
    """``await snapshot()`` -> ``db_snapshot`` of the test database."""
    return lambda: db_snapshot(db)


@pytest.fixture
async def app(tmp_path):
    """The whole composition root on a SQLite file, migrated, with a manual clock."""
    from bot.runtime.app import App
    from bot.runtime.settings import Settings
    application = App(Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", _env_file=None),
                      clock=ManualClock(datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)))
    await application.prepare()
    yield application
    await application.close()


@pytest.fixture(params=BACKENDS)
async def chats(request, tmp_path, migrated_db):
    """The conversation tests' driver (``tests.conversation.Chats``) on the whole
    composition root, migrated, with a manual clock (2026-06-01 09:00 UTC, as ``app``):
    on a SQLite file, and on PostgreSQL when GIGBROKER_TEST_POSTGRES_URL is set."""
    import shutil

    from bot.runtime.app import App
    from bot.runtime.settings import Settings
    from tests.conversation import Chats
    if request.param == "sqlite":
        shutil.copyfile(migrated_db, tmp_path / "app.db")
        url = f"sqlite:///{tmp_path / 'app.db'}"
    else:
        url = PG_URL
        fresh = Database(url)
        await fresh.drop_schema()  # App.prepare migrates it
        await fresh.dispose()
    application = App(Settings(database_url=url, _env_file=None),
                      clock=ManualClock(datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)))
    await application.prepare()
    yield Chats(application)
    await application.close()


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory):
    """An empty SQLite database at the current schema, migrated once per session;
    tests copy it (``App.prepare`` then finds it at head and only checks)."""
    import sqlite3

    from bot.runtime.app import upgrade_schema
    path = tmp_path_factory.mktemp("migrated") / "gigbroker.db"
    upgrade_schema(f"sqlite:///{path}")
    with sqlite3.connect(path) as con:  # fold the WAL into the file before copying it
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
    return path
