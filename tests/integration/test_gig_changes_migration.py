"""Migration 0005 (gigextra, gigrecurrence) upgrades and downgrades on SQLite
with data in place, and the schema then matches the models again."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from core.storage.migrate import alembic_config, upgrade
from tests.integration.test_migrations import _diff


def test_0005_adds_and_removes_the_gig_change_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'm5.db'}"
    upgrade(url, "0005")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO user (id, display_name, locale, created_at, "
                          "payouts_enabled, flagged, banned, staff) "
                          "VALUES (1, 'a', 'en', '2026-01-01', 0, 0, 0, 0)"))
        conn.execute(text(
            "INSERT INTO gig (id, client_id, title, description, skills, currency, reward_minor, "
            "fee_per_slot, slots, slots_live, slots_settled, mode, deliver_seconds, "
            "review_seconds, dispute_seconds, listing_seconds, max_revisions, status, "
            "created_at, version) VALUES (1, 1, 'Logo', '', 'design', 'usd', 2500, 125, 1, 0, "
            "0, 'claim', 86400, 259200, 259200, 604800, 2, 'open', '2026-01-01', 1)"))
        conn.execute(text(
            "INSERT INTO gigextra (gig_id, client_id, kind, slots, reward_minor, fee_minor, "
            "currency, status, created_at) VALUES (1, 1, 'slots', 2, 5000, 250, 'usd', "
            "'paid', '2026-01-02')"))
        conn.execute(text(
            "INSERT INTO gigrecurrence (gig_id, client_id, every_days, next_at, active, copies, "
            "created_at) VALUES (1, 1, 7, '2026-01-08', 1, 0, '2026-01-01')"))
    assert {"gigextra", "gigrecurrence"} <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(url), "0004")
    engine.dispose()
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert "gigextra" not in tables and "gigrecurrence" not in tables and "gig" in tables
    engine.dispose()
    upgrade(url)
    assert _diff(url) == []
