"""The discord.py client: an ``AutoShardedClient`` (one process runs every shard
Discord recommends, or the ``shard_ids`` of ``shard_count`` it is given:
``DISCORD_SHARD_IDS``/``DISCORD_SHARD_COUNT``, one part of the bot per process) with an ``app_commands.CommandTree``, and the ``Intake`` it
hands everything that comes in to (``adapters.discord.intake.InteractionIntake``,
set by the wiring in ``service`` before the client starts).

At start the intake installs what it answers (the persistent button types, the
``/gig`` group built from the registry, its translator); the client then syncs
the commands: to ``DISCORD_DEV_GUILD_IDS`` (instant) when set, else globally.

Persistent buttons and modals (``components``, ``modals``) find their handler
from the interaction with ``intake_of``: the client that received it carries it.
This module imports nothing else of the adapter, so every other module may
import it."""
from __future__ import annotations

import asyncio
import logging
from typing import Iterable, Protocol

import discord
import yarl
from discord import app_commands

log = logging.getLogger(__name__)


class Intake(Protocol):
    """What the client hands incoming events to."""

    async def install(self, client: "GigClient") -> None:
        """Register the dynamic items, the translator and the commands on ``client``."""

    async def on_interaction(self, interaction: discord.Interaction) -> None: ...

    async def on_message(self, message: discord.Message) -> None: ...

    async def on_press(self, interaction: discord.Interaction, payload: str) -> None: ...

    async def on_form_button(self, interaction: discord.Interaction, form: str,
                             page: int) -> None: ...

    async def on_modal(self, interaction: discord.Interaction) -> None: ...

    async def on_failure(self, interaction: discord.Interaction, error: Exception) -> None:
        """Tell the user something went wrong (with a reference), log the trace."""


def intents() -> discord.Intents:
    """Guilds, DMs and messages; message content (privileged: enable "Message
    Content Intent" for the bot) to read files posted in gig threads. No members
    intent: interactions carry the member and their roles."""
    wanted = discord.Intents.default()
    wanted.message_content = True
    wanted.typing = False
    wanted.presences = False
    return wanted


class GigClient(discord.AutoShardedClient):
    def __init__(self, *, intake: Intake | None = None, dev_guild_ids: Iterable[int] = (),
                 gateway_url: str | None = None, sync_commands: bool = True, **kwargs) -> None:
        kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
        kwargs.setdefault("max_ratelimit_timeout", 30.0)
        kwargs.setdefault("chunk_guilds_at_startup", False)
        if not kwargs.get("shard_ids"):
            kwargs.pop("shard_ids", None)  # all shards (of shard_count, or as Discord says)
        super().__init__(intents=kwargs.pop("intents", None) or intents(), **kwargs)
        self.fixed_shard_count = self.shard_count  # DISCORD_SHARD_COUNT, else asked at log-in
        self.intake: Intake | None = intake  # set before start (see ``service``)
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        self.dev_guild_ids = [int(g) for g in dev_guild_ids]
        self.sync_commands = sync_commands
        self.synced: list[app_commands.AppCommand] = []
        self._installed = False
        if gateway_url:
            self._use_gateway(gateway_url)

    def _use_gateway(self, url: str) -> None:
        """Connect to ``url`` (a proxy or a test server) instead of the gateway URL
        that ``GET /gateway/bot`` names; the shard count still comes from Discord."""
        ask = self.http.get_bot_gateway

        async def get_bot_gateway():
            shards, _, limits = await ask()
            return shards, url, limits
        self.http.get_bot_gateway = get_bot_gateway  # type: ignore[method-assign]
        import discord.gateway
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)

    def reopen(self) -> None:
        """Make a closed client startable again (``login`` then ``connect``).

        ``clear()`` is discord.py's own reset, but it leaves three things of the
        closed run: the HTTP connector (closed with the session), the shard count
        (Discord may have resharded: ask again, unless DISCORD_SHARD_COUNT fixes it) and
        the shards' event queue, which still holds the close event and would end the
        next ``connect`` at once."""
        self.clear()
        self.http.connector = discord.utils.MISSING
        self.shard_count = self.fixed_shard_count
        self._AutoShardedClient__queue = asyncio.PriorityQueue()  # noqa: SLF001 - see above

    def answered_by(self) -> Intake:
        if self.intake is None:
            raise RuntimeError("GigClient needs an intake before it starts")
        return self.intake

    async def setup_hook(self) -> None:
        # login() runs this again when the service restarts a stopped client: what is
        # installed (commands, persistent buttons) stays, and nothing is synced twice.
        if self._installed:
            return
        self._installed = True
        await self.answered_by().install(self)
        if self.sync_commands:
            try:
                await self.sync()
            except discord.HTTPException:
                log.exception("syncing slash commands failed; the previous set stays")
        if not self.synced and not self.dev_guild_ids:  # a process that does not sync
            try:
                self.synced = await self.tree.fetch_commands()
            except discord.HTTPException as exc:
                log.warning("could not read the bot's Discord commands (%s): texts name "
                            "commands without mentions", exc)

    @property
    def command_ids(self) -> dict[str, int]:
        """The global commands' ids by name, for mentions in texts (``</gig post:ID>``:
        shown in the reader's language, started by a click). Empty with dev guilds,
        whose commands have other ids in each guild and none in DMs."""
        if self.dev_guild_ids:
            return {}
        return {c.name: c.id for c in self.synced}

    async def sync(self) -> list[app_commands.AppCommand]:
        """Publish the commands: instantly to the dev guilds, else globally (Discord
        may take up to an hour to show global changes)."""
        synced: list[app_commands.AppCommand] = []
        if self.dev_guild_ids:
            for gid in self.dev_guild_ids:
                guild = discord.Object(gid)
                self.tree.copy_global_to(guild=guild)
                synced += await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        self.synced = synced
        log.info("synced %s Discord command(s) to %s", len(synced),
                 self.dev_guild_ids or "all servers")
        return synced

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.answered_by().on_interaction(interaction)

    async def on_message(self, message: discord.Message) -> None:
        await self.answered_by().on_message(message)

    async def _on_tree_error(self, interaction: discord.Interaction,
                             error: app_commands.AppCommandError) -> None:
        if isinstance(error, app_commands.CommandSignatureMismatch):
            log.warning("stale Discord command %s: commands are being re-synced", error.command.name)
        await self.answered_by().on_failure(interaction, error)


def intake_of(interaction: discord.Interaction) -> Intake:
    """The intake of the client that received ``interaction``."""
    client = interaction.client
    if not isinstance(client, GigClient):
        raise TypeError(f"interaction {interaction.id} came through {type(client).__name__}, "
                        "not a GigClient")
    return client.answered_by()
