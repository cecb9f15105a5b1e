"""Injectable time. Production uses the system clock; tests and the console use a
clock they can move forward so deadlines and auto-approval can be exercised."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Aware UTC wall-clock time (every stored datetime is aware UTC)."""

    def now(self) -> datetime:
        return utcnow()


class ManualClock:
    """A clock that only moves when told to: ``advance(hours=2)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or utcnow().replace(microsecond=0)
        if self._now.tzinfo is None:
            self._now = self._now.replace(tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when


class OffsetClock:
    """System time plus an offset that ``/clock +2h`` in the console moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return utcnow() + self.offset

    def advance(self, delta: timedelta) -> datetime:
        self.offset += delta
        return self.now()
