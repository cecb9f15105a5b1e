"""Webhook mode: Telegram POSTs updates to a route on the project's HTTP server.

Telegram sends the secret given to ``setWebhook`` in the
``X-Telegram-Bot-Api-Secret-Token`` header; it is compared in constant time and
anything without the right secret gets 403 and is not looked at. Accepted
updates go into the Application's ``update_queue``, exactly where long polling
would put them. Without a configured secret one is derived from the bot token,
so every worker process agrees on it and nobody without the token can guess it."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
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


class WebhookEndpoint:
    def __init__(self, application: Application, secret: str) -> None:
        self.application = application
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
        try:
            data = await request.json(loads=json.loads)
            update = Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("ignoring a malformed Telegram update: %r", exc)
            return web.Response(status=400)
        if update is None:
            return web.Response(status=400)
        await self.application.update_queue.put(update)
        self.accepted += 1
        return web.Response()
