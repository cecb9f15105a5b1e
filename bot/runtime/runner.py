"""``gigbroker run``: the HTTP server, every chat adapter whose token is set,
the payment provider's webhook, and the clock and outbox workers, until
SIGINT/SIGTERM."""
from __future__ import annotations

import asyncio
import logging
import signal
from typing import Protocol

from bot.runtime.app import App
from bot.runtime.http import HttpServer
from bot.runtime.settings import Settings

log = logging.getLogger(__name__)


class Service(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_services(app: App, settings: Settings, http: HttpServer) -> list[Service]:
    """Adapters are imported lazily: a missing token means the library is never loaded."""
    services: list[Service] = []
    if settings.telegram_bot_token:
        from adapters.telegram.service import TelegramService
        services.append(TelegramService(app, settings, http))
    if settings.discord_bot_token:
        from adapters.discord.service import DiscordService
        services.append(DiscordService(app, settings))
    if settings.stripe_secret_key:
        from adapters.stripe.webhooks import mount_stripe_webhook
        mount_stripe_webhook(app, settings, http)
    return services


async def run(settings: Settings, *, stop: asyncio.Event | None = None,
              app: App | None = None) -> int:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    app = app or App(settings)
    await app.prepare()
    http = HttpServer(app, settings.http_host, settings.http_port)
    services = build_services(app, settings, http)
    await http.start()
    started: list[Service] = []
    try:
        for service in services:
            await service.start()
            started.append(service)
        await app.run_workers(stop)
    finally:
        for service in reversed(started):
            try:
                await service.stop()
            except Exception:  # noqa: BLE001 - stop the rest anyway
                log.exception("stopping %s failed", service)
        await http.stop()
        await app.close()
    return 0


async def reconcile(settings: Settings, *, days: int, fix: bool) -> int:
    if not settings.stripe_secret_key:
        print("Reconciliation compares the ledger with Stripe: set STRIPE_SECRET_KEY.")
        return 2
    from adapters.stripe.reconcile import run_reconcile
    app = App(settings)
    await app.prepare()
    try:
        return await run_reconcile(app, days=days, fix=fix)
    finally:
        await app.close()
