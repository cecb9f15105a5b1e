"""A gigbroker app with its real Discord adapter against the fake Discord server.

``DiscordHarness`` builds the whole product (``bot.runtime.app.App`` on a SQLite file,
sandbox payments, a manual clock) and a fake Discord world: a server "Makers"
with a #gigs board channel and a #general channel, an admin (alice, the server
owner) and members bob and carol; a second server "Elsewhere" with dave. The
``DiscordService`` under test is the one ``gigbroker run`` starts; ``restart()``
replaces it by a new client on the same database. Background work (outbox,
timers) runs only when a test calls ``tick()``, so every step is deterministic.
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import discord
import pytest

from adapters.discord.client import GigClient
from adapters.discord.command_names import subcommand_path
from adapters.discord.pacing import Pacer
from adapters.discord.service import DiscordService
from bot.runtime.app import App
from bot.runtime.settings import Settings
from core.domain.clock import ManualClock

from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_models import (
    CB_DEFERRED_MESSAGE, CB_DEFERRED_UPDATE, CallbackRecord, InteractionRecord,
    StoredMessage,
)

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


class FastGigClient(GigClient):
    async def before_identify_hook(self, shard_id, *, initial=False):  # noqa: ANN001
        return None  # discord.py waits 5 s before a non-initial IDENTIFY


@dataclass
class DiscordHarness:
    fake: FakeDiscord
    tmp: Path
    dev_guilds: bool = True
    app: App | None = None
    clock: ManualClock = field(default_factory=lambda: ManualClock(T0))
    service: DiscordService | None = None
    services: list[DiscordService] = field(default_factory=list)

    # -- world -------------------------------------------------------------------
    def build_world(self) -> None:
        f = self.fake
        self.alice = f.create_user("alice", global_name="Alice")
        self.bob = f.create_user("bob", global_name="Bob")
        self.carol = f.create_user("carol", global_name="Carol")
        self.dave = f.create_user("dave", global_name="Dave")
        self.guild = f.create_guild("Makers", owner=self.alice)
        self.board = f.create_channel(self.guild, "gigs")
        self.general = f.create_channel(self.guild, "general")
        self.mods = f.create_role(self.guild, "Gig mods")
        for u in (self.bob, self.carol):
            f.add_member(self.guild, u)
        self.other = f.create_guild("Elsewhere", owner=self.dave)
        self.other_chan = f.create_channel(self.other, "lobby")

    def settings(self) -> Settings:
        return Settings(_env_file=None, database_url=f"sqlite:///{self.tmp / 'gigbroker.db'}",
                        discord_bot_token=self.fake.token,
                        discord_api_base_url=self.fake.api_base,
                        discord_dev_guild_ids=[self.guild.id, self.other.id] if self.dev_guilds
                        else [])

    async def open(self, template: Path | None = None) -> "DiscordHarness":
        """``template``: an already migrated database file to copy (migrating takes
        over a second; the tests share one template)."""
        self.build_world()
        if template is not None:
            shutil.copyfile(template, self.tmp / "gigbroker.db")
        self.app = App(self.settings(), clock=self.clock)
        if template is None:
            await self.app.prepare()
        await self.start()
        return self

    async def start(self, **kwargs: Any) -> DiscordService:
        kwargs.setdefault("guild_ready_timeout", 0.05)
        kwargs.setdefault("pacer", Pacer(50, 1.0))
        kwargs.setdefault("client_class", FastGigClient)
        service = DiscordService(self.app, self.settings(), **kwargs)
        await service.start()
        await service.wait_until_ready(10)
        self.service = service
        self.services.append(service)
        return service

    async def restart(self) -> DiscordService:
        await self.service.stop()
        await self.fake.wait_for(lambda: not any(s.connected for s in self.fake.live_sessions()),
                                 timeout=5)
        return await self.start()

    async def close(self) -> None:
        for s in self.services:
            with contextlib.suppress(Exception):
                await s.stop()
        if self.app is not None:
            await self.app.close()

    # -- common steps ------------------------------------------------------------
    async def make_board(self, visibility: str = "public", **options: Any) -> None:
        """alice (the server owner) makes #gigs the board, from #general."""
        resp = await self.slash(self.alice, "board", {"channel": self.board,
                                                      "visibility": visibility, **options})
        assert not resp.ephemeral, resp.message.text()
        assert "now the gig board of Makers" in resp.message.text()

    async def make_profile(self, user: Any, skills: str = "design") -> None:
        resp = await self.slash(user, "profile", {"skills": skills, "hours": "any"})
        assert resp.ephemeral, resp.message.text()

    async def post_and_pay(self, user: Any = None, **fields: Any) -> StoredMessage:
        """``user`` (alice) posts a gig with typed options in #gigs and pays; returns
        the card once it is on the board."""
        options = {"title": "Logo in SVG", "reward": "25", "currency": "usd", "skills": "design"}
        options.update(fields)
        resp = await self.slash(user or self.alice, "post", options, channel=self.board)
        assert resp.ephemeral and "Preview" in resp.message.text(), resp.message.text()
        await self.press(user or self.alice, resp.message, "Pay")
        before = len(self.board_cards())
        cards = await self.pump(lambda: len(self.board_cards()) > before and self.board_cards(),
                                what="the new card on the board")
        return cards[-1]

    # -- driving -----------------------------------------------------------------
    async def tick(self) -> None:
        """Fire due timers and deliver the outbox (notifications, cards)."""
        await self.app.tick()

    async def slash(self, user: Any, name: str, options: dict | None = None, *,
                    channel: Any = None, guild: Any = ...) -> CallbackRecord:
        """``/gig <name> options`` by ``user`` (default in #general of Makers) and its
        first response."""
        channel = self.general if channel is None else channel
        if guild is ...:
            guild = None if channel is None else self.fake.channel(channel).guild_id
        group, sub = subcommand_path(name)
        it = await self.fake.inject_slash(user, guild, channel, group, options or {},
                                          subcommand=sub)
        self.last = it
        return await self.fake.wait_for_response(it)

    async def dm(self, user: Any, name: str, options: dict | None = None) -> CallbackRecord:
        group, sub = subcommand_path(name)
        it = await self.fake.inject_slash(user, None, None, group, options or {}, subcommand=sub)
        self.last = it
        return await self.answer(it)

    async def press(self, user: Any, message: StoredMessage, label: str) -> CallbackRecord:
        """``user`` presses the button labelled ``label`` (prefix match) on ``message``."""
        button = find_button(message, label)
        it = await self.fake.inject_button(user, message, button["custom_id"])
        self.last = it
        return await self.answer(it)

    async def answer(self, it: InteractionRecord, timeout: float = 5.0) -> CallbackRecord:
        """The interaction's answer as the user sees it: its first response, or, when
        that was a deferral (the bot was slow, as on a loaded machine), what followed
        it: the "thinking" message once edited, or the first followup of a silent
        deferral, once the bot has finished with the interaction (SQLite: taking an
        interaction and counting it in progress happen in one step)."""
        resp = await self.fake.wait_for_response(it, timeout)
        if resp.type == CB_DEFERRED_MESSAGE:
            await self.fake.wait_for(lambda: resp.message is not None
                                     and not resp.message.loading, timeout,
                                     what=f"the answer to {it.id}")
        if resp.type != CB_DEFERRED_UPDATE:
            return resp
        answerer = self.service.answerer
        await self.fake.wait_for(lambda: it.followup_ids or (
            answerer.is_taken(discord.Object(it.id)) and answerer.in_progress == 0),
            timeout, what=f"the bot to finish {it.id}")
        if not it.followup_ids:
            return resp  # a press that changed a card and said nothing
        msg = self.fake.messages[it.followup_ids[0]]  # the deferral, with what followed it
        return dataclasses.replace(resp, data={**resp.data, "flags": msg.flags}, message=msg)

    async def submit(self, user: Any, modal: dict, values: dict[str, str]) -> CallbackRecord:
        it = await self.fake.inject_modal_submit(user, None, modal["custom_id"], values)
        self.last = it
        return await self.answer(it)

    async def replies(self, it: InteractionRecord | None = None, count: int = 1,
                      timeout: float = 5.0) -> list[StoredMessage]:
        """The first response's message and followups of an interaction, once ``count``
        messages exist (a deferred response counts once its followup replaced it)."""
        it = it or self.last

        def got():
            msgs = []
            first = it.response.message if it.response else None
            if first is not None and not first.loading:
                msgs.append(first)
            msgs += [self.fake.messages[m] for m in it.followup_ids]
            return msgs if len(msgs) >= count else None
        return await self.fake.wait_for(got, timeout, what=f"{count} replies to {it.id}")

    async def open_form(self, user: Any, timeout: float = 5.0) -> str:
        """The name of the form ``user`` has open, once there is one (its progress is
        saved while the modal goes out)."""
        from sqlalchemy import select

        from core.domain.records import ConversationState

        uid = str(self.fake.user(user).id)
        for _ in range(int(timeout / 0.05)):
            name = await self.app.engine.view(lambda t: t.s.scalar(select(
                ConversationState.form).where(ConversationState.platform == "discord",
                                              ConversationState.platform_user_id == uid)))
            if name:
                return name
            await asyncio.sleep(0.05)
        raise AssertionError(f"{user} has no open form")

    def board_cards(self) -> list[StoredMessage]:
        return [m for m in self.fake.messages_in(self.board, include_ephemeral=False)
                if m.author.id == self.fake.bot_user.id and m.embeds]

    async def dm_with(self, user: Any, text: str, *, after: int = 0,
                      timeout: float = 5.0) -> StoredMessage:
        def find():
            for m in self.fake.dm_messages_to(user):
                if m.id > after and text in m.text():
                    return m
            return None
        return await self.fake.wait_for(find, timeout, what=f"a DM to {user} with {text!r}")

    async def pump(self, until, timeout: float = 5.0, what: str = "a condition") -> Any:
        """Tick until ``until()`` is truthy (the outbox may need several rounds)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            await self.tick()
            result = until()
            if result:
                return result
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.02)


def find_button(message: StoredMessage, label: str) -> dict:
    for b in message.buttons():
        if (b.get("label") or "").lower().startswith(label.lower()):
            return b
    raise AssertionError(f"no button {label!r} on message {message.id}: "
                         f"{[b.get('label') for b in message.buttons()]}")


def labels(message: StoredMessage) -> list[str]:
    return [b.get("label") for b in message.buttons()]



@pytest.fixture
async def h(tmp_path, migrated_db):
    """A running harness (fake Discord, app, Discord service); closed afterwards."""
    async with FakeDiscord() as fake:
        harness = DiscordHarness(fake, tmp_path)
        await harness.open(migrated_db)
        try:
            yield harness
        finally:
            await harness.close()
