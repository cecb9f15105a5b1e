"""Charts as pictures for chat: the /wallet earnings chart and the /stats board
picture. Each is drawn by matplotlib's Agg canvas in a worker thread (never on
the event loop), sized for a phone screen, in a light or dark theme, and
cached until its data changes: the cache key is the newest row id behind the
figures plus everything else that changes the picture (who, currency, the
period, language, theme).

``await wallet_chart(...)`` / ``await board_chart(...)`` return a ``Chart``:
the PNG, its size and the figures it was drawn from."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from bot.charts import board, wallet
from bot.charts.canvas import THEME_NAMES, THEMES, Chart, ChartCache, WIDTH_PX, HEIGHT_PX
from core.api import BoardStats, EarningsReport

CACHE = ChartCache()
Money = Callable[[int, str], str]
# Drawing is CPU-bound: two at a time is all a small host can use, and it keeps a
# burst of /wallet presses from taking every thread of the loop's default pool.
_DRAWING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="charts")


async def _draw(fn, *args) -> Chart:
    return await asyncio.get_running_loop().run_in_executor(_DRAWING, fn, *args)


def _theme(name: str | None):
    return THEMES.get((name or "light").lower(), THEMES["light"])


async def wallet_chart(report: EarningsReport, _: Callable[..., str], *, locale: str,
                       money: Money, theme: str | None = None) -> Chart:
    """The earnings chart of ``report`` (which must have a currency)."""
    th = _theme(theme)
    key = ("wallet", report.user_id, report.currency, report.data_key, report.weeks[0].start,
           len(report.weeks), locale, th.name)
    chart = CACHE.get(key)
    if chart is None:
        texts = wallet.texts_for(report, _, locale, money)
        chart = await _draw(wallet.draw, report, texts, th, money)
        CACHE.put(key, chart)
    return chart


async def board_chart(stats: BoardStats, _: Callable[..., str], *, locale: str,
                      money: Money, theme: str | None = None) -> Chart:
    """The picture of a board's last days."""
    th = _theme(theme)
    key = ("board", stats.community_id, stats.data_key, stats.days[0], len(stats.days),
           locale, th.name)
    chart = CACHE.get(key)
    if chart is None:
        texts = board.texts_for(stats, _, locale, money)
        chart = await _draw(board.draw, stats, texts, th)
        CACHE.put(key, chart)
    return chart


__all__ = ["CACHE", "Chart", "HEIGHT_PX", "THEME_NAMES", "WIDTH_PX", "board_chart",
           "wallet_chart"]
