"""Migration 0006 (dispute deadline and fallback share, a board's own dispute
deadline, notify=all) adds its columns without rebuilding a table, so the
match-log triggers on profile keep working, and downgrades cleanly."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from core.storage.migrate import alembic_config, upgrade
from tests.integration.test_migrations import _diff


def columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_sqlite_0006_adds_columns_keeps_triggers_and_downgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'm6.db'}"
    upgrade(url, "0005")
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
    with engine.begin() as conn:
        assert conn.execute(text("SELECT notify_all_gigs FROM profile")).scalar() in (0, False)
        before = conn.execute(text("SELECT COUNT(*) FROM matchchange")).scalar()
        conn.execute(text("UPDATE profile SET notify_all_gigs = 1 WHERE user_id = 1"))
        assert conn.execute(text("SELECT COUNT(*) FROM matchchange")).scalar() == before + 1
    assert {"decide_by", "fallback_share_minor"} <= columns(engine, "dispute")

    command.downgrade(alembic_config(url), "0005")
    engine.dispose()
    engine = create_engine(url)
    assert "notify_all_gigs" not in columns(engine, "profile")
    assert "decide_by" not in columns(engine, "dispute")
    assert "dispute_decide_hours" not in columns(engine, "community")
    with engine.begin() as conn:
        before = conn.execute(text("SELECT COUNT(*) FROM matchchange")).scalar()
        conn.execute(text("UPDATE profile SET skills = 'logo' WHERE user_id = 1"))
        assert conn.execute(text("SELECT COUNT(*) FROM matchchange")).scalar() == before + 1
    upgrade(url)
    assert _diff(url) == []
    engine.dispose()
