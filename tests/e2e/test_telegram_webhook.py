"""Webhook mode: updates arrive by POST on the project's HTTP server, checked
against the secret given to setWebhook; a wrong or missing secret gets 403 and
the update is not processed at all."""
from __future__ import annotations

from sqlalchemy import func, select

from adapters.telegram.webhook import webhook_secret
from core.domain.records import Identity
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    CLIENT, Harness, harness, hooked, tg)




async def identities(h) -> int:
    return await h.engine.view(lambda t: t.s.scalar(select(func.count()).select_from(Identity)))


async def test_webhook_refuses_a_wrong_secret_and_processes_the_right_one(hooked, tg):
    h = hooked
    assert tg.webhook.url == f"http://127.0.0.1:{h.port}/telegram/hook"
    assert tg.webhook.secret_token == webhook_secret(None, tg.token)
    assert set(tg.webhook.allowed_updates) >= {"message", "callback_query"}

    tg.add_user(CLIENT, "Carla")
    tg.inject_message(CLIENT, text="/help")
    update = tg.pending_updates[0]
    assert await tg.post_webhook_update(update, secret_token="not-the-secret") == 403
    assert await tg.post_webhook_update(update, secret_token=None) == 403
    assert await tg.post_webhook_update(update, secret_token=tg.webhook.secret_token[:-1]) == 403
    await h.service.application.update_queue.join()
    assert h.service.webhook.refused == 3 and h.service.webhook.accepted == 0
    assert tg.messages_to(CLIENT) == [] and await identities(h) == 0

    assert await tg.deliver_webhook() == [200]  # Telegram's own delivery, with the secret
    await h.settle()
    assert "Commands" in h.texts(CLIENT)[-1]
    assert await identities(h) == 1
    assert tg.calls_to("getUpdates") == []  # no polling in webhook mode


async def test_webhook_secret_from_settings_is_used(tg, tmp_path, migrated_db):
    h = Harness(tg, tmp_path, webhook=True, template=migrated_db)
    settings = h.settings

    def with_secret():
        s = settings()
        return s.model_copy(update={"telegram_webhook_secret": "s3cret_Token-1"})
    h.settings = with_secret
    await h.start()
    try:
        assert tg.webhook.secret_token == "s3cret_Token-1"
        tg.add_user(CLIENT, "Carla")
        tg.inject_message(CLIENT, text="/help")
        assert await tg.post_webhook_update(tg.pending_updates[0],
                                            secret_token=webhook_secret(None, tg.token)) == 403
        assert await tg.deliver_webhook() == [200]
        await h.settle()
        assert "Commands" in h.texts(CLIENT)[-1]
    finally:
        await h.stop()
