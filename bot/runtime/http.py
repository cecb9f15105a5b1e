"""The project's HTTP server (aiohttp): health and metrics, plus the webhook
routes adapters mount (Telegram updates, Stripe events)."""
from __future__ import annotations

import logging
from typing import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpServer:
    def __init__(self, app, host: str, port: int) -> None:
        self.app = app
        self.host, self.port = host, port
        self.web = web.Application(client_max_size=2 * 1024 * 1024)
        self.web.router.add_get("/healthz", self.health)
        self.web.router.add_get("/metrics", self.metrics)
        self._runner: web.AppRunner | None = None
        self.bound_port: int | None = None

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        self.web.router.add_route(method, path, handler)

    async def health(self, _request: web.Request) -> web.Response:
        try:
            await self.app.engine.database_answers()
        except Exception:  # noqa: BLE001 - report, don't crash the probe
            log.exception("health check failed")
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        return web.json_response({"ok": True})

    async def metrics(self, _request: web.Request) -> web.Response:
        values = await self.app.engine.operational_counts()
        body = "".join(f"# TYPE {k} gauge\n{k} {v}\n" for k, v in values.items())
        return web.Response(text=body, content_type="text/plain")

    async def start(self) -> None:
        self._runner = web.AppRunner(self.web, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # noqa: SLF001 - read bound port
        self.bound_port = sockets[0].getsockname()[1] if sockets else self.port
        log.info("HTTP server on %s:%s", self.host, self.bound_port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
