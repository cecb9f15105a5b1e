"""``gigbroker run --role``: web, gateway, worker (repeatable, comma lists, or the
GIGBROKER_ROLES setting); none runs all; an unknown role is one line and exit 2;
the shard settings are checked; the start-up line says which roles run."""
from __future__ import annotations

import pytest

from bot.runtime.cli import main
from bot.runtime.roles import Roles, parse_roles
from bot.runtime.settings import Settings, SettingsError, load_settings
from bot.startup import StartupFailed


def test_roles_are_read_from_repeats_and_comma_lists():
    assert parse_roles(None) == Roles() == parse_roles([]) == parse_roles("")
    assert parse_roles(["web"]) == Roles(web=True, gateway=False, worker=False)
    assert parse_roles(["web,worker"]) == parse_roles(["web", "worker"]) == \
        parse_roles("Worker, WEB") == Roles(web=True, gateway=False, worker=True)
    assert parse_roles(["gateway"]).names == ("gateway",)
    assert Roles().everything and not parse_roles("web").everything


def test_an_unknown_role_names_the_setting():
    with pytest.raises(StartupFailed, match="GIGBROKER_ROLES: unknown role 'db'"):
        parse_roles(["web", "db"], setting="GIGBROKER_ROLES")


def test_cli_refuses_a_bad_role_with_one_line_and_exit_2(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:" + "a" * 30)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert main(["run", "--role", "web", "--role", "cook"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["gigbroker: --role: unknown role 'cook'; the roles are web, gateway, worker "
                   "(comma-separated, or none for all)"]
    monkeypatch.setenv("GIGBROKER_ROLES", "web,everything")
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("gigbroker: GIGBROKER_ROLES: unknown role")


def test_shard_settings_are_checked(monkeypatch):
    s = Settings(_env_file=None, discord_shard_ids="1, 3", discord_shard_count="4")
    assert (s.discord_shard_ids, s.discord_shard_count) == ([1, 3], 4)
    monkeypatch.setenv("DISCORD_SHARD_IDS", "0,1")
    with pytest.raises(SettingsError, match="DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT"):
        load_settings(_env_file=None)
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "1")
    with pytest.raises(SettingsError, match="shard 1 does not exist with DISCORD_SHARD_COUNT=1"):
        load_settings(_env_file=None)
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "2")
    assert load_settings(_env_file=None).discord_shard_ids == [0, 1]


def test_the_start_up_line_says_what_runs():
    s = Settings(_env_file=None, telegram_bot_token="123456:" + "a" * 30,
                 telegram_webhook_url="https://bot.example.com/telegram/webhook",
                 discord_bot_token="x", discord_shard_ids="2,3", discord_shard_count=4)
    assert Roles().describe(s) == (
        "gigbroker run: all roles: web (HTTP webhooks, Telegram webhook intake); gateway "
        "(Discord gateway: shards 2,3 of 4); worker (clock, outbox, Telegram inbox)")
    assert parse_roles("gateway").describe(s.model_copy(update={
        "discord_shard_ids": [], "discord_shard_count": None, "telegram_webhook_url": None})) \
        == ("gigbroker run: roles: gateway (Discord gateway: the shards Discord recommends, "
            "Telegram polling)")
