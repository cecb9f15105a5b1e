"""Migration 0003: card references become one per message, so two messages in
one chat can show the same card; the references a database already has survive
the upgrade (and the downgrade keeps one per chat)."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from core.storage.migrate import alembic_config, upgrade

INSERT = text("INSERT INTO messageref (platform, card_key, chat_id, message_id, updated_at) "
              "VALUES ('telegram', 'gig:1', '-100', :m, '2026-01-01 00:00:00')")


def _refs(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT card_key, chat_id, message_id FROM messageref ORDER BY id"))]


def test_upgrade_keeps_refs_and_allows_several_messages_per_chat(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url, "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(INSERT, {"m": "5"})
        with pytest.raises(IntegrityError):  # before: one reference per card and chat
            with conn.begin_nested():
                conn.execute(INSERT, {"m": "6"})
    upgrade(url)
    assert _refs(engine) == [("gig:1", "-100", "5")]
    with engine.begin() as conn:
        conn.execute(INSERT, {"m": "6"})  # the /gig 1 answered in the same chat
        with pytest.raises(IntegrityError):  # still one reference per message
            with conn.begin_nested():
                conn.execute(INSERT, {"m": "6"})
    assert _refs(engine) == [("gig:1", "-100", "5"), ("gig:1", "-100", "6")]
    command.downgrade(alembic_config(url), "0002")
    assert _refs(engine) == [("gig:1", "-100", "5")]
    engine.dispose()
