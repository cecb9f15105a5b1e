"""Programmatic Alembic: ``upgrade(url)`` brings a database to the latest schema
(tables, indexes and the ledger's immutability triggers)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from core.storage.db import database_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # the same URL the app uses: postgresql:// runs on asyncpg here too
    cfg.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def current_head() -> str | None:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
