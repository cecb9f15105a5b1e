"""Several live cards per gig: a ``/gig N`` answered in a board chat is a second
message showing the gig's card; both it and the board's own card are edited on
every change (the old single reference per chat let the newer message replace
the board's, which then stopped being edited), on Telegram and on Discord."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from core.domain.records import MessageRef
from tests.e2e.discord_harness import DiscordHarness, h  # noqa: F401 (fixture)
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, BEN, GROUP, harness, tg)


async def card_refs(engine, platform: str) -> list[tuple[str, str, str]]:
    return await engine.view(lambda t: [(r.card_key, r.chat_id, r.message_id) for r in t.s.scalars(
        select(MessageRef).where(MessageRef.platform == platform).order_by(MessageRef.id))])


async def test_gig_command_in_the_board_group_keeps_the_board_card_live_on_telegram(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    await h.board()
    gig = await h.funded_gig()
    board_card = h.card(gig)
    assert "2 of 2 slots open" in board_card.text

    tg.add_user(BEN, "Ben", username="ben")
    await h.say(BEN, f"/gig {gig}", GROUP)
    shown = h.card(gig)
    assert shown.message_id != board_card.message_id  # a second message with the card
    refs = await card_refs(h.engine, "telegram")
    assert [(k, c) for k, c, _ in refs] == [(f"gig:{gig}", str(GROUP))] * 2

    await h.press(ANA, board_card, "Claim")
    assert "1 of 2 slots open" in board_card.text and len(board_card.edits) == 1
    assert "1 of 2 slots open" in shown.text and len(shown.edits) == 1
    assert h.texts(GROUP).count(board_card.text) == 2  # edited in place, nothing re-posted


async def test_gig_show_in_the_board_channel_keeps_the_board_card_live_on_discord(
        h: DiscordHarness):
    await h.make_board()
    await h.make_profile(h.bob)
    card = await h.post_and_pay(slots=2)
    assert "2 of 2 slots open" in card.embeds[0]["description"]

    resp = await h.slash(h.carol, "show", {"id": 1}, channel=h.board)
    assert not resp.ephemeral
    shown = resp.message
    assert shown.id != card.id and "2 of 2 slots open" in shown.embeds[0]["description"]
    for _ in range(100):  # remembered once the response is out
        refs = [(k, c) for k, c, _ in await card_refs(h.app.engine, "discord") if k == "gig:1"]
        if len(refs) > 1:
            break
        await asyncio.sleep(0.02)
    assert refs == [("gig:1", str(h.board.id))] * 2

    await h.press(h.bob, card, "Claim")
    await h.pump(lambda: "1 of 2 slots open" in card.embeds[0]["description"]
                 and "1 of 2 slots open" in shown.embeds[0]["description"],
                 what="both messages of the card edited")
    assert len(h.board_cards()) == 2  # the board card and the /gig show answer, no re-post
