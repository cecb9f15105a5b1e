"""Where each reply to a user's action goes, and sending it there.

- In a private chat, everything is answered in that chat.
- In a group, public replies answer the command message in the group; private
  ones go to the user's private chat (a channel post or an anonymous admin is
  the chat itself speaking, so it is answered in the chat). If Telegram refuses that because the
  user never started the bot, the group gets one short message mentioning them
  with a deep link (``https://t.me/<bot>?start=gig_<id>`` when a gig is
  concerned) so they can open the private chat and try again.
- ``Target.user`` goes to that user's Telegram private chat, ``Target.board``
  to the community's board (when it is a Telegram chat).
- A public card sent into a group is remembered, so it is edited in place when
  the gig changes."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from telegram import Message
from telegram.error import TelegramError

from adapters.telegram.sender import PLATFORM, Sender, not_started, unreachable
from bot.conversation import Actor, Button, Place, Reply, Rich, TargetKind
from bot.dispatch import remember_card
from bot.texts import translator
from core.api import Engine
from core.api import Community, Identity

log = logging.getLogger(__name__)


@dataclass
class Origin:
    """The Telegram side of an event: which chat, which message, who."""

    chat_id: int
    chat_type: str  # private | group | supergroup | channel
    actor: Actor
    place: Place
    user_id: int | None = None  # Telegram user id (None for a channel post)
    message_id: int | None = None  # the command message, to answer it in groups
    thread_id: int | None = None  # forum topic
    gig_id: int | None = None  # what a deep link should open

    @property
    def private(self) -> bool:
        return self.chat_type == "private"


@dataclass
class Outcome:
    sent: list[Message] = field(default_factory=list)
    to_dm: list[Reply] = field(default_factory=list)  # private replies that reached the DM
    dm_refused: bool = False  # the user has not started the bot
    failed: int = 0


def gig_of(replies: list[Reply], hint: int | None) -> int | None:
    for r in replies:
        if r.card_key and r.card_key.startswith("gig:") and r.card_key[4:].isdigit():
            return int(r.card_key[4:])
    return hint


class Router:
    def __init__(self, engine: Engine, sender: Sender, bot_username: str = "") -> None:
        self.engine = engine
        self.sender = sender
        self.bot_username = bot_username

    def deep_link(self, gig_id: int | None = None) -> str:
        base = f"https://t.me/{self.bot_username}"
        return f"{base}?start=gig_{gig_id}" if gig_id else base

    async def deliver(self, origin: Origin, replies: list[Reply], *, ack: bool = False) -> Outcome:
        out = Outcome()
        for reply in replies:
            try:
                await self._one(origin, reply, out)
            except TelegramError as exc:
                out.failed += 1
                log.warning("could not deliver a reply in chat %s: %s", origin.chat_id, exc)
        if not origin.private and origin.user_id is not None:
            if out.dm_refused:
                await self._ask_to_start(origin, gig_of(replies, origin.gig_id))
            elif ack and out.to_dm:
                _ = translator(origin.actor.locale)
                await self._safe_send(origin.chat_id, Reply(Rich().add("📬 ").add(_(
                    "{name}, I sent you a private message.", name=origin.actor.display_name))),
                    origin)
        return out

    async def _one(self, origin: Origin, reply: Reply, out: Outcome) -> None:
        target = reply.target
        if target.kind == TargetKind.board:
            chat = await self._board_chat(target.community_id)
            if chat is not None:
                await self._send_public(chat, reply, out, origin, thread=False)
            return
        if target.kind == TargetKind.user and target.user_id != origin.actor.user_id:
            chat = await self._user_chat(target.user_id)
            if chat is not None:
                try:
                    out.sent += await self.sender.send(chat, reply, single=False)
                except TelegramError as exc:
                    if not (not_started(exc) or unreachable(exc)):
                        raise
                    log.info("user %s cannot be messaged on Telegram: %s", target.user_id, exc)
            return
        to_dm = target.kind == TargetKind.user or reply.private
        # A channel post (or an anonymous admin) is the chat itself speaking: answer there.
        if origin.private or not to_dm or origin.user_id is None:
            await self._send_public(origin.chat_id, reply, out, origin)
            return
        if out.dm_refused:
            return
        try:
            out.sent += await self.sender.send(origin.user_id, reply, single=False)
            out.to_dm.append(reply)
        except TelegramError as exc:
            if not (not_started(exc) or unreachable(exc)):
                raise
            out.dm_refused = True

    async def _send_public(self, chat_id: int, reply: Reply, out: Outcome, origin: Origin,
                           *, thread: bool = True) -> None:
        same = chat_id == origin.chat_id
        sent = await self.sender.send(
            chat_id, reply, reply_to=origin.message_id if same and not origin.private else None,
            thread_id=origin.thread_id if same and thread else None)
        out.sent += sent
        if reply.card_key and sent and int(chat_id) < 0:
            await remember_card(self.engine, PLATFORM, reply.card_key, str(chat_id),
                                str(sent[0].message_id))

    async def _ask_to_start(self, origin: Origin, gig_id: int | None) -> None:
        _ = translator(origin.actor.locale)
        text = Rich().link(origin.actor.display_name, f"tg://user?id={origin.user_id}")
        text.add(", ").add(_("I can only answer you in a private chat. Tap the button, press "
                             "Start, then try again there."))
        button = Button(_("Open a private chat"), url=self.deep_link(gig_id))
        reply = Reply(text, buttons=[[button]])
        await self._safe_send(origin.chat_id, reply, origin)

    async def _safe_send(self, chat_id: int, reply: Reply, origin: Origin) -> None:
        try:
            await self.sender.send(chat_id, reply, reply_to=origin.message_id,
                                   thread_id=origin.thread_id)
        except TelegramError as exc:
            log.warning("could not post in chat %s: %s", chat_id, exc)

    async def _user_chat(self, user_id: int | None) -> int | None:
        if user_id is None:
            return None
        puid = await self.engine.view(lambda t: t.s.scalar(select(Identity.platform_user_id).where(
            Identity.user_id == user_id, Identity.platform == PLATFORM).limit(1)))
        return int(puid) if puid else None

    async def _board_chat(self, community_id: int | None) -> int | None:
        if community_id is None:
            return None
        community = await self.engine.view(lambda t: t.s.get(Community, community_id))
        if community is None or community.platform != PLATFORM or not community.board_channel_id:
            return None
        return int(community.board_channel_id)
