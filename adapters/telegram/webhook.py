"""Webhook mode: Telegram POSTs updates to a route on the project's HTTP server.

Telegram sends the secret given to ``setWebhook`` in the
``X-Telegram-Bot-Api-Secret-Token`` header; it is compared in constant time and
anything without the right secret gets 403 and is not looked at. Accepted
updates go into the Application's ``update_queue``, exactly where long polling
would put them, and Telegram is answered once the update is stored (``stored``:
the inbox, adapters/telegram/inbox.py); if it cannot be stored, 503 makes
Telegram send it again. Without a configured secret one is derived from the bot token,
so every worker process agrees on it and nobody without the token can guess it."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_PATH = "/telegram/webhook"


def webhook_secret(configured: str | None, token: str) -> str:
    if configured:
        return configured
    return hmac.new(token.encode(), b"gigbroker telegram webhook", hashlib.sha256).hexdigest()


def webhook_path(url: str) -> str:
    return urlsplit(url).path or DEFAULT_PATH


def parse_update(body: bytes, bot) -> Update | None:
    """The update in ``body``, or None (answered 400) for anything that is not one:
    not JSON, JSON nested too deep to parse, or JSON that is not an object with an
    integer ``update_id`` (``[]``, ``null``, ...), or fields PTB cannot read.
    Logged as a warning without a traceback: it is the sender's mistake, not ours."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        log.warning("ignoring a Telegram webhook body that is not JSON: %s",
                    type(exc).__name__)
        return None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        log.warning("ignoring a Telegram webhook body that is not an update (%s)",
                    type(data).__name__)
        return None
    try:
        return Update.de_json(data, bot)
    except Exception as exc:  # noqa: BLE001 - any field PTB cannot read is bad input
        log.warning("ignoring malformed Telegram update %s: %s: %s", update_id,
                    type(exc).__name__, str(exc)[:200])
        return None


class WebhookEndpoint:
    def __init__(self, application: Application, secret: str, *,
                 stored: Callable[[], Awaitable[None]] | None = None) -> None:
        self.application = application
        self.stored = stored
        self._secret = secret.encode()
        self.accepted = 0
        self.refused = 0

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self.refused += 1
            log.warning("refused a Telegram webhook call with a wrong or missing secret from %s",
                        request.remote)
            return web.Response(status=403)
        if not self.application.running:
            return web.Response(status=503)  # Telegram retries later
        update = parse_update(await request.read(), self.application.bot)
        if update is None:
            return web.Response(status=400)
        await self.application.update_queue.put(update)
        if self.stored is not None:
            try:
                await self.stored()
            except Exception:
                log.warning("could not store a Telegram update; asking for it again",
                            exc_info=True)
                return web.Response(status=503)
        self.accepted += 1
        return web.Response()
