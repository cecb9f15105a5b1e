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

from bot.runtime.cli import main
from core.storage.db import Database
from core.storage.migrate import upgrade

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


def test_sqlite_0002_adds_the_match_log_and_downgrades_cleanly(tmp_path):
    """From 0001 with data: 0002 drops profileskill and installs the triggers that
    log matching changes; downgrading restores 0001's tables and removes them."""
    from alembic import command

    from core.storage.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'm2.db'}"
    upgrade(url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO user (id, display_name, locale, created_at, "
                          "payouts_enabled, flagged, banned, staff) "
                          "VALUES (1, 'a', 'en', '2026-01-01', 0, 0, 0, 0)"))
        conn.execute(text("INSERT INTO profile (user_id, skills, min_reward_minor, "
                          "min_reward_currency, timezone, work_start_hour, work_end_hour, "
                          "max_live_claims, portfolio, bio, notify_new_gigs, onboarded) "
                          "VALUES (1, 'svg', 0, 'usd', 'UTC', 0, 24, 3, '', '', 1, 1)"))
    upgrade(url)
    assert _diff(url) == []

    def tables_and_log(conn):
        tables = {r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table'"))}
        triggers = {r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type='trigger'"))}
        return tables, triggers

    with engine.begin() as conn:
        conn.execute(text("UPDATE profile SET skills = 'svg,logo' WHERE user_id = 1"))
        conn.execute(text("UPDATE user SET banned = 1 WHERE id = 1"))
        assert conn.execute(text("SELECT user_id FROM matchchange ORDER BY id")).all() == \
            [(1,), (1,)]
        tables, triggers = tables_and_log(conn)
    assert "matchchange" in tables and "profileskill" not in tables
    assert {"profile_match_insert", "profile_match_update", "reputationstats_match_insert",
            "reputationstats_match_update", "user_match_update"} <= triggers

    command.downgrade(alembic_config(url), "0001")
    with engine.begin() as conn:
        tables, triggers = tables_and_log(conn)
    assert "profileskill" in tables and "matchchange" not in tables
    assert not any("_match_" in t for t in triggers)
    upgrade(url)
    assert _diff(url) == []
    engine.dispose()
