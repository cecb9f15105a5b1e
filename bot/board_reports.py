"""A board's figures as a reply: the /stats picture (``bot.charts``) with the
same figures as text, shared by the /stats command and the weekly summary's
renderer."""
from __future__ import annotations

from typing import Callable

from bot import charts
from bot.cards import money
from bot.charts.canvas import span
from bot.conversation import Attachment, Reply, Rich
from core.api import BoardStats

Translate = Callable[..., str]


def stats_caption(_: Translate, stats: BoardStats) -> Rich:
    paid = ", ".join(money(v, cur) for cur, v in sorted(stats.paid_out.items())) or "-"
    text = Rich().bold(_.ngettext("{name}: last {n} day", "{name}: last {n} days",
                                  len(stats.days), name=stats.name))
    text.line(_("Gigs posted: {n} · slots filled: {m}", n=stats.gigs_posted,
                m=stats.slots_filled))
    text.line(_("Median time to claim: {a} · to approval: {b}",
                a=span(stats.median_claim_seconds), b=span(stats.median_approval_seconds)))
    text.line(_("Paid out: {amount} · disputes: {n}", amount=paid, n=stats.disputes))
    if stats.top_skills:
        text.line(_("Top skills: {skills}", skills=", ".join(
            f"{name} ({n})" for name, n in stats.top_skills)))
    return text


async def stats_reply(_: Translate, locale: str, stats: BoardStats,
                      theme: str | None = None) -> Reply:
    """The board's picture with its figures as text; private (the caller routes it)."""
    chart = await charts.board_chart(stats, _, locale=locale, money=money, theme=theme)
    return Reply(stats_caption(_, stats), private=True, attachments=[Attachment(
        platform="generated", file_ref=f"chart:board:{stats.community_id}:{stats.data_key}",
        name="gigbroker-board-stats.png", kind="photo", data=chart.png)])
