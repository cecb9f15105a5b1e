"""The log mask (bot/runtime/logs.py) on what the e2e tests cannot reach easily:
a PostgreSQL password in DATABASE_URL (raw and percent-encoded), secrets inside
exception texts and tracebacks, the JSON format, handlers installed by someone
else (a test runner), and uncaught exceptions."""
from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from bot.runtime import logs
from bot.runtime.settings import Settings

PASSWORD = "p@ss:w0rd/with%chars"
URL_PASSWORD = "p%40ss%3Aw0rd%2Fwith%25chars"
TOKEN = "123456789:AAMaskedTokenMaskedTokenMasked_01"


def make_settings(**more) -> Settings:
    return Settings(_env_file=None, database_url=f"postgresql://gb:{URL_PASSWORD}@db:5432/gb",
                    telegram_bot_token=TOKEN, stripe_secret_key="sk_test_maskme123",
                    **more)


def record(message: str, *args, exc: BaseException | None = None) -> logging.LogRecord:
    rec = logging.LogRecord("x", logging.ERROR, __file__, 1, message, args,
                            (type(exc), exc, exc.__traceback__) if exc else None)
    return rec


def boom(text: str) -> BaseException:
    try:
        raise RuntimeError(text)
    except RuntimeError as exc:
        return exc


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_every_secret_is_masked_in_message_args_and_traceback(fmt):
    settings = make_settings(log_format=fmt)
    secrets = logs.secrets_of(settings)
    formatter = logs.JsonFormatter(secrets) if fmt == "json" else logs.MaskingFormatter(secrets)
    line = formatter.format(record(
        "connecting to %s with %r, GET /bot%s/getMe", settings.database_url,
        {"password": PASSWORD}, TOKEN.replace(":", "%3A"),
        exc=boom(f"token {TOKEN} and key sk_test_maskme123 rejected")))
    for secret in (PASSWORD, URL_PASSWORD, TOKEN, "sk_test_maskme123", TOKEN.replace(":", "%3A")):
        assert secret not in line
    assert line.count(logs.MASK) >= 5
    if fmt == "json":
        parsed = json.loads(line)
        assert parsed["level"] == "ERROR" and "RuntimeError" in parsed["exc"]


def test_foreign_handlers_get_masked_input_and_uncaught_exceptions_are_masked(monkeypatch):
    root = logging.getLogger()
    stream = io.StringIO()
    foreign = logging.StreamHandler(stream)
    monkeypatch.setattr(root, "handlers", [foreign])
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    level = root.level
    try:
        logs.configure(make_settings())
        logging.getLogger("telegram.ext.ExtBot").error("token %s", TOKEN, exc_info=boom(TOKEN))
    finally:
        root.setLevel(level)
        foreign.filters.clear()
    assert TOKEN not in stream.getvalue() and logs.MASK in stream.getvalue()

    # no foreign handler: ours is installed, with the excepthook
    monkeypatch.setattr(root, "handlers", [])
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    try:
        logs.configure(make_settings())
        exc = boom(f"The token `{TOKEN}` was rejected by the server.")
        sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        root.setLevel(level)
        logging.captureWarnings(False)
    assert "was rejected" in err.getvalue() and TOKEN not in err.getvalue()
