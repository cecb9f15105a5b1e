"""What every chart shares: the phone-sized canvas (1080 x 1350 px, portrait
4:5, which Telegram and Discord show uncropped), the light and dark themes
(opaque backgrounds, so a chart reads the same whatever the chat app's own
theme is), figures drawn with matplotlib's Agg canvas (no pyplot state, safe
in a worker thread), and the cache of rendered charts keyed by the data they
were drawn from."""
from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Hashable

from babel.dates import format_date

WIDTH_PX, HEIGHT_PX, DPI = 1080, 1350, 180


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str
    muted: str
    grid: str
    primary: str  # paid out / gigs posted
    secondary: str  # waiting / slots filled
    good: str
    bad: str


# Colours checked for contrast on their own background (text >= 7:1, bars >= 3:1).
THEMES = {
    "light": Theme("light", background="#ffffff", text="#1b1f24", muted="#57606a",
                   grid="#d0d7de", primary="#1a7f5a", secondary="#d18a00", good="#1a7f5a",
                   bad="#c0392b"),
    "dark": Theme("dark", background="#161b22", text="#f0f3f6", muted="#9ea7b3",
                  grid="#30363d", primary="#3fb950", secondary="#f2a93b", good="#3fb950",
                  bad="#ff7b72"),
}
THEME_NAMES = tuple(THEMES)


@dataclass(frozen=True)
class Chart:
    """A rendered chart: the PNG, its size, and the figures it was drawn from."""

    png: bytes = field(repr=False)
    width: int
    height: int
    figures: dict[str, Any]


def short_date(d: date, locale: str) -> str:
    """'1 Jun' / '1 jun': a day on an axis, in the reader's language."""
    return format_date(d, "d MMM", locale=locale)


def span(seconds: int | None) -> str:
    """A duration at a glance: 45 min, 5.5 h, 3.2 d; '-' when unknown."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return "< 1 min"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h".replace(".0 ", " ")
    return f"{seconds / 86400:.1f} d".replace(".0 ", " ")


def figure(theme: Theme):
    """A new phone-sized figure on an Agg canvas, painted with ``theme``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor=theme.background)
    FigureCanvasAgg(fig)
    return fig


def style_axes(ax, theme: Theme) -> None:
    ax.set_facecolor(theme.background)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(theme.grid)
    ax.tick_params(colors=theme.muted, labelsize=8)
    ax.grid(axis="y", color=theme.grid, linewidth=0.6)
    ax.set_axisbelow(True)


def png_of(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor=fig.get_facecolor())
    return buf.getvalue()


class ChartCache:
    """Rendered charts by key (the data's newest row id plus every parameter
    that changes the picture); the least recently used go first."""

    def __init__(self, size: int = 128) -> None:  # ~80 KB a chart
        self.size = size
        self._items: OrderedDict[Hashable, Chart] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Chart | None:
        chart = self._items.get(key)
        if chart is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return chart

    def put(self, key: Hashable, chart: Chart) -> None:
        self._items[key] = chart
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()
        self.hits = self.misses = 0
