"""The composition root from the outside: the HTTP server's health and metrics,
and the ``gigbroker`` CLI (help texts, clear configuration errors, the console
fallback when no token is set, ``run`` refusing to start with nothing to run)."""
from __future__ import annotations

import io
import sys

import aiohttp
import pytest

from bot.runtime.cli import main
from bot.runtime.http import HttpServer


async def test_health_and_metrics(app, world_from_app):
    client = await world_from_app.user("bob")
    await world_from_app.gig(client)
    server = HttpServer(app, "127.0.0.1", 0)
    await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{server.bound_port}/healthz") as resp:
                assert resp.status == 200 and (await resp.json()) == {"ok": True, "database": "ok"}
            async with http.get(f"http://127.0.0.1:{server.bound_port}/metrics") as resp:
                body = await resp.text()
        assert "gigbroker_gigs_open 1" in body
        assert "gigbroker_outbox_pending" in body
    finally:
        await server.stop()


@pytest.fixture
def world_from_app(app):
    from tests.conftest import World
    return World(app.engine)


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["console", "--help"],
                                  ["db", "upgrade", "--help"], ["reconcile", "--help"]])
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    assert "usage: gigbroker" in capsys.readouterr().out


def test_bad_settings_name_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("HTTP_PORT", "not-a-port")
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "HTTP_PORT" in err and "DATABASE_URL" in err


def test_run_without_tokens_explains(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    for var in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    assert main(["run"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_no_subcommand_and_no_token_opens_the_console(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    for var in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setattr(sys, "stdin", io.StringIO("/as bob\n/help\n/quit\n"))
    assert main([]) == 0
    captured = capsys.readouterr()
    assert "Starting the console" in captured.err
    assert "[to bob] Commands" in captured.out
