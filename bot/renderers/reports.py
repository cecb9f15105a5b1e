"""Renderers of a board's own reports: the weekly summary, posted to the board
as the /stats picture of the last 7 days with its figures as text."""
from __future__ import annotations

from bot.board_reports import stats_reply
from bot.conversation import Reply, Rich, to_board
from bot.renderers.registry import Scene, renders
from core.api import WeeklySummaryDue

SUMMARY_DAYS = 7
BOARD_LOCALE = "en"  # a board has no language of its own; the dispatcher renders it in English


@renders(WeeklySummaryDue, needs_subject=False)
async def weekly_summary(s: Scene) -> Reply:
    stats = await s.engine.board_stats(None, s.event.community_id, days=SUMMARY_DAYS)
    reply = await stats_reply(s._, BOARD_LOCALE, stats)
    reply.text.spans[:0] = Rich().bold(s._("Weekly summary")).add("\n").spans
    reply.private, reply.target = False, to_board(s.event.community_id)
    return reply
