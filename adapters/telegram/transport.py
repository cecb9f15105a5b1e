"""An aiohttp transport for python-telegram-bot (a ``telegram.request.BaseRequest``).

PTB's default transport is httpx. aiohttp is already the project's HTTP stack
(the web server, the fakes) and, measured on the fake Bot API, costs a fraction
of httpx's CPU per request (see ``python -m bench telegram``), which is what
bounds a fan-out on a small machine. PTB keeps doing everything else: building
requests, parsing answers, mapping errors (429 -> ``RetryAfter``, ...).

Timeouts map as: connect -> ``sock_connect``, read -> ``sock_read``, pool ->
waiting for a free connection; aiohttp has no write timeout, so PTB's is ignored.
Proxies come from the environment (HTTPS_PROXY, NO_PROXY), as with httpx, read once
per host: aiohttp's ``trust_env`` would read them, and parse ~/.netrc, on every
request (about 15 % of the bot's CPU in ``bench telegram``). Error messages never
carry the request URL (it contains the bot token)."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


_DEFAULT = type(BaseRequest.DEFAULT_NONE)
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}  # PTB's "not given" marker class


def _value(value, default: float | None) -> float | None:
    return default if isinstance(value, _DEFAULT) else value


class AiohttpRequest(BaseRequest):
    def __init__(self, *, connection_pool_size: int = 64, read_timeout: float | None = 5.0,
                 connect_timeout: float | None = 5.0, pool_timeout: float | None = 1.0) -> None:
        self._pool_size = connection_pool_size
        self._read, self._connect, self._pool = read_timeout, connect_timeout, pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300),
                headers={"User-Agent": self.USER_AGENT})

    def proxy_for(self, url: str) -> str | None:
        """The environment's proxy for ``url``'s scheme and host (None: direct)."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            self._proxies[key] = None if proxy_bypass(key[1]) else getproxies().get(key[0])
        return self._proxies[key]

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=BaseRequest.DEFAULT_NONE,
                         write_timeout=BaseRequest.DEFAULT_NONE,
                         connect_timeout=BaseRequest.DEFAULT_NONE,
                         pool_timeout=BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = _value(read_timeout, self._read)
        connect = _value(connect_timeout, self._connect)
        pool = _value(pool_timeout, self._pool)
        timeout = aiohttp.ClientTimeout(
            total=None, sock_read=read, sock_connect=connect,
            connect=None if connect is None or pool is None else connect + pool)
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None:
            files = request_data.multipart_data
            if files:
                form = aiohttp.FormData()
                for key, value in request_data.json_parameters.items():
                    form.add_field(key, value)
                for key, (name, content, mime) in files.items():
                    form.add_field(key, content, filename=name, content_type=mime)
                data = form
            elif request_data.json_parameters:
                # urlencoded by hand: aiohttp's FormData builds a multipart writer (and
                # reads os.urandom for its boundary) even for plain fields
                data = urlencode(request_data.json_parameters).encode()
                headers = _FORM
        try:
            async with self._session.request(method, url, data=data, headers=headers,
                                             timeout=timeout, proxy=self.proxy_for(url)) as resp:
                return resp.status, await resp.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise TimedOut(f"aiohttp.{exc.__class__.__name__}") from None
        except aiohttp.ClientError as exc:
            parts = urlsplit(url)
            message = str(exc).replace(url, f"{parts.scheme}://{parts.netloc}/…")
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {message}") from None
