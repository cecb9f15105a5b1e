"""Button presses, restarts and group etiquette on Telegram (real PTB, fake Bot API):
a double tap, a stranger pressing the client's Approve, a button and a form that
outlive the process, deep links for users who never opened a private chat."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.lifecycle import ledger
from core.domain.records import Claim, ConversationState
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, BEN, CAT, CLIENT, GROUP, harness, tg)

# A restarted pacer does not know what the last process sent, so the fake may answer 429
# (which is waited out); python-telegram-bot warns about its own RetryAfter then.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def claims(h) -> list[tuple[int, str]]:
    return await h.engine.view(lambda t: [(c.freelancer_id, c.status) for c in t.s.scalars(
        select(Claim).order_by(Claim.id))])


async def test_double_tap_on_claim_claims_once(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    await h.board()
    await h.funded_gig()
    card = h.card(1)
    first = tg.click(ANA, card, "Claim")
    second = tg.click(ANA, card, "Claim")  # before the first is handled
    await h.settle()
    assert len(await claims(h)) == 1
    a, b = tg.answer_for(first), tg.answer_for(second)
    assert a is not None and b is not None  # both answered, each once
    assert "Slot 1 is yours" in a.text
    assert b.show_alert and "already" in b.text.lower()
    assert len([t for t in h.texts(ANA) if "Slot 1 is yours" in t]) == 1
    assert "1 of 2 slots open" in card.text


async def test_stranger_pressing_approve_in_a_group_changes_nothing(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.onboard(BEN, "Ben")
    await h.client()
    await h.board()
    await h.funded_gig()
    await h.press(ANA, h.card(1), "Claim")
    claim_id = (await h.engine.view(lambda t: t.s.scalar(select(Claim.id))))
    await h.say(ANA, f"/deliver {claim_id} Here you go")
    approve = h.last(CLIENT, f"claim #{claim_id}").button("Approve")["callback_data"]
    balances = await h.engine.view(lambda t: ledger.all_balances(t.s))

    # Ben replays the client's Approve payload on the board card (a forged keyboard)
    query = tg.inject_callback(BEN, h.card(1), approve, allow_forged=True)
    await h.settle()
    answer = tg.answer_for(query)
    assert answer.show_alert and "client" in answer.text.lower()
    assert await claims(h) == [(await uid(h, ANA), "delivered")]
    assert await h.engine.view(lambda t: ledger.all_balances(t.s)) == balances
    assert not any("was approved" in t for t in h.texts(ANA) + h.texts(GROUP))


async def uid(h, telegram_id: int) -> int:
    from core.domain.records import Identity
    return await h.engine.view(lambda t: t.s.scalar(select(Identity.user_id).where(
        Identity.platform == "telegram", Identity.platform_user_id == str(telegram_id))))


async def test_button_pressed_after_a_restart(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    await h.board()
    await h.funded_gig()
    card = h.card(1)
    await h.restart()  # a new process: new Application, same database
    answer = await h.press(ANA, card, "Claim")
    assert "Slot 1 is yours" in answer.text
    assert await claims(h) == [(await uid(h, ANA), "active")]
    assert "1 of 2 slots open" in card.text  # the remembered card was edited in place
    assert len([m for m in tg.messages_to(GROUP) if "#1 " in m.text]) == 1


async def test_form_resumes_after_a_restart(harness, tg):
    h = harness
    await h.client()
    await h.say(CLIENT, "/post")
    await h.say(CLIENT, "Translate a menu")
    assert "(2/10)" in h.texts(CLIENT)[-1]
    await h.restart()
    await h.say(CLIENT, "Two pages, Spanish to English.")
    assert "(3/10)" in h.texts(CLIENT)[-1]
    for answer in ("20 usd", "1", "translation", "1d", "skip", "skip", "skip", "skip"):
        await h.say(CLIENT, answer)
    preview = h.last(CLIENT, "Preview")
    assert "Translate a menu" in preview.text and "Two pages" in preview.text
    assert await h.engine.view(lambda t: t.s.scalar(
        select(func.count()).select_from(ConversationState))) == 0


async def test_group_user_who_never_started_gets_a_deep_link(harness, tg):
    h = harness
    await h.client()
    await h.board()
    await h.funded_gig()
    tg.add_user(CAT, "Cat")  # a group member who never opened a private chat with the bot
    answer = await h.press(CAT, h.card(1), "Details")
    assert answer.url == f"https://t.me/{tg.bot.username}?start=gig_1"
    nudge = h.texts(GROUP)[-1]
    assert "Cat" in nudge and "private chat" in nudge
    button = tg.last_message(GROUP).button("Open a private chat")
    assert button["url"] == f"https://t.me/{tg.bot.username}?start=gig_1"

    # The deep link opens the gig
    await h.say(CAT, "/start gig_1")
    assert "#1 Logo in SVG" in h.texts(CAT)[-1]
    assert "Claim" in tg.last_message(CAT).button_texts


async def test_board_is_for_chat_admins_only(harness, tg):
    h = harness
    await h.client()
    tg.add_chat(GROUP, "supergroup", "Design Guild")
    tg.set_admins(GROUP, [CLIENT, tg.bot_id])
    await h.onboard(BEN, "Ben")
    await h.say(BEN, "/board", GROUP)
    assert "Only an admin" in h.texts(BEN)[-1]  # the refusal goes to Ben privately
    assert not any("gig board" in t for t in h.texts(GROUP))
    assert tg.calls_to("getChatMember")[-1].params["user_id"] == str(BEN)


async def test_plain_text_hint_unknown_command_and_group_chatter(harness, tg):
    h = harness
    await h.client()
    await h.say(CLIENT, "hello?")
    assert "/help" in h.texts(CLIENT)[-1]
    await h.say(CLIENT, "/frobnicate now")
    assert "I don't know /frobnicate" in h.texts(CLIENT)[-1]
    tg.add_chat(GROUP, "supergroup", "Design Guild")
    await h.say(CLIENT, "/frobnicate", GROUP)  # maybe another bot's: not ours to answer
    await h.say(CLIENT, "just chatting", GROUP)
    assert h.texts(GROUP) == []
    await h.say(CLIENT, f"/frobnicate@{tg.bot.username}", GROUP)  # addressed to us
    assert "I don't know /frobnicate" in h.texts(CLIENT)[-1]
    assert h.texts(GROUP) == ["📬 Carla, I sent you a private message."]


async def test_failures_are_answered_and_never_shown_as_tracebacks(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    await h.funded_gig(chat=None)
    card = h.last(ANA, "New gig for you")
    forged = tg.inject_callback(ANA, card, "zz:1", allow_forged=True)
    tg.fail_next("sendMessage", 500, "Internal Server Error")  # the Details reply will fail
    details = tg.click(ANA, card, "Details")
    await h.settle()
    assert tg.answer_for(forged).show_alert and "not valid" in tg.answer_for(forged).text
    assert tg.answer_for(details) is not None  # answered before the send failed
    everything = " ".join(m.text or "" for chat in tg.messages for m in tg.messages_to(chat))
    assert "Traceback" not in everything and "Internal Server Error" not in everything
    await h.press(ANA, card, "Details")  # and the bot carries on
    assert "#1 Logo in SVG" in h.texts(ANA)[-1]


async def test_channel_and_anonymous_admins_can_set_up_a_board(harness, tg):
    h = harness
    channel = -1002000000002
    tg.add_chat(channel, "channel", "Gig Channel")
    tg.set_admins(channel, [tg.bot_id])
    post = {"message_id": 1, "date": 0, "chat": {"id": channel, "type": "channel",
                                                   "title": "Gig Channel"},
            "sender_chat": {"id": channel, "type": "channel", "title": "Gig Channel"},
            "text": "/board", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}
    tg.inject_update({"channel_post": post})
    await h.settle()
    assert "gig board of Gig Channel" in h.texts(channel)[-1]

    tg.add_chat(GROUP, "supergroup", "Design Guild")
    anonymous = {**post, "chat": {"id": GROUP, "type": "supergroup", "title": "Design Guild"},
                 "sender_chat": {"id": GROUP, "type": "supergroup", "title": "Design Guild"},
                 "from": {"id": 1087968824, "is_bot": True, "first_name": "Group",
                          "username": "GroupAnonymousBot"}}
    tg.inject_update({"message": anonymous})
    await h.settle()
    assert "gig board of Design Guild" in h.texts(GROUP)[-1]
    assert not tg.calls_to("getChatMember")  # speaking as the chat proves admin rights
