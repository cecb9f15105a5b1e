"""``InteractionIntake``: everything that comes in from Discord, handed to the
module that handles its kind (the ``client.Intake`` the client calls):

- slash commands -> ``command_intake.SlashCommandIntake``;
- button presses (``components`` dynamic items) -> ``press_intake.ButtonPressIntake``;
- modal submissions (``modals.FormModal``) -> ``modal_intake.ModalSubmitIntake``;
- messages (files in a gig thread, DMs) -> ``message_intake.MessageIntake``;

all sharing one ``answering.InteractionAnswerer`` (who and where, each
interaction once, the acknowledgement budget, failures with a reference).

It also installs what it answers on the client (the persistent button types,
the ``/gig`` group, the catalogue translator) and catches leftovers: presses
and submissions discord.py dropped (a dynamic item whose message could not be
parsed or no longer has the button, a modal opened before a restart) and
components that are not ours."""
from __future__ import annotations

import asyncio
import logging

import discord

from bot.texts import N_, translator

from adapters.discord.answering import InteractionAnswerer
from adapters.discord.client import GigClient
from adapters.discord.command_intake import SlashCommandIntake
from adapters.discord.components import ActionButton, FormButton, PAYLOAD_PREFIX, parse_form_id
from adapters.discord.message_intake import MessageIntake
from adapters.discord.modal_intake import ModalSubmitIntake
from adapters.discord.press_intake import ButtonPressIntake
from adapters.discord.slash import CatalogueTranslator, build_groups

log = logging.getLogger(__name__)

STALE = N_("This button is not valid any more.")
LEFTOVER_TYPES = (discord.InteractionType.component, discord.InteractionType.modal_submit)


class InteractionIntake:
    def __init__(self, answerer: InteractionAnswerer, *, fallback_delay: float = 0.3) -> None:
        """``fallback_delay``: how long a press or submission is left to the dynamic
        items and modals before the fallback takes it."""
        self.answerer = answerer
        self.commands = SlashCommandIntake(answerer)
        self.presses = ButtonPressIntake(answerer)
        self.submissions = ModalSubmitIntake(answerer)
        self.messages = MessageIntake(answerer)
        self.fallback_delay = fallback_delay

    async def install(self, client: GigClient) -> None:
        client.add_dynamic_items(ActionButton, FormButton)
        await client.tree.set_translator(CatalogueTranslator())
        for group in build_groups(self.commands.on_command):
            client.tree.add_command(group)

    # -- what the client, the dynamic items and the modals call ---------------------
    async def on_press(self, interaction: discord.Interaction, payload: str) -> None:
        await self.presses.on_press(interaction, payload)

    async def on_form_button(self, interaction: discord.Interaction, form: str,
                             page: int) -> None:
        await self.presses.on_form_button(interaction, form, page)

    async def on_modal(self, interaction: discord.Interaction) -> None:
        await self.submissions.on_modal(interaction)

    async def on_message(self, message: discord.Message) -> None:
        await self.messages.on_message(message)

    async def on_failure(self, interaction: discord.Interaction, error: Exception) -> None:
        await self.answerer.report_failure(interaction, error)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Presses and submissions nothing else handled after ``fallback_delay``
        (one discord.py could not match to its dynamic item, a modal opened before a
        restart): ours are handled here, any other gets a polite answer instead of
        "This interaction failed"."""
        if interaction.type not in LEFTOVER_TYPES:
            return
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        started = asyncio.get_running_loop().time()
        await asyncio.sleep(self.fallback_delay)
        if self.answerer.is_taken(interaction) or interaction.response.is_done():
            return
        log.info("fallback handles interaction %s (%s)", interaction.id, custom_id[:40])
        form_button = parse_form_id(custom_id)
        if interaction.type == discord.InteractionType.modal_submit:
            await self.submissions.on_modal(interaction, started=started)
        elif custom_id.startswith(PAYLOAD_PREFIX):  # longer than a payload may be
            await self.presses.on_press(interaction, custom_id[len(PAYLOAD_PREFIX):],
                                        started=started)
        elif form_button is not None:
            await self.presses.on_form_button(interaction, *form_button, started=started)
        elif self.answerer.take(interaction) and \
                await self.answerer.claimed("interaction", interaction.id):
            text = translator(str(interaction.locale))(STALE)
            try:
                await interaction.response.send_message(text, ephemeral=True)
            except discord.HTTPException:
                pass
