"""The project's HTTP server (aiohttp): health and metrics, plus the webhook
routes adapters mount (Telegram updates, Stripe events).

``/metrics`` and ``/healthz`` are for operators, not for whoever can reach the
webhook port: with ``METRICS_PORT`` they are served on their own listener
(``METRICS_HOST``, loopback by default) and not on the webhook port at all; with
``METRICS_TOKEN`` ``/metrics`` answers only ``Authorization: Bearer <token>``
(compared in constant time). Both can be combined.

``/healthz`` answers 200 when the database answers and every registered
component (``add_health``: e.g. the Discord client) says it is up, 503 otherwise,
with each part's state in the JSON body."""
from __future__ import annotations

import hmac
import logging
from typing import Awaitable, Callable

from aiohttp import web

from bot.startup import StartupFailed
from core.api import metrics

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthCheck = Callable[[], tuple[bool, str]]  # (up, what to show)
MAX_BODY = 2 * 1024 * 1024


class HttpServer:
    def __init__(self, app, host: str, port: int, *, metrics_token: str | None = None,
                 metrics_host: str | None = None, metrics_port: int | None = None) -> None:
        self.app = app
        self.host, self.port = host, port
        self.web = web.Application(client_max_size=MAX_BODY)
        self.metrics_token = metrics_token
        self.apart = metrics_port is not None
        self.ops = web.Application() if self.apart else self.web
        self.ops_host, self.ops_port = metrics_host or "127.0.0.1", metrics_port
        self.ops.router.add_get("/healthz", self.health)
        self.ops.router.add_get("/metrics", self.metrics)
        self._runners: list[web.AppRunner] = []
        self._checks: dict[str, HealthCheck] = {}
        self.bound_port: int | None = None
        self.bound_ops_port: int | None = None

    @classmethod
    def from_settings(cls, app, settings) -> "HttpServer":
        return cls(app, settings.http_host, settings.http_port,
                   metrics_token=settings.metrics_token, metrics_host=settings.metrics_host,
                   metrics_port=settings.metrics_port)

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        self.web.router.add_route(method, path, handler)

    def add_health(self, name: str, check: HealthCheck) -> None:
        self._checks[name] = check

    async def health(self, _request: web.Request) -> web.Response:
        body: dict[str, object] = {}
        ok = True
        try:
            await self.app.engine.database_answers()
            body["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - report, don't crash the probe
            log.warning("health check: the database does not answer: %r", exc)
            body["database"], ok = "unreachable", False
        for name, check in self._checks.items():
            up, state = check()
            body[name] = state
            ok = ok and up
        return web.json_response({"ok": ok, **body}, status=200 if ok else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        if self.metrics_token is not None:
            given = request.headers.get("Authorization", "")
            wanted = f"Bearer {self.metrics_token}"
            if not hmac.compare_digest(given.encode(), wanted.encode()):
                return web.Response(status=401, headers={"WWW-Authenticate": "Bearer"},
                                    text="/metrics needs Authorization: Bearer <METRICS_TOKEN>\n")
        body, content_type = metrics.exposition(await self.app.engine.operational_counts())
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response

    async def _listen(self, application: web.Application, host: str, port: int,
                      setting: str) -> int:
        runner = web.AppRunner(application, access_log=None)
        await runner.setup()
        self._runners.append(runner)
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            await self.stop()
            reason = "is already in use by another program" if exc.errno in (98, 48) \
                else f"cannot be opened ({exc.strerror or exc})"
            raise StartupFailed(f"{setting}: {host}:{port} {reason}; stop that program or "
                                f"choose another {setting.split('/')[-1]}") from None
        sockets = site._server.sockets if site._server else []  # noqa: SLF001 - read bound port
        return sockets[0].getsockname()[1] if sockets else port

    async def start(self) -> None:
        self.bound_port = await self._listen(self.web, self.host, self.port,
                                             "HTTP_HOST/HTTP_PORT")
        log.info("HTTP server on %s:%s", self.host, self.bound_port)
        if self.apart:
            self.bound_ops_port = await self._listen(self.ops, self.ops_host, self.ops_port,
                                                     "METRICS_HOST/METRICS_PORT")
            log.info("/metrics and /healthz on %s:%s", self.ops_host, self.bound_ops_port)
        else:
            self.bound_ops_port = self.bound_port
            if self.metrics_token is None and self.host not in ("127.0.0.1", "::1", "localhost"):
                log.warning("/metrics is open to anyone who can reach %s:%s: set METRICS_TOKEN "
                            "or METRICS_PORT (see README, Running)", self.host, self.bound_port)

    async def stop(self) -> None:
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()
