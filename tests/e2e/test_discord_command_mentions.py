"""Texts that name a command mention it (``</gig deliver:ID>``) when the bot's commands
are global, as in production: Discord shows a mention in the reader's language and
starts the command when it is clicked. A process that does not sync reads the ids;
with dev guilds (other ids in each guild, none in DMs) texts keep plain names."""
from __future__ import annotations

import pytest

from adapters.discord.service import DiscordService
from tests.e2e.discord_harness import DiscordHarness, h  # noqa: F401 (fixture)
from tests.fakes.discord_api import FakeDiscord


@pytest.fixture
async def world(tmp_path, migrated_db):
    async with FakeDiscord() as fake:
        harness = DiscordHarness(fake, tmp_path)
        harness.dev_guilds = False  # global commands, as a production bot has them
        await harness.open(migrated_db)
        try:
            yield harness
        finally:
            await harness.close()


def command_id(fake: FakeDiscord, name: str) -> int:
    (command,) = [c for c in fake.global_commands if c["name"] == name]
    return int(command["id"])


async def test_texts_mention_the_commands_they_name(world: DiscordHarness):
    h, fake = world, world.fake
    gig = command_id(fake, "gig")
    await h.make_board()
    await h.make_profile(h.bob)
    await h.post_and_pay()
    (thread,) = fake.threads_of(h.board)
    (intro,) = [m for m in fake.messages_in(thread) if "Questions about this gig" in m.text()]
    assert f"(or run </gig deliver:{gig}>)" in intro.text()
    # a reply to a slash command: every command it lists is a mention
    resp = await h.slash(h.bob, "help")
    listed = resp.message.text()
    assert f"**</gig post:{gig}>** — Post a paid gig" in listed
    assert f"**</me wallet:{command_id(fake, 'me')}>** — Your money" in listed
    assert f"**</mod board:{command_id(fake, 'mod')}>**" in listed
    assert "/gig post" not in listed.replace("</gig post:", "")

    # a process that only sends (no gateway, so no sync) reads the ids at login
    syncs = len(fake.sync_log)
    sender = DiscordService(h.app, h.settings(), gateway=False, delivering=False)
    await sender.start()
    try:
        assert sender.adapter.command_ids == {"gig": gig, "me": command_id(fake, "me"),
                                              "mod": command_id(fake, "mod")}
        assert len(fake.sync_log) == syncs
    finally:
        await sender.stop()


async def test_dev_guild_commands_are_named_plainly(h: DiscordHarness):
    await h.make_board()
    await h.post_and_pay()
    (thread,) = h.fake.threads_of(h.board)
    (intro,) = [m for m in h.fake.messages_in(thread) if "Questions about this gig" in m.text()]
    assert "(or run /gig deliver)" in intro.text() and "</" not in intro.text()
    assert h.service.adapter.command_ids == {}

