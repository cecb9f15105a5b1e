"""Cards: how a gig, a claim and a delivery look in chat, with their buttons.
The gig card is the one message on a board that is edited in place as slots
fill and states change (``card_key`` = ``gig:<id>``)."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Callable

from bot.conversation import Attachment, Button, Reply, Rich
from bot.payloads import button_payload
from core.api import Claim, ClaimStatus, Delivery, Gig, GigStatus, SLOT_HOLDING_STATES
from bot.texts import formats
from core.api import claim_actions
from core.api import GigView

DESCRIPTION_PREVIEW = 400


def gig_key(gig_id: int) -> str:
    return f"gig:{gig_id}"


def duration(seconds: int, _: Callable[..., str] | None = None) -> str:
    """"1 day", "36 hours" in the current reader's language (``_`` is not needed)."""
    return formats.duration(seconds)


def when(dt: datetime | None) -> str:
    """A moment for the current reader: their zone and locale, or a Discord timestamp."""
    return formats.when(dt)


def money(minor: int, currency: str) -> str:
    """An amount as the current reader writes money: $25.00, 25,00 US$, 25,00 $."""
    return formats.money(minor, currency)


def day(dt: datetime | None) -> str:
    return formats.day(dt)


def gig_card(view: GigView, _: Callable[..., str], *, full: bool = False,
             test_money: bool = False, can_take: bool = True) -> Reply:
    """The gig's card. The public one (a board's) offers Claim or Apply to all;
    ``can_take=False`` is a viewer's own copy without it (their own gig, a slot
    they already hold...): a viewer is shown only buttons they can use."""
    g: Gig = view.gig
    text = Rich().bold(f"#{g.id} ").bold(g.title)
    text.line(f"💰 {money(g.reward_minor, g.currency)} ")
    if g.item_count:  # a queue: its progress
        text.add(_("per item")).add(" · ").add(_.ngettext(
            "{done} of {total} item done", "{done} of {total} items done", g.item_count,
            done=view.items_done, total=g.item_count))
        text.add(" · ").add(_("{open} open", open=max(g.slots_open, 0)))
    else:
        text.add(_("per slot")).add(" · ").add(_.ngettext(
            "{open} of {total} slot open", "{open} of {total} slots open", g.slots,
            open=max(g.slots_open, 0), total=g.slots))
    if test_money:
        text.add(" · ").italic(_("test money"))
    line = []
    if g.skills:
        line.append("🏷 " + ", ".join(g.skills.split(",")))
    line.append("⏱ " + _("deliver within {d}", d=duration(g.deliver_seconds, _)))
    if g.mode == "apply":
        line.append(_("client picks applicants"))
    if g.slots > 1:
        line.append(_("one freelancer may take several, one at a time") if g.repeat
                    else _("one slot per freelancer"))
    text.line(" · ".join(line))
    if g.qualifies_skill:
        text.line("🏅 " + _("Qualification gig: an approved delivery earns the {badge} badge",
                           badge=g.qualifies_skill))
    if g.requires_badge:
        text.line("🔒 " + _("Only for holders of the {badge} badge", badge=g.requires_badge))
    if view.community is not None:
        text.line(_("Board: {name}", name=view.community.name))
        if view.community.visibility == "members":
            text.add(" (").add(_("members only")).add(")")
    text.line(_("Posted by {name}", name=view.client.display_name))
    if g.description:
        desc = g.description
        if not full and len(desc) > DESCRIPTION_PREVIEW:
            desc = desc[:DESCRIPTION_PREVIEW].rstrip() + "…"
        text.line().line(desc)
    if full and view.first_items:  # a queue: what its items look like
        text.line().line(_("Items ({n}):", n=g.item_count), "bold")
        for n, item in enumerate(view.first_items, 1):
            short = item if len(item) <= 80 else item[:80].rstrip() + "…"
            text.line(f"{n}. {short}")
        if g.item_count > len(view.first_items):
            text.line(_("…and {n} more", n=g.item_count - len(view.first_items)), "italic")
    text.line().line(_("Status: {status}", status=_(g.status.replace("_", " "))), "italic")
    if g.status == GigStatus.open and g.expires_at:
        text.add(" · ").italic(_("listed until {t}", t=when(g.expires_at)))
    buttons: list[Button] = []
    if can_take and g.status == GigStatus.open and g.slots_open > 0:
        verb, label = ("apply", _("Apply")) if g.mode == "apply" else ("claim", _("Claim"))
        buttons.append(Button(label, button_payload(verb, g.id), style="primary"))
    if not full:
        buttons.append(Button(_("Details"), button_payload("details", g.id)))
    return Reply(text, buttons=[buttons] if buttons else [], card_key=gig_key(g.id))


def client_controls(view: GigView, _: Callable[..., str], *, test_money: bool) -> list[Button]:
    g = view.gig
    out = []
    if g.status == GigStatus.awaiting_funding:
        total = money(g.price.total, g.currency)
        label = _("Pay {total} (test money)", total=total) if test_money else _(
            "Pay {total}", total=total)
        out.append(Button(label, button_payload("pay", g.id), style="success"))
    if g.status in (GigStatus.open, GigStatus.awaiting_funding):
        out.append(Button(_("Cancel gig"), button_payload("cancel", g.id), style="danger"))
    return out + manage_buttons(view, _)


def manage_buttons(view: GigView, _: Callable[..., str]) -> list[Button]:
    """The client's own changes to a gig (bot/commands/manage.py): edit while nobody
    took a slot, add a slot, give a freelancer a day more, tip, post it again."""
    g = view.gig
    out = []
    taken = any(c.status in SLOT_HOLDING_STATES for c in view.claims)
    if g.status in (GigStatus.open, GigStatus.awaiting_funding) and not taken:
        out.append(Button(_("Edit"), button_payload("edit", g.id)))
    if g.status == GigStatus.open and not g.item_count:  # a queue's slots are its items
        out.append(Button(_("Add a slot"), button_payload("add_slot", g.id, g.version)))
    if g.status in (GigStatus.completed, GigStatus.cancelled, GigStatus.expired):
        out.append(Button(_("Post again"), button_payload("repost", g.id)))
    working = [c for c in view.claims if c.status in (ClaimStatus.active,
                                                      ClaimStatus.revision_requested)]
    out += [Button(_("+1 day for #{id}", id=c.id), button_payload("extend", c.id, c.version))
            for c in working[:2]]
    done = [c for c in view.claims if c.status in (ClaimStatus.approved,
                                                   ClaimStatus.auto_approved)]
    out += [Button(_("Tip #{id}", id=c.id), button_payload("tip", c.id)) for c in done[:2]]
    return out


def claim_line(claim: Claim, _: Callable[..., str], item: str | None = None) -> str:
    """A claim in one line; ``item``: the queue item it works on."""
    status = _(claim.status.replace("_", " "))
    extra = ""
    if claim.status in (ClaimStatus.active, ClaimStatus.revision_requested):
        extra = " · " + _("due {t}", t=when(claim.deadline_at))
    elif claim.status == ClaimStatus.delivered:
        extra = " · " + _("auto-approves {t}", t=when(claim.review_due_at))
    elif claim.status == ClaimStatus.rejected:
        extra = " · " + _("dispute by {t}", t=when(claim.dispute_due_at))
    line = f"{_('claim')} #{claim.id} ({_('slot')} {claim.slot_no}): {status}{extra}"
    if item is not None:
        short = item if len(item) <= 80 else item[:80].rstrip() + "…"
        line += " · " + _("item: {text}", text=short)
    return line


def claim_ref(_: Callable[..., str], claim_id: int, gig_id: int) -> str:
    """How every message names a claim: with its gig, so the two numbers never mix."""
    return _("claim #{claim} on gig #{gig}", claim=claim_id, gig=gig_id)


def delivery_reply(gig: Gig, claim: Claim, delivery: Delivery, freelancer_name: str,
                   _: Callable[..., str], *, buttons: bool = True,
                   item: str | None = None) -> Reply:
    """A delivery shown to its client (``buttons``: with the review buttons the client
    can use now; no Request revision once none are left) or to anyone else."""
    text = Rich().bold(_("Delivery for gig #{gig}: {title}", gig=gig.id, title=gig.title))
    text.line(_("From {name} · {claim} · revision {n}", name=freelancer_name,
                claim=claim_ref(_, claim.id, gig.id), n=delivery.revision_no))
    if item is not None:  # a queue: which item this delivery answers
        text.line(_("Item {n}: {text}", n=claim.slot_no, text=item), "italic")
    if delivery.text:
        text.line().line(delivery.text)
    for url in filter(None, delivery.links.split("\n")):
        text.line("🔗 ").link(url, url)
    files = [Attachment(**f) for f in json.loads(delivery.files_json or "[]")]
    for f in files:
        text.line("📎 ").add(f.name)
    rows: list[list[Button]] = []
    can = claim_actions(claim, gig, gig.client_id) if buttons else frozenset()
    row = [b for verb, b in (
        ("approve", Button(_("Approve"), button_payload("approve", claim.id), style="success")),
        ("revise", Button(_("Request revision"), button_payload("revise", claim.id))),
        ("reject", Button(_("Reject"), button_payload("reject", claim.id), style="danger")),
    ) if verb in can]
    if row:
        rows.append(row)
    return Reply(text, buttons=rows, attachments=files)
