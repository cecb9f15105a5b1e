"""The database pool is a setting (issue 14: it was fixed at 10 + 20 per process, so
several processes could exhaust a PostgreSQL server's connections)."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.runtime.app import App
from bot.runtime.settings import Settings


async def test_pool_size_and_overflow_reach_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_SIZE", "3")
    monkeypatch.setenv("DATABASE_MAX_OVERFLOW", "0")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", telegram_bot_token=None,
                        discord_bot_token=None, stripe_secret_key=None)
    app = App(settings)
    try:
        assert app.db._sync.pool.size() == 3
    finally:
        await app.close()


@pytest.mark.parametrize("name, value", [("DATABASE_POOL_SIZE", "0"),
                                         ("DATABASE_MAX_OVERFLOW", "-1"),
                                         ("DATABASE_POOL_SIZE", "many")])
def test_a_pool_setting_out_of_range_is_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()
