"""The dispute packet: the one message (with every file) a dispute's deciders
decide from, sent when the dispute opens and again when a party adds their
statement or the time to answer ends.

It holds both names and their history (work completed, disputes won and lost),
the deadlines stated up front (statements until, decision until, and the split
that applies after that), the timeline of the claim with timestamps (claimed,
each delivery revision with its text, links and files, each revision request, the
rejection with its reason, the dispute with its reason, each party's statement
with its evidence) and the split buttons: All to the freelancer, Half, All back
to the client, Custom (a form asking the freelancer's share)."""
from __future__ import annotations

from datetime import datetime

from bot.cards import money, when
from bot.conversation import Attachment, Button, Reply, Rich
from bot.payloads import button_payload
from bot.renderers.registry import Scene, renders
from bot.texts import N_
from core.api import (
    DisputeAnswerClosed,
    DisputePacket,
    DisputeStatementAdded,
    NotFound,
    PartyHistory,
)

EXCERPT = 600  # characters of each revision's text (the full text: See the delivery)
ROLE_NAMES = {"client": N_("the client"), "freelancer": N_("the freelancer")}


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1].rstrip() + "…"


def _history(_, h: PartyHistory | None) -> str:
    if h is None:
        return ""
    return _("{done} completed · disputes won {won}, lost {lost}, split {split}",
             done=h.completed, won=h.won, lost=h.lost, split=h.split)


def timeline(_, p: DisputePacket) -> Rich:
    c = p.claim
    text = Rich().line(_("Timeline"), "bold")
    # (when, order at the same instant, entry): revision request i comes after delivery
    # i and before delivery i + 1, whatever the clock's resolution.
    events: list[tuple[datetime, int, Rich]] = [(c.claimed_at, -1, Rich().add(
        _("{t} claimed (slot {n})", t=when(c.claimed_at), n=c.slot_no)))]
    for d in p.deliveries:
        entry = Rich().add(_("{t} delivered revision {n}:", t=when(d.at), n=d.revision_no))
        if d.text:
            entry.line("   ").add(_excerpt(d.text))
        for url in d.links:
            entry.line("   🔗 ").link(url, url)
        for name in d.file_names:
            entry.line("   📎 ").add(name)
        events.append((d.at, 2 * d.revision_no, entry))
    for i, (at, note) in enumerate(p.revision_requests):
        events.append((at, 2 * i + 1, Rich().add(_("{t} the client asked for changes:",
                                                   t=when(at))).line("   ").add(
            _excerpt(note or "-"))))
    if c.rejected_at is not None:
        events.append((c.rejected_at, 10_000, Rich().add(
            _("{t} rejected:", t=when(c.rejected_at))).line("   ").add(c.reject_reason or "-")))
    events.append((p.dispute.opened_at, 10_001, Rich().add(
        _("{t} disputed:", t=when(p.dispute.opened_at))).line("   ").add(p.dispute.reason)))
    for i, st in enumerate(p.statements):
        entry = Rich().add(_("{t} statement of {name} ({role}):", t=when(st.at), name=st.name,
                             role=_(ROLE_NAMES[st.role])))
        if st.text:
            entry.line("   ").add(_excerpt(st.text))
        for f in st.files:
            entry.line("   📎 ").add(str(f.get("name") or "file"))
        events.append((st.at, 10_002 + i, entry))
    for *_order, entry in sorted(events, key=lambda ev: ev[:2]):
        text.line("• ")
        text.spans.extend(entry.spans)
    return text


def split_buttons(_, p: DisputePacket) -> list[list[Button]]:
    g, c = p.gig, p.claim.id
    half = g.reward_minor // 2
    return [
        [Button(_("All to the freelancer ({amount})", amount=money(g.reward_minor, g.currency)),
                button_payload("resolve_split", c, "all"), style="success"),
         Button(_("Half ({amount} each)", amount=money(half, g.currency))
                if half * 2 == g.reward_minor else
                _("Half ({f} / {c})", f=money(half, g.currency),
                  c=money(g.reward_minor - half, g.currency)),
                button_payload("resolve_split", c, "half"), style="primary")],
        [Button(_("All back to the client"), button_payload("resolve_split", c, "none"),
                style="danger"),
         Button(_("Custom split…"), button_payload("resolve_custom", c))],
        [Button(_("See the delivery"), button_payload("show_delivery", c))],
    ]


def packet_files(p: DisputePacket) -> list[Attachment]:
    """Every delivery revision's files and the statements' evidence, each once."""
    seen: dict[str, Attachment] = {}
    for f in [f for d in p.deliveries for f in d.files] + [f for st in p.statements
                                                             for f in st.files]:
        if f.get("file_ref") and f["file_ref"] not in seen:
            seen[f["file_ref"]] = Attachment(**{k: f[k] for k in (
                "platform", "file_ref", "name", "kind", "url") if f.get(k) is not None})
    return list(seen.values())


async def _packet_of(s: Scene) -> DisputePacket | None:
    try:
        return await s.engine.dispute_packet(s.claim.id)
    except NotFound:
        return None


async def packet_reply(s: Scene, headline: Rich, *, as_staff: bool = False) -> Reply:
    """The whole packet for a decider, under ``headline``."""
    _ = s._
    text = headline
    p = await _packet_of(s)
    if p is None:  # not a dispute (any more): the headline alone
        return Reply(text, private=True)
    g, d = p.gig, p.dispute
    if as_staff:
        text.line(_("No moderator of this board can decide it, so it comes to you as "
                    "platform staff."), "italic")
    text.line(_("Client: {client} · Freelancer: {freelancer} · Reward: {amount}",
                client=p.client_name, freelancer=p.freelancer_name,
                amount=money(g.reward_minor, g.currency)))
    text.line(_("History of {name}: {history}", name=p.client_name,
                history=_history(_, p.client_history)))
    text.line(_("History of {name}: {history}", name=p.freelancer_name,
                history=_history(_, p.freelancer_history)))
    text.line().line(_("Deadlines"), "bold")
    if d.answer_by is not None:
        text.line(_("Statements (one per side) until {t}.", t=when(d.answer_by)))
        for role, name in (("client", p.client_name), ("freelancer", p.freelancer_name)):
            if p.statement_of(role) is None:
                text.line(_("Still no statement from {name} ({role}).", name=name,
                            role=_(ROLE_NAMES[role])), "italic")
    if d.decide_by is not None:
        share = d.fallback_share_minor or 0
        text.line(_("Decide by {t}; after that it is settled automatically: {f} to the "
                    "freelancer, {c} back to the client.", t=when(d.decide_by),
                    f=money(share, g.currency), c=money(g.reward_minor - share, g.currency)))
    text.line()
    text.spans.extend(timeline(_, p).spans)
    text.line().line(_("Decide with a button, or /resolve {c} SHARE (the freelancer's part of "
                       "{amount}).", c=p.claim.id, amount=money(g.reward_minor, g.currency)),
                     "italic")
    return Reply(text, buttons=split_buttons(_, p), private=True, attachments=packet_files(p))


@renders(DisputeStatementAdded)
async def statement_added(s: Scene) -> Reply:
    _, e, claim = s._, s.event, s.claim
    who = _(ROLE_NAMES.get(e.author_role, e.author_role))
    if e.for_moderator:
        return await packet_reply(s, Rich().bold(_(
            "Dispute on claim #{c} of {title}: {who} added their statement.", c=claim.id,
            title=s.title, who=who)), as_staff=e.as_staff)
    text = Rich().add(_("In the dispute on claim #{c} of {title}, {who} added their statement. "
                        "A moderator will decide.", c=claim.id, title=s.title, who=who))
    p = await _packet_of(s)
    mine = "client" if e.author_role == "freelancer" else "freelancer"
    buttons = []
    if p is not None and p.statement_of(mine) is None and p.dispute.status == "open":
        text.line(_("You can add yours once, with files as evidence, until {t}: /respond {c}.",
                    t=when(p.dispute.answer_by), c=claim.id))
        buttons = [[Button(_("Add my statement"), button_payload("respond", claim.id),
                           style="primary")]]
    return s.reply(text, buttons)


@renders(DisputeAnswerClosed)
async def answer_closed(s: Scene) -> Reply:
    _, e = s._, s.event
    missing = [_(ROLE_NAMES.get(r, r)) for r in e.missing.split(",") if r]
    return await packet_reply(s, Rich().bold(_(
        "Dispute on claim #{c} of {title}: the time for statements is over; no statement "
        "from {who}. Please decide.", c=s.claim.id, title=s.title, who=", ".join(missing))),
        as_staff=e.as_staff)
