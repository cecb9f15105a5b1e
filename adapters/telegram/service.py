"""``TelegramService``: the Telegram bot as one of ``gigbroker run``'s services.

Builds the python-telegram-bot ``Application`` from settings
(``TELEGRAM_BOT_TOKEN``, ``TELEGRAM_API_BASE_URL``), with the pacer as its rate
limiter (every Bot API call goes through it), the aiohttp transport, per-user
ordered concurrent update processing, and the handlers. ``start()`` publishes the command menu,
then either long-polls or, with ``TELEGRAM_WEBHOOK_URL``, registers the webhook
(route mounted on the project's HTTP server at construction, before it starts)
and registers its delivery (``bot.delivery.PlatformDelivery`` around
``TelegramPlatform``) with the notification dispatcher. ``stop()`` undoes it.

Roles (``bot.runtime.roles``) pick its parts: ``intake`` (the webhook route or long
polling: updates are stored in the inbox), ``processing`` (handling updates: those
received here and, polled from the inbox, those other processes stored; each
sender's in order across processes on PostgreSQL, ``turns``) and ``delivering``
(notifications from the outbox). One process with all three is what it always was."""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Awaitable, Callable, Protocol

from telegram import Update
from telegram.ext import (
    Application, CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters,
)

from adapters.telegram.handlers import Handlers
from adapters.telegram import membership
from adapters.telegram.inbox import InboxQueue, StoreBeforeConfirm
from adapters.telegram.limits import BULK, INTERACTIVE, Limits, Pacer
from adapters.telegram.logs import protect_token
from adapters.telegram.menu import publish_commands
from adapters.telegram.platform import TelegramPlatform
from adapters.telegram.processor import PerUserProcessor, tell_to_slow_down
from adapters.telegram.sender import Sender
from adapters.telegram.startup import startup_failure
from adapters.telegram.transport import AiohttpRequest
from adapters.telegram.turns import LOCAL_GRACE, SenderTurns, poll
from adapters.telegram.webhook import WebhookEndpoint, webhook_path, webhook_secret
from bot.delivery.dispatcher import ChatDispatcher
from bot.delivery.service import PlatformDelivery
from bot.service import Conversation
from core.api import Engine
from bot.registry import REGISTRY



class AppParts(Protocol):
    """What the service takes from the composition root's app."""

    engine: Engine
    conversation: Conversation
    dispatcher: ChatDispatcher


class TelegramSettings(Protocol):
    """The settings the service reads (``bot.runtime.settings.Settings``)."""

    telegram_bot_token: str | None
    telegram_api_base_url: str
    telegram_webhook_url: str | None
    telegram_webhook_secret: str | None


class Routes(Protocol):
    """Where the webhook route is mounted (``bot.runtime.http.HttpServer``)."""

    def add_route(self, method: str, path: str,
                  handler: Callable[..., Awaitable[object]]) -> None: ...

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.CHANNEL_POST,
                   Update.MY_CHAT_MEMBER, Update.CHAT_MEMBER]  # joins/leaves: membership.py


def file_base_url(base_url: str) -> str:
    """'https://api.telegram.org/bot' -> 'https://api.telegram.org/file/bot'."""
    base = base_url.rstrip("/")
    return base[:-len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file/bot"


class TelegramService:
    def __init__(self, app: AppParts, settings: TelegramSettings, http: Routes | None = None, *,
                 limits: Limits | None = None, concurrency: int = 64,
                 polling_timeout: int = 10, intake: bool = True, processing: bool = True,
                 delivering: bool = True) -> None:
        if not settings.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.app = app
        self.settings = settings
        self.polling_timeout = polling_timeout
        self.intake, self.processing, self.delivering = intake, processing, delivering
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        token = settings.telegram_bot_token
        protect_token(token)
        self.pacer = Pacer(limits, budget=app.engine.send_budget())  # shared by processes
        # updates stored before they are confirmed (only stored, without processing)
        self.inbox = InboxQueue(app.engine, process_here=processing)
        self.application = self._build(token, settings, concurrency)
        self.sender = Sender(self.application.bot)
        self.notifier = TelegramPlatform(self.sender, policy=BULK)  # notifications and cards
        self.delivery = PlatformDelivery(app.engine, self.notifier, interactive=TelegramPlatform(
            self.sender, policy=INTERACTIVE))
        app.conversation.serve(self.notifier.name, self.notifier.capabilities)
        self.handlers = Handlers(app.conversation, self.delivery.replies, on_started=self._started)
        self._add_handlers()
        # several processes (PostgreSQL): each sender's updates in order, via the inbox
        self.turns = SenderTurns(app.engine, self.owner, self.application.process_update,
                                 lambda: self.application.bot)
        # a worker polls the inbox for what other processes stored (and a killed one left)
        self.polls = processing and (app.engine.shared_database or not intake)
        if self.polls:
            self.processor.turns = self.turns
        self._polling: asyncio.Task | None = None
        self._stop_polling = asyncio.Event()
        self.webhook: WebhookEndpoint | None = None
        self._yielding = False
        if settings.telegram_webhook_url and intake:
            if http is None:
                raise ValueError("webhook mode needs the HTTP server")
            self.webhook = WebhookEndpoint(self.application, webhook_secret(
                settings.telegram_webhook_secret, token), stored=self.inbox.stored)
            http.add_route("POST", webhook_path(settings.telegram_webhook_url),
                           self.webhook.handle)

    def _build(self, token: str, settings: TelegramSettings, concurrency: int) -> Application:
        self.processor = PerUserProcessor(
            concurrency, inbox=self.inbox, on_flood=lambda update: (
                tell_to_slow_down(self.delivery.replies.platform, update)))
        builder = (Application.builder().token(token)
                   .base_url(settings.telegram_api_base_url)
                   .base_file_url(file_base_url(settings.telegram_api_base_url))
                   .request(AiohttpRequest(connection_pool_size=max(concurrency, 8)))
                   .get_updates_request(StoreBeforeConfirm(AiohttpRequest(connection_pool_size=1),
                                                           self.inbox))
                   .rate_limiter(self.pacer)
                   .update_queue(self.inbox)
                   .concurrent_updates(self.processor)
                   .job_queue(None))
        if settings.telegram_webhook_url or not self.intake:
            builder = builder.updater(None)  # no long polling here
        return builder.build()

    def _add_handlers(self) -> None:
        h = self.handlers
        messages = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
        names = [spec.name for spec in REGISTRY]
        add = self.application.add_handler
        add(CommandHandler(names, h.on_command, filters=messages))
        add(MessageHandler(filters.COMMAND & messages, h.on_unknown_command))
        add(CallbackQueryHandler(h.on_callback))
        add(MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & (
            filters.TEXT | filters.Document.ALL | filters.PHOTO), h.on_private_message))
        add(ChatMemberHandler(h.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
        membership.register(self.application, self.app.conversation)  # members-only boards
        self.application.add_error_handler(h.on_error)

    @property
    def bot(self):
        return self.application.bot

    async def _started(self, actor) -> None:
        """The user opened the private chat: notifications held for that go now."""
        n = await self.app.engine.release_held_notifications(actor.user_id)
        if n:
            log.info("released %s held notification(s) for user %s", n, actor.user_id)

    async def start(self) -> None:
        self.step = "getMe"
        try:
            await self._start()
        except BaseException as exc:
            await self.stop()  # the runner only stops services that started
            # After a failed initialize() Application.shutdown() does nothing: close
            # the HTTP sessions here, or they are left open ("Unclosed client session").
            await self.application.bot.shutdown()
            failure = startup_failure(exc, self.settings, step=self.step)
            if failure is not None:
                raise failure from None
            raise

    async def _start(self) -> None:
        application = self.application
        await application.initialize()  # getMe: checks the token, learns our username
        self.sender.bot_username = application.bot.username or ""
        if self.intake:
            await publish_commands(application.bot)
        if not self.polls:
            await self.inbox.replay(application.bot)  # what a killed process left unfinished
        if not self.intake:
            log.info("Telegram bot @%s: %s here, no intake", application.bot.username,
                     "handling stored updates" if self.processing else "sending only")
        elif self.webhook is not None:
            self.step = "setWebhook"
            await application.bot.set_webhook(
                self.settings.telegram_webhook_url, secret_token=webhook_secret(
                    self.settings.telegram_webhook_secret, self.settings.telegram_bot_token),
                allowed_updates=ALLOWED_UPDATES)
            log.info("Telegram bot @%s receives updates by webhook", application.bot.username)
        else:
            await application.updater.start_polling(
                poll_interval=0, timeout=self.polling_timeout, allowed_updates=ALLOWED_UPDATES)
            log.info("Telegram bot @%s is long polling", application.bot.username)
        await application.start()
        if self.delivering:
            self.app.dispatcher.register(self.delivery)
        outbox = getattr(self.app, "outbox", None)
        if outbox is not None and not self._yielding:  # answers before notifications
            self._yielding = True
            outbox.yield_to(lambda: self.application.update_processor
                            .current_concurrent_updates > 0)
        if self.polls:
            self._stop_polling.clear()
            self._polling = asyncio.ensure_future(poll(
                self.turns, self.processor.run_polled, self._stop_polling,
                grace=LOCAL_GRACE if self.intake else 0.0))

    def health(self) -> tuple[bool, str]:
        """(up, what /healthz shows): which parts run here, and whether they do."""
        application = self.application
        parts = []
        up = application.running
        if self.intake:
            if self.webhook is not None:
                parts.append("webhook")
            else:
                polling = application.updater is not None and application.updater.running
                up = up and polling
                parts.append("polling" if polling else "polling stopped")
        if self.processing:
            parts.append("handling updates")
        if self.delivering:
            parts.append("sending")
        return up, ("running" if up else "stopped") + (f" ({', '.join(parts)})" if parts else "")

    async def stop(self) -> None:
        self.app.dispatcher.unregister(self.delivery)
        if self._polling is not None:
            self._stop_polling.set()
            try:
                await asyncio.wait_for(self._polling, 5)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._polling.cancel()
            self._polling = None
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()  # a no-op if it never initialized
