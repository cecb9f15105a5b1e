"""Programmatic Alembic: ``upgrade(url)`` brings a database to the latest schema
(tables, indexes and the ledger's immutability triggers), one process at a time."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # Windows has no fcntl: one process at a time is then up to the operator
    fcntl = None

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from core.storage.db import database_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # the same URL the app uses: postgresql:// runs on asyncpg here too
    cfg.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database to ``revision``. Processes started at once take turns: on
    PostgreSQL an advisory lock in the migration's transaction (migrations/env.py), on
    SQLite a lock file beside the database; the later ones find nothing to do."""
    with _sqlite_file_lock(database_url(url)):
        command.upgrade(alembic_config(url), revision)


@contextmanager
def _sqlite_file_lock(url: str) -> Iterator[None]:
    path = make_url(url).database if url.startswith("sqlite") else None
    if not path or path == ":memory:" or fcntl is None:
        yield
        return
    with open(f"{path}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def current_head() -> str | None:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
