"""Keeping the bot token out of logs.

The Bot API puts the token in every URL, and httpx logs each request URL at
INFO; python-telegram-bot logs its base URL at DEBUG. The HTTP client loggers
are quieted to WARNING, and a filter on every logger that could see a URL
(python-telegram-bot, httpx, httpcore, this adapter) replaces the token with
``<bot-token>`` in messages, arguments and tracebacks."""
from __future__ import annotations

import logging

PREFIXES = ("telegram", "httpx", "httpcore", "adapters.telegram")
QUIET = ("httpx", "httpcore")
MASK = "<bot-token>"


class RedactToken(logging.Filter):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is not ours to fix
            return True
        if self.token in message:
            record.msg, record.args = message.replace(self.token, MASK), None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            if self.token in text:
                record.exc_text = text.replace(self.token, MASK)
        return True


def protect_token(token: str) -> RedactToken:
    """Install the filter on the relevant loggers (idempotent per token)."""
    for name in QUIET:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
    names = {name for name in logging.root.manager.loggerDict
             if name.startswith(PREFIXES)} | set(PREFIXES) | {
        "telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Application", "telegram.ext.Updater",
        "telegram.ext.BaseRateLimiter", "telegram.request.BaseRequest",
        "telegram.request.HTTPXRequest"}
    installed = None
    for name in sorted(names):
        logger = logging.getLogger(name)
        existing = next((f for f in logger.filters if isinstance(f, RedactToken)
                         and f.token == token), None)
        if existing is None:
            existing = RedactToken(token)
            logger.addFilter(existing)
        installed = installed or existing
    return installed
