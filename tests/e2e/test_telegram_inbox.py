"""Webhook mode with the inbox: Telegram re-sends an update it did not see answered
(a timeout, a restart); the repeat is recognised by its ``update_id`` and the /post
in it creates one gig, not two (issue 14 measured a second gig even on one process)."""
from __future__ import annotations

from sqlalchemy import func, select

from core.domain.records import Gig, InboundUpdate
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    CLIENT, ONE_LINER, hooked, tg)




async def count(h, table) -> int:
    return await h.engine.view(lambda t: t.s.scalar(select(func.count()).select_from(table)))


async def test_a_resent_update_posts_one_gig(hooked, tg):
    h = hooked
    tg.add_user(CLIENT, "Carla")
    tg.inject_message(CLIENT, text=ONE_LINER)
    update = tg.pending_updates[0]
    assert await tg.post_webhook_update(update) == 200
    await h.settle()
    assert await tg.post_webhook_update(update) == 200  # Telegram sends it again
    await h.settle()
    assert await count(h, Gig) == 1
    assert sum("Preview" in t for t in h.texts(CLIENT)) == 1
    assert await count(h, InboundUpdate) == 1


async def test_an_update_is_stored_before_the_webhook_answers(hooked, tg):
    h = hooked
    tg.add_user(CLIENT, "Carla")
    tg.inject_message(CLIENT, text="/help")
    update = tg.pending_updates[0]
    assert await tg.post_webhook_update(update) == 200
    stored = await h.engine.view(lambda t: t.s.scalar(
        select(InboundUpdate.key).where(InboundUpdate.platform == "telegram")))
    assert stored == str(update["update_id"])
