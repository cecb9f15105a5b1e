"""Logging for every ``gigbroker`` command: the level (``LOG_LEVEL``), the format
(``LOG_FORMAT``: text, or json for one JSON object per line) and the mask that
keeps secrets out of every line.

The mask works on the finished line: each handler's formatter formats the
record as usual (message, arguments, traceback, stack) and then every
configured secret is replaced by ``<redacted>``, so no secret can come through
a path the code did not think of (an exception text, a URL in a library's debug
line, ``repr`` of a request's parameters). The secrets are the bot tokens (also
as they appear percent-encoded in URLs), the Stripe keys, the webhook secrets
(configured or derived), the metrics token and the password in DATABASE_URL.
Uncaught exceptions (``sys.excepthook``, asyncio's handler) and warnings go
through the same mask."""
from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

from bot.log_masking import MASK, MaskFilter, Secrets  # noqa: F401 - MASK is part of this API

QUIET = ("httpx", "httpcore", "telegram.ext.Updater", "aiosqlite", "stripe",
         "alembic.runtime.plugins")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class MaskingFormatter(logging.Formatter):
    """The usual text line, secrets masked."""

    def __init__(self, secrets: Secrets, fmt: str = TEXT_FORMAT) -> None:
        super().__init__(fmt)
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return self.secrets.mask(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the traceback
    (``exc``) when there is one; extra fields given with ``extra=`` are kept."""

    _STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def __init__(self, secrets: Secrets) -> None:
        super().__init__()
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                    timespec="milliseconds"),
                "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, (int, float, bool, type(None))) \
                    else str(value)
        return self.secrets.mask(json.dumps(line, ensure_ascii=False, default=str))


def secrets_of(settings) -> Secrets:
    """Every secret the settings carry (see the module docstring)."""
    secrets = Secrets([settings.telegram_bot_token, settings.discord_bot_token,
                       settings.stripe_secret_key, settings.stripe_webhook_secret,
                       settings.telegram_webhook_secret, settings.metrics_token])
    password = urlsplit(settings.database_url).password
    if password:
        secrets.add(password, unquote(password))
    if settings.telegram_bot_token:
        from adapters.telegram.webhook import webhook_secret  # derived from the token
        secrets.add(webhook_secret(None, settings.telegram_bot_token))
    return secrets


class _Ours(logging.StreamHandler):
    """The handler ``configure`` installs (replaced, not doubled, on a second call)."""


def configure(settings, *, quiet: bool = False) -> Secrets:
    """Set up the root logger for this process: level, format, the mask on every
    handler, and the same mask on uncaught exceptions and warnings."""
    secrets = secrets_of(settings)
    formatter = JsonFormatter(secrets) if settings.log_format == "json" \
        else MaskingFormatter(secrets)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Ours)]:
        root.removeHandler(handler)
    foreign = list(root.handlers)
    for handler in foreign:  # e.g. pytest's capture: leave its format, mask its input
        for old in [f for f in handler.filters if isinstance(f, MaskFilter)]:
            handler.removeFilter(old)
        handler.addFilter(MaskFilter(secrets))
    if not foreign:
        handler = _Ours()
        handler.setFormatter(formatter)
        root.addHandler(handler)

        def excepthook(kind, value, tb) -> None:
            text = "".join(traceback.format_exception(kind, value, tb))
            sys.stderr.write(secrets.mask(text))
        sys.excepthook = excepthook
        logging.captureWarnings(True)
    root.setLevel(logging.WARNING if quiet else settings.log_level)
    # httpx logs request URLs at INFO, and Telegram URLs contain the bot token: the
    # mask would catch it, but those lines are noise anyway.
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return secrets
