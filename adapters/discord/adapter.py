"""Discord as a ``bot.delivery.platform.Platform``: what the delivery layer calls
to send, edit and delete messages, DM people and upload files on Discord.

- ``send_direct``: a DM (files re-uploaded, see ``files``); a user's DM channel
  is opened once and its id kept in the database (``Engine.remember_direct_channel``),
  so a DM to someone already contacted is one request, in every process.
- ``send`` into a channel (a gig card is an embed); ``card_posted`` opens the
  card's thread on its board (questions and deliveries go there) and
  ``card_closed`` archives and locks it when the gig is over.
- ``edit`` skips edits that would change nothing (same rendering as last time).
- ``set_member_role`` gives or takes a badge's role (PUT/DELETE
  /guilds/{guild}/members/{user}/roles/{role}); Discord's 403 (50013 Missing
  Permissions: no Manage Roles, or the role is not below the bot's highest role)
  becomes ``RoleRefused`` with the role names the moderators need to fix it.

Every REST call is paced by the client's global ``Pacer`` (see ``pacing``).
Discord's refusals become the delivery layer's outcomes: ``TryLater`` for rate
limits and a client that is not connected, ``RecipientUnreachable`` for a
member who closed their DMs or a channel the bot cannot see or post in,
``MessageGone`` for a deleted message; anything else is raised as it is."""
from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any, Protocol

import discord

from bot.conversation import Attachment, Reply, Rich
from bot.delivery.cards import gig_card_key
from bot.delivery.platform import (
    Capabilities, Chat, MessageGone, Posted, Progress, RecipientUnreachable, RoleRefused,
    TryLater,
)
from bot.delivery.service import PlatformDelivery
from bot.texts import N_, translator
from core.api import Engine

from adapters.discord import store
from adapters.discord.files import FileRelay
from adapters.discord.render import NO_PINGS, Rendered, clip, plain, render, split_first_line

log = logging.getLogger(__name__)

CAPABILITIES = Capabilities(modals=True, ephemeral=True, threads=True, dm_needs_start=False,
                            native_timestamps=True,
                            cards_in_direct_chats=True, max_buttons_per_row=5,
                            max_button_rows=5, max_message_length=2000,
                            max_upload_bytes=8 * 1024 * 1024)
THREAD_WELCOME = N_("Questions about this gig go here. Claimants: press Deliver on your claim "
                    "(or run /gig deliver), then post your files in this thread.")
THREAD_ARCHIVE_MINUTES = 10080  # a week without messages
SHOWN_MEMORY = 50_000


class HasEngine(Protocol):
    engine: Engine


def outcome(exc: BaseException) -> BaseException:
    """The delivery layer's outcome for a failed Discord call (or ``exc`` itself)."""
    if isinstance(exc, discord.RateLimited):
        return TryLater(exc.retry_after + 0.5, "Discord rate limit")
    if isinstance(exc, discord.HTTPException) and exc.status == 429:
        # no Via header: Cloudflare throttling the IP; back off well
        retry = exc.response.headers.get("Retry-After") if exc.response is not None else None
        try:
            seconds = float(retry) if retry else 60.0
        except ValueError:
            seconds = 60.0
        return TryLater(max(seconds, 5.0), "Discord 429")
    if isinstance(exc, (discord.Forbidden, discord.NotFound)):
        return RecipientUnreachable(exc.text or str(exc))
    return exc


def posted(message: discord.Message) -> Posted:
    return Posted(str(message.channel.id), str(message.id))


def _digest(rendered: Rendered) -> str:
    parts = [rendered.content or "", repr(rendered.embed.to_dict() if rendered.embed else None),
             repr(rendered.view.to_components() if rendered.view else None)]
    return hashlib.sha1("\x00".join(parts).encode()).hexdigest()


class DiscordAdapter:
    """The Discord ``Platform``; ``delivery`` is its ``bot.delivery.PlatformDelivery``."""

    name = store.PLATFORM
    capabilities = CAPABILITIES

    def __init__(self, app: HasEngine, client: discord.Client, *,
                 ready_timeout: float = 10.0) -> None:
        self.engine = app.engine
        self.client = client
        self.files = FileRelay(client)
        self.ready_timeout = ready_timeout
        self._dm: dict[int, discord.abc.Messageable] = {}
        self._dm_remembered: set[int] = set()  # DM channels known from the database
        self._shown: dict[tuple[str, str], str] = {}  # (channel, message) -> digest last sent
        self._closed_threads: set[int] = set()
        self._threads: dict[str, int] = {}  # card key -> its thread (a card keeps its thread)
        self.delivery = PlatformDelivery(self.engine, self)
        app.conversation.serve(self.name, self.capabilities)

    @property
    def command_ids(self) -> dict[str, int]:
        return getattr(self.client, "command_ids", {})

    async def ensure_ready(self) -> None:
        if self.client.is_closed():
            raise TryLater(30, "the Discord client is not running")
        try:
            await asyncio.wait_for(self.client.wait_until_ready(), self.ready_timeout)
        except asyncio.TimeoutError:
            raise TryLater(10, "the Discord client is not connected yet") from None

    async def _call(self, work) -> Any:
        try:
            return await work
        except discord.HTTPException as exc:
            mapped = outcome(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    # -- sending ---------------------------------------------------------------
    async def dm_channel(self, user_id: int) -> discord.abc.Messageable:
        channel = self._dm.get(user_id)
        if channel is not None:
            return channel
        known = await self.engine.direct_channel(self.name, str(user_id))
        if known is not None:
            channel = self.client.get_partial_messageable(int(known),
                                                          type=discord.ChannelType.private)
            self._dm_remembered.add(channel.id)
        else:
            channel = await self.client.create_dm(discord.Object(user_id))
            await self.engine.remember_direct_channel(self.name, str(user_id), str(channel.id))
        if len(self._dm) > SHOWN_MEMORY:
            self._dm.pop(next(iter(self._dm)))
        self._dm[user_id] = channel
        return channel

    async def rendered(self, reply: Reply) -> Rendered:
        """``reply`` as a Discord message, its files fetched and attached."""
        files, links = await self.files.prepare(reply) if reply.attachments else ([], [])
        rendered = render(reply, extra_lines=links, command_ids=self.command_ids)
        rendered.files = files
        return rendered

    async def send_direct(self, user_id: str, reply: Reply, *,
                          progress: Progress | None = None) -> list[Posted]:
        await self.ensure_ready()

        async def send():
            rendered = await self.rendered(reply)
            channel = await self.dm_channel(int(user_id))
            try:
                return await channel.send(**rendered.kwargs())
            except discord.NotFound:  # a remembered channel Discord no longer knows
                if channel.id not in self._dm_remembered:
                    raise
                self._dm.pop(int(user_id), None)
                channel = await self.client.create_dm(discord.Object(int(user_id)))
                await self.engine.remember_direct_channel(self.name, user_id, str(channel.id))
                return await channel.send(**rendered.kwargs())
        return [posted(await self._call(send()))]

    async def send(self, chat: Chat, reply: Reply, *,
                   progress: Progress | None = None) -> list[Posted]:
        await self.ensure_ready()
        target = chat.thread_id or chat.id

        async def send():
            rendered = await self.rendered(reply)
            channel = await self._channel(target) if reply.card_key else \
                self.client.get_partial_messageable(int(target))
            msg = await channel.send(**rendered.kwargs())
            self._remember_shown(str(msg.channel.id), str(msg.id), rendered)
            return msg
        return [posted(await self._call(send()))]

    async def upload(self, chat: Chat, attachment: Attachment) -> Posted:
        await self.ensure_ready()
        channel = self.client.get_partial_messageable(int(chat.thread_id or chat.id))
        files, links = await self.files.prepare(Reply(Rich(), attachments=[attachment]))
        msg = await self._call(channel.send(content="\n".join(links) or None, files=files,
                                            allowed_mentions=NO_PINGS))
        return posted(msg)

    # -- editing ---------------------------------------------------------------
    async def edit(self, message: Posted, reply: Reply) -> None:
        await self.ensure_ready()
        rendered = render(reply, command_ids=self.command_ids)
        digest = _digest(rendered)
        key = (message.chat_id, message.message_id)
        if self._shown.get(key) == digest:
            return
        partial = self.client.get_partial_messageable(int(message.chat_id)).get_partial_message(
            int(message.message_id))
        try:
            await self._call(partial.edit(**rendered.kwargs(edit=True)))
        except RecipientUnreachable as exc:
            if isinstance(exc.__cause__, discord.NotFound):
                raise MessageGone(str(exc)) from None
            raise
        self._remember_shown(*key, rendered)

    async def delete(self, message: Posted) -> None:
        await self.ensure_ready()
        partial = self.client.get_partial_messageable(int(message.chat_id)).get_partial_message(
            int(message.message_id))
        try:
            await self._call(partial.delete())
        except RecipientUnreachable as exc:
            if isinstance(exc.__cause__, discord.NotFound):
                raise MessageGone(str(exc)) from None
            raise
        self._shown.pop((message.chat_id, message.message_id), None)

    def _remember_shown(self, chat_id: str, message_id: str, rendered: Rendered) -> None:
        self._shown[(chat_id, message_id)] = _digest(rendered)
        while len(self._shown) > SHOWN_MEMORY:
            self._shown.pop(next(iter(self._shown)))

    async def _channel(self, chat_id: str) -> discord.abc.Messageable:
        """The channel object (cached, else fetched), so messages know their guild."""
        channel = self.client.get_channel(int(chat_id))
        if channel is None:
            try:
                channel = await self.client.fetch_channel(int(chat_id))
            except discord.HTTPException:
                channel = self.client.get_partial_messageable(int(chat_id))
        return channel

    def start_link(self, gig_id: int | None = None) -> str | None:
        return None  # a bot may DM any member who shares a server and allows it

    # -- roles -----------------------------------------------------------------
    async def set_member_role(self, community_id: str, user_id: str, role_id: str, *,
                              grant: bool) -> None:
        await self.ensure_ready()
        guild_id, member_id, rid = int(community_id), int(user_id), int(role_id)
        http = self.client.http
        try:
            if grant:
                await http.add_role(guild_id, member_id, rid, reason="gigbroker badge earned")
            else:
                await http.remove_role(guild_id, member_id, rid, reason="gigbroker badge revoked")
        except discord.Forbidden as exc:
            role_name, bot_role_name = self._role_names(guild_id, rid)
            raise RoleRefused("missing_permissions", role_name=role_name,
                              bot_role_name=bot_role_name) from exc
        except discord.NotFound as exc:
            if exc.code == 10011:  # Unknown Role
                raise RoleRefused("unknown_role") from exc
            raise RecipientUnreachable(exc.text or str(exc)) from exc  # member or server gone
        except discord.HTTPException as exc:
            mapped = outcome(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    def _role_names(self, guild_id: int, role_id: int) -> tuple[str, str]:
        """(the role's name, the bot's highest role's name) as the gateway cache knows them."""
        guild = self.client.get_guild(guild_id)
        if guild is None:
            return "", ""
        role = guild.get_role(role_id)
        me = guild.me
        return (role.name if role else "",
                me.top_role.name if me is not None and not me.top_role.is_default() else "")

    # -- threads ---------------------------------------------------------------
    async def card_posted(self, card_key: str, message: Posted, reply: Reply) -> None:
        """Open the thread of a card newly posted on a board."""
        if await self.thread_of(card_key) is not None:
            return
        first, _ = split_first_line(reply.text.spans)
        name = clip(plain(first).strip() or card_key, 100)
        channel = await self._channel(message.chat_id)  # with its guild, which threads need
        try:
            thread = await channel.get_partial_message(int(message.message_id)).create_thread(name=name,
                                                 auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        except (discord.HTTPException, ValueError) as exc:  # ValueError: no guild known
            log.warning("no thread for card %s: %s", card_key, getattr(exc, "text", exc))
            return
        await store.remember_thread(self.engine, card_key, thread.id)
        self._threads[card_key] = thread.id
        try:
            welcome = Reply(Rich().add(translator("en")(THREAD_WELCOME)))
            await thread.send(render(welcome, command_ids=self.command_ids).content,
                              allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.info("thread %s: welcome not posted: %s", thread.id, exc.text)

    async def thread_of(self, card_key: str) -> int | None:
        """The thread of a card (remembered here once known: every claim joins it)."""
        thread_id = self._threads.get(card_key)
        if thread_id is None:
            thread_id = await store.thread_of_card(self.engine, card_key)
            if thread_id is not None:
                if len(self._threads) > SHOWN_MEMORY:
                    self._threads.pop(next(iter(self._threads)))
                self._threads[card_key] = thread_id
        return thread_id

    async def _thread(self, thread_id: int) -> discord.Thread | None:
        channel = self.client.get_channel(thread_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(thread_id)
            except discord.HTTPException:
                return None
        return channel if isinstance(channel, discord.Thread) else None

    async def card_closed(self, card_key: str) -> None:
        thread_id = await self.thread_of(card_key)
        if thread_id is None or thread_id in self._closed_threads:
            return
        thread = await self._thread(thread_id)
        if thread is not None and not (thread.archived and thread.locked):
            try:
                await thread.edit(archived=True, locked=True)
            except discord.HTTPException as exc:
                log.info("thread %s not archived: %s", thread_id, exc.text)
                return
        self._closed_threads.add(thread_id)

    async def join_thread(self, card_key: str, user_id: int) -> None:
        """Add a claimant to the gig's thread so it shows in their sidebar (best effort)."""
        thread_id = await self.thread_of(card_key)
        thread = await self._thread(thread_id) if thread_id else None
        if thread is None or thread.archived:
            return
        try:
            await thread.add_user(discord.Object(user_id))
        except discord.HTTPException as exc:
            log.info("could not add %s to thread %s: %s", user_id, thread_id, exc.text)

    async def join_gig_thread(self, gig_id: int, user_id: int) -> None:
        await self.join_thread(gig_card_key(gig_id), user_id)
