"""The aiohttp transport's proxies: taken from the environment as httpx takes them
(HTTP(S)_PROXY, NO_PROXY), once per host rather than on every request."""
from __future__ import annotations

import pytest
from aiohttp import web
from telegram.ext import ExtBot

from adapters.telegram.transport import AiohttpRequest
from tests.e2e.telegram_harness import tg  # noqa: F401 (fixture)


@pytest.fixture
async def proxy():
    """A forward proxy that answers every request itself, recording its target."""
    seen: list[str] = []

    async def forward(request: web.Request) -> web.Response:
        seen.append(str(request.url))
        return web.json_response({"ok": True, "result": {
            "id": 1, "is_bot": True, "first_name": "Via proxy", "username": "via_proxy_bot"}})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


async def test_requests_go_through_the_environments_proxy(proxy, monkeypatch):
    url, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    bot = ExtBot("123:abc", base_url="http://api.telegram.invalid/bot", request=AiohttpRequest(),
                 get_updates_request=AiohttpRequest(connection_pool_size=1))
    async with bot:
        me = await bot.get_me()
        await bot.get_me()
    assert me.username == "via_proxy_bot"
    assert seen and all(s.startswith("http://api.telegram.invalid/bot123:abc/getMe")
                        for s in seen)


async def test_no_proxy_hosts_are_reached_directly(tg, proxy, monkeypatch):  # noqa: F811
    url, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    request = AiohttpRequest()
    assert request.proxy_for(tg.base_url + "/getMe") is None
    bot = ExtBot(tg.token, base_url=tg.base_url, request=request,
                 get_updates_request=AiohttpRequest(connection_pool_size=1))
    async with bot:
        me = await bot.get_me()
    assert me.username != "via_proxy_bot" and seen == []
    # read once per host: a change of environment is seen by a new transport only
    monkeypatch.delenv("NO_PROXY")
    assert request.proxy_for(tg.base_url + "/getMe") is None
    assert AiohttpRequest().proxy_for(tg.base_url + "/getMe") == url
