"""Bot texts name commands the neutral way (``/deliver 3``); the Discord adapter shows
them as its ``/gig`` subcommands. Texts already written the Discord way must not be
rewritten a second time (they read "/gig show deliver" before)."""
from __future__ import annotations

import pytest

from adapters.discord.render import discord_commands


@pytest.mark.parametrize("text, shown", [
    ("/deliver 3", "/gig deliver 3"),
    ("/gig 42", "/gig show 42"),
    ("see /gig", "see /gig show"),
    ("send /gig deliver now", "send /gig deliver now"),
    ("or send /gig cancel.", "or send /gig cancel."),
    ("/gig show 3", "/gig show 3"),
    ("/wallet and /gig 5", "/gig wallet and /gig show 5"),
    ("a/deliver path and /nosuchcommand", "a/deliver path and /nosuchcommand"),
])
def test_commands_are_named_once_the_discord_way(text, shown):
    assert discord_commands(text) == shown


def test_spanish_discord_texts_keep_their_commands():
    from bot.texts import translator
    _ = translator("es")
    text = _("You have a form open: {title}. Continue it, or send /gig cancel.", title="Post")
    assert "/gig cancel" in discord_commands(text) and "/gig show" not in discord_commands(text)
