"""/statement: a user's monthly statement as a PDF (``/statement 2026-11``; bare:
last month), in their time zone (/profile timezone=...)."""
from __future__ import annotations

import asyncio

from bot.cards import money
from bot.commands.reports import describe
from bot.context import Context
from bot.conversation import Attachment, Rich
from bot.registry import ArgSpec, command
from bot.statements import render_statement_pdf
from bot.texts import N_
from bot.texts.formats import month_name


@command("statement", N_("Your monthly statement as a PDF (opening balance, lines, closing)"),
         ArgSpec("month", N_("the month as year-month, e.g. 2026-11 (default: last month)")),
         usage="/statement 2026-11", private=True)
async def statement(ctx: Context, month: str | None = None):
    st = await ctx.engine.month_statement(ctx.user_id, month)
    data = await asyncio.to_thread(render_statement_pdf, st, ctx._,
                                   lambda line: describe(ctx, line, "user"))
    label = st.month.strftime("%Y-%m")  # the file's name, not a text
    text = Rich().add(ctx._("Your statement for {month} ({zone}).", month=month_name(st.month),
                            zone=st.zone))
    if st.empty:
        text.line(ctx._("No money moved for you in this month."))
    for cur in st.currencies:
        text.line(ctx._.ngettext(
            "{currency}: opening {opening}, {n} line, closing {closing}",
            "{currency}: opening {opening}, {n} lines, closing {closing}", len(cur.lines),
            currency=cur.currency.upper(), opening=money(cur.opening, cur.currency),
            n=len(cur.lines), closing=money(cur.closing, cur.currency)))
    return [ctx.say(text, private=True, attachments=[Attachment(
        platform="generated", file_ref=f"statement:{ctx.user_id}:{label}",
        name=f"gigbroker-statement-{label}.pdf", kind="document", data=data)])]
