"""Answering one interaction with the conversation layer's replies.

Discord wants a first response within 3 s, and a modal can only be that first
response. So the conversation runs first; if it has not answered within the
acknowledgement budget (2 s when the answer may be a modal, 0.5 s for presses
that never open one, none at all when many interactions are in flight) the
interaction is deferred (a press silently, a command with an ephemeral
"thinking..." message) and the replies follow up. Then each reply goes
where it belongs: private -> ephemeral; public -> into the channel (a public
gig card is remembered so it is edited in place); to another person -> their
DMs; to a board -> the board channel; a form -> a modal when that is still
possible, else an ephemeral "Continue" button that opens it."""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Awaitable, TypeVar

import discord

from bot.conversation import Actor, Place, Reply, Rich, TargetKind
from bot.dispatch import remember_card

from adapters.discord import store
from adapters.discord.components import form_view
from adapters.discord.modals import FormModal, first_field, pages
from adapters.discord.render import NO_PINGS, render

if TYPE_CHECKING:
    from adapters.discord.router import Router

log = logging.getLogger(__name__)
T = TypeVar("T")
DONE = "✓"
MODAL_TYPES = (discord.InteractionType.application_command, discord.InteractionType.component)


class Responder:
    def __init__(self, router: "Router", interaction: discord.Interaction, started: float,
                 budget: float) -> None:
        self.router = router
        self.i = interaction
        self.deadline = started + budget
        self.actor: Actor | None = None
        self.place: Place | None = None
        self.loading = False  # a deferred "thinking" message waits for its first followup

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

    async def deliver(self, replies: list[Reply]) -> None:
        for reply in replies:
            await self.one(reply)
        if not self.done:
            await self.acknowledge()
        if self.loading:  # deferred, and nothing followed up
            await self.i.edit_original_response(content=DONE)
            self.loading = False

    async def one(self, reply: Reply) -> None:
        target = reply.target
        out = self.router.out
        if target.kind == TargetKind.user and target.user_id != self.actor.user_id:
            await out.send_to_core_user(target.user_id, reply)
        elif target.kind == TargetKind.board and target.community_id is not None:
            await out.post_to_board(target.community_id, reply)
        elif reply.form is not None:
            await self.form(reply)
        else:
            await self.message(reply, ephemeral=reply.private or reply.alert
                               or target.kind == TargetKind.user)

    async def form(self, reply: Reply) -> None:
        req = reply.form
        ctx = self.router.conv.context(self.actor, self.place)
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

    async def message(self, reply: Reply, *, ephemeral: bool) -> None:
        files: list[discord.File] = []
        links: list[str] = []
        if reply.attachments:
            await self.defer()  # fetching files may take a while
            files, links = await self.router.out.files.prepare(reply)
        rendered = render(reply, extra_lines=links)
        rendered.files = files
        msg = await self.send(ephemeral=ephemeral, **rendered.kwargs())
        if msg is not None and not ephemeral and reply.card_key and self.i.channel_id:
            await remember_card(self.router.engine, store.PLATFORM, reply.card_key,
                                str(self.i.channel_id), str(msg.id))

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
