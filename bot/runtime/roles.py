"""What one ``gigbroker run`` process does, so several processes can share one
PostgreSQL (README, Deploying):

- ``web``: the HTTP server's webhooks (Telegram webhook intake into the durable
  inbox, Stripe events);
- ``gateway``: the Discord gateway (the shards in ``DISCORD_SHARD_IDS`` of
  ``DISCORD_SHARD_COUNT``, or all Discord recommends) and Telegram long polling
  when no webhook is set;
- ``worker``: the clock, the outbox (the notifications to every platform with a
  token, payments, matching) and the Telegram inbox (stored updates, each sender's
  in order).

No role (``--role`` not given, ``GIGBROKER_ROLES`` empty) runs all three, as one
process always did. Every process answers ``/healthz`` and ``/metrics``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from bot.startup import StartupFailed

ROLES = ("web", "gateway", "worker")


@dataclass(frozen=True)
class Roles:
    web: bool = True
    gateway: bool = True
    worker: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r for r in ROLES if getattr(self, r))

    @property
    def everything(self) -> bool:
        return self.web and self.gateway and self.worker

    def describe(self, settings) -> str:
        """The start-up line: which roles run here and what they start."""
        parts = []
        telegram, webhook = bool(settings.telegram_bot_token), bool(settings.telegram_webhook_url)
        if self.web:
            what = ["HTTP webhooks"] + (["Telegram webhook intake"] if telegram and webhook
                                         else [])
            parts.append(f"web ({', '.join(what)})")
        if self.gateway:
            what = []
            if settings.discord_bot_token:
                ids = getattr(settings, "discord_shard_ids", None) or []
                count = getattr(settings, "discord_shard_count", None)
                shards = (f"shards {','.join(map(str, ids))} of {count}" if ids else
                          f"all {count} shards" if count else "the shards Discord recommends")
                what.append(f"Discord gateway: {shards}")
            if telegram and not webhook:
                what.append("Telegram polling")
            parts.append(f"gateway ({', '.join(what) or 'nothing configured'})")
        if self.worker:
            parts.append("worker (clock, outbox, Telegram inbox)" if telegram
                         else "worker (clock, outbox)")
        scope = "all roles" if self.everything else "roles"
        return f"gigbroker run: {scope}: " + "; ".join(parts)


def parse_roles(given: Iterable[str] | str | None, *, setting: str = "--role") -> Roles:
    """``["web", "worker"]``, ``"web,worker"`` (repeatable, comma lists) -> ``Roles``;
    nothing -> every role. An unknown name is one ``StartupFailed`` line."""
    if isinstance(given, str):
        given = [given]
    names: list[str] = []
    for item in given or ():
        names += [n.strip().lower() for n in str(item).replace(";", ",").split(",") if n.strip()]
    unknown = [n for n in names if n not in ROLES]
    if unknown:
        raise StartupFailed(f"{setting}: unknown role {unknown[0]!r}; the roles are "
                            f"{', '.join(ROLES)} (comma-separated, or none for all)")
    if not names:
        return Roles()
    return Roles(**{r: r in names for r in ROLES})
