"""Slash commands coming in: ``/gig <name> options`` (built by ``slash``) turned
into a conversation-layer command.

Discord-typed options become neutral arguments (a member or role -> its id, the
board channel -> where the command acts, a file -> a delivery file); ``more``
carries extra ``key=value`` text. Two commands get a Discord touch:

- ``/gig deliver file:...`` opens the claim's Deliver form with the file
  attached, or submits it at once when a text is given too;
- ``/gig board`` adds a private note to the admin when the bot lacks
  permissions in the board channel."""
from __future__ import annotations

import asyncio
from typing import Any

import discord

from bot.conversation import Actor, FormRequest, Place, Reply, Rich
from bot.registry import REGISTRY, parse_text_args
from bot.texts import N_
from core.api import MAX_ITEMS, DomainError, Plural, ValidationError, read_items_csv

from adapters.discord import files as discord_files
from adapters.discord.answering import InteractionAnswerer, links_in

CSV_MAX = 512 * 1024  # what a queue's CSV may weigh
BOARD_PERMISSIONS = N_("I cannot post gig cards in {channel} yet. Give me these permissions "
                       "there: {missing}.")


class SlashCommandIntake:
    def __init__(self, answerer: InteractionAnswerer) -> None:
        self.answerer = answerer
        self.conv = answerer.conv

    async def on_command(self, interaction: discord.Interaction, name: str,
                         options: dict[str, Any]) -> None:
        started = asyncio.get_running_loop().time()
        args: dict[str, Any] = {}
        files: list[dict] = []
        channel = None
        items_file: discord.Attachment | None = None
        for key, value in options.items():
            if value is None:
                continue
            if isinstance(value, discord.Attachment) and key == "items_file":
                items_file = value  # a queue's CSV: read once the interaction is answered
            elif isinstance(value, discord.Attachment):
                files.append(discord_files.from_option(value))
            elif key == "channel" and isinstance(value, discord.abc.GuildChannel):
                channel = value
            elif isinstance(value, discord.Role) and name == "badge":
                args[key], args["role_name"] = str(value.id), value.name  # said in the reply
            elif isinstance(value, (discord.abc.User, discord.Role, discord.Object)):
                args[key] = str(value.id)
            else:
                args[key] = value

        async def work(actor: Actor, place: Place) -> list[Reply]:
            more = args.pop("more", None)
            if more:
                try:
                    extra = parse_text_args(REGISTRY.get(name), str(more))
                except DomainError as exc:
                    return [self.conv.error_reply(self.conv.context(actor, place), exc)]
                args.update({k: v for k, v in extra.items() if k not in args})
            if items_file is not None:
                try:
                    args["items"] = await self._items_of(items_file)
                except DomainError as exc:
                    return [self.conv.error_reply(self.conv.context(actor, place), exc)]
            if name == "deliver" and files:
                return await self._deliver_files(actor, place, args, files)
            replies = await self.conv.command(actor, place, name, args)
            if name == "board" and any(not r.private for r in replies):  # the board is set
                replies += self._board_warning(actor, place, channel or interaction.channel,
                                               interaction.guild)
            return replies
        await self.answerer.answer(interaction, work, started=started, channel=channel)

    @staticmethod
    async def _items_of(att: discord.Attachment) -> str:
        """A queue's items from an attached CSV file, one per line."""
        if att.size > CSV_MAX:
            raise ValidationError("items", Plural(
                "That file is larger than {max_kb} KB; a queue takes at most {max_items} item.",
                "That file is larger than {max_kb} KB; a queue takes at most {max_items} items.",
                count="max_items"), max_kb=CSV_MAX // 1024, max_items=MAX_ITEMS)
        try:
            data = await att.read()
        except discord.HTTPException as exc:
            raise ValidationError("items", "I could not read that file; send it again.") \
                from exc
        return "\n".join(read_items_csv(data))

    def _board_warning(self, actor: Actor, place: Place, channel: Any,
                       guild: discord.Guild | None) -> list[Reply]:
        """A private note to the admin when the bot cannot work in the board channel."""
        me = guild.me if guild is not None else None
        if me is None or not isinstance(channel, discord.abc.GuildChannel):
            return []
        perms = channel.permissions_for(me)
        needed = {"View Channel": perms.view_channel, "Send Messages": perms.send_messages,
                  "Embed Links": perms.embed_links,
                  "Create Public Threads": perms.create_public_threads,
                  "Send Messages in Threads": perms.send_messages_in_threads}
        missing = [name for name, ok in needed.items() if not ok]
        if not missing:
            return []
        ctx = self.conv.context(actor, place)
        return [ctx.say(ctx._(BOARD_PERMISSIONS, channel=f"#{channel.name}",
                              missing=", ".join(missing)), private=True)]

    async def _deliver_files(self, actor: Actor, place: Place, args: dict,
                             files: list[dict]) -> list[Reply]:
        """``/gig deliver file:...``: the form of the claim, with the files; with a
        text too it is submitted at once, otherwise the modal asks for a note."""
        text = args.pop("text", None)
        replies = await self.conv.command(actor, place, "deliver", args)
        form = next((r.form for r in replies if r.form is not None), None)
        if form is None:
            return replies  # e.g. no claim to deliver for
        context = {**form.context, "files": files}
        if text:
            return await self.conv.form_submitted(actor, place, "deliver",
                                                  {"text": text, "links": links_in(text)}, context)
        return [Reply(Rich(), private=True, form=FormRequest(form.form, context, form.page,
                                                             form.values))]
