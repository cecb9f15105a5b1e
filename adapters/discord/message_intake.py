"""Messages coming in (not interactions, so nothing can be ephemeral):

- files posted in a gig's thread by a claimant whose Deliver form is open for
  that gig become the delivery; a claimant who can deliver but has no form open
  is told how; any other file in the thread is discussion and left alone;
- in a DM: files while the Deliver form is open become the delivery; while
  another form is open the user is offered a button to continue it; any other
  text goes to the conversation layer.

Replies go to the author's DMs when private (or posted in a DM), into the
channel when public, to another person's DMs or a board when targeted there;
a form is opened from a button in the author's DMs (a message cannot open a
modal). A message reaching two processes is handled by the one that claims it
first (``InteractionAnswerer.claimed``)."""
from __future__ import annotations

import logging

import discord

from bot.conversation import Actor, Place, PlaceKind, Reply, Rich
from bot.forms import FORMS
from bot.texts import N_

from adapters.discord import files as discord_files
from adapters.discord import store
from adapters.discord.answering import PLATFORM, InteractionAnswerer, links_in
from adapters.discord.components import form_view
from adapters.discord.modals import PER_PAGE, pages
from adapters.discord.render import NO_PINGS, render
from adapters.discord.respond import reply_to_message

log = logging.getLogger(__name__)

FORM_OPEN = N_("You have a form open: {title}. Continue it, or send /gig cancel.")
HOW_TO_DELIVER = N_("To deliver these files for claim #{claim}, press Deliver on your claim "
                    "(or run /gig deliver), then post them here again; or attach them to "
                    "/gig deliver.")


class MessageIntake:
    def __init__(self, answerer: InteractionAnswerer) -> None:
        self.answerer = answerer
        self.engine = answerer.engine
        self.conv = answerer.conv
        self.out = answerer.out

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id:
            return
        if (message.guild is None or message.attachments) and \
                not await self.answerer.claimed("message", message.id):
            return  # another process has it
        try:
            if message.guild is None:
                await self._dm_message(message)
            elif message.attachments:
                card_key = await store.card_of_thread(self.engine, message.channel.id)
                if card_key is not None:
                    await self._thread_message(message, card_key)
        except Exception:  # noqa: BLE001 - a message must never stop the client
            log.exception("discord message %s failed", message.id)

    async def _thread_message(self, message: discord.Message, card_key: str) -> None:
        gig_id = store.gig_id_of(card_key)
        author = message.author
        perms = getattr(author, "guild_permissions", None)
        actor = await self.answerer.actor_of(author, admin=bool(perms and perms.manage_guild))
        place = await self.answerer.place_of(message.channel, message.guild.id,
                                             message.guild.name, actor, author)
        ctx = self.conv.context(actor, place)
        state = await store.open_form(ctx)
        claim = None
        if state is not None and state.name == "deliver":
            claim = await self.engine.claim(int(state.context.get("claim_id") or 0))
        if claim is not None and claim.gig_id == gig_id:
            replies = await self._deliver_message(actor, place, message, state)
        else:
            mine = await self.engine.claim_to_deliver(gig_id, actor.user_id) \
                if gig_id is not None else None
            if mine is None:
                return  # files in the discussion: not a delivery
            replies = [ctx.say(ctx._(HOW_TO_DELIVER, claim=mine.id), private=True)]
        await self._reply_to_message(message, actor, place, replies)

    async def _deliver_message(self, actor: Actor, place: Place, message: discord.Message,
                               state: store.OpenForm) -> list[Reply]:
        context = {**state.context, "files": discord_files.from_message(message)}
        values = {**state.values, "text": message.content or "",
                  "links": state.values.get("links") or links_in(message.content)}
        return await self.conv.form_submitted(actor, place, "deliver", values, context)

    async def _dm_message(self, message: discord.Message) -> None:
        actor = await self.answerer.actor_of(message.author)
        place = Place(PLATFORM, PlaceKind.dm, str(message.channel.id))
        ctx = self.conv.context(actor, place)
        state = await store.open_form(ctx)
        if state is not None and state.name == "deliver" and message.attachments:
            replies = await self._deliver_message(actor, place, message, state)
        elif state is not None and state.name in FORMS:
            spec = FORMS[state.name].spec
            page = min(state.step // PER_PAGE, len(pages(spec)) - 1)
            text = Rich().add(ctx._(FORM_OPEN, title=ctx._(spec.title)))
            await message.channel.send(render(Reply(text)).content, allowed_mentions=NO_PINGS,
                                       view=form_view(state.name, page, ctx._("Continue")))
            return
        else:
            replies = await self.conv.text(actor, place, message.content or "")
        await self._reply_to_message(message, actor, place, replies)

    async def _reply_to_message(self, message: discord.Message, actor: Actor, place: Place,
                                replies: list[Reply]) -> None:
        """Replies to a message (no interaction: nothing is ephemeral), delivered by
        ``bot.delivery`` through ``respond.MessageAnswer``."""
        await reply_to_message(self.answerer, message, actor, place, replies)
