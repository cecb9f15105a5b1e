"""Gig commands: /post (form or key=value one-liner) with preview and Pay,
/gigs (ranked feed with skill filter and pages), /gig ID, /mygigs."""
from __future__ import annotations

from bot import forms
from bot.commands.rates import guidance
from bot.commands.boards import board_to_post_on
from bot.cards import claim_line, client_controls, gig_card, money
from bot.context import Context
from bot.conversation import Button, FieldSpec, FormSpec, PlaceKind, Rich
from bot.payloads import button_payload
from bot.registry import ArgSpec, command
from bot.renderers.applications import add_applicant, my_applications
from bot.texts import N_
from core.api import (
    LIVE_CLAIM_STATES, ClaimStatus, Gig, GigDraft, GigStatus, ValidationError, claim_actions,
    read_items_csv, read_whole_number, split_currency,
)

FEED_PAGE = 5
CLAIM_LINES = 12  # claim lines on the client's own card

POST_FORM = FormSpec("post", N_("Post a gig"), (
    FieldSpec("title", N_("Title"), N_("What needs doing? A short title, e.g. Logo in SVG."),
              max_len=120),
    FieldSpec("description", N_("Description"), N_("Describe the task: what you give, what you "
                                                    "expect back."), kind="long", max_len=4000,
              required=False),
    FieldSpec("reward", N_("Reward per slot"), N_("Reward per slot with currency, e.g. 25 usd."),
              max_len=30),
    FieldSpec("slots", N_("Slots or items"), N_("How many people should do it? (1 if just "
                                                 "one.) For a queue of different items, send "
                                                 "them one per line, or a CSV file with one "
                                                 "row per item."),
              kind="long", max_len=4000, read_file=lambda data: "\n".join(read_items_csv(data))),
    FieldSpec("skills", N_("Skills"), N_("Skills needed, comma-separated (e.g. design, svg)."),
              max_len=300),
    FieldSpec("deliver_in", N_("Time to deliver"), N_("How long may a freelancer take after "
                                                      "claiming? e.g. 2d, 36h (default 24h)"),
              required=False, max_len=10),
    FieldSpec("mode", N_("Who gets a slot"), N_("claim: first come, first served (default); "
                                                "apply: you pick among applicants."),
              kind="choice", required=False, max_len=10, choices=("claim", "apply")),
    FieldSpec("max_revisions", N_("Revisions"), N_("How many times may you ask for changes? "
                                                   "0 to 10 (default 2)"),
              required=False, max_len=3),
    FieldSpec("review_window", N_("Time to review"), N_("How long do you have to review a "
                                                        "delivery before it is approved "
                                                        "automatically? e.g. 3d (default 72h)"),
              required=False, max_len=10),
    FieldSpec("estimate", N_("Estimate (minutes)"), N_("About how many minutes does one slot "
                                                       "take? Boards with a fair-pay floor need "
                                                       "it, e.g. 30"),
              required=False, max_len=6),
))


def _split_reward(fields: dict) -> dict:
    """reward="12,50 eur" or "€12,50" -> the amount and, unless given, its currency."""
    amount, currency = split_currency(fields.get("reward", ""))
    if currency and not fields.get("currency"):
        fields = {**fields, "reward": amount, "currency": currency}
    return fields


def _slots_or_items(fields: dict) -> dict:
    """The form's slots step takes a number, or a queue's items: one per line (a
    chat message of several lines, or a CSV file read into lines) or a|b|c."""
    slots = str(fields.get("slots") or "").strip()
    if read_whole_number(slots) is None and ("\n" in slots or "|" in slots):
        fields = {k: v for k, v in fields.items() if k != "slots"}
        fields["items"] = slots
    return fields


def _check_reward(text: str, values: dict, locale: str) -> None:
    fields = _split_reward({"reward": text})
    GigDraft.parse({"title": "xxx", **fields}, locale=locale)


POST_CHECKS = {
    "title": lambda text, _v, _l: GigDraft.parse({"title": text, "reward": "1"}),
    "reward": _check_reward,
    "slots": lambda text, _v, _l: GigDraft.parse({"title": "xxx", "reward": "1",
                                                  **_slots_or_items({"slots": text})}),
    "skills": lambda text, _v, _l: GigDraft.parse({"title": "xxx", "reward": "1", "skills": text}),
    "deliver_in": lambda text, _v, _l: text == "-" or GigDraft.parse(
        {"title": "xxx", "reward": "1", "deliver_in": text}),
    **{key: (lambda key: lambda text, _v, _l: GigDraft.parse(
        {"title": "xxx", "reward": "1", key: text}))(key)
       for key in ("max_revisions", "review_window", "estimate")},
}


@forms.form(POST_FORM, POST_CHECKS)
async def _post_submitted(ctx: Context, values: dict, context: dict):
    fields = {k: v for k, v in _split_reward(_slots_or_items(values)).items()
              if v not in ("", None)}
    # A form opened in a group is answered in a private chat: keep the group's board.
    try:
        return await create_gig(ctx, fields, community_id=context.get("community_id"))
    except ValidationError as exc:
        if exc.field == "items":  # the items were answered at the slots step
            exc.field = exc.details["field"] = "slots"
        raise


async def create_gig(ctx: Context, fields: dict, *, community_id: int | None = None):
    draft = GigDraft.parse(fields, community_id=community_id or ctx.place.community_id,
                           locale=ctx.actor.locale)
    gig = await ctx.engine.post_gig(ctx.user_id, draft)
    view = await ctx.engine.gig_view(gig.id)
    test = bool(ctx.engine.provider.test_mode)
    card = gig_card(view, ctx._, full=True, test_money=test)
    card.card_key = None  # the preview is private; the public card appears once funded
    price = gig.price
    card.text.line().line(ctx._("Preview. Rewards {rewards} + fee {fee} = {total} in escrow.",
                                rewards=money(price.rewards_total, price.currency),
                                fee=money(price.fee_total, price.currency),
                                total=money(price.total, price.currency)), "bold")
    card.text.line(ctx._("The money is held until you approve the work; unclaimed slots "
                         "are refunded."), "italic")
    if (rates := await guidance(ctx, gig)) is not None:  # what similar gigs paid
        card.text.line().spans.extend(rates.spans)
    card.buttons = [client_controls(view, ctx._, test_money=test)]
    card.private = True
    return [card]


@command("post", N_("Post a paid gig (guided, or in one line with key=value)"),
         usage='/post title="Logo in SVG" reward=25 currency=usd slots=2 skills=design,svg '
               'deliver_in=2d', free_form=True)
async def post(ctx: Context, **fields):
    # board=NUMBER or NAME posts to that board from anywhere: a channel's board (where
    # only admins write) takes gigs from the clients' private chats this way.
    community_id = ctx.place.community_id
    if "board" in fields:
        community_id = await board_to_post_on(ctx, fields.pop("board"))
    if not fields:
        where = {"community_id": community_id} if community_id else None
        return await forms.start(ctx, "post", context=where)
    return await create_gig(ctx, _split_reward(fields), community_id=community_id)


def _own_part(ctx: Context, view, test: bool) -> tuple[list[str], list[Button]]:
    """What only this viewer should see of a gig: their claim lines and the controls
    they can use now (the client's, or the freelancer's on their own claim)."""
    g = view.gig
    lines: list[str] = []
    if g.client_id == ctx.user_id:
        shown = view.claims
        if len(shown) > CLAIM_LINES:  # a long queue: what needs the client, then a count
            shown = [c for c in shown if c.status in LIVE_CLAIM_STATES][-CLAIM_LINES:]
        lines = [claim_line(c, ctx._, view.claim_items.get(c.slot_no)) for c in shown]
        if len(shown) < len(view.claims):
            lines.append(ctx._("…and {n} more claims", n=len(view.claims) - len(shown)))
        pending = [a for a in view.applications if a.status == "pending"]
        if pending:
            lines.append(ctx._.ngettext("{n} application waiting: see /mygigs",
                                        "{n} applications waiting: see /mygigs", len(pending)))
        controls = [Button(ctx._("Review claim #{id}", id=c.id),
                           button_payload("show_delivery", c.id), "primary")
                    for c in view.claims if c.status == ClaimStatus.delivered][:3]
        return lines, controls + client_controls(view, ctx._, test_money=test)
    mine = view.claim_of(ctx.user_id)
    if mine is None:
        return lines, []
    can = claim_actions(mine, g, ctx.user_id)
    controls = [b for verb, b in (
        ("deliver", Button(ctx._("Deliver"), button_payload("deliver", mine.id), "primary")),
        ("withdraw", Button(ctx._("Withdraw"), button_payload("withdraw", mine.id), "danger")),
        ("dispute", Button(ctx._("Dispute"), button_payload("dispute", mine.id), "danger")),
    ) if verb in can]
    return [claim_line(mine, ctx._, view.claim_items.get(mine.slot_no))], controls


async def show_gig(ctx: Context, gig_id: int, *, full: bool = True, private: bool = True,
                   live: bool = True):
    """A gig on request. ``private`` (a press's answer, a DM): the viewer's own
    card, with their claim lines, their controls first (the thumb spot) and only
    buttons they can use. Not private (/gig in a public chat): the public card,
    which is everyone's, and the viewer's part of it privately (DM / ephemeral).
    ``live=False``: a one-off answer, never edited into the card later."""
    actions = None
    if private:  # the viewer's own card: the gig and what they may do, in one read
        view, actions = await ctx.engine.gig_for_viewer(gig_id, ctx.user_id)
    else:
        view = await ctx.engine.gig_view(gig_id)
    g = view.gig
    if g.status in (GigStatus.draft, GigStatus.awaiting_funding) and g.client_id != ctx.user_id:
        from core.api import NotFound
        raise NotFound("There is no gig #{gig_id}.", gig_id=gig_id)
    test = bool(ctx.engine.provider.test_mode)
    lines, controls = _own_part(ctx, view, test)
    unlisted = g.status in (GigStatus.draft, GigStatus.awaiting_funding)
    if not private and not unlisted:
        card = gig_card(view, ctx._, full=full, test_money=test)
        if not (lines or controls):
            return [card]
        own = Rich().bold(f"#{g.id} ").bold(g.title)
        for line in lines:
            own.line(line)
        return [card, ctx.say(own, buttons=[controls] if controls else [], private=True)]
    if actions is None:
        actions = await ctx.engine.viewer_actions(ctx.user_id, gig_id)
    card = gig_card(view, ctx._, full=full, test_money=test, can_take=actions.can_take)
    for line in lines:
        card.text.line(line)
    if controls:
        card.buttons = [controls] + card.buttons
    card.private = True
    if not live or lines or controls or not actions.can_take or unlisted:
        card.card_key = None  # this viewer's copy: not edited into the public card later
    return [card]


@command("gig", N_("Open one gig by its number"),
         ArgSpec("id", N_("the gig number, e.g. 42"), kind="int", required=True, min_value=1),
         usage="/gig 42")
async def gig(ctx: Context, id: int):
    return await show_gig(ctx, id, private=ctx.place.kind == PlaceKind.dm)


async def feed_page(ctx: Context, offset: int, skill: str | None):
    from core.api import normalise_skills
    tags = normalise_skills(skill) if skill else []
    tag = tags[0] if tags else None
    found = await ctx.engine.feed_page(ctx.user_id, skill=tag, offset=offset, limit=FEED_PAGE)
    page, total = found.gigs, found.total
    if not page:
        msg = ctx._("No open gigs for {skill} right now.", skill=tag) if tag else ctx._(
            "No open gigs right now. I'll message you when one fits your profile.")
        return [ctx.say(msg, private=True)]
    if total == 1:
        title = ctx._("One gig for you")
    elif len(page) == 1:
        title = ctx._("Gigs for you (number {a} of {n})", a=offset + 1, n=total)
    else:
        title = ctx._("Gigs for you ({a}-{b} of {n})", a=offset + 1, b=offset + len(page),
                      n=total)
    header = Rich().bold(title)
    replies = [ctx.say(header, private=True)]
    test = bool(ctx.engine.provider.test_mode)
    for view in page:
        actions = await ctx.engine.viewer_actions(ctx.user_id, view.gig.id)
        card = gig_card(view, ctx._, test_money=test, can_take=actions.can_take)
        card.private = True
        replies.append(card)
    nav = []
    extra = tag if tag and tag.isascii() else ""  # button payloads are ASCII
    if offset > 0:
        nav.append(Button(ctx._("Previous"), button_payload("page", max(0, offset - FEED_PAGE), extra)))
    if offset + FEED_PAGE < total:
        nav.append(Button(ctx._("Next"), button_payload("page", offset + FEED_PAGE, extra)))
    if nav:
        replies.append(ctx.say(ctx._("More gigs:"), buttons=[nav], private=True))
    return replies


@command("gigs", N_("Open gigs ranked for you; filter by a skill"),
         ArgSpec("skill", N_("only gigs needing this skill")),
         ArgSpec("page", N_("page number"), kind="int", min_value=1, max_value=1000),
         usage="/gigs design", private=True)
async def gigs(ctx: Context, skill: str | None = None, page: int = 1):
    return await feed_page(ctx, (page - 1) * FEED_PAGE, skill)


@command("mygigs", N_("Your gigs as a client and your claims as a freelancer"), private=True)
async def mygigs(ctx: Context):
    mine = await ctx.engine.my_gigs(ctx.user_id, limit=10)
    posted, held = mine.posted, mine.held
    replies = []
    text = Rich().bold(ctx._("As a client"))
    if not posted:
        text.line(ctx._("You have not posted a gig yet: /post"))
    for g in posted:
        line = f"#{g.id} {g.title} — {ctx._(g.status.replace('_', ' '))}"
        if g.status == GigStatus.open:
            line += (f" · {money(g.reward_minor, g.currency)} × {g.slots} · "
                     + ctx._.ngettext("{n} open", "{n} open", max(g.slots_open, 0)))
        text.line(line)
    replies.append(ctx.say(text, private=True))
    for a, who in mine.pending_applications:
        g: Gig = next(x for x in posted if x.id == a.gig_id)
        msg = Rich().add(ctx._("{name} applied to gig #{gig}:", name=who, gig=g.id)).line(
            a.pitch or "-")
        await add_applicant(msg, ctx.engine, ctx._, a.freelancer_id, None)  # reputation
        replies.append(ctx.say(msg, private=True, buttons=[[
            Button(ctx._("Accept"), button_payload("accept", a.id), "success"),
            Button(ctx._("Decline"), button_payload("decline", a.id), "danger")]]))
    text = Rich().bold(ctx._("As a freelancer"))
    if not held:
        text.line(ctx._("No claims yet: /gigs"))
    for c, g in held:
        text.line(ctx._("gig #{gig} {title}", gig=g.id, title=g.title) + " — ").add(
            claim_line(c, ctx._, mine.items.get(c.id)))
    replies.append(ctx.say(text, private=True))
    applied = my_applications(ctx._, mine.applied)
    if applied is not None:
        replies.append(ctx.say(applied, private=True))
    return replies
