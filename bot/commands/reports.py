"""Pictures and exports: the weekly earnings chart /wallet shows, /stats (a
board's last 30 days, for its moderators; ``weekly=on`` posts a summary every
Monday) and /export (the user's ledger lines, or with ``board`` the board's, as
CSV for bookkeeping).

The figures come from core's read models; the charts are drawn by
``bot.charts`` off the event loop; amounts shown go through the one money
formatter (``bot.cards.money``)."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from bot import charts
from bot.board_reports import stats_reply
from bot.cards import money, when
from bot.context import Context
from bot.conversation import Attachment, Reply, Rich
from bot.registry import ArgSpec, command
from bot.texts import N_
from core.api import (
    CURRENCY_EXPONENTS, EarningsReport, NotAllowed, Statement, StatementLine,
    ValidationError,
)

THEME_ARG = ArgSpec("theme", N_("light or dark picture"), kind="choice",
                    choices=charts.THEME_NAMES)
CSV_COLUMNS = ("date", "gig", "description", "amount", "currency", "balance")


def _currency(code: str | None) -> str | None:
    if code is None:
        return None
    cur = code.strip().lower()
    if cur not in CURRENCY_EXPONENTS:
        raise ValidationError("currency", "Unknown currency {code}. Use a 3-letter code such as "
                              "USD or EUR.", code=repr(code), value=code)
    return cur


def _community(ctx: Context) -> int:
    if ctx.place.community_id is None:
        raise NotAllowed("Use this in the group or server channel of the board.")
    return ctx.place.community_id


# -- earnings ------------------------------------------------------------------------
def earnings_caption(ctx: Context, report: EarningsReport) -> Rich:
    cur = report.currency
    text = Rich().bold(ctx._("Earnings per week")).add(" · ").add(
        ctx._.ngettext("Last {n} week · {currency}", "Last {n} weeks · {currency}",
                       len(report.weeks), currency=cur.upper()))
    text.line(ctx._("Total: {amount}", amount=money(report.total, cur)))
    pct = report.change_pct
    text.line(ctx._("Last 4 weeks: {amount}", amount=money(report.last_4, cur)) if pct is None
              else ctx._("Last 4 weeks: {amount} ({change} vs the 4 weeks before)",
                         amount=money(report.last_4, cur), change=f"{pct:+d} %"))
    others = [c.upper() for c in report.currencies if c != cur]
    if others:
        text.line(ctx._("Also earned in {currencies}: add currency=CODE to see them.",
                        currencies=", ".join(others)), "italic")
    return text


async def earnings_reply(ctx: Context, currency: str | None = None,
                         theme: str | None = None) -> Reply | None:
    """The earnings chart with its caption, or None when nothing was earned."""
    report = await ctx.engine.earnings(ctx.user_id, currency=_currency(currency))
    if not report.currency or not report.total:
        return None
    chart = await charts.wallet_chart(report, ctx._, locale=ctx.actor.locale, money=money,
                                      theme=theme)
    return ctx.say(earnings_caption(ctx, report), private=True, attachments=[Attachment(
        platform="generated", file_ref=f"chart:earnings:{report.user_id}:{report.data_key}",
        name=f"gigbroker-earnings-{report.currency}.png", kind="photo", data=chart.png)])


# -- board stats ---------------------------------------------------------------------
@command("stats", N_("Moderators: this board's last 30 days as a picture"), THEME_ARG,
         ArgSpec("weekly", N_("on or off: post a summary to the board every Monday"),
                 kind="choice", choices=("on", "off")),
         usage="/stats weekly=on", moderator=True, private=True)
async def stats(ctx: Context, theme: str | None = None, weekly: str | None = None):
    community = _community(ctx)
    if weekly is not None:
        due = await ctx.engine.set_weekly_summary(ctx.user_id, community, weekly == "on")
        return [ctx.say(ctx._("Weekly summary on: the first is posted to the board on {t}.",
                              t=when(due)) if due else
                        ctx._("Weekly summary off."), private=True)]
    figures = await ctx.engine.board_stats(ctx.user_id, community)
    reply = await stats_reply(ctx._, ctx.actor.locale, figures, theme)
    due = await ctx.engine.weekly_summary_due(community)
    reply.text.line().line(ctx._("Weekly summary: next on {t}. Turn it off with /stats "
                                 "weekly=off.", t=when(due)) if due else
                           ctx._("Post this to the board every Monday: /stats weekly=on."),
                           "italic")
    return [reply]


# -- CSV export ---------------------------------------------------------------------
def decimal_amount(minor: int, currency: str) -> str:
    """Minor units as a plain decimal number (-12.50) for spreadsheets: no
    grouping, no symbol, a dot, the currency's ISO 4217 decimals."""
    exp = CURRENCY_EXPONENTS.get(currency.lower(), 2)
    return f"{Decimal(minor).scaleb(-exp):.{exp}f}"


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def describe(ctx: Context, line: StatementLine, owner: str) -> str:
    claim = line.claim_id
    up = line.amount > 0
    if line.kind == "funding":
        return ctx._("Payment for the gig, held in escrow") if up else ctx._(
            "Payment returned")
    if line.kind == "release":
        if owner == "user" and up:
            return ctx._("Earned for claim #{c}", c=claim)
        return ctx._("Released to the freelancer of claim #{c}", c=claim)
    if line.kind == "refund":
        return ctx._("Refund on its way to the client")
    if line.kind == "refund_sent":
        return ctx._("Refund sent to your card or account")
    if line.kind == "payout":
        return ctx._("Payout sent to your account")
    return ctx._("Ledger entry: {kind}", kind=line.kind)


def statement_csv(ctx: Context, statement: Statement) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in statement.lines:
        gig = f"#{line.gig_id} {line.gig_title}" if line.gig_id else ""
        writer.writerow([line.at.strftime("%Y-%m-%dT%H:%M:%SZ"), _cell(gig),
                         _cell(describe(ctx, line, statement.owner)),
                         decimal_amount(line.amount, line.currency), line.currency.upper(),
                         decimal_amount(line.balance, line.currency)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


@command("export", N_("Your ledger lines as a CSV file for bookkeeping"),
         ArgSpec("what", N_("mine (default), or board (moderators, in the board's chat)"),
                 kind="choice", choices=("mine", "board")),
         usage="/export", private=True)
async def export(ctx: Context, what: str | None = None):
    if what == "board":
        community = _community(ctx)
        statement = await ctx.engine.board_statement(ctx.user_id, community)
        name = f"gigbroker-board-{community}-ledger.csv"
    else:
        statement = await ctx.engine.user_statement(ctx.user_id)
        name = "gigbroker-ledger.csv"
    if not statement.lines:
        return [ctx.say(ctx._("No ledger lines yet: they appear with your first payment or "
                              "earning."), private=True)]
    text = Rich().add(ctx._("Ledger lines: {n}. The balance is what is held for you after "
                            "each line.", n=len(statement.lines)) if statement.owner == "user"
                      else ctx._("Ledger lines of the board: {n}. The balance is what is held "
                                 "in escrow on the board after each line.",
                                 n=len(statement.lines)))
    if statement.truncated:
        text.line(ctx._.ngettext("Only the newest {n} line is in the file.",
                                   "Only the newest {n} lines are in the file.",
                                   len(statement.lines)),
                  "italic")
    return [ctx.say(text, private=True, attachments=[Attachment(
        platform="generated", file_ref=f"export:{statement.owner}:{ctx.user_id}", name=name,
        kind="document", data=statement_csv(ctx, statement))])]
