"""Rendering on Telegram, checked by the fake Bot API's strict HTML parser and
limits: user text cannot inject markup or mentions, long replies are split (cards
truncated), links that cannot be URL buttons become text, and the command menu
is published per language from the registry."""
from __future__ import annotations

import pytest
from telegram.ext import ExtBot

from adapters.telegram import render
from adapters.telegram.keyboards import is_public_url
from adapters.telegram.limits import Limits, Pacer
from adapters.telegram.sender import Sender
from bot.conversation import Button, Reply, Rich
from bot.registry import REGISTRY
from tests.fakes.telegram_api import FakeTelegram
from tests.e2e.telegram_harness import free_port, harness, tg  # noqa: F401 (fixtures)

USER = 777


@pytest.fixture
async def sender():
    async with FakeTelegram() as fake:
        fake.rate_limits.enabled = False
        fake.user_started(USER)
        async with ExtBot(fake.token, base_url=fake.base_url,
                          rate_limiter=Pacer(Limits(enabled=False))) as bot:
            yield fake, Sender(bot)


async def test_user_text_is_escaped_and_cannot_mention(sender):
    fake, s = sender
    hostile = 'Logo <b>now</b> & "cheap" </a><a href="https://evil.example">x</a> @everyone @ann'
    await s.send(USER, Reply(Rich().bold("#1 ").bold(hostile).line(hostile)))
    msg = fake.last_message(USER)
    shown = hostile.replace("@everyone", "@\u2060everyone").replace("@ann", "@\u2060ann")
    assert msg.text == f"#1 {shown}\n{shown}"
    assert [e["type"] for e in msg.entities] == ["bold"]  # only ours: no link, no mention
    assert msg.entities[0]["length"] == len(f"#1 {shown}")


async def test_long_replies_are_split_and_cards_truncated(sender):
    fake, s = sender
    para = " ".join(["A line of the description that goes on 🙂 and on."] * 3)
    text = Rich().bold("Title")
    for i in range(120):
        text.line(f"{i}: {para}")
    reply = Reply(text, buttons=[[Button("Claim", "cl:1")]])
    sent = await s.send(USER, reply)
    assert len(sent) >= 5
    messages = fake.messages_to(USER)
    assert all(render.utf16_len(m.text) <= 4096 for m in messages)
    assert [bool(m.buttons) for m in messages] == [False] * (len(messages) - 1) + [True]
    assert "\n".join(m.text for m in messages) == text.plain_text()

    card = Reply(Rich().bold("#2 Card").line("x" * 6000), card_key="gig:2")
    [one] = await s.send(USER, card)
    assert one.text.endswith("…") and render.utf16_len(one.text) <= 4096
    huge_line = Reply(Rich().add("🙂" * 3000))  # 6000 UTF-16 units in one line
    assert len(await s.send(USER, huge_line)) == 2


async def test_links_that_cannot_be_buttons_become_text(sender):
    fake, s = sender
    reply = Reply(Rich().add("Pay for gig #3").line("Docs: ").link("here", "javascript:alert(1)"),
                  buttons=[[Button("Pay now", url="http://localhost:8080/pay/3"),
                            Button("Guide", url="https://example.com/guide"),
                            Button("Broken", "x" * 65), Button("Claim", "cl:3")]])
    await s.send(USER, reply)
    msg = fake.last_message(USER)
    assert msg.button_texts == ["Guide", "Claim"]
    assert "Pay now: http://localhost:8080/pay/3" in msg.text
    assert "here (javascript:alert(1))" in msg.text
    assert not any(e["type"] == "text_link" for e in msg.entities)


def test_public_url_rules():
    assert is_public_url("https://checkout.stripe.com/c/pay/cs_test")
    for url in ("http://localhost:8080/pay", "http://127.0.0.1/x", "http://10.0.0.5/x",
                "https://intranet/x", "ftp://example.com/x", "http://app.localhost/x"):
        assert not is_public_url(url), url


async def test_command_menu_per_language(harness, tg):
    names = [spec.name for spec in REGISTRY]
    everyone = [c["command"] for c in tg.get_commands()]
    admins = [c["command"] for c in tg.get_commands({"type": "all_chat_administrators"})]
    assert set(admins) == set(names)
    assert "board" not in everyone and "post" in everyone and "start" in everyone
    spanish = tg.get_commands(language_code="es")
    assert [c["command"] for c in spanish] == everyone
    assert all(1 <= len(c["description"]) <= 256 for c in spanish)
    assert tg.get_commands({"type": "all_chat_administrators"}, "es")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_aiohttp_transport_speaks_the_bot_api(tg):
    """The adapter's transport: form posts, multipart uploads, long polls, errors."""
    from telegram.error import BadRequest, NetworkError, RetryAfter

    from adapters.telegram.transport import AiohttpRequest
    tg.user_started(USER)
    bot = ExtBot(tg.token, base_url=tg.base_url, request=AiohttpRequest(),
                 get_updates_request=AiohttpRequest(connection_pool_size=1))
    async with bot:
        sent = await bot.send_message(USER, "<b>hé</b> &amp; ok", parse_mode="HTML",
                                      reply_markup=None)
        assert sent.text == "hé & ok" and tg.last_message(USER).entities[0]["type"] == "bold"
        doc = await bot.send_document(USER, b"%PDF-1.4 x", filename="brief.pdf", caption="c")
        assert tg.files[doc.document.file_id].content == b"%PDF-1.4 x"
        tg.inject_message(USER, text="ping")
        updates = await bot.get_updates(timeout=1)
        assert [u.message.text for u in updates] == ["ping"]
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(424242, "who?")
        tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
        with pytest.raises(RetryAfter):
            await bot.send_message(USER, "x")
    dead = f"http://127.0.0.1:{free_port()}/bot"
    offline = ExtBot(tg.token, base_url=dead, request=AiohttpRequest())
    with pytest.raises(NetworkError) as err:
        await offline.initialize()
    assert tg.token not in str(err.value) and tg.token.split(":")[1] not in repr(err.value)
    await offline.shutdown()
