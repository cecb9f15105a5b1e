"""Money commands: /wallet (held, earned, pending, paid out, and the weekly
earnings chart of ``bot.commands.reports``) and /payout."""
from __future__ import annotations

from bot.cards import money
from bot.context import Context
from bot.conversation import Button, Rich
from bot.commands.reports import THEME_ARG, earnings_reply
from bot.registry import ArgSpec, command
from bot.texts import N_


@command("wallet", N_("Your money: held in escrow, earned, pending and paid out"),
         ArgSpec("currency", N_("which currency the earnings chart shows, e.g. eur")),
         THEME_ARG, usage="/wallet theme=dark", private=True)
async def wallet(ctx: Context, currency: str | None = None, theme: str | None = None):
    w = await ctx.engine.wallet(ctx.user_id)
    text = Rich().bold(ctx._("Wallet"))
    if ctx.engine.provider.test_mode:
        text.add(" · ").italic(ctx._("test money"))
    if not w.currencies:
        text.line(ctx._("Nothing yet. Post a gig with /post or find work with /gigs."))
    for cur, cw in sorted(w.currencies.items()):
        text.line(cur.upper(), "bold")
        text.line(ctx._("Held in escrow for your gigs: {v}", v=money(cw.held_in_escrow, cur)))
        if cw.refunds_pending:
            text.line(ctx._("Refunds on the way to you: {v}", v=money(cw.refunds_pending, cur)))
        text.line(ctx._("Earned, not yet paid out: {v}", v=money(cw.earned_unpaid, cur)))
        if cw.waiting_onboarding:
            text.line(ctx._("…of which waiting for your payout setup: {v}",
                            v=money(cw.waiting_onboarding, cur)))
        text.line(ctx._("Payouts pending: {v}", v=money(cw.payout_pending, cur)))
        text.line(ctx._("Paid out: {v}", v=money(cw.paid_out, cur)))
    if not w.payouts_enabled:
        text.line().line(ctx._("Set up payouts with /payout to receive your earnings."), "italic")
    chart = await earnings_reply(ctx, currency, theme)
    if chart is None:
        return [ctx.say(text, private=True)]
    text.line().line()
    text.spans += chart.text.spans
    chart.text = text
    return [chart]


@command("payout", N_("Set up or check where your earnings are paid"), private=True)
async def payout(ctx: Context):
    link = await ctx.engine.setup_payouts(ctx.user_id)
    if link.payouts_enabled:
        msg = ctx._("Payouts are on. Approved earnings are sent to you automatically.")
        if ctx.engine.provider.test_mode:
            msg += " " + ctx._("(Sandbox: test money, paid at once.)")
        return [ctx.say(msg, private=True)]
    text = Rich().add(ctx._("Finish your payout setup with our payment provider. The link "
                            "works for a few minutes; send /payout again for a fresh one."))
    buttons = [[Button(ctx._("Set up payouts"), url=link.url)]] if link.url else []
    return [ctx.say(text, buttons=buttons, private=True)]
