"""python-telegram-bot handlers: Telegram updates in, conversation replies out.

- every registry command (``/post@bot`` too); the raw text after the command is
  passed on, so quoted ``key="a b"`` arguments survive; ``/start gig_42`` deep
  links reach /start's code argument; unknown commands get a hint (in groups
  only when addressed to this bot);
- ``/board`` in a group asks Telegram whether the sender is a chat admin
  (getChatMember) before vouching for them; a channel post or an anonymous
  admin speaking as the group is an admin by construction;
- button presses: each callback query is answered exactly once, refusals as an
  alert, a private outcome in a group as a toast (or with a deep link when
  the private chat is not open yet);
- text, documents and photos in private chats answer the open form (files
  become attachments ``{platform, file_ref, name, kind}``); with no form open
  the conversation layer answers with a hint. Group chatter is ignored. An album
  (several files sent at once) arrives as one message per file sharing a
  ``media_group_id``: its parts are gathered until none came for ``album_wait``
  seconds and answer as one message (one delivery, not one per file).

No exception reaches a chat: the conversation layer turns handler failures into
replies, delivery failures are logged, and the error handler logs the rest."""
from __future__ import annotations

import asyncio
import logging

from telegram import Chat, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from adapters.telegram import render
from adapters.telegram.exchange import TelegramExchange
from adapters.telegram.platform import TelegramPlatform
from adapters.telegram.sender import PLATFORM, Sender
from bot.conversation import Actor, Place, PlaceKind, Reply, Rich
from bot.delivery.platform import Chat as Where, Origin
from bot.delivery.routing import ReplyRouter
from bot.payloads import BadPayload, decode
from bot.service import Conversation
from bot.texts import translator
from core.api import UpdateTakenOver

log = logging.getLogger(__name__)

GIG_VERBS = {"claim", "apply", "details", "pay", "cancel"}
TEXT_FILE_MAX = 512 * 1024  # a text file (a queue's CSV) up to this size is fetched
ALBUM_WAIT = 1.0  # seconds without a further part after which an album is complete
ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
Ctx = ContextTypes.DEFAULT_TYPE


def split_command(message: Message) -> tuple[str, str]:
    """'/post@bot title="A b"' -> ('post', 'title="A b"')."""
    text = message.text or ""
    entity = message.entities[0] if message.entities else None
    end = entity.length if entity is not None and entity.offset == 0 else len(text.split()[0])
    name = text[1:end].split("@", 1)[0].lower()
    return name, text[end:].strip()


def attachments_of(message: Message) -> list[dict]:
    if message.document is not None:
        doc = message.document
        return [{"platform": PLATFORM, "file_ref": doc.file_id,
                 "name": doc.file_name or "file", "kind": "document"}]
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return [{"platform": PLATFORM, "file_ref": photo.file_id,
                 "name": f"photo_{photo.file_unique_id}.jpg", "kind": "photo"}]
    return []


def exchange(sender: Sender, chat: Chat, actor: Actor, place: Place, *, user_id: int | None,
             message_id: int | None, thread_id: int | None = None) -> TelegramExchange:
    direct = chat.type == Chat.PRIVATE
    origin = Origin(actor, place, Where(str(chat.id), str(thread_id) if thread_id else None),
                    direct=direct, speaker_id=str(user_id) if user_id is not None else None,
                    mention_url=f"tg://user?id={user_id}" if user_id is not None else None)
    return TelegramExchange(sender, origin, chat_type=chat.type, user_id=user_id,
                            message_id=message_id, thread_id=thread_id)


class Handlers:
    def __init__(self, conversation: Conversation, replies: ReplyRouter, *,
                 on_started=None, album_wait: float = ALBUM_WAIT) -> None:
        self.conv = conversation
        self.album_wait = album_wait
        self._albums: dict[tuple[int, str], list[Update]] = {}
        self._album_timers: dict[tuple[int, str], asyncio.Task] = {}
        self._album_tasks: set[asyncio.Task] = set()
        self.replies = replies  # where each reply goes (bot.delivery.routing)
        self.platform: TelegramPlatform = replies.platform
        self.sender: Sender = self.platform.sender
        self.on_started = on_started  # async (actor) -> None, after /start in a private chat
        self.handled = 0

    # -- who and where ---------------------------------------------------------
    async def origin(self, update: Update, *, admin: bool = False) -> TelegramExchange:
        chat: Chat = update.effective_chat
        user = update.effective_user
        message = update.effective_message
        thread = message.message_thread_id if message is not None and message.is_topic_message \
            else None
        if chat.type == Chat.PRIVATE:
            actor = await self.conv.actor(PLATFORM, str(user.id), user.full_name,
                                          username=user.username, locale=user.language_code)
            place = Place(PLATFORM, PlaceKind.dm, str(chat.id))
            return exchange(self.sender, chat, actor, place, user_id=user.id,
                            message_id=message.message_id if message else None)
        place = await self.conv.community_place(PLATFORM, str(chat.id), chat.title or str(chat.id),
                                                thread_id=str(thread) if thread else None)
        speaks_as_chat = update.callback_query is None and message is not None and (
            chat.type == Chat.CHANNEL or (message.sender_chat is not None
                                          and message.sender_chat.id == chat.id))
        if user is None or speaks_as_chat:
            # A channel post, or an anonymous admin writing as the group: an admin by
            # definition (only admins can), acting as the chat itself.
            actor = await self.conv.actor(PLATFORM, f"chat{chat.id}", chat.title or "admins",
                                          is_platform_admin=admin)
            return exchange(self.sender, chat, actor, place, user_id=None,
                            message_id=message.message_id if message else None, thread_id=thread)
        is_admin = admin and await self.is_chat_admin(update.get_bot(), chat.id, user.id)
        actor = await self.conv.actor(PLATFORM, str(user.id), user.full_name,
                                      username=user.username, locale=user.language_code,
                                      is_platform_admin=is_admin)
        return exchange(self.sender, chat, actor, place, user_id=user.id,
                        message_id=message.message_id if message else None, thread_id=thread)

    @staticmethod
    async def is_chat_admin(bot, chat_id: int, user_id: int) -> bool:
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:
            log.info("getChatMember(%s, %s) failed: %s", chat_id, user_id, exc)
            return False
        return member.status in ADMIN_STATUSES

    # -- commands ----------------------------------------------------------------
    async def on_command(self, update: Update, context: Ctx) -> None:
        message = update.effective_message
        name, args = split_command(message)
        ex = await self.origin(update, admin=(name == "board"))
        origin = ex.origin
        # isdecimal, not isdigit: '²' is a digit that int() refuses (the command answers it)
        if name == "gig" and args.split()[:1] and args.split()[0].lstrip("#").isdecimal():
            origin.gig_id = int(args.split()[0].lstrip("#"))
        elif name == "start" and args.startswith("gig_") and args[4:].isdecimal():
            origin.gig_id = int(args[4:])
        replies = await self.conv.command(origin.actor, origin.place, name, args)
        await self.replies.deliver(ex, replies, ack=True)
        self.handled += 1
        if name == "start" and origin.direct and self.on_started is not None:
            await self.on_started(origin.actor)

    async def on_unknown_command(self, update: Update, context: Ctx) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        token = message.text.split()[0]
        if update.effective_chat.type != Chat.PRIVATE:
            mention = token.partition("@")[2].lower()
            if mention != (context.bot.username or "").lower():
                return  # another bot's command, or chatter
        await self.on_command(update, context)

    # -- button presses -------------------------------------------------------------
    async def on_callback(self, update: Update, context: Ctx) -> None:
        query = update.callback_query
        answered = False

        async def answer(text: str | None = None, *, alert: bool = False, url: str | None = None):
            nonlocal answered
            if answered:
                return
            answered = True
            try:
                await query.answer(text=text or None, show_alert=alert, url=url)
            except TelegramError as exc:
                log.info("answerCallbackQuery failed: %s", exc)

        try:
            if query.message is None or update.effective_chat is None:
                await answer(translator(query.from_user.language_code)(
                    "This button is not valid any more."), alert=True)
                return
            ex = await self.origin(update)
            ex.message_id = None  # answer presses with new messages, not as replies
            origin = ex.origin
            origin.gig_id = self._gig_hint(query.data)
            replies = await self.conv.press(origin.actor, origin.place, query.data or "")
            alerts = [r for r in replies if r.alert]
            rest = [r for r in replies if not r.alert]
            answering = None
            if alerts:
                await answer(render.plain_line(alerts[0].text.spans), alert=True)
            elif origin.direct:  # the spinner stops while the replies go out
                answering = asyncio.ensure_future(answer())
            try:
                outcome = await self.replies.deliver(ex, rest)
            finally:
                if answering is not None:
                    await answering
            if outcome.dm_refused:
                await answer(url=self.platform.start_link(origin.gig_id))
            elif outcome.to_dm:
                await answer(render.first_line(outcome.to_dm[0].text.spans))
            self.handled += 1
        except Exception:  # noqa: BLE001 - the press is answered whatever happens
            log.exception("handling a button press failed")
            await answer(translator(query.from_user.language_code)(
                "Sorry, something went wrong on our side."), alert=True)
        finally:
            await answer()

    @staticmethod
    def _gig_hint(data: str | None) -> int | None:
        try:
            payload = decode(data or "")
        except BadPayload:
            return None
        return payload.entity_id if payload.verb in GIG_VERBS else None

    # -- private messages -----------------------------------------------------------
    async def on_private_message(self, update: Update, context: Ctx) -> None:
        message = update.effective_message
        if message.media_group_id:
            self._gather(update)
            return
        await self._answer_text(update, [message])

    async def _answer_text(self, update: Update, parts: list[Message]) -> None:
        """One message (or one album's parts) as one answer: the first text or caption
        and every file."""
        ex = await self.origin(update)
        ex.message_id = None
        text = next((m.text or m.caption for m in parts if m.text or m.caption), "")
        files = [f for m in parts for f in attachments_of(m)]
        for m in parts:
            await self._fetch_text_file(m, files)
        replies = await self.conv.text(ex.origin.actor, ex.origin.place, text, files or None)
        await self.replies.deliver(ex, replies)
        self.handled += 1

    async def _fetch_text_file(self, message: Message, files: list[dict]) -> None:
        """A small text file (a CSV of a queue's items) is fetched, so a form step
        that takes a file as its answer can read it (``content``, bytes; never stored)."""
        doc = message.document
        if doc is None or (doc.file_size or 0) > TEXT_FILE_MAX:
            return
        name, mime = (doc.file_name or "").lower(), (doc.mime_type or "").lower()
        if not (name.endswith((".csv", ".tsv", ".txt")) or mime.startswith("text/")):
            return
        try:
            data = await (await message.get_bot().get_file(doc.file_id)).download_as_bytearray()
        except TelegramError as exc:
            log.warning("could not fetch file %s: %s", doc.file_unique_id, exc)
            return
        for f in files:
            if f["file_ref"] == doc.file_id:
                f["content"] = bytes(data)

    def _gather(self, update: Update) -> None:
        """Keep an album part; answer the album once no part came for ``album_wait``.
        Not awaited here: the user's next update (the next part) must get in."""
        message = update.effective_message
        key = (message.chat_id, message.media_group_id)
        self._albums.setdefault(key, []).append(update)
        timer = self._album_timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        task = asyncio.create_task(self._album_done(key))
        self._album_timers[key] = task
        self._album_tasks.add(task)  # a strong reference until it is done
        task.add_done_callback(self._album_tasks.discard)

    async def _album_done(self, key: tuple[int, str]) -> None:
        await asyncio.sleep(self.album_wait)
        self._album_timers.pop(key, None)
        updates = self._albums.pop(key, [])
        if not updates:
            return
        try:
            await self._answer_text(updates[0], [u.effective_message for u in updates])
        except Exception:  # noqa: BLE001 - a background task: log, never lose the loop
            log.exception("answering an album failed")

    # -- the bot joins a group ----------------------------------------------------------
    async def on_my_chat_member(self, update: Update, context: Ctx) -> None:
        change = update.my_chat_member
        if change is None or change.chat.type == Chat.PRIVATE:
            return
        was = change.old_chat_member.status
        now = change.new_chat_member.status
        joined = was in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED) and now in (
            ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)
        if not joined or change.chat.type == Chat.CHANNEL:
            return
        _ = translator(change.from_user.language_code if change.from_user else None)
        text = Rich().bold(_("Hi! I'm a gig broker.")).line(_(
            "An admin of this chat can make it a gig board with /board; then anyone here can "
            "post a paid gig with /post, and new gigs appear as cards with a Claim button."))
        try:
            await self.sender.send(change.chat.id, Reply(text))
        except TelegramError as exc:
            log.info("could not greet chat %s: %s", change.chat.id, exc)

    # -- errors ---------------------------------------------------------------------
    async def on_error(self, update: object, context: Ctx) -> None:
        uid = update.update_id if isinstance(update, Update) else None
        if isinstance(context.error, UpdateTakenOver):
            log.info("telegram update %s: %s", uid, context.error)
            return
        log.error("telegram update %s failed: %r", uid, context.error, exc_info=context.error)
