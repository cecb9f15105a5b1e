"""A client managing a live gig: ``/edit`` (title and description, while nobody
has taken a slot), ``/addslots`` (paying the difference), ``/extend`` (a
freelancer's deadline), ``/tip`` (after approval), ``/repost`` (a new unpaid copy,
or ``every=N`` days from the clock, ``every=off`` to stop), and the buttons on
the client's own card that do the same (see ``bot.cards.manage_buttons``).
Who may do what is decided by core; its refusals become the reply."""
from __future__ import annotations

from bot import forms
from bot.commands.buttons import register as register_buttons
from bot.commands.gigs import show_gig
from bot.context import Context
from bot.conversation import Button, FieldSpec, FormSpec, Reply
from bot.cards import day, money, when
from bot.payloads import Payload
from bot.registry import ArgSpec, command
from bot.texts import N_
from core.api import GigExtra, PaymentLink, ValidationError, parse_amount, read_whole_number

EDIT_FORM = FormSpec("edit", N_("Edit the gig"), (
    FieldSpec("title", N_("Title"), N_("The new title (send - to keep it)."), required=False,
              max_len=120),
    FieldSpec("description", N_("Description"), N_("The new description (send - to keep "
                                                    "it)."), kind="long", required=False,
              max_len=4000),
))
TIP_FORM = FormSpec("tip", N_("Tip the freelancer"), (
    FieldSpec("amount", N_("Tip amount"), N_("How much do you want to tip? e.g. 5"),
              max_len=30),
))


def _gig_id(context: dict) -> int:
    try:
        return int(context["gig_id"])
    except (KeyError, TypeError, ValueError):
        raise ValidationError("gig", "This form lost its gig; open the gig again.") from None


# -- edit --------------------------------------------------------------------------
async def _edit(ctx: Context, gig_id: int, title: str | None, description: str | None):
    gig = await ctx.engine.edit_gig(ctx.user_id, gig_id, title=title, description=description)
    replies = [ctx.say(ctx._("Gig #{id} is updated; its cards show the new text.", id=gig.id))]
    return replies + await show_gig(ctx, gig.id)


@forms.form(EDIT_FORM)
async def _edit_submitted(ctx: Context, values: dict, context: dict):
    return await _edit(ctx, _gig_id(context), values.get("title") or None,
                       values.get("description") or None)


@command("edit", N_("Edit your gig's title or description while nobody has claimed it"),
         ArgSpec("gig", N_("the gig number"), kind="int", required=True, min_value=1),
         ArgSpec("title", N_("the new title")),
         ArgSpec("description", N_("the new description")),
         usage=N_('/edit 42 title="Logo in SVG, two colours" description="..."'),
         private=True)
async def edit(ctx: Context, gig: int, title: str | None = None,
               description: str | None = None):
    if title is None and description is None:
        return await forms.start(ctx, "edit", context={"gig_id": gig})
    return await _edit(ctx, gig, title, description)


# -- money added later: slots and tips -------------------------------------------------
def _payment_reply(ctx: Context, extra: GigExtra, link: PaymentLink) -> list[Reply]:
    """What the client sees after asking to pay for an extra."""
    amount = money(extra.total, extra.currency)
    if extra.status == "paid":
        if extra.kind == "slots":
            msg = ctx._.ngettext("Paid {amount}: {n} more slot is open on gig #{id}.",
                                 "Paid {amount}: {n} more slots are open on gig #{id}.",
                                 extra.slots, amount=amount, id=extra.gig_id)
        else:
            msg = ctx._("Paid {amount}: your tip is on its way to the freelancer of claim "
                        "#{claim}.", amount=amount, claim=extra.claim_id)
        return [ctx.say(msg)]
    msg = ctx._("Pay {amount} with the button below. Nothing changes until the payment is "
                "confirmed.", amount=amount)
    return [ctx.say(msg, buttons=[[Button(ctx._("Pay now"), url=link.url)]] if link.url else [])]


def _seen(p: Payload) -> int | None:
    """The version a button was drawn for (a double tap then acts once)."""
    return int(p.extra) if p.extra.isdigit() else None


async def _add_slots(ctx: Context, gig_id: int, count: int, seen_version: int | None = None):
    extra, link = await ctx.engine.add_slots(ctx.user_id, gig_id, count,
                                             seen_version=seen_version)
    replies = _payment_reply(ctx, extra, link)
    return replies + (await show_gig(ctx, gig_id) if extra.status == "paid" else [])


@command("addslots", N_("Add slots to your open gig, paying for them"),
         ArgSpec("gig", N_("the gig number"), kind="int", required=True, min_value=1),
         ArgSpec("count", N_("how many slots to add"), kind="int", min_value=1,
                 max_value=100),
         usage="/addslots 42 2", private=True)
async def addslots(ctx: Context, gig: int, count: int = 1):
    return await _add_slots(ctx, gig, count)


async def _tip(ctx: Context, claim_id: int, amount_text: str):
    gig = await ctx.engine.gig_of_claim(claim_id)
    amount = parse_amount(amount_text.strip(), gig.currency, field="amount",
                          locale=ctx.actor.locale)
    extra, link = await ctx.engine.tip(ctx.user_id, claim_id, amount)
    return _payment_reply(ctx, extra, link)


@forms.form(TIP_FORM)
async def _tip_submitted(ctx: Context, values: dict, context: dict):
    try:
        claim_id = int(context["claim_id"])
    except (KeyError, TypeError, ValueError):
        raise ValidationError("claim", "This form lost its claim; open the gig again.") from None
    return await _tip(ctx, claim_id, str(values.get("amount") or ""))


@command("tip", N_("Tip the freelancer of an approved claim"),
         ArgSpec("claim", N_("claim number"), kind="int", required=True, min_value=1),
         ArgSpec("amount", N_("the tip, in the gig's currency, e.g. 5")),
         usage="/tip 12 5", private=True)
async def tip(ctx: Context, claim: int, amount: str | None = None):
    if not amount:
        await ctx.engine.gig_of_claim(claim)  # an unknown claim is refused before the form
        return await forms.start(ctx, "tip", context={"claim_id": claim})
    return await _tip(ctx, claim, amount)


# -- deadlines ---------------------------------------------------------------------
async def _extend(ctx: Context, claim_id: int, by: str, seen_version: int | None = None):
    claim = await ctx.engine.extend_deadline(ctx.user_id, claim_id, by,
                                             seen_version=seen_version)
    return [ctx.say(ctx._("Claim #{id} is now due {t}. The freelancer has been told.",
                          id=claim.id, t=when(claim.deadline_at)))]


@command("extend", N_("Give a freelancer more time on their claim"),
         ArgSpec("claim", N_("claim number"), kind="int", required=True, min_value=1),
         ArgSpec("by", N_("how much longer, e.g. 1d or 12h")),
         usage="/extend 12 1d", private=True)
async def extend(ctx: Context, claim: int, by: str = "1d"):
    return await _extend(ctx, claim, by)


# -- posting again -------------------------------------------------------------------
async def _repost(ctx: Context, gig_id: int):
    copy = await ctx.engine.repost(ctx.user_id, gig_id)
    replies = [ctx.say(ctx._("Gig #{new} is a copy of #{old}. Pay for it to open it.",
                             new=copy.id, old=gig_id))]
    return replies + await show_gig(ctx, copy.id)


@command("repost", N_("Post a finished gig again, now or every N days"),
         ArgSpec("gig", N_("the gig number"), kind="int", required=True, min_value=1),
         ArgSpec("every", N_("repeat every N days (off to stop)")),
         usage="/repost 42   ·   /repost 42 every=7   ·   /repost 42 every=off", private=True)
async def repost(ctx: Context, gig: int, every: str | None = None):
    if every is None:
        return await _repost(ctx, gig)
    if every.strip().lower() in ("off", "stop", "no", "0"):
        return await _stop_repeating(ctx, gig)
    days = read_whole_number(every.strip().lower().removesuffix("d"))
    if days is None:
        raise ValidationError("every", "Write every=7 to repeat every 7 days, or every=off.")
    rec = await ctx.engine.repeat_gig(ctx.user_id, gig, days)
    return [ctx.say(ctx._.ngettext(
        "Gig #{id} will be posted again every {n} day, first on {t}. Each copy waits for your "
        "payment. Stop with /repost {id} every=off.",
        "Gig #{id} will be posted again every {n} days, first on {t}. Each copy waits for your "
        "payment. Stop with /repost {id} every=off.", rec.every_days, id=rec.gig_id,
        t=day(rec.next_at)))]


async def _stop_repeating(ctx: Context, gig_id: int):
    rec = await ctx.engine.stop_repeating(ctx.user_id, gig_id)
    return [ctx.say(ctx._("Gig #{id} no longer repeats.", id=rec.gig_id))]


# -- buttons on the client's own card ---------------------------------------------------
async def _press_edit(ctx: Context, p: Payload):
    return await forms.start(ctx, "edit", context={"gig_id": p.entity_id})


async def _press_tip(ctx: Context, p: Payload):
    return await forms.start(ctx, "tip", context={"claim_id": p.entity_id})


BUTTONS = {
    "edit": _press_edit,
    "add_slot": lambda ctx, p: _add_slots(ctx, p.entity_id, 1, _seen(p)),
    "extend": lambda ctx, p: _extend(ctx, p.entity_id, "1d", _seen(p)),
    "tip": _press_tip,
    "repost": lambda ctx, p: _repost(ctx, p.entity_id),
    "stop_repeat": lambda ctx, p: _stop_repeating(ctx, p.entity_id),  # on a recurring copy
}
register_buttons(BUTTONS)
