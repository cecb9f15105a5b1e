"""The /stats picture of a community board's last 30 days: six figures at the
top (gigs posted, slots filled, median time to claim and to approval, money
paid out, disputes), gigs posted and slots filled per day, and the skills most
asked for."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bot.charts.canvas import (
    HEIGHT_PX, WIDTH_PX, Chart, Theme, figure, png_of, short_date, span, style_axes,
)
from core.api import BoardStats

Money = Callable[[int, str], str]


@dataclass(frozen=True)
class BoardTexts:
    title: str
    subtitle: str
    tiles: tuple[tuple[str, str], ...]  # (value, label)
    posted: str
    filled: str
    skills: str
    no_skills: str
    days: tuple[str, ...]


def paid_text(stats: BoardStats, money: Money) -> str:
    """One line per currency (most paid first), so each amount stays whole."""
    paid = sorted(stats.paid_out.items(), key=lambda kv: (-kv[1], kv[0]))
    return "\n".join(money(v, cur) for cur, v in paid[:3]) or money(0, "usd")


def texts_for(stats: BoardStats, _: Callable[..., str], locale: str, money: Money) -> BoardTexts:
    return BoardTexts(
        title=stats.name,
        subtitle=_.ngettext("Last {n} day, {start} to {end}", "Last {n} days, {start} to {end}",
                            len(stats.days),
                   start=short_date(stats.days[0], locale), end=short_date(stats.days[-1], locale)),
        tiles=((str(stats.gigs_posted), _("gigs posted")),
               (str(stats.slots_filled), _("slots filled")),
               (span(stats.median_claim_seconds), _("median time to claim")),
               (span(stats.median_approval_seconds), _("median time to approval")),
               (paid_text(stats, money), _("paid out")),
               (str(stats.disputes), _("disputes"))),
        posted=_("Gigs posted"), filled=_("Slots filled"), skills=_("Top skills asked for"),
        no_skills=_("No gigs posted yet."),
        days=tuple(short_date(d, locale) for d in stats.days))


def figures_of(stats: BoardStats) -> dict:
    return {"days": [d.isoformat() for d in stats.days],
            "posted_per_day": list(stats.posted_per_day),
            "filled_per_day": list(stats.filled_per_day), "gigs_posted": stats.gigs_posted,
            "slots_filled": stats.slots_filled,
            "median_claim_seconds": stats.median_claim_seconds,
            "median_approval_seconds": stats.median_approval_seconds,
            "paid_out": dict(stats.paid_out), "disputes": stats.disputes,
            "top_skills": [list(s) for s in stats.top_skills]}


def draw(stats: BoardStats, texts: BoardTexts, theme: Theme) -> Chart:
    """Render the picture (CPU-bound: call it in a worker thread)."""
    from matplotlib.ticker import MaxNLocator

    fig = figure(theme)
    fig.text(0.06, 0.965, texts.title[:40], color=theme.text, fontsize=16, weight="bold",
             va="top")
    fig.text(0.06, 0.925, texts.subtitle, color=theme.muted, fontsize=9, va="top")
    for i, (value, label) in enumerate(texts.tiles):
        col, row = i % 3, i // 3
        x, y = 0.06 + col * 0.31, 0.875 - row * 0.095
        lines = value.count("\n") + 1
        size = 13 if lines == 1 and len(value) < 12 else (10 if lines == 1 else 8)
        fig.text(x, y, value, color=theme.text, fontsize=size, weight="bold", va="top",
                 linespacing=1.1)
        fig.text(x, y - 0.04, label, color=theme.muted, fontsize=7.5, va="top")

    ax = fig.add_axes((0.1, 0.42, 0.86, 0.24))
    style_axes(ax, theme)
    x = list(range(len(stats.days)))
    ax.bar([i - 0.2 for i in x], stats.posted_per_day, width=0.4, color=theme.primary,
           label=texts.posted)
    ax.bar([i + 0.2 for i in x], stats.filled_per_day, width=0.4, color=theme.secondary,
           label=texts.filled)
    ticks = x[::-7 if len(x) > 10 else -1][::-1]  # weekly (daily for a week), ending today
    ax.set_xticks(ticks, [texts.days[i] for i in ticks])
    ax.set_xlim(-0.7, len(x) - 0.3)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.set_ylim(0, max(list(stats.posted_per_day) + list(stats.filled_per_day) + [1]) * 1.15)
    legend = ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=2,
                       bbox_to_anchor=(0, 1.2))
    for item in legend.get_texts():
        item.set_color(theme.text)

    fig.text(0.06, 0.33, texts.skills, color=theme.text, fontsize=11, weight="bold", va="top")
    skills = list(stats.top_skills)
    if not skills:
        fig.text(0.06, 0.27, texts.no_skills, color=theme.muted, fontsize=9, va="top")
    else:
        sx = fig.add_axes((0.3, 0.05, 0.62, 0.23))
        style_axes(sx, theme)
        sx.grid(False)
        sx.grid(axis="x", color=theme.grid, linewidth=0.6)
        names = [name[:18] for name, _n in reversed(skills)]
        counts = [n for _name, n in reversed(skills)]
        sx.barh(names, counts, color=theme.primary, height=0.6)
        sx.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        sx.tick_params(axis="y", colors=theme.text, labelsize=9)
    return Chart(png_of(fig), WIDTH_PX, HEIGHT_PX, figures_of(stats))
