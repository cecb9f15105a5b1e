"""Outbound Discord: what the notification dispatcher (``bot.dispatch``) calls.

- ``send_to_user``: a notification as a DM (files re-uploaded, see ``files``).
- ``show_card``: a gig card as an embed on its community's board channel,
  posted once (with a thread for questions and deliveries) and edited in place
  on every change; the thread is archived and locked when the gig is over.
  Calls for the same card are coalesced: while one edit is in flight, further
  changes collapse into one more edit with the newest version.

Every REST call is paced by the client's global ``Pacer`` (see ``pacing``). Platform failures become
what the outbox understands: ``RetryLater`` for rate limits, an exception for
transient errors (retried with backoff), and a logged drop for permanent ones
(a member who closed their DMs, a channel the bot cannot see) so they are not
retried for days."""
from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections import OrderedDict
from typing import TYPE_CHECKING

import discord

from bot.conversation import Reply
from bot.dispatch import card_refs, remember_card
from bot.texts import N_, translator
from core.api import Community, Gig, GigStatus
from core.api import RetryLater

from adapters.discord import store
from adapters.discord.files import FileRelay
from adapters.discord.render import NO_PINGS, Rendered, clip, plain, render, split_first_line

if TYPE_CHECKING:
    from bot.runtime.app import App

log = logging.getLogger(__name__)

CLOSED = (GigStatus.completed, GigStatus.cancelled, GigStatus.expired)
NOT_LISTED = (GigStatus.draft, GigStatus.awaiting_funding)
THREAD_WELCOME = N_("Questions about this gig go here. Claimants: press Deliver on your claim "
                    "(or run /gig deliver), then post your files in this thread.")
SENT_MEMORY = 50_000
THREAD_ARCHIVE_MINUTES = 10080  # a week without messages


def outbox_error(exc: BaseException) -> BaseException:
    """The exception to give the outbox for a failed Discord call."""
    if isinstance(exc, discord.RateLimited):
        return RetryLater(exc.retry_after + 0.5, "Discord rate limit")
    if isinstance(exc, discord.HTTPException) and exc.status == 429:
        # no Via header: Cloudflare throttling the IP; back off well
        retry = exc.response.headers.get("Retry-After") if exc.response is not None else None
        try:
            seconds = float(retry) if retry else 60.0
        except ValueError:
            seconds = 60.0
        return RetryLater(max(seconds, 5.0), "Discord 429")
    return exc


def _digest(rendered: Rendered) -> str:
    parts = [rendered.content or "", repr(rendered.embed.to_dict() if rendered.embed else None),
             repr(rendered.view.to_components() if rendered.view else None)]
    return hashlib.sha1("\x00".join(parts).encode()).hexdigest()


class DiscordAdapter:
    """The Discord side of ``bot.dispatch.ChatAdapter``."""

    platform = store.PLATFORM

    def __init__(self, app: "App", client: discord.Client, *,
                 ready_timeout: float = 10.0) -> None:
        self.engine = app.engine
        self.client = client
        self.files = FileRelay(client)
        self.ready_timeout = ready_timeout
        self._sent: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._dm: dict[int, discord.abc.Messageable] = {}
        self._latest: dict[str, tuple[Reply, str | None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._shown: dict[tuple[str, str], str] = {}  # (channel, message) -> digest last sent
        self._closed_threads: set[int] = set()
        self.dropped = 0  # DMs that could not be delivered (closed DMs, unknown user)

    async def ensure_ready(self) -> None:
        if self.client.is_closed():
            raise RetryLater(30, "the Discord client is not running")
        try:
            await asyncio.wait_for(self.client.wait_until_ready(), self.ready_timeout)
        except asyncio.TimeoutError:
            raise RetryLater(10, "the Discord client is not connected yet") from None

    # -- direct messages -------------------------------------------------------
    async def dm_channel(self, user_id: int) -> discord.abc.Messageable:
        channel = self._dm.get(user_id)
        if channel is None:
            channel = await self.client.create_dm(discord.Object(user_id))
            self._dm[user_id] = channel
        return channel

    async def send_to_user(self, platform_user_id: str, reply: Reply, *, dedup_key: str) -> None:
        key = (str(platform_user_id), dedup_key)
        if key in self._sent:
            return
        await self.ensure_ready()
        try:
            msg = await self._dm_send(int(platform_user_id), reply)
        except (discord.Forbidden, discord.NotFound) as exc:
            self.dropped += 1
            log.info("cannot DM discord user %s (%s): dropped %s", platform_user_id, exc.text,
                     dedup_key)
            msg = None
        except Exception as exc:  # noqa: BLE001 - mapped for the outbox
            raise outbox_error(exc) from exc
        self._sent[key] = None
        if len(self._sent) > SENT_MEMORY:
            self._sent.popitem(last=False)
        if msg is not None and reply.card_key:
            await remember_card(self.engine, self.platform, reply.card_key, str(msg.channel.id),
                                str(msg.id))

    async def _dm_send(self, user_id: int, reply: Reply) -> discord.Message:
        files, links = await self.files.prepare(reply) if reply.attachments else ([], [])
        rendered = render(reply, extra_lines=links)
        rendered.files = files
        channel = await self.dm_channel(user_id)
        return await channel.send(**rendered.kwargs())

    async def send_to_core_user(self, user_id: int, reply: Reply) -> None:
        """A reply targeted at another person (``to_user``): their DM on Discord, if any."""
        puid = await store.discord_id_of(self.engine, user_id)
        if puid is None:
            log.info("user %s has no Discord identity; reply not sent", user_id)
            return
        await self.send_to_user(puid, reply, dedup_key=f"direct:{uuid.uuid4().hex}")

    async def post_to_board(self, community_id: int, reply: Reply) -> None:
        channel_id = await self.engine.view(lambda t: getattr(
            t.s.get(Community, community_id), "board_channel_id", None))
        if not channel_id:
            log.info("community %s has no board channel; reply not posted", community_id)
            return
        rendered = render(reply)
        channel = self.client.get_partial_messageable(int(channel_id))
        msg = await channel.send(**rendered.kwargs())
        if reply.card_key:
            await remember_card(self.engine, self.platform, reply.card_key, str(channel_id),
                                str(msg.id))

    # -- cards -----------------------------------------------------------------
    async def show_card(self, card_key: str, reply: Reply, *, board_chat_id: str | None) -> None:
        self._latest[card_key] = (reply, board_chat_id)
        lock = self._locks.setdefault(card_key, asyncio.Lock())
        async with lock:
            latest = self._latest.pop(card_key, None)
            if latest is None:
                return  # a call queued after ours already showed a newer version
            try:
                await self._show(card_key, *latest)
            except Exception as exc:  # noqa: BLE001 - mapped for the outbox
                self._latest.setdefault(card_key, latest)
                raise outbox_error(exc) from exc

    async def _show(self, card_key: str, reply: Reply, board_chat_id: str | None) -> None:
        refs = await card_refs(self.engine, self.platform, card_key)
        if not refs and not board_chat_id:
            return  # not shown anywhere on Discord
        gig_id = store.gig_id_of(card_key)
        status = None
        if gig_id is not None:
            status = await self.engine.view(lambda t: getattr(t.s.get(Gig, gig_id), "status", None))
        await self.ensure_ready()
        rendered = render(reply)
        on_board = False
        for ref in refs:
            on_board = on_board or ref.chat_id == board_chat_id
            try:
                await self._edit(ref.chat_id, ref.message_id, rendered)
            except discord.NotFound:
                if ref.chat_id == board_chat_id:  # someone deleted the board card: post it again
                    await self._post_card(card_key, board_chat_id, rendered, reply)
                else:
                    log.info("card %s in %s is gone", card_key, ref.chat_id)
            except discord.Forbidden as exc:
                log.warning("cannot edit card %s in channel %s: %s", card_key, ref.chat_id, exc.text)
        if board_chat_id and not on_board and status not in NOT_LISTED:
            await self._post_card(card_key, board_chat_id, rendered, reply)
        if status in CLOSED:
            await self._close_thread(card_key)

    async def _edit(self, chat_id: str, message_id: str, rendered: Rendered) -> None:
        digest = _digest(rendered)
        if self._shown.get((chat_id, message_id)) == digest:
            return
        message = self.client.get_partial_messageable(int(chat_id)).get_partial_message(
            int(message_id))
        await message.edit(**rendered.kwargs(edit=True))
        self._shown[(chat_id, message_id)] = digest

    async def _channel(self, chat_id: str) -> discord.abc.Messageable:
        """The channel object (cached, else fetched), so messages know their guild."""
        channel = self.client.get_channel(int(chat_id))
        if channel is None:
            try:
                channel = await self.client.fetch_channel(int(chat_id))
            except discord.HTTPException:
                channel = self.client.get_partial_messageable(int(chat_id))
        return channel

    async def _post_card(self, card_key: str, chat_id: str, rendered: Rendered,
                         reply: Reply) -> None:
        channel = await self._channel(chat_id)
        try:
            msg = await channel.send(**rendered.kwargs())
        except discord.Forbidden as exc:
            log.warning("cannot post card %s on board channel %s: %s", card_key, chat_id, exc.text)
            return
        self._shown[(chat_id, str(msg.id))] = _digest(rendered)
        await remember_card(self.engine, self.platform, card_key, chat_id, str(msg.id))
        await self._open_thread(card_key, msg, reply)

    # -- threads ---------------------------------------------------------------
    async def _open_thread(self, card_key: str, message: discord.Message, reply: Reply) -> None:
        if await store.thread_of_card(self.engine, card_key) is not None:
            return
        first, _ = split_first_line(reply.text.spans)
        name = clip(plain(first).strip() or card_key, 100)
        try:
            thread = await message.create_thread(name=name,
                                                 auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        except discord.HTTPException as exc:
            log.warning("no thread for card %s: %s", card_key, exc.text)
            return
        await store.remember_thread(self.engine, card_key, thread.id)
        try:
            await thread.send(translator("en")(THREAD_WELCOME), allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.info("thread %s: welcome not posted: %s", thread.id, exc.text)

    async def _thread(self, thread_id: int) -> discord.Thread | None:
        channel = self.client.get_channel(thread_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(thread_id)
            except discord.HTTPException:
                return None
        return channel if isinstance(channel, discord.Thread) else None

    async def _close_thread(self, card_key: str) -> None:
        thread_id = await store.thread_of_card(self.engine, card_key)
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
        thread_id = await store.thread_of_card(self.engine, card_key)
        thread = await self._thread(thread_id) if thread_id else None
        if thread is None or thread.archived:
            return
        try:
            await thread.add_user(discord.Object(user_id))
        except discord.HTTPException as exc:
            log.info("could not add %s to thread %s: %s", user_id, thread_id, exc.text)
