"""Button presses coming in (the ``components`` dynamic items):

- an action button (``gb:<payload>``): the neutral payload goes to the
  conversation layer, which decides at press time from the database who may do
  what. Presses that may open a form (Deliver, Revise, Reject, Dispute, Apply)
  get the full acknowledgement budget, because a modal must be the first
  response; the others are deferred sooner. After a successful Claim the
  claimant is added to the gig's thread, in the background;
- a form button (``gbf:<form>:<page>``): opens that page of the form the user
  has open, from its progress in the database, or says the form expired."""
from __future__ import annotations

import asyncio

import discord

from bot.conversation import Actor, FormRequest, Place, Reply, Rich
from bot.forms import FORMS
from bot.payloads import BadPayload, decode
from bot.texts import N_

from adapters.discord import store
from adapters.discord.answering import InteractionAnswerer

FORM_GONE = N_("This form has expired. Please start again.")
# Presses whose answer may be a form (a modal must be the first response: no early defer).
FORM_VERBS = frozenset({"deliver", "revise", "reject", "dispute", "apply"})


class ButtonPressIntake:
    def __init__(self, answerer: InteractionAnswerer) -> None:
        self.answerer = answerer
        self.conv = answerer.conv
        self._background: set[asyncio.Task] = set()

    async def on_press(self, interaction: discord.Interaction, payload: str, *,
                       started: float | None = None) -> None:
        try:
            pressed = decode(payload)
        except BadPayload:
            pressed = None
        replies = await self.answerer.answer(
            interaction, lambda a, p: self.conv.press(a, p, payload), started=started,
            may_open_form=pressed is not None and pressed.verb in FORM_VERBS)
        if pressed is None:
            return
        if pressed.verb == "claim" and replies and not replies[0].alert:
            task = asyncio.create_task(self.answerer.out.join_thread(
                f"gig:{pressed.entity_id}", interaction.user.id))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def on_form_button(self, interaction: discord.Interaction, form: str, page: int, *,
                             started: float | None = None) -> None:
        async def work(actor: Actor, place: Place) -> list[Reply]:
            ctx = self.conv.context(actor, place)
            state = await store.open_form(ctx)
            entry = FORMS.get(form)
            if state is None or state.name != form or entry is None:
                return [ctx.say(ctx._(FORM_GONE), private=True, alert=True)]
            return [Reply(Rich(), private=True, form=FormRequest(entry.spec, state.context, page,
                                                                 state.values))]
        await self.answerer.answer(interaction, work, started=started)
