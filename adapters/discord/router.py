"""Inbound Discord: slash commands, button presses, modal submissions and messages
turned into conversation-layer calls (who acts, where, what), with the replies
sent back by ``Responder``.

- Who: the Discord user as a core user; Manage Server (from the interaction's
  permissions) is reported as platform admin. Where: a DM, or the guild as a
  community (the board channel, or another channel / a thread of it); the
  member's roles go with it so core knows members and moderators.
- Every interaction is handled once: the dynamic items, the modal and the
  fallback ``on_any_interaction`` (for presses and submissions discord.py
  dropped, e.g. a modal opened before a restart) race for it through
  ``_take``.
- Messages: files posted by a claimant in the gig's thread (or in a DM) while
  their Deliver form is open become the delivery; other DMs go to the
  conversation layer."""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from typing import TYPE_CHECKING, Any, Awaitable, Callable

import discord
from sqlalchemy import select

from bot.conversation import Actor, FormRequest, Place, PlaceKind, Reply, Rich, TargetKind
from bot.forms import FORMS
from bot.payloads import BadPayload, decode
from bot.registry import REGISTRY, parse_text_args
from bot.texts import N_, translator
from core.api import DomainError
from core.api import Claim, ClaimStatus

from adapters.discord import files as discord_files
from adapters.discord import store
from adapters.discord.components import FORM_PREFIX, PAYLOAD_PREFIX, form_view, parse_form_id
from adapters.discord.modals import PER_PAGE, first_field, modal_values, pages, parse_modal_id
from adapters.discord.render import NO_PINGS, render
from adapters.discord.respond import Responder

if TYPE_CHECKING:
    from bot.runtime.app import App
    from adapters.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

PLATFORM = store.PLATFORM
LINK_PREFIXES = ("http://", "https://")
THREAD_TYPES = (discord.ChannelType.public_thread, discord.ChannelType.private_thread,
                discord.ChannelType.news_thread)
STALE = N_("This button is not valid any more.")
FORM_GONE = N_("This form has expired. Please start again.")
FORM_OPEN = N_("You have a form open: {title}. Continue it, or send /gig cancel.")
HOW_TO_DELIVER = N_("To deliver these files for claim #{claim}, press Deliver on your claim "
                    "(or run /gig deliver), then post them here again; or attach them to "
                    "/gig deliver.")
SORRY = N_("Sorry, something went wrong on our side. Reference: {ref}")
BOARD_PERMISSIONS = N_("I cannot post gig cards in {channel} yet. Give me these permissions "
                       "there: {missing}.")
# Presses whose answer may be a form (a modal must be the first response: no early defer).
FORM_VERBS = frozenset({"deliver", "revise", "reject", "dispute", "apply"})
Work = Callable[[Actor, Place], Awaitable[list[Reply]]]


def _links(text: str) -> str:
    return "\n".join(w for w in (text or "").split() if w.lower().startswith(LINK_PREFIXES))


class Router:
    def __init__(self, app: "App", out: "DiscordAdapter", *, ack_budget: float = 2.0,
                 quick_budget: float = 0.5, busy: int = 16,
                 fallback_delay: float = 0.3) -> None:
        """``ack_budget``: how long the conversation may take before the interaction is
        deferred when its answer may be a modal (which must be the first response);
        ``quick_budget``: the same for presses that never open one; with ``busy`` or
        more interactions in progress those are deferred at once."""
        self.app = app
        self.engine = app.engine
        self.conv = app.conversation
        self.out = out
        self.ack_budget = ack_budget
        self.quick_budget = quick_budget
        self.busy = busy
        self.fallback_delay = fallback_delay
        self.in_progress = 0
        self._background: set[asyncio.Task] = set()
        self._taken: set[int] = set()
        self._taken_order: deque[int] = deque()

    def _take(self, interaction: discord.Interaction) -> bool:
        """True for the first handler of this interaction, False for any later one."""
        if interaction.id in self._taken:
            return False
        self._taken.add(interaction.id)
        self._taken_order.append(interaction.id)
        if len(self._taken_order) > 10_000:
            self._taken.discard(self._taken_order.popleft())
        return True

    # -- who and where -----------------------------------------------------------
    async def actor_of(self, user: discord.abc.User, *, locale: str | None = None,
                       admin: bool = False) -> Actor:
        return await self.conv.actor(PLATFORM, str(user.id), user.display_name,
                                     username=user.name, locale=locale, is_platform_admin=admin)

    async def place_of(self, channel: Any, guild_id: int | None, guild_name: str | None,
                       actor: Actor, user: Any) -> Place:
        channel_id = getattr(channel, "id", None)
        if guild_id is None:
            return Place(PLATFORM, PlaceKind.dm, str(channel_id))
        chat_id, thread_id = channel_id, None
        if getattr(channel, "type", None) in THREAD_TYPES and getattr(channel, "parent_id", None):
            chat_id, thread_id = channel.parent_id, str(channel_id)  # a gig's thread: its board
        roles = tuple(str(r.id) for r in getattr(user, "roles", ()) or ())
        return await self.conv.community_place(
            PLATFORM, str(chat_id), guild_name or str(guild_id), thread_id=thread_id,
            community_platform_id=str(guild_id), member=actor, member_role_ids=roles)

    async def _who_where(self, interaction: discord.Interaction,
                         channel: Any = None) -> tuple[Actor, Place]:
        admin = bool(interaction.guild_id) and interaction.permissions.manage_guild
        actor = await self.actor_of(interaction.user, locale=str(interaction.locale), admin=admin)
        guild = interaction.guild
        place = await self.place_of(channel or interaction.channel, interaction.guild_id,
                                    guild.name if guild else None, actor, interaction.user)
        return actor, place

    # -- the common path of every interaction -----------------------------------
    async def _run(self, interaction: discord.Interaction, work: Work, *,
                   started: float | None = None, channel: Any = None,
                   may_open_form: bool = True) -> list[Reply]:
        if not self._take(interaction):
            return []
        loop = asyncio.get_running_loop()
        budget = self.ack_budget
        if not may_open_form:
            budget = 0.0 if self.in_progress >= self.busy else min(self.quick_budget, budget)
        responder = Responder(self, interaction, started if started is not None else loop.time(),
                              budget)

        async def resolve_and_work():
            responder.actor, responder.place = await self._who_where(interaction, channel)
            return await work(responder.actor, responder.place)
        self.in_progress += 1
        try:
            replies = await responder.within_budget(resolve_and_work())
            await responder.deliver(replies)
            return replies
        except Exception as exc:  # noqa: BLE001 - the user gets a reference, we get the trace
            await self.on_handler_error(interaction, exc)
            return []
        finally:
            self.in_progress -= 1

    async def on_handler_error(self, interaction: discord.Interaction, error: Exception) -> None:
        ref = uuid.uuid4().hex[:8]
        log.error("discord interaction %s failed (ref=%s)", interaction.id, ref, exc_info=error)
        text = translator(str(interaction.locale))(SORRY, ref=ref)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException:
            pass

    # -- slash commands ----------------------------------------------------------
    async def on_command(self, interaction: discord.Interaction, name: str,
                         options: dict[str, Any]) -> None:
        started = asyncio.get_running_loop().time()
        args: dict[str, Any] = {}
        files: list[dict] = []
        channel = None
        for key, value in options.items():
            if value is None:
                continue
            if isinstance(value, discord.Attachment):
                files.append(discord_files.from_option(value))
            elif key == "channel" and isinstance(value, discord.abc.GuildChannel):
                channel = value
            elif isinstance(value, (discord.abc.User, discord.Role, discord.Object)):
                args[key] = str(value.id)
            else:
                args[key] = value

        async def work(actor: Actor, place: Place) -> list[Reply]:
            more = args.pop("more", None)
            if more:
                try:
                    extra = parse_text_args(REGISTRY.get(name), str(more))
                except DomainError as exc:
                    return [self.conv.error_reply(self.conv.context(actor, place), exc)]
                args.update({k: v for k, v in extra.items() if k not in args})
            if name == "deliver" and files:
                return await self._deliver_files(actor, place, args, files)
            replies = await self.conv.command(actor, place, name, args)
            if name == "board" and any(not r.private for r in replies):  # the board is set
                replies += self._board_warning(actor, place, channel or interaction.channel,
                                               interaction.guild)
            return replies
        await self._run(interaction, work, started=started, channel=channel)

    def _board_warning(self, actor: Actor, place: Place, channel: Any,
                       guild: discord.Guild | None) -> list[Reply]:
        """A private note to the admin when the bot cannot work in the board channel."""
        me = guild.me if guild is not None else None
        if me is None or not isinstance(channel, discord.abc.GuildChannel):
            return []
        perms = channel.permissions_for(me)
        needed = {"View Channel": perms.view_channel, "Send Messages": perms.send_messages,
                  "Embed Links": perms.embed_links,
                  "Create Public Threads": perms.create_public_threads,
                  "Send Messages in Threads": perms.send_messages_in_threads}
        missing = [name for name, ok in needed.items() if not ok]
        if not missing:
            return []
        ctx = self.conv.context(actor, place)
        return [ctx.say(ctx._(BOARD_PERMISSIONS, channel=f"#{channel.name}",
                              missing=", ".join(missing)), private=True)]

    async def _deliver_files(self, actor: Actor, place: Place, args: dict,
                             files: list[dict]) -> list[Reply]:
        """``/gig deliver file:...``: the form of the claim, with the files; with a
        text too it is submitted at once, otherwise the modal asks for a note."""
        text = args.pop("text", None)
        replies = await self.conv.command(actor, place, "deliver", args)
        form = next((r.form for r in replies if r.form is not None), None)
        if form is None:
            return replies  # e.g. no claim to deliver for
        context = {**form.context, "files": files}
        if text:
            return await self.conv.form_submitted(actor, place, "deliver",
                                                  {"text": text, "links": _links(text)}, context)
        return [Reply(Rich(), private=True, form=FormRequest(form.form, context, form.page,
                                                             form.values))]

    # -- buttons -----------------------------------------------------------------
    async def on_press(self, interaction: discord.Interaction, payload: str, *,
                       started: float | None = None) -> None:
        try:
            pressed = decode(payload)
        except BadPayload:
            pressed = None
        replies = await self._run(interaction, lambda a, p: self.conv.press(a, p, payload),
                                  started=started,
                                  may_open_form=pressed is not None and pressed.verb in FORM_VERBS)
        if pressed is None:
            return
        if pressed.verb == "claim" and replies and not replies[0].alert:
            task = asyncio.create_task(self.out.join_thread(f"gig:{pressed.entity_id}",
                                                            interaction.user.id))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def on_form_button(self, interaction: discord.Interaction, form: str, page: int, *,
                             started: float | None = None) -> None:
        async def work(actor: Actor, place: Place) -> list[Reply]:
            ctx = self.conv.context(actor, place)
            state = await store.open_form(ctx)
            entry = FORMS.get(form)
            if state is None or state.name != form or entry is None:
                return [ctx.say(ctx._(FORM_GONE), private=True, alert=True)]
            return [Reply(Rich(), private=True, form=FormRequest(entry.spec, state.context, page,
                                                                 state.values))]
        await self._run(interaction, work, started=started)

    # -- modals ------------------------------------------------------------------
    async def on_modal(self, interaction: discord.Interaction, *,
                       started: float | None = None) -> None:
        parsed = parse_modal_id((interaction.data or {}).get("custom_id", ""))
        submitted = modal_values(interaction.data)

        async def work(actor: Actor, place: Place) -> list[Reply]:
            ctx = self.conv.context(actor, place)
            entry = FORMS.get(parsed[0]) if parsed else None
            if entry is None:
                return await self.conv.form_submitted(actor, place, "?", submitted)
            name, page = parsed
            state = await store.open_form(ctx)
            values, context = ({**state.values}, state.context) if state and state.name == name \
                else ({}, {})
            values.update({k: v for k, v in submitted.items()})
            if page + 1 < len(pages(entry.spec)):  # more pages: keep the answers, offer the next
                return [Reply(Rich(), private=True,
                              form=FormRequest(entry.spec, context, page + 1, values))]
            replies = await self.conv.form_submitted(actor, place, name, values, context)
            still = await store.open_form(ctx)
            if still is not None and still.name == name:  # refused: let them fix the answers
                replies.append(Reply(Rich(), private=True,
                                     form=FormRequest(entry.spec, still.context, 0, still.values)))
            return replies
        await self._run(interaction, work, started=started)

    # -- leftovers ---------------------------------------------------------------
    async def on_any_interaction(self, interaction: discord.Interaction) -> None:
        """Presses and submissions nothing else handled: dynamic items are skipped by
        discord.py when the message cannot be parsed or no longer has the button, and
        modals opened before a restart are unknown to it. Ours are handled here; any
        other gets a polite answer instead of "This interaction failed"."""
        if interaction.type not in (discord.InteractionType.component,
                                    discord.InteractionType.modal_submit):
            return
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.sleep(self.fallback_delay)
        if interaction.id in self._taken or interaction.response.is_done():
            return
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        log.info("fallback handles interaction %s (%s)", interaction.id, custom_id[:40])
        if interaction.type == discord.InteractionType.modal_submit:
            await self.on_modal(interaction, started=started)
        elif custom_id.startswith(PAYLOAD_PREFIX):
            await self.on_press(interaction, custom_id[len(PAYLOAD_PREFIX):], started=started)
        elif custom_id.startswith(FORM_PREFIX) and parse_form_id(custom_id):
            form, page = parse_form_id(custom_id)
            await self.on_form_button(interaction, form, page, started=started)
        elif self._take(interaction):
            text = translator(str(interaction.locale))(STALE)
            try:
                await interaction.response.send_message(text, ephemeral=True)
            except discord.HTTPException:
                pass

    # -- messages ----------------------------------------------------------------
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id:
            return
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
        actor = await self.actor_of(author, admin=bool(perms and perms.manage_guild))
        place = await self.place_of(message.channel, message.guild.id, message.guild.name, actor,
                                    author)
        ctx = self.conv.context(actor, place)
        state = await store.open_form(ctx)
        claim = None
        if state is not None and state.name == "deliver":
            claim = await self.engine.view(lambda t: t.s.get(Claim, int(
                state.context.get("claim_id") or 0)))
        if claim is not None and claim.gig_id == gig_id:
            replies = await self._deliver_message(actor, place, message, state)
        else:
            mine = await self.engine.view(lambda t: t.s.scalar(select(Claim).where(
                Claim.gig_id == gig_id, Claim.freelancer_id == actor.user_id,
                Claim.status.in_((ClaimStatus.active, ClaimStatus.revision_requested))).limit(1)))
            if mine is None:
                return  # files in the discussion: not a delivery
            replies = [ctx.say(ctx._(HOW_TO_DELIVER, claim=mine.id), private=True)]
        await self._reply_to_message(message, actor, place, replies)

    async def _deliver_message(self, actor: Actor, place: Place, message: discord.Message,
                               state: store.OpenForm) -> list[Reply]:
        context = {**state.context, "files": discord_files.from_message(message)}
        values = {**state.values, "text": message.content or "",
                  "links": state.values.get("links") or _links(message.content)}
        return await self.conv.form_submitted(actor, place, "deliver", values, context)

    async def _dm_message(self, message: discord.Message) -> None:
        actor = await self.actor_of(message.author)
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
        """Replies to a message (no interaction: nothing is ephemeral). Private ones go
        to the author's DMs, public ones into the channel."""
        for n, reply in enumerate(replies):
            target = reply.target
            if target.kind == TargetKind.user and target.user_id != actor.user_id:
                await self.out.send_to_core_user(target.user_id, reply)
            elif target.kind == TargetKind.board and target.community_id is not None:
                await self.out.post_to_board(target.community_id, reply)
            elif reply.form is not None:
                ctx = self.conv.context(actor, place)
                await store.save_form(ctx, store.OpenForm(reply.form.form.name,
                                                          first_field(reply.form.page),
                                                          reply.form.values, reply.form.context))
                text = Rich().bold(ctx._(reply.form.form.title))
                channel = await self.out.dm_channel(int(actor.platform_user_id))
                await channel.send(render(Reply(text)).content, allowed_mentions=NO_PINGS,
                                   view=form_view(reply.form.form.name, reply.form.page,
                                                  ctx._("Open the form")))
            elif reply.private or message.guild is None:
                await self.out.send_to_user(str(actor.platform_user_id), reply,
                                            dedup_key=f"reply:{message.id}:{n}")
            else:
                rendered = render(reply)
                await message.channel.send(**rendered.kwargs())
