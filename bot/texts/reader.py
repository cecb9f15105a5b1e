"""Who a text is rendered for: the reader's language, time zone and platform.

A reply or notification is rendered for one recipient at a time; the place that
knows the recipient (``bot.service.Conversation`` for the actor, the notification
dispatcher per recipient and platform, a board's card per community) sets the
reader with ``reading_as(...)``, like Django's ``translation.activate``. The
formatters (``bot.texts.formats``: ``money``, ``when``, ``number``...) read it, so
their call sites (``money(minor, currency)``, ``when(dt)``) need no extra
arguments. Outside any reader everything renders as English, UTC, plain text.

Platforms that show timestamps in each member's own local time (Discord's
``<t:...>``) declare it once with ``declare_native_timestamps(name)``; the delivery
layer does that from the platform's ``Capabilities.native_timestamps``."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable, Iterator

_NATIVE_TIMESTAMPS: set[str] = set()


def declare_native_timestamps(platform: str) -> None:
    """``platform`` renders ``<t:unix:style>`` timestamps itself (Discord)."""
    _NATIVE_TIMESTAMPS.add(platform)


@dataclass(frozen=True)
class Reader:
    locale: str = "en"
    timezone: str = "UTC"
    platform: str = ""  # telegram | discord | console | "" (a PDF, a test)
    now: Callable[[], datetime] | None = None  # the engine's clock, for "in 3 hours"

    @property
    def native_timestamps(self) -> bool:
        return self.platform in _NATIVE_TIMESTAMPS

    def current_time(self) -> datetime:
        return self.now() if self.now is not None else datetime.now(timezone.utc)

    def but(self, **changes: object) -> "Reader":
        return replace(self, **changes)


_READER: ContextVar[Reader] = ContextVar("gigbroker_reader", default=Reader())


def current() -> Reader:
    return _READER.get()


def activate(reader: Reader) -> Token:
    """Make ``reader`` the current one (until ``deactivate(token)``)."""
    return _READER.set(reader)


def deactivate(token: Token) -> None:
    _READER.reset(token)


@contextmanager
def reading_as(reader: Reader | None = None, **changes: object) -> Iterator[Reader]:
    """Render for ``reader`` (or the current reader with ``changes``) inside the block."""
    chosen = (reader or current()).but(**changes) if changes else (reader or current())
    token = _READER.set(chosen)
    try:
        yield chosen
    finally:
        _READER.reset(token)
