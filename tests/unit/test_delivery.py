"""The delivery layer against the in-process recording platform: where replies
go (this chat, ephemeral, the actor's DM with its fallback, another person, a
board, a form), live cards (several messages per card, in one chat too, all
edited; a gone message forgotten and the board's card posted again; threads),
and notifications (dedup by key, outcomes mapped for the outbox)."""
from __future__ import annotations

import pytest

from bot.conversation import FieldSpec, FormRequest, FormSpec, Reply, Rich, to_board, to_user
from bot.delivery.cards import LiveCards, gig_card_key, gig_of_card, thread_key
from bot.delivery.outcomes import NOT_STARTED_RETRY
from bot.delivery.platform import (
    Capabilities, Exchange, Platform, RecipientNotStarted, RecipientUnreachable, TryLater,
)
from bot.delivery.service import PlatformDelivery
from core.api import RetryLater
from tests.conversation_platform import RecordingExchange, RecordingPlatform, origin


def text(s: str, **kw) -> Reply:
    return Reply(Rich().add(s), **kw)


@pytest.fixture
def fake():
    return RecordingPlatform()


@pytest.fixture
def delivery(engine, fake):
    return PlatformDelivery(engine, fake)


async def _user(engine, puid: str, name: str = "Ana", platform: str = "fake") -> int:
    return (await engine.resolve_user(platform, puid, name, None, "en")).id


def test_the_recording_platform_fulfils_the_contract(fake):
    assert isinstance(fake, Platform)
    assert isinstance(RecordingExchange(fake, origin(1)), Exchange)


def test_card_keys_are_built_and_read_in_one_place():
    assert gig_card_key(42) == "gig:42" and gig_of_card("gig:42") == 42
    assert gig_of_card(thread_key("gig:7")) == 7
    assert gig_of_card("claim:3") is None and gig_of_card(None) is None


# -- routing -----------------------------------------------------------------------
async def test_a_public_card_is_answered_here_and_remembered(engine, fake, delivery):
    ana = await _user(engine, "u1")
    ex = RecordingExchange(fake, origin(ana))
    out = await delivery.replies.deliver(ex, [text("card", card_key="gig:5")])
    (answer,) = fake.of("answer")
    assert not answer.private and ex.finished and len(out.sent) == 1
    refs = await engine.card_refs("fake", "gig:5")
    assert [(r.chat_id, r.message_id) for r in refs] == [("group-1", answer.message_id)]


async def test_private_replies_are_ephemeral_where_the_exchange_can(engine, fake, delivery):
    ana = await _user(engine, "u1")
    ex = RecordingExchange(fake, origin(ana), ephemeral=True)
    await delivery.replies.deliver(ex, [text("secret", private=True, card_key="gig:5")])
    (answer,) = fake.of("answer")
    assert answer.private and fake.of("direct") == []
    assert await engine.card_refs("fake", "gig:5") == []  # nobody else sees it: not a live card


async def test_private_replies_in_a_group_go_to_the_dm_and_are_announced(engine, fake,
                                                                         delivery):
    ana = await _user(engine, "u1")
    out = await delivery.replies.deliver(RecordingExchange(fake, origin(ana)),
                                         [text("secret", private=True)], ack=True)
    assert [(s.where, s.text) for s in fake.of("direct")] == [("u1", "secret")]
    assert "sent you a private message" in fake.of("answer")[0].text
    assert len(out.to_dm) == 1 and not out.dm_refused


async def test_in_a_private_chat_or_from_a_chat_speaking_as_itself_all_is_answered_here(
        engine, fake, delivery):
    ana = await _user(engine, "u1")
    await delivery.replies.deliver(RecordingExchange(fake, origin(ana, direct=True)),
                                   [text("a", private=True)])
    await delivery.replies.deliver(RecordingExchange(fake, origin(ana, speaker=None)),
                                   [text("b", private=True)])
    assert [s.text for s in fake.of("answer")] == ["a", "b"] and fake.of("direct") == []


async def test_a_refused_dm_asks_to_start_where_the_platform_needs_it(engine):
    fake = RecordingPlatform(capabilities=Capabilities(dm_needs_start=True),
                             start_url="https://t.me/bot?start=gig_9")
    fake.refuse["u1"] = RecipientNotStarted("never started")
    delivery = PlatformDelivery(engine, fake)
    ana = await _user(engine, "u1")
    out = await delivery.replies.deliver(
        RecordingExchange(fake, origin(ana, gig_id=9)), [text("one", private=True),
                                                         text("two", private=True)], ack=True)
    assert out.dm_refused and out.to_dm == []
    (ask,) = fake.of("answer")
    assert ask.text.startswith("Ana, I can only answer you in a private chat")
    # without dm_needs_start the refusal is only noted
    plain = RecordingPlatform(refuse={"u1": RecipientUnreachable("closed DMs")})
    out = await PlatformDelivery(engine, plain).replies.deliver(
        RecordingExchange(plain, origin(ana)), [text("x", private=True)], ack=True)
    assert out.dm_refused and plain.log == []


async def test_replies_to_another_person_and_to_a_board(engine, fake, delivery):
    ana = await _user(engine, "u1")
    ben = await _user(engine, "u2", "Ben")
    nobody = await _user(engine, "x9", "Cy", platform="elsewhere")
    community = await engine.ensure_board("fake", "guild-1", "Guild", "board-1")
    replies = [text("for ben", target=to_user(ben)), text("for cy", target=to_user(nobody)),
               text("on the board", target=to_board(community.id), card_key="gig:3")]
    await delivery.replies.deliver(RecordingExchange(fake, origin(ana)), replies)
    assert [(s.kind, s.where, s.text) for s in fake.log] == [
        ("direct", "u2", "for ben"), ("send", "board-1", "on the board")]
    assert [r.chat_id for r in await engine.card_refs("fake", "gig:3")] == ["board-1"]


async def test_forms_open_as_modals_only_where_the_platform_has_them(engine):
    form = FormRequest(FormSpec("deliver", "Deliver", (FieldSpec("text", "Text", "Your work"),)))
    for modals, kind in ((True, "form"), (False, "answer")):
        fake = RecordingPlatform(capabilities=Capabilities(modals=modals))
        ana = await _user(engine, "u1")
        await PlatformDelivery(engine, fake).replies.deliver(
            RecordingExchange(fake, origin(ana, direct=True)), [text("Send your work", form=form)])
        assert [s.kind for s in fake.log] == [kind]


async def test_one_failed_reply_does_not_stop_the_others(engine, fake, delivery):
    ana = await _user(engine, "u1")
    ben = await _user(engine, "u2", "Ben")
    fake.refuse["u2"] = RuntimeError("boom")
    out = await delivery.replies.deliver(RecordingExchange(fake, origin(ana)), [
        text("to ben", target=to_user(ben)), text("here")])
    assert out.failed == 1 and [s.text for s in fake.of("answer")] == ["here"]


# -- live cards ----------------------------------------------------------------------
async def test_every_message_showing_a_card_is_edited_two_in_one_chat_too(engine, fake):
    cards = LiveCards(engine, fake)
    await cards.show("gig:1", text("v1"), board="board-1")  # posted on the board
    await engine.remember_card("fake", "gig:1", "board-1", "77")  # a /gig 1 in the board
    await engine.remember_card("fake", "gig:1", "group-2", "88")  # and one in another group
    await cards.show("gig:1", text("v2"), board="board-1")
    assert [(s.kind, s.where, s.text) for s in fake.log] == [
        ("send", "board-1", "v1"), ("edit", "board-1", "v2"), ("edit", "board-1", "v2"),
        ("edit", "group-2", "v2")]


async def test_a_gone_message_is_forgotten_and_the_board_card_posted_again(engine, fake):
    cards = LiveCards(engine, fake)
    await cards.show("gig:1", text("v1"), board="board-1")
    await engine.remember_card("fake", "gig:1", "group-2", "88")
    fake.gone |= {fake.of("send")[0].message_id, "88"}
    await cards.show("gig:1", text("v2"), board="board-1")
    assert [(s.kind, s.text) for s in fake.log] == [("send", "v1"), ("send", "v2")]
    refs = await engine.card_refs("fake", "gig:1")
    assert [(r.chat_id, r.message_id) for r in refs] == [("board-1", fake.log[-1].message_id)]


async def test_unlisted_cards_are_not_posted_and_threads_follow_the_card(engine):
    fake = RecordingPlatform(capabilities=Capabilities(threads=True))
    cards = LiveCards(engine, fake)
    await cards.show("gig:1", text("draft"), board="board-1", listed=False)
    assert fake.log == []
    await cards.show("gig:1", text("open"), board="board-1")
    await cards.show("gig:1", text("done"), board="board-1", closed=True)
    assert [s.kind for s in fake.log] == ["send", "thread_opened", "edit", "thread_closed"]


async def test_a_rate_limited_card_goes_back_to_the_outbox_with_its_delay(engine, fake):
    cards = LiveCards(engine, fake)
    fake.refuse["board-1"] = TryLater(7, "slow down")
    with pytest.raises(RetryLater) as err:
        await cards.show("gig:1", text("v1"), board="board-1")
    assert err.value.seconds == 7


# -- notifications -------------------------------------------------------------------
async def test_a_notification_is_delivered_once_per_dedup_key(delivery, fake):
    await delivery.notify("u1", text("hello"), dedup_key="n:1")
    await delivery.notify("u1", text("hello"), dedup_key="n:1")
    await delivery.notify("u1", text("hello again"), dedup_key="n:2")
    assert [s.text for s in fake.of("direct")] == ["hello", "hello again"]
    assert delivery.sent == 2


async def test_notification_outcomes_are_mapped_for_the_outbox(delivery, fake):
    fake.refuse["u1"] = RecipientNotStarted("never started")
    with pytest.raises(RetryLater) as err:
        await delivery.notify("u1", text("hi"), dedup_key="n:1")
    assert err.value.seconds == NOT_STARTED_RETRY and delivery.held == 1
    fake.refuse["u1"] = TryLater(3)
    with pytest.raises(RetryLater) as err:
        await delivery.notify("u1", text("hi"), dedup_key="n:1")
    assert err.value.seconds == 3
    fake.refuse["u1"] = RecipientUnreachable("blocked")
    await delivery.notify("u1", text("hi"), dedup_key="n:1")  # dropped, not retried
    del fake.refuse["u1"]
    await delivery.notify("u1", text("hi"), dedup_key="n:1")
    assert delivery.dropped == 1 and fake.log == []


async def test_held_notifications_are_released_when_the_user_starts(engine):
    ana = await _user(engine, "u1")
    assert await engine.release_held_notifications(ana) == 0
