"""``python -m bench charts``: the time to render one chart.

Renders the /wallet earnings chart (12 weeks, stacked paid out / waiting) and
the /stats board picture (six figures, 30 days of bars, top skills) from fixed
figures, through ``bot.charts`` with the cache emptied before each run, so every
run draws and encodes the PNG in a worker thread. For scale, the same run times
a bare matplotlib Agg figure of the same size with 12 plain bars saved as PNG
(the least any chart of this size costs here) and prints each chart against it,
then a cache hit (the same data again), and how long the event loop went without
a turn while a chart was drawn: in a worker thread (as the bot does) and, for
comparison, on the loop itself. Each figure is the median of ``--runs`` runs
after one warm-up (the warm-up pays matplotlib's import and font cache).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import date, datetime, timedelta, timezone


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--runs", type=int, default=15, help="timed runs; the median is shown (15)")
    p.add_argument("--theme", choices=("light", "dark"), default="light")


def _report():
    from core.api import EarningsReport, WeekEarnings
    weeks = [(2500, 0), (0, 0), (12000, 0), (4000, 0), (0, 0), (4000, 0), (8000, 0), (0, 0),
             (0, 0), (1000, 1500), (3000, 2000), (0, 500)]
    return EarningsReport(1, "usd", tuple(WeekEarnings(date(2026, 3, 2) + timedelta(weeks=i), p, w)
                                          for i, (p, w) in enumerate(weeks)), ("usd",), 17)


def _stats():
    from core.api import BoardStats
    days = tuple(date(2026, 5, 3) + timedelta(days=i) for i in range(30))
    return BoardStats(1, "Design Guild", datetime(2026, 5, 3, tzinfo=timezone.utc),
                      datetime(2026, 6, 1, tzinfo=timezone.utc), days,
                      tuple((i * 7) % 4 for i in range(30)), tuple((i * 5) % 3 for i in range(30)),
                      40, 33, 12000, 129600, {"usd": 123450, "eur": 5000}, 2,
                      (("svg", 12), ("design", 9), ("copywriting", 4), ("python", 3)), 99)


def _bare_png() -> bytes:
    """The baseline: a same-size Agg figure with 12 bars, no styling, as PNG."""
    from bot.charts.canvas import DPI, HEIGHT_PX, WIDTH_PX
    import io
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.add_subplot().bar(range(12), [3, 0, 12, 4, 0, 4, 8, 0, 0, 2, 5, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


async def _timed(fn, runs: int) -> tuple[float, object]:
    result = await fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = await fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


async def _longest_stall(work) -> float:
    """The longest gap (ms) between turns of a 1 ms ticker while ``work`` runs."""
    gaps, stop = [], asyncio.Event()

    async def ticker():
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append((now - last) * 1000)
            last = now
    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    await work()
    stop.set()
    await task
    return max(gaps)


async def _main(args: argparse.Namespace) -> int:
    import matplotlib

    from bot import charts
    from bot.charts import wallet
    from bot.charts.canvas import THEMES
    from bot.texts import translator
    from core.api import format_amount

    _, report, stats = translator("en"), _report(), _stats()

    async def wallet_fresh():
        charts.CACHE.clear()
        return await charts.wallet_chart(report, _, locale="en", money=format_amount,
                                         theme=args.theme)

    async def board_fresh():
        charts.CACHE.clear()
        return await charts.board_chart(stats, _, locale="en", money=format_amount,
                                        theme=args.theme)

    async def bare():
        return await asyncio.to_thread(_bare_png)

    base_ms, _png = await _timed(bare, args.runs)
    wallet_ms, w = await _timed(wallet_fresh, args.runs)
    board_ms, b = await _timed(board_fresh, args.runs)
    await charts.wallet_chart(report, _, locale="en", money=format_amount, theme=args.theme)
    hit_ms, _hit = await _timed(lambda: charts.wallet_chart(
        report, _, locale="en", money=format_amount, theme=args.theme), args.runs)
    off_loop = await _longest_stall(wallet_fresh)
    theme = THEMES[args.theme]
    texts = wallet.texts_for(report, _, "en", format_amount)

    async def on_loop():
        wallet.draw(report, texts, theme, format_amount)
    on_loop_stall = await _longest_stall(on_loop)

    print(f"bench charts: matplotlib {matplotlib.__version__} (Agg), {w.width}x{w.height} px, "
          f"{args.theme} theme; median of {args.runs} runs")
    print(f"  {'chart':<34} {'render':>9} {'PNG':>9} {'vs bare':>8}")
    print(f"  {'bare Agg figure, 12 bars (baseline)':<34} {base_ms:>7.1f}ms {len(_png):>8,}B "
          f"{1.0:>7.2f}x")
    print(f"  {'/wallet earnings, 12 weeks':<34} {wallet_ms:>7.1f}ms {len(w.png):>8,}B "
          f"{wallet_ms / base_ms:>7.2f}x")
    print(f"  {'/stats board picture, 30 days':<34} {board_ms:>7.1f}ms {len(b.png):>8,}B "
          f"{board_ms / base_ms:>7.2f}x")
    print(f"  cache hit (same data again): {hit_ms * 1000:.1f} us "
          f"({wallet_ms / max(hit_ms, 1e-6):,.0f}x faster than a render)")
    print(f"  longest event-loop stall while rendering: {off_loop:.1f} ms in a worker thread "
          f"(as the bot does) vs {on_loop_stall:.1f} ms drawn on the loop")
    return 0


def main(args: argparse.Namespace) -> int:
    return asyncio.run(_main(args))
