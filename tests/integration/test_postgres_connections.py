"""Pooled PostgreSQL connections that the server closed (a restart, an idle timeout,
a terminated backend) are replaced at checkout, without a round trip per checkout
(``core.storage.db._drop_closed_connection``): the next read after the server
dropped every connection of the pool simply works."""
from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import text

from core.storage.db import Database
from tests.conftest import PG_URL

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL")]


async def terminate_other_backends() -> int:
    conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return len(await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    finally:
        await conn.close()


async def test_a_read_after_the_server_dropped_the_pool_works():
    db = Database(PG_URL, pool_size=3, max_overflow=0)
    try:
        def pid_and_one(s):
            return s.execute(text("SELECT pg_backend_pid()")).scalar()
        pids = set(await asyncio.gather(*(db.read(pid_and_one) for _ in range(3))))
        assert pids  # the pool holds connections now
        assert await terminate_other_backends() >= len(pids)
        for _ in range(50):  # the client learns of the closed sockets from its event loop
            await asyncio.sleep(0.02)
        after = set(await asyncio.gather(*(db.read(pid_and_one) for _ in range(3))))
        assert after and not after & pids  # fresh connections, and no error for anyone
    finally:
        await db.dispose()
