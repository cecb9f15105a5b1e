"""Bot texts name commands the neutral way (``/deliver 3``); the Discord adapter shows
them as subcommands of ``/gig``, ``/me`` or ``/mod``. Texts already written the Discord
way must not be rewritten a second time (they read "/gig show deliver" before), and
no group may hold more than Discord's 25 subcommands (the 26th and 27th commands of
the registry were silently left out before)."""
from __future__ import annotations

import pytest

from adapters.discord.command_names import (
    GROUP_HELP, MAX_SUBCOMMANDS, group_of, subcommand_path)
from adapters.discord.render import discord_commands
from adapters.discord.slash import build_groups
from bot.commands import load_all
from bot.registry import REGISTRY


@pytest.mark.parametrize("text, shown", [
    ("/deliver 3", "/gig deliver 3"),
    ("/gig 42", "/gig show 42"),
    ("see /gig", "see /gig show"),
    ("send /gig deliver now", "send /gig deliver now"),
    ("or send /gig cancel.", "or send /gig cancel."),
    ("/gig show 3", "/gig show 3"),
    ("/wallet and /gig 5", "/me wallet and /gig show 5"),
    ("/resolve 4 split=50", "/mod resolve 4 split=50"),
    ("or use /me wallet", "or use /me wallet"),
    ("a/deliver path and /nosuchcommand", "a/deliver path and /nosuchcommand"),
])
def test_commands_are_named_once_the_discord_way(text, shown):
    assert discord_commands(text) == shown


IDS = {"gig": 11, "me": 22, "mod": 33}


@pytest.mark.parametrize("text, shown", [
    ("/deliver 3", "</gig deliver:11> 3"),
    ("/gig 42", "</gig show:11> 42"),
    ("see /gig", "see </gig show:11>"),
    ("send /gig deliver now", "send </gig deliver:11> now"),
    ("/gig show 3", "</gig show:11> 3"),
    ("/wallet and /gig 5", "</me wallet:22> and </gig show:11> 5"),
    ("/resolve 4 split=50", "</mod resolve:33> 4 split=50"),
    ("or use /me wallet", "or use </me wallet:22>"),
    # a subcommand under the wrong group is no command: left as written
    ("/me deliver, /me show", "/me deliver, /me show"),
    ("a/deliver path and /nosuchcommand", "a/deliver path and /nosuchcommand"),
])
def test_with_the_command_ids_known_commands_are_mentions(text, shown):
    from adapters.discord.render import _COMMAND_IDS
    token = _COMMAND_IDS.set(IDS)
    try:
        assert discord_commands(text) == shown
        assert "</" not in discord_commands(text, mentions=False)
    finally:
        _COMMAND_IDS.reset(token)


def test_a_card_title_never_holds_a_mention():
    from adapters.discord.render import render
    from bot.conversation import Reply, Rich
    rendered = render(Reply(Rich().bold("Use /deliver").line("then /wallet"), card_key="gig:1"),
                      command_ids=IDS)
    assert rendered.embed.title == "Use /gig deliver"
    assert rendered.embed.description == "then </me wallet:22>"
    assert discord_commands("/deliver") == "/gig deliver"  # the ids were for that render only


def test_spanish_discord_texts_keep_their_commands():
    from bot.texts import translator
    _ = translator("es")
    text = _("You have a form open: {title}. Continue it, or send /gig cancel.", title="Post")
    assert "/gig cancel" in discord_commands(text) and "/gig show" not in discord_commands(text)


def test_every_command_is_a_subcommand_and_no_group_is_over_the_limit():
    load_all()

    async def never(*_):
        raise AssertionError("not invoked")
    groups = {g.name: [c.name for c in g.commands] for g in build_groups(never)}
    assert set(groups) == set(GROUP_HELP)
    assert all(len(names) <= MAX_SUBCOMMANDS for names in groups.values()), groups
    for spec in REGISTRY:
        group, sub = subcommand_path(spec.name)
        assert group == group_of(spec) and sub in groups[group], spec.name
    assert sum(len(n) for n in groups.values()) == len(list(REGISTRY))
