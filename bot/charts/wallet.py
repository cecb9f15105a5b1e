"""The earnings chart of /wallet: what a freelancer earned per week over the
last 12 weeks, each bar stacked as paid out (at the bottom) and waiting, with
the total and the last 4 weeks against the 4 before, in their language and
with amounts from the one money formatter."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bot.charts.canvas import (
    HEIGHT_PX, WIDTH_PX, Chart, Theme, figure, png_of, short_date, style_axes,
)
from core.api import EarningsReport

Money = Callable[[int, str], str]


@dataclass(frozen=True)
class WalletTexts:
    title: str
    subtitle: str
    total: str
    change: str
    paid: str
    waiting: str
    weeks: tuple[str, ...]


def texts_for(report: EarningsReport, _: Callable[..., str], locale: str,
              money: Money) -> WalletTexts:
    cur = report.currency
    pct = report.change_pct
    last = money(report.last_4, cur)
    if pct is None:
        change = _("Last 4 weeks: {amount}", amount=last)
    else:
        change = _("Last 4 weeks: {amount} ({change} vs the 4 weeks before)", amount=last,
                   change=f"{pct:+d} %")
    return WalletTexts(
        title=_("Earnings per week"),
        subtitle=_("Last {n} weeks · {currency}", n=len(report.weeks), currency=cur.upper()),
        total=_("Total: {amount}", amount=money(report.total, cur)),
        change=change, paid=_("Paid out"), waiting=_("Waiting"),
        weeks=tuple(short_date(w.start, locale) for w in report.weeks))


def figures_of(report: EarningsReport) -> dict:
    return {"currency": report.currency, "weeks": [w.start.isoformat() for w in report.weeks],
            "paid_out": [w.paid_out for w in report.weeks],
            "waiting": [w.waiting for w in report.weeks], "total": report.total,
            "last_4": report.last_4, "previous_4": report.previous_4,
            "change_pct": report.change_pct}


def draw(report: EarningsReport, texts: WalletTexts, theme: Theme, money: Money) -> Chart:
    """Render the chart (CPU-bound: call it in a worker thread)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fig = figure(theme)
    fig.text(0.06, 0.955, texts.title, color=theme.text, fontsize=17, weight="bold", va="top")
    fig.text(0.06, 0.905, texts.subtitle, color=theme.muted, fontsize=10, va="top")
    fig.text(0.06, 0.855, texts.total, color=theme.text, fontsize=14, weight="bold", va="top")
    pct = report.change_pct
    tone = theme.muted if not pct else (theme.good if pct > 0 else theme.bad)
    fig.text(0.06, 0.805, texts.change, color=tone, fontsize=10, va="top")

    ax = fig.add_axes((0.2, 0.14, 0.75, 0.6))
    style_axes(ax, theme)
    x = list(range(len(report.weeks)))
    paid = [w.paid_out for w in report.weeks]
    waiting = [w.waiting for w in report.weeks]
    ax.bar(x, paid, width=0.7, color=theme.primary, label=texts.paid)
    ax.bar(x, waiting, width=0.7, bottom=paid, color=theme.secondary, label=texts.waiting)
    ax.set_xticks(x, texts.weeks, rotation=60, ha="right")
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=2))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: money(int(round(v)),
                                                                   report.currency)))
    ax.set_ylim(0, max([p + w for p, w in zip(paid, waiting)] + [1]) * 1.1)
    legend = ax.legend(loc="upper left", fontsize=9, frameon=False, ncols=2,
                       bbox_to_anchor=(0, 1.08))
    for item in legend.get_texts():
        item.set_color(theme.text)
    return Chart(png_of(fig), WIDTH_PX, HEIGHT_PX, figures_of(report))
