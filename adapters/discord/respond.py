"""Answering one Discord event in place: the Discord ``Exchange``s of
``bot.delivery`` (which decides where each reply goes).

``Responder`` answers an interaction. Discord wants a first response within
3 s, and a modal can only be that first response. So the conversation runs
first; if it has not answered within the acknowledgement budget (2 s when the
answer may be a modal, 0.5 s for presses that never open one, none at all
when many interactions are in flight) the interaction is deferred (a press
silently, a command with an ephemeral "thinking..." message) and the replies
follow up. Private replies are ephemeral; a form opens as a modal when that
is still possible, else as an ephemeral "Continue" button that opens it.

``MessageAnswer`` answers a plain message (nothing can be ephemeral there):
public replies go into its channel, private ones to the author's DMs (routing
does that), and a form is offered as a button in the author's DMs."""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Protocol, TypeVar

import discord

from bot.conversation import Actor, Place, PlaceKind, Reply, Rich
from bot.delivery.platform import Chat, Origin, Posted
from bot.delivery.routing import Routed
from bot.service import Conversation

from adapters.discord import store
from adapters.discord.adapter import DiscordAdapter
from adapters.discord.components import form_view
from adapters.discord.modals import FormModal, first_field, pages
from adapters.discord.render import NO_PINGS, render

log = logging.getLogger(__name__)
T = TypeVar("T")
DONE = "✓"
MODAL_TYPES = (discord.InteractionType.application_command, discord.InteractionType.component)


class AnswerHost(Protocol):
    """What an answer needs from the inbound side: the conversation and the adapter."""

    conv: Conversation
    out: DiscordAdapter


def origin_of(actor: Actor, place: Place, channel_id: int | str | None) -> Origin:
    return Origin(actor, place, Chat(str(channel_id)), direct=place.kind == PlaceKind.dm,
                  speaker_id=actor.platform_user_id)


class Responder:
    ephemeral = True

    def __init__(self, host: AnswerHost, interaction: discord.Interaction, started: float,
                 budget: float) -> None:
        self.conv = host.conv
        self.out = host.out
        self.i = interaction
        self.deadline = started + budget
        self.actor: Actor | None = None
        self.place: Place | None = None
        self.loading = False  # a deferred "thinking" message waits for its first followup

    @property
    def origin(self) -> Origin:
        return origin_of(self.actor, self.place, self.i.channel_id)

    @property
    def done(self) -> bool:
        return self.i.response.is_done()

    async def within_budget(self, work: Awaitable[T]) -> T:
        """Run ``work``; if it is not finished by the acknowledgement deadline, defer."""
        task = asyncio.ensure_future(work)
        remaining = self.deadline - asyncio.get_running_loop().time()
        done, _ = await asyncio.wait({task}, timeout=max(remaining, 0.0))
        if not done:
            await self.defer()
        return await task

    async def defer(self) -> None:
        """Acknowledge now, answer later: a press gets a silent deferral (its answers
        follow as new messages), a command or form a private "thinking" message."""
        if self.done:
            return
        try:
            if self.i.type == discord.InteractionType.component:
                await self.i.response.defer()
            else:
                await self.i.response.defer(ephemeral=True, thinking=True)
                self.loading = True
        except discord.HTTPException as exc:
            log.warning("could not defer interaction %s: %s", self.i.id, exc)

    async def acknowledge(self) -> None:
        """Nothing to say, but the interaction must be answered."""
        if self.done:
            return
        if self.i.type == discord.InteractionType.application_command:
            await self.i.response.send_message(DONE, ephemeral=True)
        else:
            await self.i.response.defer()

    async def deliver(self, replies: list[Reply]) -> Routed:
        return await self.out.delivery.replies.deliver(self, replies)

    # -- the Exchange --------------------------------------------------------------
    async def finish(self) -> None:
        if not self.done:
            await self.acknowledge()
        if self.loading:  # deferred, and nothing followed up
            await self.i.edit_original_response(content=DONE)
            self.loading = False

    async def answer(self, reply: Reply, *, private: bool) -> list[Posted]:
        if reply.attachments:
            await self.defer()  # fetching files may take a while
        rendered = await self.out.rendered(reply)
        msg = await self.send(ephemeral=private, **rendered.kwargs())
        if msg is None or private or not self.i.channel_id:
            return []
        return [Posted(str(self.i.channel_id), str(msg.id))]

    async def open_form(self, reply: Reply) -> None:
        req = reply.form
        ctx = self.conv.context(self.actor, self.place)
        # the form's progress lives in the database: a submission after a restart, the
        # next page, or fixing refused answers all start from there. Saved while the
        # modal goes out, which must not wait: the 3 s clock runs.
        saved = asyncio.ensure_future(store.save_form(ctx, store.OpenForm(
            req.form.name, first_field(req.page), dict(req.values), dict(req.context))))
        opened = False
        if not self.done and self.i.type in MODAL_TYPES:
            try:
                await self.i.response.send_modal(FormModal(req.form, req.page, req.values, ctx._))
                opened = True
            except discord.HTTPException as exc:  # the interaction is still unanswered
                log.warning("modal %s refused: %s", req.form.name, exc)
        await saved
        if opened:
            return
        total = len(pages(req.form))
        text = Rich().bold(ctx._(req.form.title))
        if total > 1:
            text.add(" ").add(ctx._("(step {n} of {total})", n=req.page + 1, total=total))
        if reply.text.plain_text() not in ("", ctx._(req.form.title)):
            text.line().spans.extend(reply.text.spans)  # what the form request says besides
        label = ctx._("Continue") if req.page > 0 else ctx._("Open the form")
        rendered = render(Reply(text))
        await self.send(content=rendered.content, view=form_view(req.form.name, req.page, label),
                        ephemeral=True, allowed_mentions=NO_PINGS)

    async def send(self, *, ephemeral: bool, **kw) -> discord.Message | None:
        if not self.done:
            resp = await self.i.response.send_message(ephemeral=ephemeral, **kw)
            resource = resp.resource if resp is not None else None
            return resource if isinstance(resource, discord.Message) else None
        if self.loading and not ephemeral:
            # the deferred message is private: a public reply goes to the channel itself
            await self.i.edit_original_response(content=DONE)
            self.loading = False
            channel = self.i.channel
            if channel is None or not hasattr(channel, "send"):
                return None
            return await channel.send(**kw)
        self.loading = False
        return await self.i.followup.send(ephemeral=ephemeral, wait=True, **kw)


class MessageAnswer:
    """Answering a message a user posted (a DM, or files in a gig thread)."""

    ephemeral = False

    def __init__(self, host: AnswerHost, message: discord.Message, actor: Actor,
                 place: Place) -> None:
        self.conv = host.conv
        self.out = host.out
        self.message = message
        self.origin = origin_of(actor, place, message.channel.id)
        self.origin.direct = message.guild is None

    async def answer(self, reply: Reply, *, private: bool) -> list[Posted]:
        rendered = await self.out.rendered(reply)
        msg = await self.message.channel.send(**rendered.kwargs())
        return [Posted(str(msg.channel.id), str(msg.id))]

    async def open_form(self, reply: Reply) -> None:
        actor, req = self.origin.actor, reply.form
        ctx = self.conv.context(actor, self.origin.place)
        await store.save_form(ctx, store.OpenForm(req.form.name, first_field(req.page),
                                                  req.values, req.context))
        text = Rich().bold(ctx._(req.form.title))
        channel = await self.out.dm_channel(int(actor.platform_user_id))
        await channel.send(render(Reply(text)).content, allowed_mentions=NO_PINGS,
                           view=form_view(req.form.name, req.page, ctx._("Open the form")))

    async def finish(self) -> None:
        return None


async def reply_to_message(host: AnswerHost, message: discord.Message, actor: Actor,
                           place: Place, replies: list[Reply]) -> Routed:
    """Deliver the replies to a user's message (see ``MessageAnswer``)."""
    return await host.out.delivery.replies.deliver(MessageAnswer(host, message, actor, place),
                                                   replies)
