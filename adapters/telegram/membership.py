"""Who belongs to a Telegram group or channel, as Telegram shows it. Members-only
boards rely on the membership the engine records; Telegram has no member list a
bot can read, so it is learned from what the bot sees:

- a message or command a person writes in a group (only members can write);
- join and leave reports: ``chat_member`` updates (sent to a bot that is an admin,
  when asked for in ``allowed_updates``) and the ``new_chat_members`` /
  ``left_chat_member`` service messages;
- a button press on a members-only board by someone not known yet (a channel's
  subscribers never write): one ``getChatMember`` call settles it.

Leaving ends the membership (a ban stays). The handlers run in their own handler
group before the conversation's, so a member's first command or press in a group
already finds them recorded; they never answer anything themselves."""
from __future__ import annotations

import logging

from telegram import Chat, ChatMember, Update, User
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from adapters.telegram.sender import PLATFORM
from bot.service import Conversation

log = logging.getLogger(__name__)

GROUP = -10  # PTB handler group: before the conversation's handlers (group 0)
PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
ADMINS = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
Ctx = ContextTypes.DEFAULT_TYPE


def is_present(member: ChatMember) -> bool:
    """In the chat: a member, an admin, or restricted but still a member."""
    return member.status in PRESENT or (member.status == ChatMemberStatus.RESTRICTED
                                         and bool(getattr(member, "is_member", False)))


class Membership:
    def __init__(self, conversation: Conversation) -> None:
        self.conv = conversation

    def register(self, application: Application) -> None:
        application.add_handler(TypeHandler(Update, self.on_update), group=GROUP)

    async def on_update(self, update: Update, context: Ctx) -> None:
        chat = update.effective_chat
        if chat is None or chat.type == Chat.PRIVATE:
            return
        try:
            if update.chat_member is not None:
                change = update.chat_member
                member = change.new_chat_member
                await self.record(chat, member.user, is_present(member),
                                  admin=member.status in ADMINS)
            elif update.callback_query is not None:
                await self.check_presser(chat, update.callback_query.from_user, context)
            elif update.message is not None:
                await self.seen_in_message(chat, update)
        except Exception:  # noqa: BLE001 - never stop the conversation's own handling
            log.exception("recording membership in chat %s failed", chat.id)

    async def seen_in_message(self, chat: Chat, update: Update) -> None:
        message = update.message
        for joined in message.new_chat_members or ():
            await self.record(chat, joined, True)
        if message.left_chat_member is not None:
            await self.record(chat, message.left_chat_member, False)
        author = message.from_user
        speaks_as_chat = message.sender_chat is not None  # anonymous admin or a channel
        if author is not None and not speaks_as_chat and message.left_chat_member is None:
            await self.record(chat, author, True)

    async def check_presser(self, chat: Chat, user: User, context: Ctx) -> None:
        """A press on a members-only board by someone the board does not know: ask
        Telegram whether they are in the chat."""
        actor = await self._actor(user)
        visibility, role = await self.conv.engine.member_standing(PLATFORM, str(chat.id),
                                                                  actor.user_id)
        if visibility != "members" or role is not None:
            return
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
        except TelegramError as exc:
            log.info("getChatMember(%s, %s) failed: %s", chat.id, user.id, exc)
            return
        if is_present(member):
            await self.record(chat, user, True, admin=member.status in ADMINS)

    async def record(self, chat: Chat, user: User, present: bool, *,
                     admin: bool = False) -> None:
        if user.is_bot:
            return
        actor = await self._actor(user, admin=admin)
        if present:
            await self.conv.community_place(PLATFORM, str(chat.id), chat.title or str(chat.id),
                                            member=actor)
        else:
            await self.conv.engine.leave_community(PLATFORM, str(chat.id), actor.user_id)

    async def _actor(self, user: User, *, admin: bool = False):
        return await self.conv.actor(PLATFORM, str(user.id), user.full_name,
                                     username=user.username, locale=user.language_code,
                                     is_platform_admin=admin)


def register(application: Application, conversation: Conversation) -> None:
    """Add the membership handlers to a PTB application (one line in the service)."""
    Membership(conversation).register(application)
