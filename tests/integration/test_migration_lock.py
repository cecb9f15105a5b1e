"""Several processes starting at once on a fresh database all come up: migrations
take turns (issue 14: three first starts at once crashed two of them). Real
processes, as a deployment would start them."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.api import Database

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("GIGBROKER_TEST_POSTGRES_URL")
STARTS = 3


def upgrade_at_once(url: str) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "DATABASE_URL": url}
    procs = [subprocess.Popen([sys.executable, "-m", "bot.runtime.cli", "db", "upgrade"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(STARTS)]
    return [subprocess.CompletedProcess(p.args, p.wait(120), *p.communicate()) for p in procs]


def test_sqlite_first_starts_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    results = upgrade_at_once(url)
    assert [r.returncode for r in results] == [0] * STARTS, [r.stderr for r in results]
    assert all("Traceback" not in r.stderr for r in results)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL")
async def test_postgres_first_starts_at_once():
    db = Database(PG_URL)
    await db.drop_schema()
    await db.dispose()
    import asyncio
    results = await asyncio.to_thread(upgrade_at_once, PG_URL)
    assert [r.returncode for r in results] == [0] * STARTS, [r.stderr for r in results]
    assert all("Traceback" not in r.stderr for r in results)
