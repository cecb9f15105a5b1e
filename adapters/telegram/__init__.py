"""The Telegram adapter: renders the conversation layer's neutral replies with the
Bot API (HTML, inline keyboards, cards edited in place, documents by file_id) and
feeds Telegram updates (commands, button presses, form answers, files) into
``bot.service.Conversation``. ``service.TelegramService`` is the entry point that
``bot.runtime.runner`` starts; python-telegram-bot is only imported from here."""
