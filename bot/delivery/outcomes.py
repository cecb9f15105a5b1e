"""Platform outcomes -> what the outbox is told, in one place (see
``bot.delivery.platform`` for the outcomes themselves)."""
from __future__ import annotations

from typing import NoReturn

from bot.delivery.platform import RecipientNotStarted, TryLater
from core.api import RetryLater

NOT_STARTED_RETRY = 1800.0  # seconds; /start releases held notifications sooner


def for_outbox(exc: BaseException) -> BaseException:
    """The exception to give the outbox for a failed delivery: a ``RetryLater``
    with the platform's delay, or the failure itself (retried with backoff)."""
    if isinstance(exc, RetryLater):
        return exc
    if isinstance(exc, TryLater):
        return RetryLater(exc.seconds, str(exc))
    if isinstance(exc, RecipientNotStarted):
        return RetryLater(NOT_STARTED_RETRY, "user has not started the bot")
    return exc


def raise_for_outbox(exc: BaseException) -> NoReturn:
    """Re-raise a failed delivery as ``for_outbox`` maps it (inside ``except``)."""
    mapped = for_outbox(exc)
    if mapped is exc:
        raise exc
    raise mapped from exc
