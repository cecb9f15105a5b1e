"""Proves the fake Telegram Bot API (tests/fakes/telegram_api.py) works with the real
python-telegram-bot and enforces the Telegram limits the bot must respect.

Loopback only; no internet.  The whole module runs in a few seconds.
"""

from __future__ import annotations

import contextlib
import hmac

import pytest
from aiohttp import ClientSession, web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.telegram_api import FakeTelegram

USER = 4242
GROUP = -1001234567890


@pytest.fixture
async def tg():
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot(tg):
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as b:
        yield b


def build_app(tg: FakeTelegram) -> Application:
    return (
        Application.builder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .job_queue(None)
        .build()
    )


@contextlib.asynccontextmanager
async def polling(app: Application, *, timeout: int = 5, error_callback=None):
    async with app:
        await app.updater.start_polling(timeout=timeout, poll_interval=0, error_callback=error_callback)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def keyboard(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(list(rows))


# ------------------------------------------------------------------ PTB end to end


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_chat.send_message(
        "<b>Gig #1</b>: translate 3 pages &amp; proofread",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(
            [InlineKeyboardButton("Claim", callback_data="claim:1")],
            [InlineKeyboardButton("Details", url="https://example.com/gigs/1")],
        ),
    )


async def on_claim(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("Claimed!", show_alert=True)
    await query.edit_message_text(f"Gig #1 claimed by {query.from_user.first_name}")


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tg_file = await update.message.document.get_file()
    content = await tg_file.download_as_bytearray()
    await update.message.reply_text(f"got {len(content)} bytes")
    await update.effective_chat.send_document(bytes(content[::-1]), filename="reversed.bin")


async def test_polling_command_and_callback_roundtrip(tg):
    app = build_app(tg)
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CallbackQueryHandler(on_claim, pattern=r"^claim:"))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    async with polling(app):
        assert app.bot.username == "gigbroker_test_bot"
        command = tg.inject_message(USER, text="/start")
        assert tg.users[USER].started  # writing to the bot privately starts it
        assert command.update_id is not None

        board = await tg.wait_for_message(USER, contains="Gig #1")
        assert board.text == "Gig #1: translate 3 pages & proofread"
        assert board.raw_text.startswith("<b>Gig #1</b>")
        assert board.entities == [{"type": "bold", "offset": 0, "length": 6}]
        assert board.button_texts == ["Claim", "Details"]

        query_id = tg.click(USER, board, "Claim")
        answer = await tg.wait_for_answer(query_id)
        assert (answer.text, answer.show_alert) == ("Claimed!", True)
        await tg.wait_for(lambda: board.edits, what="edit")
        assert board.text == f"Gig #1 claimed by {tg.users[USER].first_name}"
        assert board.reply_markup is None  # edit without reply_markup drops the keyboard
        assert board.edits[0].reply_markup["inline_keyboard"][0][0]["callback_data"] == "claim:1"

        # The same works in a supergroup, with /cmd@botname addressing.
        tg.add_chat(GROUP, title="Gigs board")
        tg.inject_message(USER + 1, GROUP, "/start@gigbroker_test_bot")
        in_group = await tg.wait_for_message(GROUP)
        assert in_group.chat["type"] == "supergroup"

        # Documents: a user upload is downloadable through base_file_url; uploads are stored.
        upload = tg.add_file(b"hello world", "task.txt", "text/plain")
        tg.inject_message(USER, document=upload.file_id, caption="my delivery")
        await tg.wait_for(lambda: any(m.document for m in tg.messages_to(USER)), what="document")
        assert tg.messages_to(USER)[-2].text == "got 11 bytes"
        sent = tg.last_message(USER).document
        assert (sent.content, sent.file_name) == (b"dlrow olleh", "reversed.bin")
    assert tg.conflicts == []  # stopping PTB is not mistaken for a second poller
    assert not tg.server_errors


async def test_updates_are_confirmed_by_offset(tg, bot):
    tg.inject_message(USER, text="one")
    tg.inject_message(USER, text="two")
    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first] == ["one", "two"]
    assert await bot.get_updates(offset=first[-1].update_id + 1, timeout=0) == ()
    assert tg.pending_updates == []


# ------------------------------------------------------------------ limits


async def test_callback_data_over_64_bytes_is_rejected(tg, bot):
    tg.user_started(USER)

    def button(data: str) -> InlineKeyboardMarkup:
        return keyboard([InlineKeyboardButton("x", callback_data=data)])

    await bot.send_message(USER, "ok", reply_markup=button("a" * 64))
    await bot.send_message(USER, "ok", reply_markup=button("é" * 32))
    for data in ("a" * 65, "é" * 33):  # bytes, not characters, are counted
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            await bot.send_message(USER, "no", reply_markup=button(data))
    assert len(tg.messages_to(USER)) == 2


@pytest.mark.parametrize(
    "url",
    ["http://localhost:8000/pay", "http://127.0.0.1/pay", "ftp://example.com/x", "https://intranet/pay"],
)
async def test_url_buttons_must_be_public_http(tg, bot, url):
    tg.user_started(USER)
    with pytest.raises(BadRequest, match="(?i)button_url_invalid"):
        await bot.send_message(USER, "pay", reply_markup=keyboard([InlineKeyboardButton("Pay", url=url)]))


async def test_rate_limit_surfaces_as_retry_after(tg, bot):
    tg.rate_limits.chat_burst = 3
    tg.freeze_time()
    tg.user_started(USER)
    for i in range(3):
        await bot.send_message(USER, f"m{i}")
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "too fast")
    assert [e.retry_after for e in tg.throttled] == [1]
    assert len(tg.accepted_sends) == 3
    tg.advance_time(1.0)
    await bot.send_message(USER, "after waiting")
    assert len(tg.accepted_sends) == 4

    # 20 messages per minute in a group.
    tg.rate_limits.chat_burst, tg.rate_limits.chat_per_second = 100, 100.0
    tg.add_chat(GROUP)
    for i in range(20):
        await bot.send_message(GROUP, f"g{i}")
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP, "one too many")
    assert tg.throttled[-1].retry_after == 3  # 60 s / 20 messages

    tg.rate_limits.enabled = False
    await bot.send_message(GROUP, "unlimited now")


async def test_global_rate_limit_is_a_sliding_window(tg, bot):
    tg.rate_limits.global_per_second = 5
    tg.freeze_time()
    for uid in range(1, 8):
        tg.user_started(uid)
    for uid in range(1, 6):
        await bot.send_message(uid, "hi")
        tg.advance_time(0.15)  # 5 sends spread over 0.75 s
    with pytest.raises(RetryAfter):
        await bot.send_message(6, "hi")  # a 6th inside the same second
    assert len(tg.throttled) == 1
    tg.advance_time(0.3)  # the first send left the window
    await bot.send_message(6, "hi")
    with pytest.raises(RetryAfter):
        await bot.send_message(7, "hi")
    assert len(tg.throttled) == 2


async def test_edit_not_modified_and_keyboard_removal(tg, bot):
    tg.user_started(USER)
    markup = keyboard([InlineKeyboardButton("Claim", callback_data="claim:1")])
    sent = await bot.send_message(USER, "<b>Gig</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("<b>Gig</b>", USER, sent.message_id, parse_mode="HTML",
                                    reply_markup=markup)
    # Same visible text via different markup-language is still "not modified".
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("<strong>Gig</strong>", USER, sent.message_id, parse_mode="HTML",
                                    reply_markup=markup)
    edited = await bot.edit_message_text("<b>Gig</b>", USER, sent.message_id, parse_mode="HTML")
    assert edited.reply_markup is None
    record = tg.get_message(USER, sent.message_id)
    assert record.reply_markup is None and len(record.edits) == 1
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id)
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=markup)
    assert tg.get_message(USER, sent.message_id).buttons[0]["callback_data"] == "claim:1"
    assert await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("gone", USER, sent.message_id)


async def test_private_chat_needs_start(tg, bot):
    tg.add_user(USER, "Ann")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(USER, "hello")
    tg.user_started(USER)
    await bot.send_message(USER, "hello")
    tg.user_blocked(USER)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(USER, "hello again")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(999_999, "who?")


@pytest.mark.parametrize(
    "html",
    ["<b>unclosed", "a < b", "Tom & Jerry", "<div>x</div>", "<b>x</i>", "x</b>", "line<br/>break",
     '<span class="big">x</span>'],
)
async def test_malformed_html_is_rejected(tg, bot, html):
    tg.user_started(USER)
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(USER, html, parse_mode=ParseMode.HTML)


async def test_html_subset_and_length_after_parsing(tg, bot):
    tg.user_started(USER)
    html = ('<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>'
            '<del>d</del><a href="https://example.com/?a=1&amp;b=2">l</a><code>c</code><pre>p</pre>'
            '<tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span><blockquote>q</blockquote>'
            " 3 &lt; 4 &gt; 2 &quot;ok&quot; &#169;")
    sent = await bot.send_message(USER, html, parse_mode=ParseMode.HTML)
    assert sent.text == 'bsieunskdlcpxyq 3 < 4 > 2 "ok" ©'
    assert sent.entities[9].url == "https://example.com/?a=1&b=2"
    await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)text is empty"):
        await bot.send_message(USER, "<b> </b>", parse_mode=ParseMode.HTML)


async def test_callback_query_answer_once_and_in_time(tg, bot):
    tg.user_started(USER)
    markup = keyboard([InlineKeyboardButton("Go", callback_data="go")])
    await bot.send_message(USER, "pick", reply_markup=markup)
    message = tg.last_message(USER)
    first = tg.click(USER, message, "Go")
    assert await bot.answer_callback_query(first, text="ok")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(first)
    late = tg.inject_callback(USER, message, "go")
    tg.advance_time(16)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(late)
    with pytest.raises(ValueError):
        tg.inject_callback(USER, message, "forged")
    assert [a.query_id for a in tg.callback_answers] == [first]


# ------------------------------------------------------------------ getUpdates / webhooks


async def test_second_poller_conflict(tg):
    errors = []
    app = build_app(tg)
    async with polling(app, timeout=5, error_callback=errors.append):
        await tg.wait_for(lambda: tg.calls_to("getUpdates"), what="first poll")
        async with Bot(tg.token, base_url=tg.base_url) as intruder:
            await intruder.get_updates(timeout=0)  # like Telegram: the older poll is terminated
        await tg.wait_for(lambda: errors, what="conflict reported to PTB")
        assert isinstance(errors[0], Conflict)
        assert len(tg.conflicts) == 1


async def test_second_poller_rejected_in_reject_new_mode():
    async with FakeTelegram(conflict_mode="reject_new") as tg:
        async with polling(build_app(tg), timeout=5):
            await tg.wait_for(lambda: tg.calls_to("getUpdates"), what="first poll")
            async with Bot(tg.token, base_url=tg.base_url) as intruder:
                with pytest.raises(Conflict, match="terminated by other getUpdates"):
                    await intruder.get_updates(timeout=0)


async def test_webhook_delivery_with_secret(tg, bot):
    received = []

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(secret, "s3cret-token"):
            return web.Response(status=403)
        received.append(Update.de_json(await request.json(), bot))
        return web.Response()

    hook_app = web.Application()
    hook_app.router.add_post("/tg/hook", hook)
    runner = web.AppRunner(hook_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        url = f"http://127.0.0.1:{port}/tg/hook"
        assert await bot.set_webhook(url, secret_token="s3cret-token")
        info = await bot.get_webhook_info()
        assert info.url == url and tg.webhook.secret_token == "s3cret-token"
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates(timeout=0)

        tg.inject_message(USER, text="/start")
        assert (await bot.get_webhook_info()).pending_update_count == 1
        assert await tg.deliver_webhook() == [200]
        assert received[0].message.text == "/start"
        assert await tg.post_webhook_update({"update_id": 1}, secret_token="wrong") == 403
        assert await tg.post_webhook_update({"update_id": 2}, secret_token=None) == 403

        await bot.delete_webhook()
        tg.inject_message(USER, text="polled")
        assert [u.message.text for u in await bot.get_updates(timeout=0)] == ["polled"]
    finally:
        await runner.cleanup()


async def test_auto_webhook_delivery_and_raw_http_clients():
    received = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response()

    hook_app = web.Application()
    hook_app.router.add_post("/hook", hook)
    runner = web.AppRunner(hook_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        async with FakeTelegram(webhook_auto_deliver=True) as tg, ClientSession() as http:
            api = f"{tg.base_url}{tg.token}"
            hook_url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
            async with http.post(f"{api}/setWebhook", json={"url": hook_url}) as resp:
                assert (await resp.json())["result"] is True
            tg.inject_message(USER, text="hello")
            await tg.wait_for(lambda: received, what="webhook delivery")
            assert received[0]["message"]["text"] == "hello"
            async with http.get(f"{api}/getWebhookInfo") as resp:
                assert (await resp.json())["result"]["pending_update_count"] == 0
            async with http.post(f"{api}/sendMessage", json={"chat_id": USER, "text": "x" * 4097}) as resp:
                body = await resp.json()
                assert (resp.status, body["description"]) == (400, "Bad Request: message is too long")
            async with http.get(f"{tg.base_url}1:bad/getMe") as resp:
                assert resp.status == 401
    finally:
        await runner.cleanup()


# ------------------------------------------------------------------ other methods


async def test_commands_members_files_and_misc(tg, bot):
    await bot.set_my_commands([BotCommand("post", "Post a gig")])
    await bot.set_my_commands([BotCommand("post", "Publier")], language_code="fr")
    tg.add_chat(GROUP)
    await bot.set_my_commands([BotCommand("board", "Board")], scope=BotCommandScopeChat(GROUP))
    assert [c.command for c in await bot.get_my_commands()] == ["post"]
    assert (await bot.get_my_commands(language_code="fr"))[0].description == "Publier"
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(GROUP))] == ["board"]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])

    tg.set_admins(GROUP, [11, tg.bot_id], creator=10)
    tg.inject_message(12, GROUP, "hi")
    assert (await bot.get_chat_member(GROUP, 10)).status == "creator"
    assert (await bot.get_chat_member(GROUP, 11)).status == "administrator"
    assert (await bot.get_chat_member(GROUP, 12)).status == "member"
    assert (await bot.get_chat_member(GROUP, tg.bot_id)).status == "administrator"
    tg.add_user(13)
    assert (await bot.get_chat_member(GROUP, 13)).status == "left"
    assert [m.user.id for m in await bot.get_chat_administrators(GROUP)] == [10, 11, tg.bot_id]
    assert (await bot.get_chat(GROUP)).type == "supergroup"

    tg.user_started(USER)
    assert await bot.send_chat_action(USER, "typing")
    doc = await bot.send_document(USER, b"%PDF-1.4 invoice", filename="invoice.pdf", caption="<i>Invoice</i>",
                                  parse_mode="HTML")
    again = await bot.send_document(USER, doc.document.file_id)
    assert again.document.file_id == doc.document.file_id
    photo = await bot.send_photo(USER, b"\x89PNG fake")
    file = await bot.get_file(photo.photo[-1].file_id)
    assert await file.download_as_bytearray() == b"\x89PNG fake"
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_document(USER, "no-such-file-id")
    assert tg.last_message(USER).photo is not None
    assert tg.messages_to(USER)[0].caption == "Invoice"

    assert await bot.set_my_description("Gig broker")  # unknown to the fake: ok + recorded
    assert [c.method for c in tg.unhandled_calls] == ["setMyDescription"]
    assert tg.calls_to("sendDocument")[0].params["document"]["filename"] == "invoice.pdf"

    tg.fail_next("sendMessage", 502, "Bad Gateway")
    with pytest.raises(Exception, match="Bad Gateway"):
        await bot.send_message(USER, "x")


async def test_wrong_token_is_unauthorized(tg):
    with pytest.raises(InvalidToken):
        async with Bot("1:wrong", base_url=tg.base_url):
            pass
