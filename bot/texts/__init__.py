"""The text catalogue, gettext-style: message ids are the English texts; each
other language maps them to its translation. ``translator(locale)`` returns a
``_``-like function that falls back to English for anything untranslated."""
from __future__ import annotations

from typing import Callable

from bot.texts import es

CATALOGUES: dict[str, dict[str, str]] = {"en": {}, "es": es.MESSAGES}
LANGUAGES = tuple(CATALOGUES)


def pick_locale(platform_locale: str | None) -> str:
    """'es-MX' -> 'es'; anything we do not have -> 'en'."""
    lang = (platform_locale or "en").replace("_", "-").split("-")[0].lower()
    return lang if lang in CATALOGUES else "en"


def translator(locale: str | None) -> Callable[..., str]:
    catalogue = CATALOGUES[pick_locale(locale)]

    def _(msgid: str, **kwargs: object) -> str:
        text = catalogue.get(msgid, msgid)
        if kwargs:
            try:
                return text.format(**kwargs)
            except (KeyError, IndexError, ValueError):
                return msgid.format(**kwargs)
        return text

    return _


def N_(msgid: str) -> str:
    """Mark a message id for the catalogue without translating it yet."""
    return msgid
