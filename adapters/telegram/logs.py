"""Keeping the bot token out of logs when the adapter runs on its own.

The Bot API puts the token in every URL, and httpx logs each request URL at
INFO; python-telegram-bot logs its base URL at DEBUG. The HTTP client loggers
are quieted to WARNING, and the product's one log mask (bot/log_masking.py) is
put on every logger that could see a URL (python-telegram-bot, httpx, httpcore,
this adapter), so the token is masked in messages, arguments and tracebacks."""
from __future__ import annotations

import logging

from bot.log_masking import Secrets, mask_loggers

PREFIXES = ("telegram", "httpx", "httpcore", "adapters.telegram")
QUIET = ("httpx", "httpcore")
# Loggers PTB creates lazily, so they are not in the logger registry yet.
PTB_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Application",
               "telegram.ext.Updater", "telegram.ext.BaseRateLimiter",
               "telegram.request.BaseRequest", "telegram.request.HTTPXRequest")


def protect_token(token: str) -> None:
    """Quiet the HTTP client loggers and mask the token on every relevant logger."""
    for name in QUIET:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
    mask_loggers(Secrets([token]), PREFIXES, PTB_LOGGERS)
