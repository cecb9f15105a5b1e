"""A loopback fake of the Stripe API for the e2e tests: localstripe, extended.

``FakeStripe`` runs localstripe's aiohttp application in-process on 127.0.0.1 with
an ephemeral port and adds what localstripe lacks (see ``stripe_resources.py``):
Checkout Sessions, Connect accounts and Account Links, Transfers and reversals,
Stripe-faithful Refunds, disputes, the balance and the Events API.  On top of all
routes (ours and localstripe's) it implements:

* idempotency: ``Idempotency-Key`` on a POST replays the stored response
  (``Idempotent-Replayed: true``) for the same parameters, answers 400
  ``idempotency_error`` for different parameters or another endpoint, 409 while
  the first request is still running.  Like Stripe, a result is stored when the
  endpoint executed (2xx, 402, 5xx); 400/404 validation errors are not stored
  (``idempotency_stores_4xx=True`` stores them too);
* counters: ``fake.created["transfer"]`` counts objects really created
  (idempotent replays create nothing), ``fake.requests`` logs every call;
* fault injection: ``fail_next()`` answers an error without executing,
  ``drop_response_next()`` executes (and stores the idempotent result) but cuts
  the connection before the response - "Stripe accepted, the client crashed";
  ``delay_next()`` holds a request;
* signed webhooks: every event is recorded (``fake.events``, ``GET /v1/events``)
  and sent to the webhook endpoints, signed ``t=...,v1=...`` with the endpoint
  secret exactly like Stripe.  ``webhook_mode="auto"`` POSTs them as they happen
  (one ordered queue per endpoint); with ``"manual"`` (or an endpoint without
  url) they wait in an outbox for ``take_webhooks()`` -> ``WebhookMessage``
  (``payload, headers = msg``) or ``flush_webhooks()``.  ``deliver()`` re-sends any
  event: several times, concurrently, reordered, forged or with an old timestamp.

localstripe keeps its objects in a module-global store; the fake swaps in its own
in-memory store (nothing is pickled to /tmp) and its own webhook sender while it
runs, so only one ``FakeStripe`` may run per process at a time.  Use it as
``async with FakeStripe() as fake:`` inside the test's event loop, or with
``threaded=True`` (``with FakeStripe(threaded=True) as fake:``) to serve from a
background thread, which also allows synchronous SDK calls and fixtures that
outlive one event loop.  Test helpers are coroutines in both modes.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import inspect
import json
import random
import threading
import time
import traceback
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web

with warnings.catch_warnings():  # localstripe registers plain functions as handlers
    warnings.simplefilter("ignore", DeprecationWarning)
    import localstripe.resources as ls_res
    import localstripe.server as ls_srv
    from localstripe.errors import UserError

from .stripe_resources import (
    ApiError,
    FakeStripeUsageError,
    StripeResources,
    normalize_ls,
    rand,
)
from .stripe_webhooks import (
    FORGED_SECRET,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
    encode_event,
    stripe_signature,
    webhook_headers,
)

__all__ = ["FakeStripe", "FakeStripeUsageError", "WebhookMessage", "WebhookDelivery",
           "RequestRecord", "stripe_signature"]

try:  # the API version the installed SDK pins; events carry it like Stripe's do
    from stripe._api_version import _ApiVersion

    API_VERSION = _ApiVersion.CURRENT
except Exception:  # pragma: no cover - the SDK is a dependency of the project
    API_VERSION = "2026-10-28.endive"

DEFAULT_ENDPOINT = "default"
_current_request: contextvars.ContextVar[tuple[str, str | None] | None] = \
    contextvars.ContextVar("fake_stripe_request", default=None)
_active_lock = threading.Lock()
_active: "FakeStripe | None" = None


class _CountingStore(dict):
    """localstripe's store, in memory only, counting the objects created per type."""

    def __init__(self, counter: Counter):
        super().__init__()
        self._counter = counter

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self and ":" in key:
            self._counter[key.split(":", 1)[0]] += 1
        super().__setitem__(key, value)

    def dump_to_disk(self) -> None:  # localstripe would pickle to /tmp here
        pass

    def try_load_from_disk(self) -> None:
        pass


class _DroppedResponse(Exception):
    pass


_RECORD_KEY: Any = (web.RequestKey("fake_stripe_record", object)
                    if hasattr(web, "RequestKey") else "fake_stripe_record")


@dataclass
class RequestRecord:
    """One API call received by the fake."""

    method: str
    path: str
    query: dict[str, str]
    idempotency_key: str | None
    request_id: str
    form: dict[str, str] = field(default_factory=dict)   # flat POST parameters
    status: int | None = None
    replayed: bool = False
    dropped: bool = False
    faulted: bool = False
    at: float = field(default_factory=time.time)


@dataclass
class _Fault:
    kind: str            # "fail" | "drop" | "delay"
    prefix: str
    method: str | None
    remaining: int
    status: int = 500
    body: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    seconds: float = 0.0

    def matches(self, request: web.Request) -> bool:
        return (self.remaining > 0 and request.path.startswith(self.prefix)
                and (self.method is None or self.method.upper() == request.method))


@dataclass
class _IdemEntry:
    method: str
    path: str
    fingerprint: Any
    request_id: str
    done: bool = False
    status: int = 0
    body: bytes = b""


def _json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=json.dumps(obj, indent=2) + "\n", status=status,
                        content_type="application/json", headers=headers)


def _error_response(exc: BaseException) -> web.Response:
    if isinstance(exc, ApiError):
        return _json(exc.body(), exc.status)
    if isinstance(exc, UserError):
        return exc.to_response()
    raise exc


def _default_error_body(status: int) -> dict[str, Any]:
    if status == 429:
        return {"error": {"type": "invalid_request_error", "code": "rate_limit",
                          "message": "Request rate limit exceeded. Learn more about rate limits "
                                     "here https://stripe.com/docs/rate-limits."}}
    if status == 402:
        return {"error": {"type": "card_error", "code": "card_declined",
                          "decline_code": "generic_decline", "message": "Your card was declined."}}
    if status == 401:
        return {"error": {"type": "invalid_request_error",
                          "message": "Invalid API Key provided: sk_test_****"}}
    if status >= 500:
        return {"error": {"type": "api_error",
                          "message": "An unknown error occurred (injected by the fake)."}}
    return {"error": {"type": "invalid_request_error",
                      "message": f"Injected HTTP {status} error."}}


def _as_async(handler: Callable[[web.Request], Any]) -> Callable[[web.Request], Awaitable[Any]]:
    async def wrapped(request: web.Request) -> Any:
        result = handler(request)
        if inspect.isawaitable(result):
            result = await result
        return result
    return wrapped


class FakeStripe:
    """Loopback Stripe API (localstripe + extensions) with webhook and fault control.

    Attributes for assertions: ``created`` (Counter of object types really created,
    e.g. ``"transfer"``, ``"refund"``, ``"checkout.session"``, ``"payment_intent"``,
    ``"event"``), ``events`` (every event, oldest first), ``requests``
    (:class:`RequestRecord` list), ``deliveries`` (:class:`WebhookDelivery` list),
    ``idempotent_replays`` (int), ``server_errors`` (tracebacks of crashes in the
    fake - should stay empty), ``account_links``.
    """

    api_key = "sk_test_fake_gigbroker"

    def __init__(self, *, webhook_url: str | None = None, webhook_secret: str | None = None,
                 webhook_mode: str = "auto", api_version: str = API_VERSION,
                 funds_available_immediately: bool = True, threaded: bool = False,
                 idempotency_stores_4xx: bool = False, host: str = "127.0.0.1"):
        if webhook_mode not in ("auto", "manual"):
            raise ValueError("webhook_mode must be 'auto' or 'manual'")
        self.webhook_mode = webhook_mode
        self.api_version = api_version
        self.funds_available_immediately = funds_available_immediately
        self.idempotency_stores_4xx = idempotency_stores_4xx
        self.host = host
        self.port: int | None = None
        self.threaded = threaded
        self.webhook_secret = webhook_secret or "whsec_" + rand(32)
        self._endpoints: dict[str, WebhookEndpoint] = {
            DEFAULT_ENDPOINT: WebhookEndpoint(DEFAULT_ENDPOINT, webhook_url, self.webhook_secret)}
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._saved_patches: tuple | None = None
        self._faults: list[_Fault] = []
        self._http_clients: list[Any] = []
        self._init_state()

    def _init_state(self) -> None:
        self.created: Counter = Counter()
        self.events: list[dict[str, Any]] = []
        self.events_by_id: dict[str, dict[str, Any]] = {}
        self.requests: list[RequestRecord] = []
        self.deliveries: list[WebhookDelivery] = []
        self.server_errors: list[str] = []
        self.account_links: list[dict[str, Any]] = []
        self.idempotent_replays = 0
        self._idem: dict[tuple, _IdemEntry] = {}
        self._outbox: list[tuple[str, str]] = []          # (endpoint id, event id)
        self._pending_for: dict[str, set[str]] = {}        # event id -> endpoint ids
        self._store = _CountingStore(self.created)
        self.resources = StripeResources(self)
        if self._saved_patches is not None:
            ls_res.store = ls_srv.store = self._store

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeStripe is not running")
        return f"http://{self.host}:{self.port}"

    @property
    def webhook_url(self) -> str | None:
        return self._endpoints[DEFAULT_ENDPOINT].url

    @webhook_url.setter
    def webhook_url(self, url: str | None) -> None:
        self._endpoints[DEFAULT_ENDPOINT].url = url

    async def start(self) -> "FakeStripe":
        if self.threaded:
            self.start_in_thread()
        else:
            await self._astart()
        return self

    async def stop(self) -> None:
        await self._close_http_clients()
        if self._thread is not None:
            self.stop_thread()
        elif self._runner is not None:
            await self._astop()

    async def __aenter__(self) -> "FakeStripe":
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    def start_in_thread(self) -> "FakeStripe":
        """Serve from a daemon thread with its own event loop."""
        self.threaded = True
        loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name="fake-stripe", daemon=True)
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._astart(), loop).result(15)
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(5)
            self._thread = None
            loop.close()
            raise
        return self

    def stop_thread(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        for http in self._http_clients:   # sync transports; async ones belong to other loops
            try:
                http.close()
            except Exception:
                pass
        self._http_clients = []
        try:
            asyncio.run_coroutine_threadsafe(self._astop(), loop).result(15)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            loop.close()
            self._thread = None

    def __enter__(self) -> "FakeStripe":
        return self.start_in_thread()

    def __exit__(self, *exc: Any) -> None:
        self.stop_thread()

    async def _astart(self) -> None:
        global _active
        with _active_lock:
            if _active is not None and _active is not self:
                raise RuntimeError("another FakeStripe is already running in this process "
                                   "(localstripe's state is module-global)")
            _active = self
        try:
            self._saved_patches = (ls_res.store, ls_srv.store, ls_res.schedule_webhook)
            ls_res.store = ls_srv.store = self._store
            ls_res.schedule_webhook = self._on_localstripe_event
            self._loop = asyncio.get_running_loop()
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
            self._runner = web.AppRunner(self._build_app(), access_log=None,
                                         handle_signals=False)
            await self._runner.setup()
            site = web.TCPSite(self._runner, self.host, 0)
            await site.start()
            self.port = self._runner.addresses[0][1]
        except BaseException:
            await self._astop()
            raise

    async def _astop(self) -> None:
        global _active
        for ep in self._endpoints.values():
            if ep.worker is not None:
                ep.worker.cancel()
        for ep in self._endpoints.values():
            if ep.worker is not None:
                try:
                    await ep.worker
                except BaseException:
                    pass
                ep.worker, ep.queue = None, None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._saved_patches is not None:
            ls_res.store, ls_srv.store, ls_res.schedule_webhook = self._saved_patches
            self._saved_patches = None
        self.port = None
        with _active_lock:
            if _active is self:
                _active = None

    async def _on_server(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn`` on the fake's event loop (its own thread in threaded mode)."""
        async def run() -> Any:
            result = fn(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            return result

        if self._loop is None:
            raise RuntimeError("FakeStripe is not running")
        if self._thread is None:
            return await run()
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), self._loop))

    def stripe_client(self, *, max_network_retries: int = 0, sync: bool = False,
                      **kwargs: Any) -> Any:
        """A ``stripe.StripeClient`` pointed at the fake over ``stripe.HTTPXClient``
        (``sync=True`` also allows the synchronous methods).  Its HTTP client is
        closed when the fake stops."""
        import stripe

        http = stripe.HTTPXClient(allow_sync_methods=sync)
        self._http_clients.append(http)
        return stripe.StripeClient(
            self.api_key, base_addresses={"api": self.base_url, "connect": self.base_url},
            http_client=http, max_network_retries=max_network_retries, **kwargs)

    async def _close_http_clients(self) -> None:
        clients, self._http_clients = self._http_clients, []
        for http in clients:
            try:
                http.close()
                await http.close_async()
            except Exception:
                pass

    async def reset(self) -> None:
        """Forget every object, event, idempotency key, fault and log (endpoints stay)."""
        await self._on_server(self._reset_now)

    def _reset_now(self) -> None:
        with self._lock:
            self._store.clear()
            self._faults.clear()
            self._init_state()

    # --------------------------------------------------------------------- the app

    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._outer_mw, ls_srv.auth_middleware,
                                           self._fault_mw, self._idempotency_mw,
                                           self._delay_mw, self._normalize_mw])
        r = self.resources_proxy
        routes: list[tuple[str, str, Callable[..., Any]]] = [
            ("POST", "/v1/checkout/sessions", r("create_session")),
            ("GET", "/v1/checkout/sessions", r("list_sessions")),
            ("GET", "/v1/checkout/sessions/{session}", r("retrieve_session")),
            ("POST", "/v1/checkout/sessions/{session}", r("update_session")),
            ("POST", "/v1/checkout/sessions/{session}/expire", r("expire_session")),
            ("GET", "/v1/checkout/sessions/{session}/line_items", r("list_session_line_items")),
            ("POST", "/v1/accounts", r("create_account")),
            ("GET", "/v1/accounts", r("list_accounts")),
            ("GET", "/v1/accounts/{account}", r("retrieve_account")),
            ("POST", "/v1/accounts/{account}", r("update_account")),
            ("DELETE", "/v1/accounts/{account}", r("delete_account")),
            ("POST", "/v1/accounts/{account}/login_links", r("create_login_link")),
            ("POST", "/v1/account_links", r("create_account_link")),
            ("POST", "/v1/transfers", r("create_transfer")),
            ("GET", "/v1/transfers", r("list_transfers")),
            ("GET", "/v1/transfers/{transfer}", r("retrieve_transfer")),
            ("POST", "/v1/transfers/{transfer}", r("update_transfer")),
            ("POST", "/v1/transfers/{transfer}/reversals", r("create_reversal")),
            ("GET", "/v1/transfers/{transfer}/reversals", r("list_reversals")),
            ("GET", "/v1/transfers/{transfer}/reversals/{id}", r("retrieve_reversal")),
            ("POST", "/v1/refunds", r("create_refund")),
            ("GET", "/v1/refunds", r("list_refunds")),
            ("GET", "/v1/disputes", r("list_disputes")),
            ("GET", "/v1/disputes/{dispute}", r("retrieve_dispute")),
            ("POST", "/v1/disputes/{dispute}", r("update_dispute")),
            ("POST", "/v1/disputes/{dispute}/close", r("close_dispute")),
            ("GET", "/v1/events", r("list_events")),
            ("GET", "/v1/events/{id}", r("retrieve_event")),
        ]
        taken = set()
        for method, path, handler in routes:
            app.router.add_route(method, path, handler)
            taken.add((method, path))
        app.router.add_route("GET", "/v1/balance", self._balance_handler)
        app.router.add_route("POST", "/_config/webhooks/{id}", self._config_webhook_handler)
        app.router.add_route("DELETE", "/_config/data", self._config_flush_handler)
        taken |= {("GET", "/v1/balance"), ("POST", "/_config/webhooks/{id}"),
                  ("DELETE", "/_config/data")}
        for route in ls_srv.app.router.routes():
            info = route.resource.get_info() if route.resource else {}
            path = info.get("path") or info.get("formatter")
            if not path or route.method == "HEAD" or (route.method, path) in taken:
                continue
            app.router.add_route(route.method, path, _as_async(route.handler))
            taken.add((route.method, path))
        return app

    def resources_proxy(self, name: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        """An aiohttp handler calling ``self.resources.<name>(params, **path_params)``."""
        async def handler(request: web.Request) -> web.Response:
            if request.method == "POST":
                data = await ls_srv.get_post_data(request) or {}
                data = dict(data)
            else:
                data = ls_srv.unflatten_data(request.query)
            fn = getattr(self.resources, name)  # looked up per call: reset() replaces it
            return _json(fn(data, **request.match_info))
        return handler

    async def _balance_handler(self, request: web.Request) -> web.Response:
        return _json(self.resources.retrieve_balance(
            ls_srv.unflatten_data(request.query), request.headers.get("Stripe-Account")))

    async def _config_webhook_handler(self, request: web.Request) -> web.Response:
        data = await ls_srv.get_post_data(request) or {}
        url, secret, events = data.get("url"), data.get("secret"), data.get("events")
        if not url or not secret or not str(url).startswith("http"):
            raise UserError(400, "Bad request")
        if events is not None and not isinstance(events, list):
            raise UserError(400, "Bad request")
        self.add_webhook_endpoint(url, secret=secret, events=events, id=request.match_info["id"])
        return web.Response()

    async def _config_flush_handler(self, request: web.Request) -> web.Response:
        self._reset_now()
        return web.Response()

    # ----------------------------------------------------------------- middlewares

    @web.middleware
    async def _outer_mw(self, request: web.Request, handler: Any) -> web.StreamResponse:
        request_id = "req_" + rand(14)
        idem_key = request.headers.get("Idempotency-Key")
        record = RequestRecord(request.method, request.path, dict(request.query), idem_key,
                               request_id)
        if request.method == "POST" and request.can_read_body:
            body = await request.read()
            try:
                record.form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                pass
        request[_RECORD_KEY] = record
        with self._lock:
            self.requests.append(record)
        token = _current_request.set((request_id, idem_key))
        try:
            try:
                response = await handler(request)
            except (ApiError, UserError) as exc:
                response = _error_response(exc)
            except _DroppedResponse:
                record.dropped = True
                raise web.HTTPInternalServerError()   # nobody will read it: the socket is gone
            except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
                response = _json({"error": {
                    "type": "invalid_request_error",
                    "message": f"Unrecognized request URL ({request.method}: {request.path}). "
                               "Please see https://stripe.com/docs or we can help at "
                               "https://support.stripe.com/."}}, 404)
            except web.HTTPException:
                raise
            except Exception:
                self.server_errors.append(traceback.format_exc())
                response = _json({"error": {"type": "api_error",
                                            "message": "The fake Stripe API crashed: "
                                                       + traceback.format_exc(limit=1)}}, 500)
        finally:
            _current_request.reset(token)
        response.headers["Request-Id"] = request_id
        response.headers["Stripe-Version"] = request.headers.get("Stripe-Version", self.api_version)
        if idem_key:
            response.headers["Idempotency-Key"] = idem_key
        record.status = response.status
        record.replayed = response.headers.get("Idempotent-Replayed") == "true"
        return response

    def _take_fault(self, kind: str, request: web.Request) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.kind == kind and fault.matches(request):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    @web.middleware
    async def _delay_mw(self, request: web.Request, handler: Any) -> web.StreamResponse:
        # Inside the idempotency layer: a delayed POST holds its key "in progress".
        delay = self._take_fault("delay", request)
        if delay is not None:
            await asyncio.sleep(delay.seconds)
        return await handler(request)

    @web.middleware
    async def _fault_mw(self, request: web.Request, handler: Any) -> web.StreamResponse:
        fail = self._take_fault("fail", request)
        if fail is not None:
            record = request.get(_RECORD_KEY)
            if record is not None:
                record.faulted = True
            return _json(fail.body or _default_error_body(fail.status), fail.status, fail.headers)
        drop = self._take_fault("drop", request)
        try:
            response = await handler(request)
        except (ApiError, UserError) as exc:
            response = _error_response(exc)
        if drop is not None:
            if request.transport is not None:
                request.transport.abort()
            raise _DroppedResponse()
        return response

    @staticmethod
    def _fingerprint(request: web.Request, body: bytes) -> Any:
        ctype = request.headers.get("Content-Type", "")
        if "application/x-www-form-urlencoded" in ctype or not ctype:
            try:
                return tuple(sorted(parse_qsl(body.decode("utf-8"), keep_blank_values=True)))
            except UnicodeDecodeError:
                pass
        return body

    @web.middleware
    async def _idempotency_mw(self, request: web.Request, handler: Any) -> web.StreamResponse:
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key or not request.path.startswith("/v1/"):
            return await handler(request)
        if len(key) > 255:
            raise ApiError(400, "Invalid Idempotency-Key: it must be at most 255 characters.",
                           type="idempotency_error")
        body = await request.read()
        fingerprint = self._fingerprint(request, body)
        scope = (ls_srv.get_api_key(request), request.headers.get("Stripe-Account"), key)
        current = _current_request.get()
        request_id = current[0] if current else "req_" + rand(14)
        with self._lock:
            entry = self._idem.get(scope)
            if entry is None:
                entry = _IdemEntry(request.method, request.path, fingerprint, request_id)
                self._idem[scope] = entry
                replay = False
            else:
                replay = True
        if replay:
            if (entry.method, entry.path) != (request.method, request.path):
                raise ApiError(400, "Keys for idempotent requests can only be used for the same "
                                    f"endpoint they were first used for ('{entry.method} "
                                    f"{entry.path}' vs '{request.method} {request.path}'). Try "
                                    f"using a key other than '{key}' if you meant to execute a "
                                    "different request.", type="idempotency_error")
            if entry.fingerprint != fingerprint:
                raise ApiError(400, "Keys for idempotent requests can only be used with the same "
                                    "parameters they were first used with. Try using a key other "
                                    f"than '{key}' if you meant to execute a different request.",
                               type="idempotency_error")
            if not entry.done:
                raise ApiError(409, "There is currently another in-progress request using this "
                                    "Stripe API key and idempotency key (that probably means you "
                                    "submitted twice, and the other request is still going "
                                    f"through): {key}. Please try again later.",
                               code="idempotency_key_in_use")
            self.idempotent_replays += 1
            return web.Response(body=entry.body, status=entry.status,
                                content_type="application/json",
                                headers={"Idempotent-Replayed": "true",
                                         "Original-Request": entry.request_id})
        try:
            try:
                response = await handler(request)
            except (ApiError, UserError) as exc:
                response = _error_response(exc)
        except BaseException:
            with self._lock:
                self._idem.pop(scope, None)
            raise
        status = response.status
        store = (status < 400 or status >= 500 or status == 402
                 or (self.idempotency_stores_4xx and status != 409))
        with self._lock:
            if store and isinstance(response, web.Response):
                entry.status, entry.body, entry.done = status, bytes(response.body or b""), True
            else:
                self._idem.pop(scope, None)
        return response

    @web.middleware
    async def _normalize_mw(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Give localstripe's PaymentIntent/Charge/Refund answers the current API shape."""
        response = await handler(request)
        if (response.status != 200 or not isinstance(response, web.Response)
                or not request.path.startswith(("/v1/payment_intents", "/v1/charges",
                                                 "/v1/refunds/"))):
            return response
        if request.method == "POST":
            data = await ls_srv.get_post_data(request) or {}
        else:
            data = ls_srv.unflatten_data(request.query)
        expand = data.get("expand") if isinstance(data, dict) else None
        expand = expand if isinstance(expand, list) else []
        try:
            obj = json.loads(response.body)
        except (TypeError, ValueError):
            return response
        return _json(normalize_ls(obj, expand), response.status)

    # ---------------------------------------------------------------------- events

    def emit(self, type: str, obj: dict[str, Any], *,
             previous_attributes: dict[str, Any] | None = None,
             account: str | None = None) -> dict[str, Any]:
        """Record an event about ``obj`` (snapshot) and send it to the endpoints."""
        current = _current_request.get()
        event: dict[str, Any] = {
            "id": "evt_1" + rand(23), "object": "event", "api_version": self.api_version,
            "created": int(time.time()),
            "data": {"object": copy.deepcopy(obj)},
            "livemode": False, "pending_webhooks": 0,
            "request": {"id": current[0] if current else None,
                        "idempotency_key": current[1] if current else None},
            "type": type,
        }
        if previous_attributes:
            event["data"]["previous_attributes"] = copy.deepcopy(previous_attributes)
        if account:
            event["account"] = account
        self.created["event"] += 1
        self._record_event(event)
        return event

    def _on_localstripe_event(self, ls_event: Any) -> None:
        """Replacement for localstripe's ``schedule_webhook`` (no 1 s sleep)."""
        current = _current_request.get()
        event = {
            "id": ls_event.id, "object": "event", "api_version": self.api_version,
            "created": ls_event.created,
            "data": {"object": normalize_ls(copy.deepcopy(ls_event.data["object"]))},
            "livemode": False, "pending_webhooks": 0,
            "request": {"id": current[0] if current else None,
                        "idempotency_key": current[1] if current else None},
            "type": ls_event.type,
        }
        self._record_event(event)

    def _record_event(self, event: dict[str, Any]) -> None:
        with self._lock:
            targets = [ep for ep in self._endpoints.values() if ep.wants(event)]
            event["pending_webhooks"] = len(targets)
            self.events.append(event)
            self.events_by_id[event["id"]] = event
            self._pending_for[event["id"]] = {ep.id for ep in targets}
            for ep in targets:
                if self.webhook_mode == "auto" and ep.url:
                    self._enqueue(ep, event["id"])
                else:
                    self._outbox.append((ep.id, event["id"]))

    def _enqueue(self, ep: WebhookEndpoint, event_id: str) -> None:
        if ep.queue is None or ep.worker is None or ep.worker.done():
            ep.queue = asyncio.Queue()
            ep.worker = asyncio.get_running_loop().create_task(self._webhook_worker(ep, ep.queue))
        ep.queue.put_nowait(event_id)

    async def _webhook_worker(self, ep: WebhookEndpoint, queue: asyncio.Queue) -> None:
        endpoint_id = ep.id
        while True:
            event_id = await queue.get()
            try:
                current = self._endpoints.get(endpoint_id)   # may have been replaced
                if current is None or event_id not in self.events_by_id:
                    continue                                   # removed, or reset() meanwhile
                if current.url:
                    await self._post(self.webhook_message(event_id, endpoint=endpoint_id),
                                     current.url)
                else:
                    with self._lock:
                        self._outbox.append((endpoint_id, event_id))
            except Exception:
                self.server_errors.append(traceback.format_exc())
            finally:
                queue.task_done()

    def event_delivered(self, event_id: str) -> bool:
        return not self._pending_for.get(event_id)

    def _mark_delivered(self, endpoint_id: str | None, event_id: str) -> None:
        with self._lock:
            pending = self._pending_for.get(event_id)
            if pending is not None and endpoint_id in pending:
                pending.discard(endpoint_id)
                self.events_by_id[event_id]["pending_webhooks"] = len(pending)

    async def _post(self, message: WebhookMessage, url: str,
                    forged: bool = False) -> WebhookDelivery:
        assert self._http is not None
        try:
            async with self._http.post(url, data=message.payload,
                                       headers=message.headers) as resp:
                text = await resp.text(errors="replace")
                delivery = WebhookDelivery(message.event_id, message.type, message.endpoint_id,
                                           url, resp.status, forged=forged,
                                           response_body=text[:2000])
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            delivery = WebhookDelivery(message.event_id, message.type, message.endpoint_id, url,
                                       None, error=repr(exc), forged=forged)
        with self._lock:
            self.deliveries.append(delivery)
        if delivery.ok and not forged:
            self._mark_delivered(message.endpoint_id, message.event_id)
        return delivery

    # ------------------------------------------------------------ webhook control

    def add_webhook_endpoint(self, url: str | None, *, secret: str | None = None,
                             events: Iterable[str] | None = None, connect: bool | None = None,
                             id: str | None = None) -> WebhookEndpoint:
        """Register another endpoint (own secret; ``events`` filter; ``connect`` see
        :class:`WebhookEndpoint`).  Returns it; ``endpoint.secret`` is the secret."""
        ep = WebhookEndpoint(id or "we_" + rand(24), url, secret or "whsec_" + rand(32),
                             list(events) if events is not None else None, connect)
        with self._lock:
            old = self._endpoints.get(ep.id)
            if old is not None and old.worker is not None:
                ep.queue, ep.worker = old.queue, old.worker
            self._endpoints[ep.id] = ep
        return ep

    def remove_webhook_endpoint(self, endpoint_id: str) -> None:
        with self._lock:
            ep = self._endpoints.pop(endpoint_id)
            self._outbox = [(e, ev) for e, ev in self._outbox if e != endpoint_id]
        if ep.worker is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(ep.worker.cancel)

    def endpoint(self, endpoint_id: str = DEFAULT_ENDPOINT) -> WebhookEndpoint:
        return self._endpoints[endpoint_id]

    def set_webhook_mode(self, mode: str) -> None:
        """Switch between ``"auto"`` and ``"manual"`` for events created from now on."""
        if mode not in ("auto", "manual"):
            raise ValueError("mode must be 'auto' or 'manual'")
        self.webhook_mode = mode

    def webhook_message(self, event_id: str, *, endpoint: str | None = None,
                        secret: str | None = None, timestamp: int | None = None,
                        forge: bool = False) -> WebhookMessage:
        """A freshly signed delivery of ``event_id`` (call again for a duplicate).

        ``forge=True`` signs with a wrong secret; ``timestamp`` lets a test send a
        stale signature (older than construct_event's 300 s tolerance)."""
        event = self.events_by_id.get(event_id)
        if event is None:
            raise FakeStripeUsageError(f"no event {event_id!r}")
        ep = self._endpoints.get(endpoint or DEFAULT_ENDPOINT)
        if ep is None:
            raise FakeStripeUsageError(f"no webhook endpoint {endpoint!r}")
        payload = encode_event(event)
        key = FORGED_SECRET if forge else (secret or ep.secret)
        headers = webhook_headers(stripe_signature(payload, key, timestamp))
        return WebhookMessage(event_id, event["type"], payload, headers, ep.url, ep.id, forge)

    def _select_outbox(self, types: Iterable[str] | None, endpoint: str | None,
                       pop: bool) -> list[tuple[str, str]]:
        wanted = set(types) if types is not None else None
        with self._lock:
            chosen, kept = [], []
            for ep_id, ev_id in self._outbox:
                ev = self.events_by_id.get(ev_id)
                ok = (ev is not None and (endpoint is None or ep_id == endpoint)
                      and (wanted is None or ev["type"] in wanted))
                (chosen if ok else kept).append((ep_id, ev_id))
            if pop:
                self._outbox = kept
        return chosen

    def take_webhooks(self, types: Iterable[str] | None = None,
                      endpoint: str | None = None) -> list[WebhookMessage]:
        """Remove queued (undelivered) webhooks from the outbox and return them signed,
        oldest first, for the test to deliver itself (``payload, headers = msg``)."""
        return [self.webhook_message(ev, endpoint=ep)
                for ep, ev in self._select_outbox(types, endpoint, pop=True)]

    def peek_webhooks(self, types: Iterable[str] | None = None,
                      endpoint: str | None = None) -> list[WebhookMessage]:
        """Like :meth:`take_webhooks` but leaves them queued."""
        return [self.webhook_message(ev, endpoint=ep)
                for ep, ev in self._select_outbox(types, endpoint, pop=False)]

    def mark_webhook_delivered(self, message: WebhookMessage) -> None:
        """Tell the fake a taken message was accepted (for ``pending_webhooks`` and
        ``GET /v1/events?delivery_success=true``)."""
        self._mark_delivered(message.endpoint_id, message.event_id)

    async def post_webhook(self, message: WebhookMessage, url: str | None = None
                           ) -> WebhookDelivery:
        """POST one message (to ``url`` or its endpoint's url)."""
        target = url or message.url
        if not target:
            raise FakeStripeUsageError("no url to deliver to")
        return await self._on_server(self._post, message, target, message.forged)

    async def deliver(self, event_ids: str | Iterable[str], *, endpoint: str | None = None,
                      url: str | None = None, times: int = 1, concurrently: bool = False,
                      order: str = "given", forge: bool = False, timestamp: int | None = None,
                      seed: int | None = None) -> list[WebhookDelivery]:
        """(Re)deliver events by HTTP POST: ``times`` copies each, ``order`` ``"given"``,
        ``"reversed"`` or ``"shuffled"``, sequentially or all at once
        (``concurrently=True``), optionally forged or with an old ``timestamp``."""
        ids = [event_ids] if isinstance(event_ids, str) else list(event_ids)
        ids = [i for i in ids for _ in range(times)]
        if order == "reversed":
            ids.reverse()
        elif order == "shuffled":
            random.Random(seed).shuffle(ids)
        elif order != "given":
            raise ValueError("order must be 'given', 'reversed' or 'shuffled'")
        target_ep = endpoint or DEFAULT_ENDPOINT
        target_url = url or self._endpoints[target_ep].url
        if not target_url:
            raise FakeStripeUsageError("no url: pass url= or set fake.webhook_url")

        async def run() -> list[WebhookDelivery]:
            messages = [self.webhook_message(i, endpoint=target_ep, forge=forge,
                                             timestamp=timestamp) for i in ids]
            if concurrently:
                return list(await asyncio.gather(*(self._post(m, target_url, forge)
                                                   for m in messages)))
            return [await self._post(m, target_url, forge) for m in messages]

        return await self._on_server(run)

    async def flush_webhooks(self, *, types: Iterable[str] | None = None,
                             order: str = "given", concurrently: bool = False,
                             seed: int | None = None) -> list[WebhookDelivery]:
        """POST every queued webhook whose endpoint has a url; returns the deliveries."""
        pairs = [(ep, ev) for ep, ev in self._select_outbox(types, None, pop=False)
                 if self._endpoints[ep].url]
        with self._lock:
            taken = set(pairs)
            self._outbox = [p for p in self._outbox if p not in taken]
        if order == "reversed":
            pairs.reverse()
        elif order == "shuffled":
            random.Random(seed).shuffle(pairs)

        async def run() -> list[WebhookDelivery]:
            messages = [self.webhook_message(ev, endpoint=ep) for ep, ev in pairs]
            if concurrently:
                return list(await asyncio.gather(*(self._post(m, m.url) for m in messages)))
            return [await self._post(m, m.url) for m in messages]

        return await self._on_server(run)

    async def retry_failed_webhooks(self) -> list[WebhookDelivery]:
        """Redeliver (like Stripe's retries) events still pending for an endpoint after a
        failed attempt."""
        with self._lock:
            failed = {(d.endpoint_id, d.event_id) for d in self.deliveries
                      if not d.ok and not d.forged}
            pairs = [(ep, ev) for ep, ev in failed
                     if ep in self._endpoints and ep in self._pending_for.get(ev, set())]
        pairs.sort(key=lambda p: self.events.index(self.events_by_id[p[1]]))

        async def run() -> list[WebhookDelivery]:
            out = []
            for ep, ev in pairs:
                msg = self.webhook_message(ev, endpoint=ep)
                out.append(await self._post(msg, self._endpoints[ep].url or ""))
            return out

        return await self._on_server(run)

    async def webhooks_idle(self, timeout: float = 10.0) -> None:
        """Wait until the automatic deliveries queued so far have been made."""
        async def run() -> None:
            queues = [ep.queue for ep in self._endpoints.values() if ep.queue is not None]
            await asyncio.wait_for(asyncio.gather(*(q.join() for q in queues)), timeout)
        await self._on_server(run)

    # --------------------------------------------------------------- fault control

    def fail_next(self, path_prefix: str, status: int = 500, count: int = 1, *,
                  method: str | None = None, error: dict[str, Any] | None = None,
                  headers: dict[str, str] | None = None) -> None:
        """Answer the next ``count`` matching requests with ``status`` and a Stripe error
        body (``error`` overrides it) without executing them (nothing created, no
        idempotent result stored)."""
        with self._lock:
            self._faults.append(_Fault("fail", path_prefix, method, count, status=status,
                                       body=error, headers=headers))

    def drop_response_next(self, path_prefix: str, count: int = 1, *,
                           method: str | None = "POST") -> None:
        """Execute the next ``count`` matching requests (objects created, events sent,
        idempotent result stored) but abort the connection instead of answering."""
        with self._lock:
            self._faults.append(_Fault("drop", path_prefix, method, count))

    def delay_next(self, path_prefix: str, seconds: float, count: int = 1, *,
                   method: str | None = None) -> None:
        """Hold the next ``count`` matching requests ``seconds`` before executing them
        (a slow Stripe: the idempotency key stays in progress meanwhile, so a retry with
        the same key gets 409 ``idempotency_key_in_use``; a short client timeout turns
        it into "did it happen?")."""
        with self._lock:
            self._faults.append(_Fault("delay", path_prefix, method, count, seconds=seconds))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # ----------------------------------------------------------------- test helpers

    async def _helper(self, fn: Callable[..., Any], *args: Any, wait_webhooks: bool,
                      **kwargs: Any) -> Any:
        result = await self._on_server(fn, *args, **kwargs)
        if wait_webhooks and self.webhook_mode == "auto":
            await self.webhooks_idle()
        return result

    async def complete_checkout(self, session_id: str, *, email: str | None = None,
                                name: str | None = None, wait_webhooks: bool = True
                                ) -> dict[str, Any]:
        """The payer pays: creates a succeeded PaymentIntent + Charge (amount_total,
        transfer_group and metadata from ``payment_intent_data``), marks the session
        complete/paid and emits payment_intent.created, payment_intent.succeeded,
        charge.succeeded and checkout.session.completed.  Returns ``{"session": {...},
        "payment_intent": "pi_...", "charge": "ch_..."}``."""
        return await self._helper(self.resources.complete_checkout, session_id, email=email,
                                  name=name, wait_webhooks=wait_webhooks)

    async def expire_checkout(self, session_id: str, *, wait_webhooks: bool = True
                              ) -> dict[str, Any]:
        """The session times out (``checkout.session.expired``)."""
        return await self._helper(self.resources.expire_checkout, session_id,
                                  wait_webhooks=wait_webhooks)

    async def complete_onboarding(self, account_id: str, *, charges_enabled: bool = True,
                                  payouts_enabled: bool = True, wait_webhooks: bool = True
                                  ) -> dict[str, Any]:
        """The freelancer finishes the Account Link flow: details_submitted,
        charges/payouts enabled, capabilities active; emits capability.updated and
        ``account.updated`` (with ``account`` set, as a Connect event)."""
        return await self._helper(self.resources._set_account_status, account_id, True,
                                  charges_enabled, payouts_enabled, wait_webhooks=wait_webhooks)

    async def disable_payouts(self, account_id: str, *, wait_webhooks: bool = True
                              ) -> dict[str, Any]:
        """Stripe restricts the account (requirements past due): payouts/transfers off."""
        return await self._helper(self.resources._set_account_status, account_id, False,
                                  wait_webhooks=wait_webhooks)

    async def dashboard_refund(self, payment_intent_id: str, amount: int | None = None, *,
                               reason: str | None = None, wait_webhooks: bool = True
                               ) -> dict[str, Any]:
        """A refund made outside the app (dashboard): emits refund.created and
        charge.refunded with ``request.id`` null.  Accepts a pi_ or ch_ id."""
        return await self._helper(self.resources.dashboard_refund, payment_intent_id, amount,
                                  reason, wait_webhooks=wait_webhooks)

    async def open_dispute(self, charge_id: str, amount: int | None = None, *,
                           reason: str = "fraudulent", wait_webhooks: bool = True
                           ) -> dict[str, Any]:
        """The payer's bank disputes the charge (ch_ or pi_): emits
        charge.dispute.created and charge.dispute.funds_withdrawn."""
        return await self._helper(self.resources.open_dispute, charge_id, amount, reason,
                                  wait_webhooks=wait_webhooks)

    async def close_dispute(self, dispute_id: str, *, won: bool, wait_webhooks: bool = True
                            ) -> dict[str, Any]:
        """The dispute ends: charge.dispute.closed (+ funds_reinstated when won)."""
        return await self._helper(self.resources.close_dispute_as, dispute_id,
                                  "won" if won else "lost", wait_webhooks=wait_webhooks)

    async def make_funds_available(self) -> None:
        """Move the pending platform balance to available (funds_available_immediately=False)."""
        def move() -> None:
            for cur, amt in list(self.resources.pending.items()):
                self.resources.available[cur] += amt
                self.resources.pending[cur] = 0
        await self._on_server(move)

    # ----------------------------------------------------------------- inspection

    def get(self, object_id: str) -> dict[str, Any]:
        """Current state of any object (ours or localstripe's, or an event) by id."""
        if object_id in self.events_by_id:
            return copy.deepcopy(self.events_by_id[object_id])
        try:
            return self.resources.lookup(object_id)
        except ApiError as exc:
            raise KeyError(object_id) from exc

    def balance(self, currency: str = "usd", account: str | None = None) -> dict[str, int]:
        """``{"available": n, "pending": n}`` of the platform (or a connected account)."""
        if account:
            return {"available": self.resources.connected_available[account][currency],
                    "pending": 0}
        return {"available": self.resources.available[currency],
                "pending": self.resources.pending[currency]}

    def events_of_type(self, *types: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] in types]

    def last_event(self, type: str) -> dict[str, Any]:
        found = self.events_of_type(type)
        if not found:
            raise KeyError(type)
        return found[-1]

    def calls(self, method: str, path_prefix: str) -> list[RequestRecord]:
        """Requests received for ``method`` on paths starting with ``path_prefix``."""
        return [r for r in self.requests
                if r.method == method.upper() and r.path.startswith(path_prefix)]
