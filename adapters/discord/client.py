"""The discord.py client: an ``AutoShardedClient`` (one process runs every shard
Discord recommends) with an ``app_commands.CommandTree``. At start it registers
the persistent button types, builds ``/gig`` from the registry and syncs it —
to ``DISCORD_DEV_GUILD_IDS`` (instant) when set, else globally. Events go to the
``Router``."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterable

import discord
import yarl
from discord import app_commands

from adapters.discord.components import ActionButton, FormButton
from adapters.discord.render import NO_PINGS
from adapters.discord.slash import CatalogueTranslator, build_group

if TYPE_CHECKING:
    from adapters.discord.router import Router

log = logging.getLogger(__name__)


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
    def __init__(self, *, dev_guild_ids: Iterable[int] = (), gateway_url: str | None = None,
                 sync_commands: bool = True, **kwargs) -> None:
        kwargs.setdefault("allowed_mentions", NO_PINGS)
        kwargs.setdefault("max_ratelimit_timeout", 30.0)
        kwargs.setdefault("chunk_guilds_at_startup", False)
        super().__init__(intents=kwargs.pop("intents", None) or intents(), **kwargs)
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        self.dev_guild_ids = [int(g) for g in dev_guild_ids]
        self.sync_commands = sync_commands
        self.router: Router | None = None
        self.synced: list[app_commands.AppCommand] = []
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

    async def setup_hook(self) -> None:
        if self.router is None:
            raise RuntimeError("GigClient needs a router before it starts")
        self.add_dynamic_items(ActionButton, FormButton)
        await self.tree.set_translator(CatalogueTranslator())
        self.tree.add_command(build_group(self.router.on_command))
        if self.sync_commands:
            try:
                await self.sync()
            except discord.HTTPException:
                log.exception("syncing slash commands failed; the previous set stays")

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
        await self.router.on_any_interaction(interaction)

    async def on_message(self, message: discord.Message) -> None:
        await self.router.on_message(message)

    async def _on_tree_error(self, interaction: discord.Interaction,
                             error: app_commands.AppCommandError) -> None:
        if isinstance(error, app_commands.CommandSignatureMismatch):
            log.warning("stale Discord command %s: commands are being re-synced", error.command.name)
        await self.router.on_handler_error(interaction, error)
