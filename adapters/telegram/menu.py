"""The command menu (``setMyCommands``), built from the command registry in every
catalogue language: the default list in English, one list per other language.
Private chats and groups list what everyone may use; chat administrators also
see the moderator commands (/board, /resolve, /ban)."""
from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeAllChatAdministrators, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.registry import REGISTRY
from bot.texts import LANGUAGES, translator

log = logging.getLogger(__name__)
DESCRIPTION_LIMIT = 256


def commands_for(language: str, *, moderators: bool) -> list[BotCommand]:
    _ = translator(language)
    out = []
    for spec in REGISTRY:
        if spec.moderator and not moderators:
            continue
        out.append(BotCommand(spec.name, _(spec.help)[:DESCRIPTION_LIMIT]))
    return out


async def publish_commands(bot: Bot) -> None:
    for language in LANGUAGES:
        code = None if language == "en" else language
        for scope, moderators in ((BotCommandScopeDefault(), False),
                                  (BotCommandScopeAllChatAdministrators(), True)):
            try:
                await bot.set_my_commands(commands_for(language, moderators=moderators),
                                          scope=scope, language_code=code)
            except TelegramError as exc:  # the menu is a convenience: never stop the bot
                log.warning("setMyCommands(%s, %s) failed: %s", scope.type, language, exc)
