"""Alembic migrations produce exactly the schema the models declare (no
autogenerate diff), including the ledger's immutability triggers, on SQLite and
PostgreSQL; ``gigbroker db upgrade`` runs them and is safe to run twice."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from bot.cli import main
from core.db import Database
from core.migrate import upgrade

PG_URL = os.environ.get("GIGBROKER_TEST_POSTGRES_URL")


def _diff(sync_url: str) -> list:
    engine = create_engine(sync_url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, SQLModel.metadata)
    engine.dispose()
    return diff


def test_sqlite_upgrade_matches_models_and_installs_triggers(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0  # idempotent
    assert _diff(url) == []
    engine = create_engine(url)
    with engine.connect() as conn:
        triggers = {r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type='trigger'"))}
    engine.dispose()
    assert {"ledgerentry_no_update", "ledgerentry_no_delete", "ledgerposting_no_update",
            "ledgerposting_no_delete"} <= triggers


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL")
async def test_postgres_upgrade_matches_models():
    db = Database(PG_URL)
    await db.drop_schema()
    await db.dispose()
    import asyncio
    await asyncio.to_thread(upgrade, PG_URL)
    await asyncio.to_thread(upgrade, PG_URL)
    db = Database(PG_URL)

    def check(session):
        conn = session.connection()
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        names = {r[0] for r in conn.execute(text(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))}
        return compare_metadata(ctx, SQLModel.metadata), names
    diff, triggers = await db.read(check)
    await db.dispose()
    assert diff == []
    assert {"ledgerentry_immutable", "ledgerposting_immutable"} <= triggers
