"""The commands gigbroker syncs to Discord (real discord.py against the fake, which keeps
every synced payload) carry Spanish and Russian names for each command, subcommand and
option, all within Discord's rules (an invalid one makes Discord refuse the whole sync),
and the English names stay the ones interactions use."""
from __future__ import annotations

from tests.discord_names import localized, problems
from tests.e2e.discord_harness import DiscordHarness, h  # noqa: F401


async def test_synced_commands_carry_spanish_and_russian_names(h: DiscordHarness):
    synced = h.fake.guild_commands[h.guild.id]
    assert {c["name"] for c in synced} == {"gig", "me", "mod"}
    assert problems(synced) == []
    for c in synced:
        assert {"es-ES", "es-419", "ru"} <= set(c["name_localizations"]), c["name"]
    es, ru = localized(synced, "es-ES"), localized(synced, "ru")
    assert es["/gig deliver claim"] == "/trabajo entregar encargo"
    assert ru["/gig deliver claim"] == "/заказ сдать заявка"
    assert ru["/me wallet"] == "/аккаунт кошелёк" and es["/mod resolve"] == "/moderar resolver"
    for path in es:
        assert es[path] != path and ru[path] != path, path  # every name has both
    # the interaction still names the command in English, and it is answered
    resp = await h.slash(h.bob, "profile", {"skills": "design", "hours": "any"})
    assert resp.ephemeral and resp.message.text()
