"""A notification is rendered for its recipient on each platform they are on: in
their language and time zone, as native timestamps on Discord and as text on
Telegram; the zone is the recipient's, not the actor's."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.delivery.dispatcher import ChatDispatcher
from bot.delivery.platform import Capabilities
from bot.texts import LANGUAGES
from core.api import OutboxWorker
from core.domain.gig_input import GigDraft
from core.domain.records import Identity
from tests.conversation_platform import RecordingPlatform


async def test_a_deadline_reaches_each_platform_in_the_recipients_zone(engine, clock):
    bob = (await engine.resolve_user("telegram", "1", "Bob")).id
    await engine.update_profile(bob, {"timezone": "America/New_York"}, languages=LANGUAGES)
    ana = (await engine.resolve_user("telegram", "2", "Ana", locale="es")).id
    await engine.tx(lambda t: t.s.add(Identity(user_id=ana, platform="discord",
                                               platform_user_id="20")))
    await engine.update_profile(ana, {"timezone": "Asia/Tokyo"}, languages=LANGUAGES)
    gig = await engine.post_gig(bob, GigDraft.parse({"title": "Logo", "reward": "25",
                                                     "skills": "design", "deliver_in": "1d"}))
    await engine.start_funding(bob, gig.id)
    claim = await engine.claim_slot(ana, gig.id)
    dispatcher = ChatDispatcher(engine)
    telegram = RecordingPlatform(name="telegram")
    discord = RecordingPlatform(name="discord", capabilities=Capabilities(native_timestamps=True))
    dispatcher.register(telegram)
    dispatcher.register(discord)
    await OutboxWorker(engine, dispatcher).drain()
    telegram.log.clear()
    discord.log.clear()

    await engine.extend_deadline(bob, claim.id, "1d")  # bob acts from New York
    await OutboxWorker(engine, dispatcher).drain()
    due = clock.now() + timedelta(days=2)
    tokyo = due.astimezone(ZoneInfo("Asia/Tokyo"))
    [on_telegram] = [s.text for s in telegram.log if s.kind == "direct" and s.where == "2"]
    [on_discord] = [s.text for s in discord.log if s.kind == "direct" and s.where == "20"]
    assert "más tiempo" in on_telegram  # Spanish, like ana
    assert f"{tokyo.day} jun 2026, {tokyo.hour}:{tokyo.minute:02d}" in on_telegram
    assert "(dentro de 2 días)" in on_telegram and "UTC" not in on_telegram
    assert "<t:" not in on_telegram
    assert f"<t:{int(due.timestamp())}:f>" in on_discord and "más tiempo" in on_discord
