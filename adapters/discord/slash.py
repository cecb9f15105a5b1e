"""Slash commands generated from bot/'s command registry: the ``/gig``, ``/me`` and
``/mod`` groups (adapters/discord/command_names.py says which command is where)
whose subcommands are the registry's commands, with typed options (integer ranges,
fixed choices, string lengths), descriptions from the catalogue (<= 100 chars)
and, through ``CatalogueTranslator``, Discord localizations of the descriptions and
of the names of commands, options and choices (``adapters/discord/localized_names.py``
checks every name against Discord's rules first).

A few options are Discord-typed where Discord can do better than text: the
board channel and moderator role of ``/gig board``, the member of ``/gig ban``,
a file for ``/gig deliver``; and the free-form commands (``post``, ``profile``,
``settings``) get typed options for their known fields plus ``more`` for any
other ``key=value``. A command added to the registry appears here by itself."""
from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import discord
from discord import app_commands
from discord.app_commands import Choice, Range, TranslationContextLocation as Where, locale_str

from bot.registry import REGISTRY, ArgSpec, CommandSpec
from bot.texts import LANGUAGES, N_, language_name, pick_locale, translator
from core.api import CURRENCY_EXPONENTS

from adapters.discord.command_names import GROUP_HELP, MAX_SUBCOMMANDS, RENAMES, group_of
from adapters.discord.localized_names import (
    COMMAND, OPTION, localized_choice, localized_siblings)
from adapters.discord.render import clip

log = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 100
MAX_INT = 2 ** 53 - 1
STRING_LIMITS = {"str": 200, "text": 4000}

OnCommand = Callable[[discord.Interaction, str, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Option:
    name: str
    help: str  # catalogue message id
    annotation: Any
    required: bool = False
    choices: tuple[str, ...] = ()
    autocomplete: Callable[..., Awaitable[list[Choice[str]]]] | None = None


async def currency_autocomplete(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    current = (current or "").strip().lower()
    codes = [c for c in CURRENCY_EXPONENTS if c.startswith(current)] or list(CURRENCY_EXPONENTS)
    return [Choice(name=c.upper(), value=c) for c in codes[:25]]


def _text(limit: int, minimum: int = 1) -> Any:
    return Range[str, minimum, limit]


# Typed options for the key=value fields of free-form commands.
FREE_FORM_OPTIONS: dict[str, tuple[Option, ...]] = {
    "post": (
        Option("title", N_("What needs doing, e.g. Logo in SVG"), _text(120, 3)),
        Option("reward", N_("Reward per slot, e.g. 25 or 12.50"), _text(20)),
        Option("currency", N_("Currency, e.g. usd (default usd)"), _text(3, 3),
               autocomplete=currency_autocomplete),
        Option("slots", N_("How many people should do it (default 1)"), Range[int, 1, 1000]),
        Option("skills", N_("Skills needed, comma-separated"), _text(300)),
        Option("deliver_in", N_("Time to deliver after claiming, e.g. 2d or 36h"), _text(10)),
        Option("mode", N_("claim: first come; apply: you pick among applicants"), str,
               choices=("claim", "apply")),
        Option("description", N_("The task in detail"), _text(4000)),
        Option("items", N_("A queue: one slot per item, written a|b|c"), _text(4000)),
        Option("repeat", N_("yes: one freelancer may take several slots"), str,
               choices=("yes", "no")),
        Option("items_file", N_("A queue: a CSV file, one row per item"), discord.Attachment),
        Option("qualifies", N_("Moderators: approving a delivery earns this skill's badge"),
               _text(32)),
        Option("requires", N_("Only holders of this skill's badge may claim or apply"),
               _text(32)),
        Option("more", N_("Other options as key=value, e.g. review_window=2d"), _text(500)),
    ),
    "profile": (
        Option("skills", N_("Skills you offer, comma-separated"), _text(300)),
        Option("min_reward", N_("Smallest reward you want to hear about, e.g. 10"), _text(20)),
        Option("currency", N_("Currency of the minimum reward"), _text(3, 3),
               autocomplete=currency_autocomplete),
        Option("timezone", N_("Your time zone, e.g. Europe/Berlin"), _text(48)),
        Option("hours", N_("Working hours, e.g. 9-17 or any"), _text(10)),
        Option("bio", N_("A short bio"), _text(1000)),
        Option("portfolio", N_("Links to your work"), _text(1000)),
        Option("more", N_("Other fields as key=value"), _text(500)),
    ),
    "settings": (
        Option("locale", N_("Language"), str, choices=LANGUAGES),
        Option("notify", N_("Messages about new gigs"), str, choices=("on", "off")),
        Option("max_claims", N_("How many claims you hold at once"), Range[int, 1, 10]),
        Option("timezone", N_("Your time zone, e.g. Europe/Berlin"), _text(48)),
        Option("hours", N_("Working hours, e.g. 9-17 or any"), _text(10)),
    ),
}
# Registry arguments that Discord can type better, and Discord-only extras.
OVERRIDES: dict[tuple[str, str], Any] = {
    ("board", "moderator_role"): discord.Role,
    ("ban", "user"): discord.User,
    ("badge", "role"): discord.Role,
    ("revoke", "user"): discord.User,
}
EXTRAS: dict[str, tuple[Option, ...]] = {
    "board": (Option("channel", N_("The channel for gig cards (default: this one)"),
                     discord.TextChannel),),
    "deliver": (Option("file", N_("A file with your work"), discord.Attachment),),
}


def described(msgid: str) -> locale_str:
    """A description within Discord's limit that keeps its catalogue id for translation."""
    return locale_str(clip(msgid, DESCRIPTION_LIMIT), msgid=msgid)


def _arg_option(spec: CommandSpec, arg: ArgSpec) -> Option:
    override = OVERRIDES.get((spec.name, arg.name))
    if override is not None:
        annotation = override
    elif arg.kind == "int":
        low = arg.min_value if arg.min_value is not None else -MAX_INT
        high = arg.max_value if arg.max_value is not None else MAX_INT
        annotation = Range[int, low, high]
    elif arg.kind == "choice":
        annotation = str
    else:
        annotation = _text(STRING_LIMITS.get(arg.kind, 200))
    return Option(arg.name, arg.help, annotation, required=arg.required,
                  choices=arg.choices if arg.kind == "choice" else ())


def options_for(spec: CommandSpec) -> list[Option]:
    options = [_arg_option(spec, a) for a in spec.args]
    if spec.free_form:
        known = {o.name for o in options}
        options += [o for o in FREE_FORM_OPTIONS.get(spec.name, (Option(
            "more", N_("Options as key=value"), _text(500)),)) if o.name not in known]
    known = {o.name for o in options}
    options += [o for o in EXTRAS.get(spec.name, ()) if o.name not in known]
    return sorted(options, key=lambda o: not o.required)[:25]


def choice_name(option: str, value: str) -> str:
    """What a fixed choice is called in the picker: a language by its own name."""
    return language_name(value) if option in ("locale", "language") else value


def make_command(spec: CommandSpec, on_command: OnCommand) -> app_commands.Command:
    options = options_for(spec)

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await on_command(interaction, spec.name, values)

    params = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation=discord.Interaction)]
    for o in options:
        params.append(inspect.Parameter(
            o.name, inspect.Parameter.KEYWORD_ONLY, annotation=o.annotation,
            default=inspect.Parameter.empty if o.required else None))
    callback.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    callback.__qualname__ = callback.__name__ = f"gig_{spec.name}"
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        o.name: described(o.help) for o in options}
    # a locale_str name: discord.py then asks the translator for the option's name too
    callback.__discord_app_commands_param_rename__ = {  # type: ignore[attr-defined]
        o.name: locale_str(o.name) for o in options}
    choices = {o.name: [Choice(name=choice_name(o.name, c), value=c) for c in o.choices]
               for o in options if o.choices}
    if choices:
        callback.__discord_app_commands_param_choices__ = choices  # type: ignore[attr-defined]
    command = app_commands.Command(name=RENAMES.get(spec.name, spec.name),
                                   description=described(spec.help), callback=callback,
                                   extras={"registry_name": spec.name})
    for o in options:
        if o.autocomplete is not None:
            command.autocomplete(o.name)(o.autocomplete)
    return command


def build_groups(on_command: OnCommand) -> list[app_commands.Group]:
    """One slash command per group, each with its registry commands as subcommands."""
    groups = {name: app_commands.Group(name=name, description=described(help))
              for name, help in GROUP_HELP.items()}
    for spec in REGISTRY:
        group = groups[group_of(spec)]
        if len(group.commands) >= MAX_SUBCOMMANDS:  # tests/unit keeps this from happening
            log.error("Discord allows %s subcommands: /%s %s left out", MAX_SUBCOMMANDS,
                      group.name, spec.name)
            continue
        group.add_command(make_command(spec, on_command))
    return list(groups.values())


def _siblings(context: app_commands.TranslationContextTypes) -> tuple[str, ...]:
    """The names a command's or option's localised name must differ from."""
    data = context.data
    if context.location is Where.parameter_name:
        return tuple(p.name for p in data.command.parameters)
    parent = getattr(data, "parent", None)
    return tuple(c.name for c in parent.commands) if parent is not None else tuple(GROUP_HELP)


class CatalogueTranslator(app_commands.Translator):
    """Descriptions and the names of commands, subcommands, options and choices in every
    catalogue language, as Discord localizations (es -> es-ES and es-419). A name that
    Discord would refuse is left out (``localized_names``); the English name stays the
    command's name everywhere."""

    async def translate(self, string: locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        lang = pick_locale(locale.value)
        if lang == "en":
            return None
        where = context.location
        if where in (Where.command_name, Where.group_name, Where.parameter_name):
            kind = OPTION if where is Where.parameter_name else COMMAND
            return localized_siblings(lang, kind, _siblings(context)).get(string.message)
        if where is Where.choice_name:
            return localized_choice(lang, string.message)
        msgid = string.extras.get("msgid")
        if not msgid:
            return None
        text = translator(lang)(msgid)
        return clip(text, DESCRIPTION_LIMIT) if text != msgid else None
