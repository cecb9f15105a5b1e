"""``DATABASE_URL`` as hosting providers hand it out works everywhere (issue 15,
Operability): ``postgresql://`` and ``postgres://`` (no driver named, and psycopg
is not installed) run on asyncpg for the app and for Alembic alike; before,
``gigbroker db upgrade`` crashed with "No module named 'psycopg2'"."""
from __future__ import annotations


import pytest
from sqlalchemy import text

from core.storage.db import Database, database_url
from tests.conftest import PG_URL
from tests.e2e import cli_process


@pytest.mark.parametrize("given, used", [
    ("postgresql://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
    ("postgres://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
    ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg://u@h/db"),
    ("postgresql+asyncpg://u:p%40x@h/db", "postgresql+asyncpg://u:p%40x@h/db"),
    ("postgres://u@h/db?sslmode=require", "postgresql+asyncpg://u@h/db?ssl=require"),
    ("sqlite:///gigbroker.db", "sqlite:///gigbroker.db"),
    ("sqlite:////var/lib/gb/x.db", "sqlite:////var/lib/gb/x.db"),
])
def test_urls_are_normalised_in_one_place(given, used):
    assert database_url(given) == used


def plain(url: str, scheme: str) -> str:
    return scheme + url.split("://", 1)[1]


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL to run against PostgreSQL")
@pytest.mark.parametrize("scheme", ["postgresql://", "postgres://"])
async def test_db_upgrade_and_the_app_on_a_plain_postgresql_url(scheme, tmp_path):
    url = plain(PG_URL, scheme)
    fresh = Database(PG_URL)
    await fresh.drop_schema()
    await fresh.dispose()
    result = await cli_process.run(tmp_path, "db", "upgrade", DATABASE_URL=url)
    assert result.code == 0, result.err
    assert "Database is up to date" in result.out and "Traceback" not in result.err

    from core.storage.migrate import current_head
    db = Database(url)
    try:
        version = await db.read(lambda s: s.execute(
            text("SELECT version_num FROM alembic_version")).scalar())
        assert version == current_head()
        assert await db.write(lambda s: s.execute(text("SELECT 1")).scalar()) == 1
    finally:
        await db.drop_schema()
        await db.dispose()
