"""``gigbroker run``: the HTTP server, every chat adapter whose token is set,
the payment provider's webhook, and the clock and outbox workers, until
SIGINT/SIGTERM; with roles (``bot.runtime.roles``) only this process's part:
``web`` mounts the webhooks, ``gateway`` connects Discord (its shards) and polls
Telegram, ``worker`` runs the clock, the outbox and the Telegram inbox. Every
process serves ``/healthz`` (each adapter and the workers) and ``/metrics``."""
from __future__ import annotations

import asyncio
import logging
import signal
from typing import Protocol

from bot.runtime.app import App
from bot.runtime.http import HttpServer
from bot.runtime.roles import Roles, parse_roles
from bot.runtime.settings import Settings
from bot.runtime.startup import build_app, first_line, prepare_database, start_service
from bot.startup import StartupFailed

log = logging.getLogger(__name__)


class Service(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_services(app: App, settings: Settings, http: HttpServer,
                   roles: Roles | None = None) -> list[Service]:
    """Adapters are imported lazily: a missing token means the library is never loaded.
    Each is built only for the roles that use it here."""
    roles = roles or Roles()
    services: list[Service] = []
    if settings.telegram_bot_token:
        webhook = bool(settings.telegram_webhook_url)
        intake = (roles.web and webhook) or (roles.gateway and not webhook)
        if intake or roles.worker:
            from adapters.telegram.service import TelegramService
            telegram = TelegramService(app, settings, http if roles.web else None,
                                       intake=intake, processing=roles.worker,
                                       delivering=roles.worker)
            http.add_health("telegram", telegram.health)
            services.append(telegram)
    if settings.discord_bot_token and (roles.gateway or roles.worker):
        from adapters.discord.service import DiscordService
        discord = DiscordService(app, settings, gateway=roles.gateway, delivering=roles.worker)
        http.add_health("discord", discord.health)
        services.append(discord)
    if settings.stripe_secret_key and roles.web:
        from adapters.stripe.webhooks import mount_stripe_webhook
        mount_stripe_webhook(app, settings, http)
    if roles.worker:
        http.add_health("workers", app.worker_health)
    return services


async def run(settings: Settings, *, stop: asyncio.Event | None = None,
              app: App | None = None, roles: Roles | None = None) -> int:
    roles = roles or parse_roles(settings.gigbroker_roles, setting="GIGBROKER_ROLES")
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    log.info(roles.describe(settings))
    app = app or build_app(settings, App)
    http = HttpServer.from_settings(app, settings)
    started: list[Service] = []
    try:
        # Start-up: each failure is one StartupFailed line (the CLI exits with 2).
        await prepare_database(app)
        try:
            services = build_services(app, settings, http, roles)
        except Exception as exc:  # noqa: BLE001 - a setting no adapter could use
            raise StartupFailed(f"setting up the bots failed: {first_line(exc)}") from None
        await http.start()
        for service in services:
            await start_service(service)
            started.append(service)
        if roles.worker:
            await app.run_workers(stop)
        else:
            await stop.wait()
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
    app = build_app(settings, App)
    try:
        await prepare_database(app)
        return await run_reconcile(app, days=days, fix=fix)
    finally:
        await app.close()
