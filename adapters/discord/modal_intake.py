"""Modal submissions coming in (``modals.FormModal``, or a modal opened before a
restart that reaches the intake's fallback): the page's answers are merged
into the form's progress kept in the database; a page that is not the last
offers the next one, the last submits the whole form to the conversation layer,
and answers it refuses bring the form back so they can be fixed."""
from __future__ import annotations

import discord

from bot.conversation import Actor, FormRequest, Place, Reply, Rich
from bot.forms import FORMS

from adapters.discord import store
from adapters.discord.answering import InteractionAnswerer
from adapters.discord.modals import modal_values, pages, parse_modal_id


class ModalSubmitIntake:
    def __init__(self, answerer: InteractionAnswerer) -> None:
        self.answerer = answerer
        self.conv = answerer.conv

    async def on_modal(self, interaction: discord.Interaction, *,
                       started: float | None = None) -> None:
        parsed = parse_modal_id((interaction.data or {}).get("custom_id", ""))
        submitted = modal_values(interaction.data)

        async def work(actor: Actor, place: Place) -> list[Reply]:
            ctx = self.conv.context(actor, place)
            entry = FORMS.get(parsed[0]) if parsed else None
            if entry is None:
                return await self.conv.form_submitted(actor, place, "?", submitted)
            name, page = parsed
            state = await store.open_form(ctx)
            values, context = ({**state.values}, state.context) if state and state.name == name \
                else ({}, {})
            values.update({k: v for k, v in submitted.items()})
            if page + 1 < len(pages(entry.spec)):  # more pages: keep the answers, offer the next
                return [Reply(Rich(), private=True,
                              form=FormRequest(entry.spec, context, page + 1, values))]
            replies = await self.conv.form_submitted(actor, place, name, values, context)
            still = await store.open_form(ctx)
            if still is not None and still.name == name:  # refused: let them fix the answers
                replies.append(Reply(Rich(), private=True,
                                     form=FormRequest(entry.spec, still.context, 0, still.values)))
            return replies
        await self.answerer.answer(interaction, work, started=started)
