"""Inbound budget per sender, so one person's flood never stalls everyone else.

Each sender (a platform user, or a chat for channel posts) has a token bucket: a burst
of ``burst`` updates (an album of ten files, a few quick taps, a pasted batch of form
answers) goes through at once, then ``per_second`` on average. Past that, the sender is
told once to slow down (at most once per ``notice_every`` seconds) and further updates
are dropped unprocessed: nothing is written for them. The adapters ask the gate before
they queue an update for the conversation layer."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Hashable

from bot.conversation import Reply, Rich
from bot.texts import translator


class Verdict(Enum):
    admit = "admit"
    warn = "warn"  # refused; tell the sender once
    drop = "drop"  # refused; the sender was already told


@dataclass
class _Bucket:
    tokens: float
    seen: float
    warned: float | None = None


@dataclass
class FloodGate:
    burst: int = 20
    per_second: float = 1.0
    notice_every: float = 60.0
    clock: Callable[[], float] = time.monotonic
    max_tracked: int = 10_000  # idle senders are forgotten past this many
    _buckets: dict[Hashable, _Bucket] = field(default_factory=dict)
    refused: int = 0

    def admit(self, sender: Hashable) -> Verdict:
        now = self.clock()
        bucket = self._buckets.get(sender)
        if bucket is None:
            self._forget_idle(now)
            bucket = self._buckets[sender] = _Bucket(tokens=float(self.burst), seen=now)
        bucket.tokens = min(float(self.burst),
                            bucket.tokens + (now - bucket.seen) * self.per_second)
        bucket.seen = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict.admit
        self.refused += 1
        if bucket.warned is None or now - bucket.warned >= self.notice_every:
            bucket.warned = now
            return Verdict.warn
        return Verdict.drop

    def _forget_idle(self, now: float) -> None:
        if len(self._buckets) < self.max_tracked:
            return
        refill = self.burst / self.per_second
        for key in [k for k, b in self._buckets.items() if now - b.seen >= refill]:
            del self._buckets[key]


def slow_down_notice(locale: str | None) -> Reply:
    """What a flooding sender is told, once."""
    _ = translator(locale)
    return Reply(Rich().add(_(
        "You are sending messages faster than I can answer them. Wait a few seconds, "
        "then send the last one again: the ones sent in between were not read.")))
