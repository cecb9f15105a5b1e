"""Alembic environment: runs migrations on SQLite (sync, batch mode) or
PostgreSQL (asyncpg through an async engine), one process at a time (an advisory
lock on PostgreSQL; a file lock beside the SQLite file, see ``core.storage.migrate``)."""
from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import create_engine, pool, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import core.domain.records  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


# pg_advisory_xact_lock key: one migrator at a time per PostgreSQL database
MIGRATION_LOCK = 0x67696762  # "gigb"


def _configure(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several processes starting at once: the others wait here, then find the
            # schema at head (the version is read after the lock) and do nothing.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": MIGRATION_LOCK})
        context.run_migrations()


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        await conn.run_sync(_configure)
    await engine.dispose()


def run_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
    elif "+asyncpg" in url or "+aiosqlite" in url:
        asyncio.run(_run_async(url))
    else:
        engine = create_engine(url, poolclass=pool.NullPool)
        with engine.connect() as conn:
            _configure(conn)
            conn.commit()
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
