"""Sending and editing rendered replies: the only code that calls the Bot API's
send and edit methods (all of them then pass through ``limits.Pacer``).

A reply becomes one or more HTML messages (the keyboard on the last one), then
its Telegram attachments, relayed by ``file_id`` as documents or photos; files
from another platform are only named in the text. A card (``single=True``) is
always one message so it can be edited in place. ``skip`` resumes a reply that
was partly sent before a failure, so a retried notification does not repeat
the parts the user already has. Errors are classified here for the callers
(user never started the bot, blocked it, message gone, not modified)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot, InputFile, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from adapters.telegram import render
from adapters.telegram.keyboards import keyboard
from adapters.telegram.limits import INTERACTIVE, SendPolicy
from bot.conversation import Reply

log = logging.getLogger(__name__)
PLATFORM = "telegram"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def not_started(exc: BaseException) -> bool:
    """403: the user never pressed Start (a bot cannot open a private chat)."""
    return isinstance(exc, Forbidden) and "initiate conversation" in str(exc).lower()


def unreachable(exc: BaseException) -> bool:
    """403 for good: blocked by the user, deactivated, kicked from the chat."""
    return isinstance(exc, Forbidden) and not not_started(exc)


def not_modified(exc: BaseException) -> bool:
    return isinstance(exc, BadRequest) and "not modified" in str(exc).lower()


def message_gone(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, BadRequest) and any(s in text for s in (
        "message to edit not found", "message can't be edited", "chat not found",
        "message_id_invalid"))


def _parse_error(exc: BaseException) -> bool:
    return isinstance(exc, BadRequest) and "parse entities" in str(exc).lower()


@dataclass
class Rendered:
    bodies: list[str]  # HTML, one per message
    markup: object | None  # InlineKeyboardMarkup for the last message
    plain: list[str]  # the same texts unformatted (if Telegram ever refuses our HTML)

    @property
    def parts(self) -> int:
        return len(self.bodies)


def render_reply(reply: Reply, *, single: bool = False) -> Rendered:
    markup, extra = keyboard(reply.buttons)
    parts = render.chunks(list(reply.text.spans) + extra, single=single)
    return Rendered([render.to_html(p) for p in parts], markup,
                    [render.defang("".join(s.text for s in p)) for p in parts])


def telegram_files(reply: Reply) -> list:
    """Files Telegram can take: its own file_ids, and files we made (receipts) as bytes."""
    return [a for a in reply.attachments
            if a.data is not None or (a.platform == PLATFORM and a.file_ref)]


class Sender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.bot_username = ""  # learnt at start (getMe); deep links need it

    def parts(self, reply: Reply, *, single: bool = False) -> int:
        """How many API sends ``reply`` takes (messages + attachments)."""
        return render_reply(reply, single=single).parts + len(telegram_files(reply))

    async def send(self, chat_id: int | str, reply: Reply, *, single: bool | None = None,
                   policy: SendPolicy = INTERACTIVE, skip: int = 0,
                   reply_to: int | None = None, thread_id: int | None = None,
                   on_part=None) -> list[Message]:
        """Send every part of ``reply`` to ``chat_id``; returns the messages sent."""
        single = bool(reply.card_key) if single is None else single
        rendered = render_reply(reply, single=single)
        sent: list[Message] = []
        index = 0
        for i, body in enumerate(rendered.bodies):
            if index >= skip:
                last = i == rendered.parts - 1
                sent.append(await self._text(chat_id, body, rendered.plain[i],
                                             rendered.markup if last else None, policy,
                                             reply_to if i == 0 else None, thread_id))
                if on_part:
                    on_part(index + 1)
            index += 1
        for att in telegram_files(reply):
            if index >= skip:
                sent.append(await self.send_file(chat_id, att, policy=policy,
                                                 thread_id=thread_id))
                if on_part:
                    on_part(index + 1)
            index += 1
        return sent

    async def _text(self, chat_id, body: str, plain: str, markup, policy: SendPolicy,
                    reply_to: int | None, thread_id: int | None) -> Message:
        kwargs = {"reply_markup": markup, "link_preview_options": NO_PREVIEW,
                  "rate_limit_args": policy, "message_thread_id": thread_id}
        if reply_to is not None:
            kwargs["reply_parameters"] = ReplyParameters(reply_to,
                                                         allow_sending_without_reply=True)
        try:
            return await self.bot.send_message(chat_id, body, parse_mode=ParseMode.HTML, **kwargs)
        except BadRequest as exc:
            if not _parse_error(exc):
                raise
            log.error("Telegram refused our HTML (%s); sending plain text instead", exc)
            return await self.bot.send_message(chat_id, plain[:render.TEXT_LIMIT], **kwargs)

    async def send_file(self, chat_id, att, *, policy: SendPolicy = INTERACTIVE,
                        thread_id: int | None = None) -> Message:
        caption = (att.name or "")[:render.CAPTION_LIMIT] or None
        send = self.bot.send_photo if att.kind == "photo" else self.bot.send_document
        payload = InputFile(att.data, filename=att.name or "file") if att.data is not None \
            else att.file_ref
        return await send(chat_id, payload, caption=caption, message_thread_id=thread_id,
                          rate_limit_args=policy)

    async def edit(self, chat_id: int | str, message_id: int | str, reply: Reply, *,
                   policy: SendPolicy = INTERACTIVE) -> bool:
        """Edit a card in place. True: it shows ``reply`` now (or already did);
        False: the message is gone (deleted, chat left) and should be forgotten."""
        rendered = render_reply(reply, single=True)
        try:
            await self.bot.edit_message_text(rendered.bodies[0], chat_id=chat_id,
                                             message_id=int(message_id),
                                             parse_mode=ParseMode.HTML,
                                             reply_markup=rendered.markup,
                                             link_preview_options=NO_PREVIEW,
                                             rate_limit_args=policy)
        except TelegramError as exc:
            if not_modified(exc):
                return True
            if message_gone(exc) or unreachable(exc):
                log.info("card message %s in chat %s is gone: %s", message_id, chat_id, exc)
                return False
            raise
        return True
