"""No token, key or secret is ever printed (issue 15, item 2): the real
``gigbroker run`` at LOG_LEVEL=DEBUG, in both log formats, with every secret
configured, through the paths that used to print them: a token Telegram
rejects (PTB's exception repeats it), and webhook set-up (PTB's debug line of
the setWebhook call carries ``secret_token``). Every line of stderr and stdout
is searched for each secret, raw and percent-encoded."""
from __future__ import annotations

import asyncio
import json
from urllib.parse import quote

import pytest

from tests.e2e import cli_process
from tests.e2e.telegram_harness import free_port, tg  # noqa: F401 (fixture)
from tests.fakes.discord_api import FakeDiscord

WRONG_TOKEN = "123456789:AAWrongTokenWrongTokenWrongToken_xyz0"
WEBHOOK_SECRET = "Webhook-Secret_4c1d9e"
STRIPE_KEY = "sk_test_51SecretStripeKeyForTheLogTest"
STRIPE_WEBHOOK = "whsec_SecretStripeWebhookForTheLogTest"
METRICS_TOKEN = "metrics-token-7f3a91"
DISCORD_TOKEN = "discord.token-for-the-log-test.xyz"


def leaks(result: cli_process.Finished, secrets: list[str]) -> list[str]:
    found = []
    for secret in secrets:
        for form in {secret, quote(secret, safe=""), secret.split(":")[-1]}:
            for line in (result.err + result.out).splitlines():
                if form in line:
                    found.append(f"{secret!r} in: {line[:300]}")
    return found


def settings(tmp_path, tg, **more) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'gigbroker.db'}",
            "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(free_port()),
            "TELEGRAM_API_BASE_URL": tg.base_url, "STRIPE_SECRET_KEY": STRIPE_KEY,
            "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK, "STRIPE_API_BASE_URL": "http://127.0.0.1:9",
            "METRICS_TOKEN": METRICS_TOKEN, "LOG_LEVEL": "DEBUG", **more}


@pytest.fixture
def workdir(tmp_path, migrated_db):
    (tmp_path / "gigbroker.db").write_bytes(migrated_db.read_bytes())
    return tmp_path


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_a_rejected_token_is_not_printed(tg, workdir, log_format):
    result = await cli_process.run(workdir, **settings(
        workdir, tg, TELEGRAM_BOT_TOKEN=WRONG_TOKEN, LOG_FORMAT=log_format))
    assert result.code == 2 and "refused the bot token" in result.err
    assert [c.status for c in tg.calls_to("getMe")] == [401]  # the real path ran
    if log_format == "json":  # every line is a JSON object, the failure line too
        records = [json.loads(line) for line in result.err.splitlines()]
        assert records[-1]["level"] == "CRITICAL"
        assert records[-1]["message"].startswith("gigbroker: TELEGRAM_BOT_TOKEN:")
    assert leaks(result, [WRONG_TOKEN, STRIPE_KEY, STRIPE_WEBHOOK, METRICS_TOKEN]) == []


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_webhook_setup_at_debug_prints_no_secret(tg, workdir, log_format):
    async with FakeDiscord(token=DISCORD_TOKEN) as discord:
        proc = await cli_process.start(workdir, **settings(
            workdir, tg, TELEGRAM_BOT_TOKEN=tg.token, LOG_FORMAT=log_format,
            TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/telegram/hook",
            TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET, DISCORD_BOT_TOKEN=DISCORD_TOKEN,
            DISCORD_API_BASE_URL=discord.api_base,
            DATABASE_URL=f"sqlite:///{workdir / 'gigbroker.db'}"))
        try:
            await tg.wait_for(lambda: tg.webhook.url, 60, what="setWebhook")
            await asyncio.sleep(0.5)  # the lines logged right after the call
        finally:
            result = await cli_process.interrupt(proc)
    assert tg.webhook.secret_token == WEBHOOK_SECRET  # the real set-up ran, at DEBUG
    assert "setWebhook" in result.err
    assert leaks(result, [tg.token, WEBHOOK_SECRET, STRIPE_KEY, STRIPE_WEBHOOK, METRICS_TOKEN,
                          DISCORD_TOKEN]) == []
    if log_format == "json":
        records = [json.loads(line) for line in result.err.splitlines()]
        assert {"time", "level", "logger", "message"} <= set(records[0])
        assert any(r["level"] == "DEBUG" and "setWebhook" in r["message"] for r in records)


async def test_the_derived_webhook_secret_is_masked(tg, workdir):
    """No TELEGRAM_WEBHOOK_SECRET: the one derived from the token is masked too."""
    from adapters.telegram.webhook import webhook_secret
    proc = await cli_process.start(workdir, **settings(
        workdir, tg, TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/telegram/hook"))
    try:
        await tg.wait_for(lambda: tg.webhook.url, 60, what="setWebhook")
        await asyncio.sleep(0.5)
    finally:
        result = await cli_process.interrupt(proc)
    derived = webhook_secret(None, tg.token)
    assert tg.webhook.secret_token == derived and "setWebhook" in result.err
    assert leaks(result, [tg.token, derived]) == []
