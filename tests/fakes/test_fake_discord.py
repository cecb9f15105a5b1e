"""Proves the fake Discord server (``tests/fakes/discord_api.py``) works with the real discord.py.

A ``commands.Bot`` with an ``app_commands.CommandTree`` logs in, connects to the fake
gateway, syncs its commands, and handles injected slash commands, persistent
``DynamicItem`` button presses, modals, deferred responses with followups, threads,
DMs and user messages with attachments.  The fake's limits are checked too: a 429 with
``retry_after`` is retried by discord.py, the global bucket paces a burst, too-long
content / custom_ids become ``discord.HTTPException``, a second interaction response
gets 40060, and an AutoShardedClient gets per-shard guilds and survives RESUME.
Everything runs on loopback.
"""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakes.discord_api import FakeDiscord


# --------------------------------------------------------------------------- bot under test
class ClaimButton(discord.ui.DynamicItem[discord.ui.Button], template=r"gig:claim:(?P<gig>\d+)"):
    def __init__(self, gig: int) -> None:
        super().__init__(
            discord.ui.Button(label="Claim", style=discord.ButtonStyle.primary, custom_id=f"gig:claim:{gig}")
        )
        self.gig = gig

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match):  # noqa: ANN001
        return cls(int(match["gig"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=f"Gig {self.gig} claimed by {interaction.user.name}", view=None)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    text = discord.ui.TextInput(label="Your feedback", custom_id="feedback-text", max_length=200)

    def __init__(self) -> None:
        super().__init__(custom_id="feedback-modal")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks: {self.text.value}", ephemeral=True)


def make_bot(fake: FakeDiscord) -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    bot = commands.Bot(command_prefix="!", intents=intents, **fake.client_kwargs)
    tree = bot.tree
    gig = app_commands.Group(name="gig", description="Gigs")

    @gig.command(name="post", description="Post a gig")
    @app_commands.describe(title="Title", budget="Budget in EUR")
    async def post(interaction: discord.Interaction, title: str, budget: app_commands.Range[int, 1, 10000]) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(ClaimButton(42))
        await interaction.response.send_message(f"New gig: {title} ({budget} EUR)", view=view)

    tree.add_command(gig)

    @tree.command(name="feedback", description="Send feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @tree.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    @tree.command(name="slow", description="Deferred answer")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.01)
        await interaction.followup.send("done")

    @tree.command(name="deliver", description="Open a delivery thread")
    async def deliver(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Delivery thread opening")
        msg = await interaction.original_response()
        thread = await msg.create_thread(name="delivery")
        await thread.send(f"{interaction.user.mention} upload your files here")
        await interaction.user.send("Your delivery thread is ready")

    @bot.listen("on_message")
    async def on_message(message: discord.Message) -> None:
        if message.author.bot or not isinstance(message.channel, discord.Thread) or not message.attachments:
            return
        data = await message.attachments[0].read()
        await message.channel.send(f"got {message.attachments[0].filename} ({len(data)} bytes)")

    bot.add_dynamic_items(ClaimButton)
    return bot


# --------------------------------------------------------------------------- fixtures
@pytest.fixture
async def fake():
    async with FakeDiscord() as f:
        yield f


@pytest.fixture
def world(fake: FakeDiscord):
    class W:
        pass

    w = W()
    w.alice = fake.create_user("alice")
    w.bob = fake.create_user("bob")
    w.guild = fake.create_guild("Gigs")
    w.chan = fake.create_channel(w.guild, "gigs")
    fake.add_member(w.guild, w.alice)
    fake.add_member(w.guild, w.bob)
    return w


@pytest.fixture
async def bot(fake: FakeDiscord, world):
    b = make_bot(fake)
    async with fake.running(b):
        await b.tree.sync()
        yield b


# --------------------------------------------------------------------------- tests
async def test_sync_slash_and_dynamic_button(fake: FakeDiscord, world, bot: commands.Bot) -> None:
    assert sorted(fake.command_names()) == ["deliver", "feedback", "gig", "ping", "slow"]
    gig = fake.find_command("gig")
    post = gig["options"][0]
    assert post["type"] == 1 and post["name"] == "post"
    assert {o["name"]: o["type"] for o in post["options"]} == {"title": 3, "budget": 4}
    assert bot.get_guild(world.guild.id) is not None

    it = await fake.inject_slash(world.alice, world.guild, world.chan, "gig", {"title": "Logo", "budget": 50},
                                 subcommand="post")
    resp = await fake.wait_for_response(it)
    assert resp.type == 4
    msg = resp.message
    assert msg.content == "New gig: Logo (50 EUR)"
    assert msg.custom_ids() == ["gig:claim:42"]
    assert fake.messages_in(world.chan)[-1] is msg

    # the fake refuses impossible input, like Discord's client would
    with pytest.raises(ValueError):
        await fake.inject_slash(world.alice, world.guild, world.chan, "gig", {"title": "x", "budget": 0},
                                subcommand="post")

    # persistent DynamicItem press (rebuilt from the message components)
    press = await fake.inject_button(world.bob, msg, "gig:claim:42")
    upd = await fake.wait_for_response(press)
    assert upd.type == 7
    assert msg.content == "Gig 42 claimed by bob"
    assert msg.components == [] and len(msg.edits) == 1
    with pytest.raises(ValueError):
        await fake.inject_button(world.bob, msg, "gig:claim:42")  # button is gone


async def test_modal_and_submission(fake: FakeDiscord, world, bot: commands.Bot) -> None:
    it = await fake.inject_slash(world.alice, world.guild, world.chan, "feedback")
    resp = await fake.wait_for_response(it)
    assert resp.type == 9
    assert resp.modal["title"] == "Feedback" and resp.modal["custom_id"] == "feedback-modal"

    with pytest.raises(ValueError):
        await fake.inject_modal_submit(world.alice, None, "feedback-modal", {"nope": "x"})

    sub = await fake.inject_modal_submit(world.alice, None, "feedback-modal", {"feedback-text": "great"})
    answer = await fake.wait_for_response(sub)
    assert answer.type == 4 and answer.ephemeral
    assert answer.message.content == "thanks: great"
    assert answer.message in fake.messages_in(world.chan)
    assert answer.message not in fake.messages_in(world.chan, include_ephemeral=False)


async def test_defer_then_followup_replaces_loading_message(fake: FakeDiscord, world, bot: commands.Bot) -> None:
    it = await fake.inject_slash(world.alice, world.guild, world.chan, "slow")
    resp = await fake.wait_for_response(it)
    assert resp.type == 5
    await fake.wait_for(lambda: not resp.message.loading, timeout=5)
    assert resp.message.content == "done"
    assert it.followup_ids == []


async def test_thread_dm_and_user_attachment(fake: FakeDiscord, world, bot: commands.Bot) -> None:
    it = await fake.inject_slash(world.alice, world.guild, world.chan, "deliver")
    await fake.wait_for_response(it)
    dm = await fake.wait_for(lambda: fake.dm_messages_to(world.alice))
    assert dm[0].content == "Your delivery thread is ready"
    (thread,) = fake.threads_of(world.chan)
    assert thread.name == "delivery" and thread.id == it.original_message_id
    first = fake.messages_in(thread)[0]
    assert first.pinged_user_ids() == {world.alice.id}

    await fake.inject_message(world.alice, thread, "here you go", attachments=[("logo.png", b"\x89PNG" + b"0" * 96)])
    reply = await fake.wait_for_message(lambda m: m.content.startswith("got"), channel=thread)
    assert reply.content == "got logo.png (100 bytes)"


async def test_429_is_retried_by_discord_py(fake: FakeDiscord, world, bot: commands.Bot) -> None:
    route = "/channels/{channel_id}/messages"
    fake.force_429("POST", route, count=2, retry_after=0.05)
    channel = bot.get_channel(world.chan.id)
    sent = await channel.send("hello")
    assert fake.count_429(route) == 2
    assert all(r["forced"] and not r["global"] for r in fake.rate_limited)
    assert fake.message(sent.id).content == "hello"
    assert [c["status"] for c in fake.calls_to("POST", route)] == [429, 429, 200]


async def test_global_bucket_paces_a_burst() -> None:
    async with FakeDiscord(global_rate_limit=5, global_rate_window=0.25) as fake:
        guild = fake.create_guild("G")
        chan = fake.create_channel(guild, "c")
        client = discord.Client(intents=discord.Intents.default(), **fake.client_kwargs)
        async with fake.running(client):
            channel = client.get_channel(chan.id)
            await asyncio.gather(*(channel.send(f"m{i}") for i in range(15)))
        assert len(fake.messages_in(chan)) == 15
        assert fake.count_429() > 0 and all(r["global"] for r in fake.rate_limited)
        times = sorted(a["at"] for a in fake.accepted if a["route"] == "/channels/{channel_id}/messages")
        assert all(times[i + 5] - times[i] >= 0.25 - 1e-3 for i in range(len(times) - 5))


async def test_limits_raise_http_exception(fake: FakeDiscord, world, bot: commands.Bot) -> None:
    channel = bot.get_channel(world.chan.id)
    with pytest.raises(discord.HTTPException) as ei:
        await channel.send("x" * 2001)
    assert ei.value.status == 400 and ei.value.code == 50035
    assert "content" in str(ei.value)

    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="too long", custom_id="c" * 101))
    with pytest.raises(discord.HTTPException) as ei:
        await channel.send("buttons", view=view)
    assert ei.value.code == 50035

    with pytest.raises(discord.HTTPException):
        await channel.send(embed=discord.Embed(title="t" * 257))
    assert fake.messages_in(world.chan) == []


async def test_second_response_is_rejected(fake: FakeDiscord, world, bot: commands.Bot) -> None:
    it = await fake.inject_slash(world.alice, world.guild, world.chan, "ping")
    resp = await fake.wait_for_response(it)
    assert resp.type == 4 and resp.ephemeral and resp.content == "pong"
    async with aiohttp.ClientSession() as s:
        r = await s.post(f"{fake.api_base}/interactions/{it.id}/{it.token}/callback",
                         json={"type": 4, "data": {"content": "again"}})
        assert r.status == 400
        assert r.headers["Content-Type"] == "application/json"
        body = await r.json()
    assert body == {"message": "Interaction has already been acknowledged.", "code": 40060}
    assert it.rejected[0]["code"] == 40060

    async with aiohttp.ClientSession() as s:
        r = await s.get(f"{fake.api_base}/no/such/route", headers={"Authorization": f"Bot {fake.token}"})
        assert r.status == 404
    assert fake.unknown_routes[-1]["path"] == "/no/such/route"


class _FastSharded(discord.AutoShardedClient):
    async def before_identify_hook(self, shard_id, *, initial=False):  # noqa: ANN001
        return None  # the default sleeps 5 s between shards


async def test_sharding_and_resume(fake: FakeDiscord) -> None:
    fake.recommended_shards = 2
    alice = fake.create_user("alice")
    g1, g2 = fake.create_guild("one"), fake.create_guild("two")
    c1, c2 = fake.create_channel(g1, "c1"), fake.create_channel(g2, "c2")
    assert fake.shard_for_guild(g1.id, 2) != fake.shard_for_guild(g2.id, 2)

    client = _FastSharded(intents=discord.Intents.default(), **fake.client_kwargs)
    tree = app_commands.CommandTree(client)

    @tree.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"pong from shard {interaction.guild.shard_id}")

    async with fake.running(client):
        sessions = fake.live_sessions()
        assert sorted(s.shard for s in sessions) == [(0, 2), (1, 2)]
        assert sorted(gid for s in sessions for gid in s.guild_ids) == sorted([g1.id, g2.id])
        assert client.get_guild(g1.id).shard_id != client.get_guild(g2.id).shard_id

        it = await fake.inject_slash(alice, g2, c2, "ping")
        resp = await fake.wait_for_response(it)
        assert resp.content == f"pong from shard {fake.shard_for_guild(g2.id, 2)}"

        assert fake.gateway_reconnect() == 2
        await fake.wait_for(lambda: sum(s.resumes for s in fake.live_sessions()) == 2 and
                            all(s.connected for s in fake.live_sessions()))
        it = await fake.inject_slash(alice, g1, c1, "ping")
        resp = await fake.wait_for_response(it)
        assert resp.content == f"pong from shard {fake.shard_for_guild(g1.id, 2)}"
    assert 4000 in fake.gateway_closes


async def test_member_roles_and_missing_permissions(fake: FakeDiscord, world, bot: commands.Bot) -> None:
    """PUT/DELETE /guilds/{guild}/members/{user}/roles/{role}: given and taken back;
    403 / 50013 Missing Permissions without Manage Roles or for a role not below
    the bot's highest role; 404 / 10011 for an unknown role."""
    from tests.fakes.discord_models import MANAGE_ROLES

    low = fake.create_role(world.guild, "Badge")
    high = fake.create_role(world.guild, "Above the bot", position=150)
    member = fake.guild(world.guild).members[world.bob.id]
    await bot.http.add_role(world.guild.id, world.bob.id, low.id)
    assert low.id in member.roles
    await bot.http.remove_role(world.guild.id, world.bob.id, low.id)
    assert low.id not in member.roles

    with pytest.raises(discord.Forbidden) as ei:
        await bot.http.add_role(world.guild.id, world.bob.id, high.id)
    assert ei.value.code == 50013 and "Missing Permissions" in ei.value.text
    fake.bot_role(world.guild).permissions &= ~MANAGE_ROLES
    with pytest.raises(discord.Forbidden) as ei:
        await bot.http.add_role(world.guild.id, world.bob.id, low.id)
    assert ei.value.code == 50013 and low.id not in member.roles
    with pytest.raises(discord.NotFound) as ei:
        await bot.http.add_role(world.guild.id, world.bob.id, 12345)
    assert ei.value.code == 10011
