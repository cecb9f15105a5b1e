"""The texts, gettext-style: message ids are the English texts; each other
language has a catalogue ``bot/texts/locale/<lang>/LC_MESSAGES/messages.po``
(Babel; compiled to ``.mo`` on first load when the ``.mo`` is missing or older,
see ``bot.texts.catalogues``). ``translator(locale)`` returns a ``_``-like
``Translator`` that falls back to English for anything untranslated:

- ``_("Deliver by {t}", t=...)``: one message, ``str.format`` placeholders;
- ``_.ngettext("{n} slot open", "{n} slots open", n)``: a message with plural
  forms by the language's rule (Russian has three); ``n`` is also the
  ``{n}`` placeholder unless given, written as the reader writes numbers;
- ``_.pgettext("Discord command name ...", "post")``: a message in a context
  (gettext's ``msgctxt``), for short ids that mean something else elsewhere;
  ``NC_(context, msgid)`` marks one for the catalogue.

Amounts, dates and times are formatted for the current reader
(``bot.texts.reader``, ``bot.texts.formats``)."""
from __future__ import annotations

import gettext
from typing import Mapping

from bot.texts.catalogues import LANGUAGES, catalogue, translations
from bot.texts.formats import number


def pick_locale(platform_locale: str | None) -> str:
    """'es-MX' -> 'es'; anything we do not have -> 'en'."""
    lang = (platform_locale or "en").replace("_", "-").split("-")[0].lower()
    return lang if lang in LANGUAGES else "en"


def _filled(text: str, fallback: str, kwargs: dict[str, object]) -> str:
    if not kwargs:
        return text
    try:
        return text.format(**kwargs)
    except (KeyError, IndexError, ValueError):
        return fallback.format(**kwargs)


class Translator:
    """``_`` for one language."""

    def __init__(self, locale: str, catalog: gettext.NullTranslations) -> None:
        self.locale = locale
        self._t = catalog

    def __call__(self, msgid: str, **kwargs: object) -> str:
        return _filled(self._t.gettext(msgid) if msgid else msgid, msgid, kwargs)

    def ngettext(self, singular: str, plural: str, count: int, /, **kwargs: object) -> str:
        """The form for ``count``; ``{n}`` is ``count`` unless given."""
        if "n" not in kwargs:
            kwargs["n"] = number(count)
        text = self._t.ngettext(singular, plural, count)
        return _filled(text, singular if count == 1 else plural, kwargs)

    def pgettext(self, context: str, msgid: str, /, **kwargs: object) -> str:
        """``msgid`` as meant in ``context`` (its ``msgctxt`` in the catalogue)."""
        return _filled(self._t.pgettext(context, msgid), msgid, kwargs)

    def __repr__(self) -> str:
        return f"Translator({self.locale!r})"


_TRANSLATORS: dict[str, Translator] = {}


def translator(locale: str | None) -> Translator:
    lang = pick_locale(locale)
    found = _TRANSLATORS.get(lang)
    if found is None:
        found = _TRANSLATORS[lang] = Translator(lang, translations(lang))
    return found


def language_name(lang: str) -> str:
    """A language's own name for itself: English, español, русский."""
    from babel import Locale
    try:
        return Locale.parse(lang).get_display_name(lang) or lang
    except (ValueError, LookupError):
        return lang


def N_(msgid: str) -> str:
    """Mark a message id for the catalogue without translating it yet."""
    return msgid


def NC_(context: str, msgid: str) -> str:
    """Mark a message id in a context (``Translator.pgettext``) for the catalogue."""
    return msgid


class _Catalogues(Mapping):
    """``CATALOGUES[lang]``: msgid -> translation (singular messages), read from the
    ``.po`` files on first use (tests and tools; the bot itself uses ``translator``)."""

    def __getitem__(self, lang: str) -> dict[str, str]:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        return catalogue(lang)

    def __iter__(self):
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


CATALOGUES = _Catalogues()
__all__ = ["CATALOGUES", "LANGUAGES", "NC_", "N_", "Translator", "language_name",
           "pick_locale", "translator"]
