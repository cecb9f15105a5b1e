"""What a failed Telegram start-up tells the operator: python-telegram-bot's
errors turned into one ``StartupFailed`` line naming the setting to check.

PTB's own texts are not reused where they carry the token (``InvalidToken``
repeats it whole); the base URL is shown without its path."""
from __future__ import annotations

from urllib.parse import urlsplit

from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError

from bot.startup import StartupFailed


def _server(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "the Bot API server"


def startup_failure(exc: BaseException, settings, *, step: str) -> StartupFailed | None:
    """The line for ``exc`` raised at ``step`` ("getMe", "setWebhook", ...), or None
    when it is not a Telegram error (the caller re-raises it)."""
    server = _server(settings.telegram_api_base_url)
    if isinstance(exc, InvalidToken):
        return StartupFailed(f"TELEGRAM_BOT_TOKEN: Telegram ({server}) refused the bot token; "
                             "copy it again from @BotFather (/token)")
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StartupFailed(f"TELEGRAM_API_BASE_URL: cannot reach Telegram at {server} "
                             f"({detail}); check the network, a proxy (HTTPS_PROXY) or the URL")
    if isinstance(exc, BadRequest) and step == "setWebhook":
        return StartupFailed(f"TELEGRAM_WEBHOOK_URL: Telegram refused the webhook URL: "
                             f"{exc.message}; it must be a public https URL that reaches this "
                             "server")
    if isinstance(exc, (BadRequest, Forbidden, TelegramError)):
        return StartupFailed(f"Telegram refused {step}: {exc.message}")
    return None
