"""What every kind of inbound Discord event shares: who acts and where, the
once-only claim of an interaction, the links of a delivery text, answering it within Discord's acknowledgement
budget, and a friendly reply with a reference id when something fails.

- Who: the Discord user as a core user; Manage Server (from the interaction's
  permissions) is reported as platform admin. Where: a DM, or the guild as a
  community (the board channel, or another channel / a thread of it); the
  member's roles go with it so core knows members and moderators.
- Every interaction is handled once: the modal and the fallback for leftovers
  (``intake.InteractionIntake.on_interaction``) race for it through
  ``InteractionAnswerer.take``, and across processes (two receiving the
  same event) through ``claimed``: the first to store its id in the database acts.
- ``answer`` runs the conversation for one interaction and hands its replies to
  ``respond.Responder`` (deferring first when the conversation is slow)."""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections import deque
from typing import Any, Awaitable, Callable

import discord

from bot.conversation import Actor, Place, PlaceKind, Reply
from bot.service import Conversation
from bot.texts import N_, translator
from core.api import Engine

from adapters.discord import store
from adapters.discord.adapter import DiscordAdapter
from adapters.discord.respond import Responder

log = logging.getLogger(__name__)

PLATFORM = store.PLATFORM
THREAD_TYPES = (discord.ChannelType.public_thread, discord.ChannelType.private_thread,
                discord.ChannelType.news_thread)
SORRY = N_("Sorry, something went wrong on our side. Reference: {ref}")
TAKEN_MEMORY = 10_000
LINK_PREFIXES = ("http://", "https://")
Work = Callable[[Actor, Place], Awaitable[list[Reply]]]


def links_in(text: str | None) -> str:
    """The links of a delivery's text, one a line (files come with a slash command
    option or a message, the note and its links with them)."""
    return "\n".join(w for w in (text or "").split() if w.lower().startswith(LINK_PREFIXES))


class InteractionAnswerer:
    def __init__(self, engine: Engine, conversation: Conversation, out: DiscordAdapter, *,
                 ack_budget: float = 2.0, quick_budget: float = 0.5, busy: int = 16) -> None:
        """``ack_budget``: how long the conversation may take before the interaction is
        deferred when its answer may be a modal (which must be the first response);
        ``quick_budget``: the same for presses that never open one; with ``busy`` or
        more interactions in progress those are deferred at once."""
        self.engine = engine
        self.conv = conversation
        self.out = out
        self.ack_budget = ack_budget
        self.quick_budget = quick_budget
        self.busy = busy
        self.in_progress = 0
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._taken: set[int] = set()
        self._taken_order: deque[int] = deque()

    # -- each interaction once -----------------------------------------------------
    def take(self, interaction: discord.Interaction) -> bool:
        """True for the first handler of this interaction, False for any later one."""
        if interaction.id in self._taken:
            return False
        self._taken.add(interaction.id)
        self._taken_order.append(interaction.id)
        if len(self._taken_order) > TAKEN_MEMORY:
            self._taken.discard(self._taken_order.popleft())
        return True

    def is_taken(self, interaction: discord.Interaction) -> bool:
        return interaction.id in self._taken

    async def claimed(self, kind: str, event_id: int) -> bool:
        """True when this process is the first to claim the event in the database (no
        other process acts on it). Should the database not answer, the event is acted
        on here: nothing else could act on it either. A SQLite file serves one process,
        whose in-memory ``take`` is enough."""
        if not self.engine.shared_database:
            return True
        try:
            return await self.engine.claim_event(PLATFORM, f"{kind}:{event_id}", self.owner)
        except Exception:  # noqa: BLE001 - see above
            log.warning("could not claim discord %s %s; handling it here", kind, event_id,
                        exc_info=True)
            return True

    # -- who and where -------------------------------------------------------------
    async def actor_of(self, user: discord.abc.User, *, locale: str | None = None,
                       admin: bool = False) -> Actor:
        # discord.py dates the account from its snowflake id (new-account posting limits)
        return await self.conv.actor(PLATFORM, str(user.id), user.display_name,
                                     username=user.name, locale=locale, is_platform_admin=admin,
                                     account_created_at=user.created_at)

    async def place_of(self, channel: Any, guild_id: int | None, guild_name: str | None,
                       actor: Actor, user: Any) -> Place:
        if guild_id is None:
            return Place(PLATFORM, PlaceKind.dm, str(getattr(channel, "id", None)))
        chat_id, thread_id = self.chat_of(channel)
        roles = tuple(str(r.id) for r in getattr(user, "roles", ()) or ())
        return await self.conv.community_place(
            PLATFORM, str(chat_id), guild_name or str(guild_id), thread_id=thread_id,
            community_platform_id=str(guild_id), member=actor, member_role_ids=roles)

    async def who_where(self, interaction: discord.Interaction,
                        channel: Any = None) -> tuple[Actor, Place]:
        admin = bool(interaction.guild_id) and interaction.permissions.manage_guild
        user, guild_id = interaction.user, interaction.guild_id
        channel = channel or interaction.channel
        if guild_id is None:
            actor = await self.actor_of(user, locale=str(interaction.locale), admin=admin)
            return actor, await self.place_of(channel, None, None, actor, user)
        chat_id, thread_id = self.chat_of(channel)
        guild = interaction.guild
        return await self.conv.member_in(
            PLATFORM, str(user.id), user.display_name, chat_id=chat_id, thread_id=thread_id,
            community_platform_id=str(guild_id), community_name=guild.name if guild else
            str(guild_id), username=user.name, locale=str(interaction.locale),
            is_platform_admin=admin, account_created_at=user.created_at,
            member_role_ids=tuple(str(r.id) for r in getattr(user, "roles", ()) or ()))

    @staticmethod
    def chat_of(channel: Any) -> tuple[str, str | None]:
        """(the chat, the thread) of a channel: a gig's thread is its board's."""
        channel_id = getattr(channel, "id", None)
        if getattr(channel, "type", None) in THREAD_TYPES and getattr(channel, "parent_id", None):
            return str(channel.parent_id), str(channel_id)
        return str(channel_id), None

    # -- the common path of every interaction --------------------------------------
    async def answer(self, interaction: discord.Interaction, work: Work, *,
                     started: float | None = None, channel: Any = None,
                     may_open_form: bool = True) -> list[Reply]:
        """Claim ``interaction``, resolve who and where, run ``work`` and deliver its
        replies; the replies, or ``[]`` when another handler had it or it failed."""
        if not self.take(interaction) or not await self.claimed("interaction", interaction.id):
            return []
        loop = asyncio.get_running_loop()
        budget = self.ack_budget
        if not may_open_form:
            budget = 0.0 if self.in_progress >= self.busy else min(self.quick_budget, budget)
        responder = Responder(self, interaction, started if started is not None else loop.time(),
                              budget)

        async def resolve_and_work():
            responder.actor, responder.place = await self.who_where(interaction, channel)
            return await work(responder.actor, responder.place)
        self.in_progress += 1
        try:
            replies = await responder.within_budget(resolve_and_work())
            await responder.deliver(replies)
            return replies
        except Exception as exc:  # noqa: BLE001 - the user gets a reference, we get the trace
            await self.report_failure(interaction, exc)
            return []
        finally:
            self.in_progress -= 1

    async def report_failure(self, interaction: discord.Interaction, error: Exception) -> None:
        """Log the trace under a short reference and tell the user that reference."""
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
