"""Telegram as a ``bot.delivery.platform.Platform``: sending, editing, deleting
and uploading through ``Sender``, with Telegram's refusals turned into the
delivery layer's typed outcomes:

- 429 beyond what the pacer may wait -> ``TryLater(retry_after)``;
- the user never pressed Start -> ``RecipientNotStarted`` (held; /start
  releases it, see ``service``);
- blocked / deactivated / kicked, unknown chat, no right to post ->
  ``RecipientUnreachable``;
- a card message deleted or its chat left -> ``MessageGone``;
- anything else is raised as it is (the outbox retries with backoff).

Two instances share one ``Sender``: the notifier (``BULK`` policy: it may wait
long on a 429 before handing back to the outbox) and the interactive one that
answers people now (``INTERACTIVE``)."""
from __future__ import annotations

import logging

from telegram import Message
from telegram.error import BadRequest, RetryAfter, TelegramError

from adapters.telegram.limits import BULK, SendPolicy, retry_seconds
from adapters.telegram.sender import PLATFORM, Sender, message_gone, not_started, unreachable
from bot.conversation import Attachment, Reply
from bot.delivery.platform import (
    Capabilities, Chat, MessageGone, Posted, Progress, RecipientNotStarted,
    RecipientUnreachable, TryLater,
)

log = logging.getLogger(__name__)

CAPABILITIES = Capabilities(modals=False, ephemeral=False, threads=False, dm_needs_start=True,
                            cards_in_direct_chats=False, max_buttons_per_row=8,
                            max_button_rows=100, max_message_length=4096,
                            max_upload_bytes=50 * 1024 * 1024)
NO_RIGHTS = ("chat not found", "not enough rights", "have no rights", "chat_write_forbidden",
             "need administrator rights")


def posted(message: Message) -> Posted:
    return Posted(str(message.chat_id), str(message.message_id))


def outcome(exc: TelegramError) -> BaseException:
    """The delivery layer's outcome for a Telegram refusal (or ``exc`` itself)."""
    if isinstance(exc, RetryAfter):
        seconds = retry_seconds(exc)
        return TryLater(seconds + 0.5, f"telegram flood control: retry after {seconds}s")
    if not_started(exc):
        return RecipientNotStarted(str(exc))
    if unreachable(exc) or (isinstance(exc, BadRequest)
                            and any(s in str(exc).lower() for s in NO_RIGHTS)):
        return RecipientUnreachable(str(exc))
    return exc


class TelegramPlatform:
    name = PLATFORM
    capabilities = CAPABILITIES

    def __init__(self, sender: Sender, *, policy: SendPolicy = BULK) -> None:
        self.sender = sender
        self.policy = policy  # how long a send may wait on a 429 before giving up

    async def send(self, chat: Chat, reply: Reply, *,
                   progress: Progress | None = None) -> list[Posted]:
        return await self._send(chat.id, reply, None, progress,
                                thread_id=int(chat.thread_id) if chat.thread_id else None)

    async def send_direct(self, user_id: str, reply: Reply, *,
                          progress: Progress | None = None) -> list[Posted]:
        if not str(user_id).isdigit():  # a chat acting as itself (channel, anonymous admin)
            raise RecipientUnreachable(f"{user_id} has no private chat")
        return await self._send(user_id, reply, False, progress)

    async def _send(self, chat_id: str, reply: Reply, single: bool | None,
                    progress: Progress | None, *, thread_id: int | None = None) -> list[Posted]:
        try:
            sent = await self.sender.send(
                int(chat_id), reply, single=single, policy=self.policy, thread_id=thread_id,
                skip=progress.done if progress else 0,
                on_part=(lambda _n: progress.part_sent()) if progress else None)
        except TelegramError as exc:
            mapped = outcome(exc)
            if mapped is exc:
                raise
            raise mapped from None
        return [posted(m) for m in sent]

    async def edit(self, message: Posted, reply: Reply) -> None:
        try:
            shown = await self.sender.edit(message.chat_id, message.message_id, reply,
                                           policy=self.policy)
        except RetryAfter as exc:
            raise outcome(exc) from None
        if not shown:
            raise MessageGone(f"message {message.message_id} in chat {message.chat_id}")

    async def delete(self, message: Posted) -> None:
        try:
            await self.sender.bot.delete_message(int(message.chat_id), int(message.message_id),
                                                 rate_limit_args=self.policy)
        except TelegramError as exc:
            if message_gone(exc) or "not found" in str(exc).lower():
                raise MessageGone(str(exc)) from None
            mapped = outcome(exc)
            if mapped is exc:
                raise
            raise mapped from None

    async def upload(self, chat: Chat, attachment: Attachment) -> Posted:
        try:
            sent = await self.sender.send_file(int(chat.id), attachment, policy=self.policy,
                                               thread_id=int(chat.thread_id) if chat.thread_id
                                               else None)
        except TelegramError as exc:
            mapped = outcome(exc)
            if mapped is exc:
                raise
            raise mapped from None
        return posted(sent)

    def start_link(self, gig_id: int | None = None) -> str | None:
        base = f"https://t.me/{self.sender.bot_username}"
        return f"{base}?start=gig_{gig_id}" if gig_id else base

    async def card_posted(self, card_key: str, message: Posted, reply: Reply) -> None:
        return None  # no threads on Telegram

    async def card_closed(self, card_key: str) -> None:
        return None
