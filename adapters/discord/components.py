"""Persistent buttons as discord.py ``DynamicItem``s.

A button's custom_id carries everything needed to act on it, so a button posted
weeks ago, before any number of restarts, still works once the items are
registered at start (``client.add_dynamic_items``):

- ``gb:<neutral payload>``: an action button (Claim, Approve, Pay, ...); the
  payload is bot/'s ``verb:id[:extra]`` (<= 64 bytes), decoded and authorised
  by the conversation layer and core at press time, never here;
- ``gbf:<form>:<page>``: "Continue" / "Open the form": opens page ``page`` of a
  form whose progress is kept in the database.

discord.py matches a press to its item by the custom_id template and rebuilds
the item from the message the press came on (measured: 0.04 ms for a card's
view, well under 1 % of a press). A press it cannot match that way (a custom_id
longer than the template allows, a message it cannot parse) is answered by the
intake's fallback (``intake.InteractionIntake.on_interaction``). Modals use
custom_id ``gbm:<form>:<page>`` (see ``modals``). A press goes to the intake of
the client that received it (``client.intake_of``); what it does is in
``press_intake``."""
from __future__ import annotations

import re

import discord

from adapters.discord.client import intake_of

PAYLOAD_PREFIX = "gb:"
FORM_PREFIX = "gbf:"
MODAL_PREFIX = "gbm:"
_FORM_ID = re.compile(r"gbf:(?P<form>[a-z_]{1,32}):(?P<page>\d{1,2})")


class ActionButton(discord.ui.DynamicItem[discord.ui.Button],
                   template=r"gb:(?P<payload>[!-~]{1,64})"):
    """A neutral action button; the press goes to the intake's ``on_press``."""

    def __init__(self, payload: str, *, label: str = "…",
                 style: discord.ButtonStyle = discord.ButtonStyle.secondary,
                 row: int | None = None) -> None:
        super().__init__(discord.ui.Button(label=label, style=style,
                                           custom_id=PAYLOAD_PREFIX + payload), row=row)
        self.payload = payload

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> "ActionButton":
        return cls(match["payload"], label=item.label or "…", style=item.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await intake_of(interaction).on_press(interaction, self.payload)


class FormButton(discord.ui.DynamicItem[discord.ui.Button], template=_FORM_ID.pattern):
    """Opens one page of a form as a modal (a modal must be the first response to
    an interaction, so a button press is how page 2 of a long form is reached)."""

    def __init__(self, form: str, page: int, *, label: str = "Continue",
                 row: int | None = None) -> None:
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.primary,
                                           custom_id=f"{FORM_PREFIX}{form}:{page}"), row=row)
        self.form = form
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> "FormButton":
        return cls(match["form"], int(match["page"]), label=item.label or "Continue")

    async def callback(self, interaction: discord.Interaction) -> None:
        await intake_of(interaction).on_form_button(interaction, self.form, self.page)


def parse_form_id(custom_id: str) -> tuple[str, int] | None:
    m = _FORM_ID.fullmatch(custom_id or "")
    return (m["form"], int(m["page"])) if m else None


def form_view(form: str, page: int, label: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(FormButton(form, page, label=label[:80]))
    view.stop()  # dispatched by the dynamic item, not kept in memory
    return view
