"""The names of gigbroker's Discord commands, subcommands, options and choices in each
catalogue language: Discord's ``name_localizations``, so a member whose client is in
Spanish sees ``/trabajo publicar título:...`` and one in Russian ``/заказ разместить
название:...``. The canonical English name stays the command's name (what Discord sends
back in every interaction, and what bot texts and typing in any client use).

The names are catalogue messages with a context (``msgctxt``), listed below so
``pybabel extract`` finds them and translators see what they are. Discord refuses the
whole command sync when one localised name breaks its rules, so each is checked here
first and left out (English shows instead, with a warning in the log) when it:

- is not 1-32 characters of letters, digits, ``-`` or ``_`` (and Devanagari or Thai
  marks): ``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``;
- is not lowercase (a character that has a lowercase form must be in it);
- repeats, in that language, the name of a sibling (another subcommand of the same
  command, another option of the same subcommand), localised or canonical.

Choice names (what a fixed choice is called in the picker) only need 1-100 characters.
A name without a translation, or translated as itself, gets no localisation."""
from __future__ import annotations

import logging
import unicodedata
from collections import Counter
from functools import lru_cache

from bot.texts import NC_, translator

log = logging.getLogger(__name__)

COMMAND = "Discord command name: lowercase, no spaces (join words with -), at most 32 letters"
OPTION = "Discord option name: lowercase, no spaces (join words with -), at most 32 letters"
CHOICE = "Discord option choice: at most 100 characters"
NAME_LIMIT = 32
CHOICE_LIMIT = 100

COMMAND_NAMES = (
    NC_(COMMAND, "gig"), NC_(COMMAND, "me"), NC_(COMMAND, "mod"),
    NC_(COMMAND, "start"), NC_(COMMAND, "help"), NC_(COMMAND, "cancel"), NC_(COMMAND, "rates"),
    NC_(COMMAND, "post"), NC_(COMMAND, "show"), NC_(COMMAND, "gigs"), NC_(COMMAND, "deliver"),
    NC_(COMMAND, "dispute"), NC_(COMMAND, "rate"), NC_(COMMAND, "edit"),
    NC_(COMMAND, "addslots"), NC_(COMMAND, "tip"), NC_(COMMAND, "extend"),
    NC_(COMMAND, "repost"), NC_(COMMAND, "respond"), NC_(COMMAND, "profile"),
    NC_(COMMAND, "settings"), NC_(COMMAND, "link"), NC_(COMMAND, "mygigs"),
    NC_(COMMAND, "export"), NC_(COMMAND, "wallet"), NC_(COMMAND, "payout"),
    NC_(COMMAND, "receipt"), NC_(COMMAND, "statement"), NC_(COMMAND, "board"),
    NC_(COMMAND, "ban"), NC_(COMMAND, "resolve"), NC_(COMMAND, "stats"), NC_(COMMAND, "badge"),
    NC_(COMMAND, "revoke"),
)
OPTION_NAMES = (
    NC_(OPTION, "amount"), NC_(OPTION, "answer_hours"), NC_(OPTION, "bio"), NC_(OPTION, "by"),
    NC_(OPTION, "channel"), NC_(OPTION, "claim"), NC_(OPTION, "code"), NC_(OPTION, "command"),
    NC_(OPTION, "comment"), NC_(OPTION, "count"), NC_(OPTION, "currency"),
    NC_(OPTION, "decide_hours"), NC_(OPTION, "deliver_in"), NC_(OPTION, "description"),
    NC_(OPTION, "dispute_rule"), NC_(OPTION, "every"), NC_(OPTION, "fee_bps"),
    NC_(OPTION, "file"), NC_(OPTION, "gig"), NC_(OPTION, "hours"), NC_(OPTION, "id"),
    NC_(OPTION, "items"), NC_(OPTION, "items_file"), NC_(OPTION, "language"),
    NC_(OPTION, "locale"), NC_(OPTION, "max_claims"), NC_(OPTION, "min_reward"),
    NC_(OPTION, "mode"), NC_(OPTION, "moderator_role"), NC_(OPTION, "month"),
    NC_(OPTION, "more"), NC_(OPTION, "note"), NC_(OPTION, "notify"), NC_(OPTION, "number"),
    NC_(OPTION, "page"), NC_(OPTION, "portfolio"), NC_(OPTION, "qualifies"),
    NC_(OPTION, "reason"), NC_(OPTION, "repeat"), NC_(OPTION, "requires"),
    NC_(OPTION, "reward"), NC_(OPTION, "role"), NC_(OPTION, "share"), NC_(OPTION, "skill"),
    NC_(OPTION, "skills"), NC_(OPTION, "slots"), NC_(OPTION, "stars"), NC_(OPTION, "text"),
    NC_(OPTION, "theme"), NC_(OPTION, "timezone"), NC_(OPTION, "title"), NC_(OPTION, "user"),
    NC_(OPTION, "visibility"), NC_(OPTION, "weekly"), NC_(OPTION, "what"),
)
CHOICE_NAMES = (
    NC_(CHOICE, "claim"), NC_(CHOICE, "apply"), NC_(CHOICE, "yes"), NC_(CHOICE, "no"),
    NC_(CHOICE, "on"), NC_(CHOICE, "off"), NC_(CHOICE, "public"), NC_(CHOICE, "members"),
    NC_(CHOICE, "half"), NC_(CHOICE, "freelancer"), NC_(CHOICE, "client"),
    NC_(CHOICE, "light"), NC_(CHOICE, "dark"), NC_(CHOICE, "mine"), NC_(CHOICE, "board"),
)
KNOWN = {COMMAND: frozenset(COMMAND_NAMES), OPTION: frozenset(OPTION_NAMES),
         CHOICE: frozenset(CHOICE_NAMES)}

# Discord's \p{sc=Deva} and \p{sc=Thai}: their combining marks are not letters (\p{L})
_SCRIPTS = ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x11B00, 0x11B5F), (0x0E00, 0x0E7F))


def _allowed(ch: str) -> bool:
    if ch in "-_" or unicodedata.category(ch)[0] in "LN":
        return True
    return any(lo <= ord(ch) <= hi for lo, hi in _SCRIPTS)


def name_problem(name: str) -> str | None:
    """Why Discord would refuse ``name`` as a command or option name ("is not lowercase");
    None if it takes it."""
    if not 1 <= len(name) <= NAME_LIMIT:
        return f"is not 1-{NAME_LIMIT} characters"
    bad = [ch for ch in name if not _allowed(ch)]
    if bad:
        return f"has {''.join(bad)!r} (only letters, digits, - and _)"
    if name != name.lower():
        return "is not lowercase"
    return None


@lru_cache(maxsize=None)
def localized_siblings(lang: str, context: str, siblings: tuple[str, ...]
                       ) -> dict[str, str | None]:
    """The names of ``siblings`` (the subcommands of one command, the options of one
    subcommand, in ``context``) in ``lang``: each its localisation, or None where it has
    none that Discord would take (a problem is logged once)."""
    _ = translator(lang)
    out: dict[str, str | None] = {}
    for name in siblings:
        text = _.pgettext(context, name) if name in KNOWN[context] else name
        problem = name_problem(text) if text != name else None
        if problem:
            log.warning("%s %r in %s: %r %s; shown in English", context.split(":")[0],
                        name, lang, text, problem)
        out[name] = None if problem or text == name else text
    taken = Counter(v for v in out.values() if v) + Counter(siblings)
    for name, text in out.items():
        if text and taken[text] > 1:
            log.warning("%s %r in %s: %r is also another one's name; shown in English",
                        context.split(":")[0], name, lang, text)
            out[name] = None
    return out


def localized_choice(lang: str, name: str) -> str | None:
    text = translator(lang).pgettext(CHOICE, name) if name in KNOWN[CHOICE] else name
    if text == name:
        return None
    if not 1 <= len(text) <= CHOICE_LIMIT:
        log.warning("Discord choice %r in %s: %r is not 1-%s characters; shown in English",
                    name, lang, text, CHOICE_LIMIT)
        return None
    return text
