"""A Telegram channel as a gig board (real PTB, fake Bot API). In a channel only
admins write, and they write as the channel: a gig posted there would belong to
the channel's pseudo user. Clients post to the channel's board from their private
chat with the bot (/post board=...): the gig is theirs, its card goes to the
channel, and subscribers claim from it."""
from __future__ import annotations

import json

from sqlalchemy import select

from core.domain.records import Claim, Community, Gig, Identity
from tests.e2e.telegram_harness import ANA, CLIENT, harness, tg  # noqa: F401 (fixtures)

CHANNEL = -1002000000002
OWNER = 1009


async def channel_board(h, tg, title: str = "Design Jobs") -> int:
    tg.add_user(OWNER, "Olga", username="olga")
    chat = tg.add_chat(CHANNEL, "channel", title)
    tg.set_admins(CHANNEL, [OWNER, tg.bot_id])
    post = tg._add_message(chat, chat.to_api(), from_bot=False, text="/board", raw_text="/board",
                           entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    payload = tg._message_json(post)
    payload["sender_chat"] = chat.to_api()
    payload.pop("from", None)
    tg.inject_update({"channel_post": payload})
    await h.settle()
    board_text = h.texts(CHANNEL)[-1]
    assert "gig board of Design Jobs" in board_text, h.texts(CHANNEL)
    return await h.engine.view(lambda t: t.s.scalar(select(Community.id).where(
        Community.platform_id == str(CHANNEL))))


async def user_id(h, telegram_id: int) -> int:
    return await h.engine.view(lambda t: t.s.scalar(select(Identity.user_id).where(
        Identity.platform == "telegram", Identity.platform_user_id == str(telegram_id))))


async def test_client_posts_to_a_channel_board_from_the_private_chat(harness, tg):
    h = harness
    board_id = await channel_board(h, tg)
    assert f"/post board={board_id}" in h.texts(CHANNEL)[-1]  # the board says how
    await h.onboard(ANA, "Ana")
    await h.client()
    await h.say(CLIENT, '/post board="Design Jobs" title="Logo in SVG" reward=25 currency=usd '
                        'skills=design,svg')
    await h.press(CLIENT, h.last(CLIENT, "Preview"), "Pay")
    gig = await h.engine.view(lambda t: t.s.scalar(select(Gig)))
    assert gig.status == "open" and gig.community_id == board_id
    assert gig.client_id == await user_id(h, CLIENT)  # the client's, not the channel's
    card = h.card(gig.id, CHANNEL)  # the card went to the channel
    answer = await h.press(ANA, card, "Claim")
    assert "Slot 1 is yours" in answer.text, answer.text
    claim = await h.engine.view(lambda t: t.s.scalar(select(Claim)))
    assert claim.freelancer_id == await user_id(h, ANA)
    assert any("claimed a slot" in t for t in h.texts(CLIENT))  # told in the private chat


async def test_posting_to_an_unknown_board_explains_and_creates_nothing(harness, tg):
    h = harness
    board_id = await channel_board(h, tg)
    await h.client()
    await h.say(CLIENT, '/post board="Nope" title="Logo in SVG" reward=25 currency=usd')
    assert "There is no gig board 'Nope'" in h.texts(CLIENT)[-1]
    assert await h.engine.view(lambda t: list(t.s.scalars(select(Gig)))) == []
    await h.say(CLIENT, f"/post board={board_id}")  # the guided form, for that board
    assert "What needs doing?" in h.texts(CLIENT)[-1], h.texts(CLIENT)[-1]
    state = await h.engine.form_state("telegram", str(CLIENT))
    assert state.form == "post" and json.loads(state.context_json) == {"community_id": board_id}
