"""Keeping secrets out of log lines: the set of secret values (``Secrets``) and
the filter that masks them in a record's message and traceback (``MaskFilter``).

One mask for the whole product: bot/runtime/logs.py puts it on every handler of
a ``gigbroker`` process, and an adapter that is started on its own (a test, an
embedding program) puts it on the loggers that can see its token
(``mask_loggers``)."""
from __future__ import annotations

import logging
from typing import Iterable
from urllib.parse import quote

MASK = "<redacted>"
MIN_SECRET = 4  # shorter values would mask ordinary words; settings refuse them anyway


class Secrets:
    """The values to mask, longest first (a secret containing another is masked whole);
    each also as it appears percent-encoded in a URL."""

    def __init__(self, values: Iterable[str | None] = ()) -> None:
        self._values: list[str] = []
        self.add(*values)

    def add(self, *values: str | None) -> None:
        found = set(self._values)
        for value in values:
            if value and len(value) >= MIN_SECRET:
                found |= {value, quote(value, safe=""), quote(value)}
        self._values = sorted(found, key=len, reverse=True)

    def mask(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        return text

    def covers(self, other: "Secrets") -> bool:
        return set(other._values) <= set(self._values)

    def __bool__(self) -> bool:
        return bool(self._values)


class MaskFilter(logging.Filter):
    """The record's message and traceback text, masked, before any handler formats
    it (on a handler someone else installed, or on a logger)."""

    def __init__(self, secrets: Secrets) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is the handler's to show
            return True
        record.msg, record.args = self.secrets.mask(message), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:  # also when a mask on a logger above turned it into text
            record.exc_text = self.secrets.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.secrets.mask(record.stack_info)
        return True


def mask_loggers(secrets: Secrets, prefixes: Iterable[str], also: Iterable[str] = ()) -> None:
    """Put the mask on every existing logger under ``prefixes`` and on ``also``
    (idempotent: a logger whose mask already covers these secrets is left alone)."""
    prefixes = tuple(prefixes)
    names = {name for name in logging.root.manager.loggerDict if name.startswith(prefixes)}
    for name in sorted(names | set(prefixes) | set(also)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskFilter) and f.secrets.covers(secrets)
                   for f in logger.filters):
            logger.addFilter(MaskFilter(secrets))
