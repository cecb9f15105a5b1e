"""Discord command, subcommand, option and choice names are localised (Spanish and
Russian clients see ``/trabajo publicar`` and ``/заказ разместить``) while the English
name stays the command's name; a localisation Discord would refuse (it then refuses the
whole sync) is left out with a warning: not lowercase, not 1-32 letters, digits, - or _,
or the name of a sibling in that language. The payload is built the way
``CommandTree.sync`` builds it (``get_translated_payload`` with our translator)."""
from __future__ import annotations

import logging

import discord
import pytest
from discord import app_commands

from adapters.discord import localized_names
from adapters.discord.localized_names import COMMAND, OPTION, name_problem
from adapters.discord.slash import CatalogueTranslator, build_groups
from bot.commands import load_all
from tests.discord_names import localized, name_ok, problems

LOCALES = ("es-ES", "es-419", "ru")


async def synced_payload() -> list[dict]:
    load_all()
    client = discord.Client(intents=discord.Intents.none())
    tree = app_commands.CommandTree(client)
    await tree.set_translator(CatalogueTranslator())

    async def never(*_):
        raise AssertionError("not invoked")
    for group in build_groups(never):
        tree.add_command(group)
    return [await c.get_translated_payload(tree, tree.translator) for c in tree.get_commands()]


@pytest.fixture(autouse=True)
def fresh_names():
    localized_names.localized_siblings.cache_clear()
    yield
    localized_names.localized_siblings.cache_clear()


@pytest.mark.parametrize("name", ["publicar", "añadir-plazas", "mis_trabajos", "заказ",
                                  "часовой-пояс", "кошелёк", "नमस्ते", "สวัสดี", "x" * 32, "v2"])
def test_names_discord_takes(name):
    assert name_problem(name) is None and name_ok(name)


@pytest.mark.parametrize("name", ["Publicar", "mis trabajos", "x" * 33, "", "¿ayuda?",
                                  "trabajo!", "🎉", "Заказ", "a/b"])
def test_names_discord_refuses(name):
    assert name_problem(name) is not None and not name_ok(name)


async def test_every_name_is_localised_in_spanish_and_russian_within_discords_rules():
    payload = await synced_payload()
    assert problems(payload) == []
    es, ru = localized(payload, "es-ES"), localized(payload, "ru")
    assert localized(payload, "es-419") == es
    assert es["/gig post"] == "/trabajo publicar" and ru["/gig post"] == "/заказ разместить"
    assert es["/gig post title"] == "/trabajo publicar título"
    assert ru["/me settings timezone"] == "/аккаунт настройки часовой-пояс"
    assert es["/mod board"] == "/moderar tablón" and ru["/gig show id"] == "/заказ показать номер"
    missing = [f"{path} [{loc}]" for loc, shown in (("es-ES", es), ("ru", ru))
               for path, text in shown.items() if path == text]
    # nothing stays English: a new command or option needs its name in
    # adapters/discord/localized_names.py and its translations (python -m bot.texts update)
    assert missing == [], missing


async def test_choices_are_named_in_the_readers_language():
    payload = await synced_payload()
    post = next(o for o in next(c for c in payload if c["name"] == "gig")["options"]
                if o["name"] == "post")
    mode = next(o for o in post["options"] if o["name"] == "mode")
    claim = next(c for c in mode["choices"] if c["value"] == "claim")
    assert claim["name"] == "claim" and claim["name_localizations"]["ru"] == "кто первый взял"
    me = next(c for c in payload if c["name"] == "me")
    settings = next(o for o in me["options"] if o["name"] == "settings")
    locale = next(o for o in settings["options"] if o["name"] == "locale")
    assert [c["name"] for c in locale["choices"]] == ["English", "español", "русский"]
    assert [c["value"] for c in locale["choices"]] == ["en", "es", "ru"]


class BadTranslator:
    """Spanish names that Discord would refuse."""
    BAD = {(COMMAND, "post"): "Publicar", (COMMAND, "gigs"): "ver",  # "ver" is also show's
           (COMMAND, "deliver"): "entregar trabajo", (COMMAND, "rate"): "rates",
           (OPTION, "title"): "t" * 33, (OPTION, "reward"): "plazas",  # slots' name
           (OPTION, "skills"): "lista", (OPTION, "description"): "lista"}

    def __init__(self, real):
        self.real = real

    def pgettext(self, context, name):
        return self.BAD.get((context, name), self.real.pgettext(context, name))


async def test_a_name_discord_would_refuse_is_left_out_with_a_warning(monkeypatch, caplog):
    real = localized_names.translator
    monkeypatch.setattr(localized_names, "translator",
                        lambda lang: BadTranslator(real(lang)) if lang == "es" else real(lang))
    with caplog.at_level(logging.WARNING, logger="adapters.discord.localized_names"):
        payload = await synced_payload()
    assert problems(payload) == []  # Discord takes the sync
    es, ru = localized(payload, "es-ES"), localized(payload, "ru")
    for path in ("/gig post", "/gig gigs", "/gig show", "/gig deliver", "/gig rate",
                 "/gig post title", "/gig post reward", "/gig post slots", "/gig post skills",
                 "/gig post description"):
        assert es[path].split()[-1] == path.split()[-1], (path, es[path])  # English there
        assert ru[path] != path  # Russian untouched
    assert es["/gig deliver claim"] == "/trabajo deliver encargo"
    assert es["/gig rates"] == "/trabajo tarifas"  # "rates" was rate's bad name, not its own
    said = caplog.text
    for fragment in ("'Publicar' is not lowercase", "'entregar trabajo' has ' '",
                     "'rates' is also another one's name", "'ver' is also another one's name",
                     "not 1-32 characters", "'plazas' is also another one's name",
                     "'lista' is also another one's name"):
        assert fragment in said, (fragment, said)
