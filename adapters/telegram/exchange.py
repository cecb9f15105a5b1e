"""Answering one Telegram update in place (``bot.delivery.platform.Exchange``):
a message into the chat it came from, as a reply to the command message in a
group and in its forum topic. Telegram has no ephemeral messages and no modals:
where replies go otherwise is decided by ``bot.delivery.routing``."""
from __future__ import annotations

from adapters.telegram.limits import INTERACTIVE
from adapters.telegram.platform import posted
from adapters.telegram.sender import Sender
from bot.conversation import Reply
from bot.delivery.platform import Origin, Posted


class TelegramExchange:
    ephemeral = False

    def __init__(self, sender: Sender, origin: Origin, *, chat_type: str,
                 user_id: int | None, message_id: int | None = None,
                 thread_id: int | None = None) -> None:
        self.sender = sender
        self.origin = origin
        self.chat_type = chat_type  # private | group | supergroup | channel
        self.user_id = user_id  # Telegram user id (None for a channel post)
        self.message_id = message_id  # the command message, to answer it in groups
        self.thread_id = thread_id  # forum topic

    @property
    def chat_id(self) -> int:
        return int(self.origin.chat.id)

    @property
    def private(self) -> bool:
        return self.origin.direct

    async def answer(self, reply: Reply, *, private: bool) -> list[Posted]:
        sent = await self.sender.send(
            self.chat_id, reply, policy=INTERACTIVE,
            reply_to=self.message_id if not self.origin.direct else None,
            thread_id=self.thread_id)
        return [posted(m) for m in sent]

    async def open_form(self, reply: Reply) -> None:
        await self.answer(reply, private=False)  # the form asks step by step in chat

    async def finish(self) -> None:
        return None
