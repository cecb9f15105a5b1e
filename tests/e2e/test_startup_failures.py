"""Every start-up failure of ``gigbroker run`` is one clear line on stderr and exit
code 2, never a traceback, and leaves no HTTP session open (issue 15,
Operability). Each case runs the real CLI as a process against the local fakes
(Telegram, Discord) or a port nothing listens on."""
from __future__ import annotations

import socket

import pytest

from tests.e2e import cli_process
from tests.e2e.telegram_harness import free_port, tg  # noqa: F401 (fixture)
from tests.fakes.discord_api import FakeDiscord

WRONG_TOKEN = "123456789:AAWrongTokenWrongTokenWrongToken_xyz0"


@pytest.fixture
def workdir(tmp_path, migrated_db):
    db = tmp_path / "gigbroker.db"
    db.write_bytes(migrated_db.read_bytes())
    return tmp_path


def base(workdir, **settings) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{workdir / 'gigbroker.db'}", "HTTP_HOST": "127.0.0.1",
            "HTTP_PORT": str(free_port()), "LOG_LEVEL": "INFO", **settings}


def one_clear_line(result: cli_process.Finished, *expected: str) -> str:
    """Exit 2, no traceback, no leaked session, and exactly one 'gigbroker:' line
    that says each of ``expected``; returns that line."""
    assert result.code == 2, result.err
    assert "Traceback" not in result.err, result.err
    assert "Unclosed" not in result.err, result.err
    lines = [line for line in result.lines if line.startswith("gigbroker:")]
    assert len(lines) == 1, result.err
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


async def test_a_rejected_telegram_token(tg, workdir):
    result = await cli_process.run(workdir, **base(
        workdir, TELEGRAM_BOT_TOKEN=WRONG_TOKEN, TELEGRAM_API_BASE_URL=tg.base_url))
    one_clear_line(result, "TELEGRAM_BOT_TOKEN", "refused the bot token")
    assert WRONG_TOKEN not in result.err and WRONG_TOKEN.split(":")[1] not in result.err
    assert [c.status for c in tg.calls_to("getMe")] == [401]


async def test_a_malformed_telegram_token(workdir):
    result = await cli_process.run(workdir, **base(workdir, TELEGRAM_BOT_TOKEN="not a token"))
    assert result.code == 2 and "Traceback" not in result.err
    assert "TELEGRAM_BOT_TOKEN: does not look like a bot token" in result.err
    assert "not a token" not in result.err


async def test_telegram_unreachable(workdir):
    port = free_port()  # nothing listens there
    result = await cli_process.run(workdir, **base(
        workdir, TELEGRAM_BOT_TOKEN=WRONG_TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot"))
    one_clear_line(result, "TELEGRAM_API_BASE_URL", f"cannot reach Telegram at "
                   f"http://127.0.0.1:{port}")
    assert WRONG_TOKEN not in result.err


async def test_a_webhook_url_telegram_refuses(tg, workdir):
    tg.webhook_require_https = True
    result = await cli_process.run(workdir, **base(
        workdir, TELEGRAM_BOT_TOKEN=tg.token, TELEGRAM_API_BASE_URL=tg.base_url,
        TELEGRAM_WEBHOOK_URL="http://bot.example.com/telegram/webhook"))
    one_clear_line(result, "TELEGRAM_WEBHOOK_URL", "an https url must be provided")
    assert tg.webhook.url == ""


async def test_a_webhook_url_that_is_no_url(workdir):
    result = await cli_process.run(workdir, **base(
        workdir, TELEGRAM_BOT_TOKEN=WRONG_TOKEN, TELEGRAM_WEBHOOK_URL="bot.example.com/hook"))
    assert result.code == 2 and "Traceback" not in result.err
    assert "TELEGRAM_WEBHOOK_URL: must be the full public URL" in result.err


async def test_a_rejected_discord_token(workdir):
    async with FakeDiscord(token="the-right-token") as discord:
        result = await cli_process.run(workdir, **base(
            workdir, DISCORD_BOT_TOKEN="a-wrong-discord-token",
            DISCORD_API_BASE_URL=discord.api_base))
    one_clear_line(result, "DISCORD_BOT_TOKEN", "Discord refused the bot token")
    assert "a-wrong-discord-token" not in result.err


async def test_discord_unreachable(workdir):
    port = free_port()
    result = await cli_process.run(workdir, **base(
        workdir, DISCORD_BOT_TOKEN="some-discord-token",
        DISCORD_API_BASE_URL=f"http://127.0.0.1:{port}/api/v10"))
    one_clear_line(result, "DISCORD_API_BASE_URL", f"cannot reach Discord at 127.0.0.1:{port}")


async def test_postgresql_down(workdir):
    port = free_port()
    result = await cli_process.run(workdir, **base(
        workdir, TELEGRAM_BOT_TOKEN=WRONG_TOKEN,
        DATABASE_URL=f"postgresql://gigbroker:pw-not-shown@127.0.0.1:{port}/gigbroker"))
    one_clear_line(result, "DATABASE_URL", f"cannot use PostgreSQL at 127.0.0.1:{port}/gigbroker")
    assert "pw-not-shown" not in result.err


async def test_sqlite_file_in_a_missing_directory(workdir):
    missing = workdir / "no" / "such" / "dir"
    result = await cli_process.run(workdir, **base(
        workdir, TELEGRAM_BOT_TOKEN=WRONG_TOKEN, DATABASE_URL=f"sqlite:///{missing}/x.db"))
    one_clear_line(result, "DATABASE_URL", f"the directory {missing}", "does not exist")
    assert not missing.exists()


async def test_http_port_in_use(tg, workdir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = await cli_process.run(workdir, **base(
            workdir, TELEGRAM_BOT_TOKEN=tg.token, TELEGRAM_API_BASE_URL=tg.base_url,
            HTTP_PORT=str(port)))
    one_clear_line(result, "HTTP_PORT", f"127.0.0.1:{port} is already in use")
    assert tg.calls_to("getMe") == []  # nothing started before the port was known to be free


async def test_db_upgrade_and_console_fail_the_same_way(workdir):
    missing = workdir / "gone"
    for command in (("db", "upgrade"), ("console",)):
        result = await cli_process.run(workdir, *command,
                                       DATABASE_URL=f"sqlite:///{missing}/x.db")
        one_clear_line(result, "DATABASE_URL", "does not exist")
