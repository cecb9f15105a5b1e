"""Forms as Discord modals: one modal per page of at most 5 text inputs (a longer
form, like /post with 6 fields, is split; page 2 is opened by a "Continue"
button). The custom_id ``gbm:<form>:<page>`` says which form and page were
submitted, and the values are read from the interaction payload, so a modal
opened before a restart is still handled after it (through the fallback in
``intake.InteractionIntake.on_interaction``). A submission goes to the intake
of the client that received it (``client.intake_of``); what it does is in
``modal_intake``."""
from __future__ import annotations

import re
from typing import Any, Callable

import discord

from bot.conversation import FieldSpec, FormSpec

from adapters.discord.client import intake_of
from adapters.discord.components import MODAL_PREFIX
from adapters.discord.render import clip

PER_PAGE = 5
TITLE_LIMIT = 45
LABEL_LIMIT = 45
PLACEHOLDER_LIMIT = 100
INPUT_LIMIT = 4000
_MODAL_ID = re.compile(r"gbm:(?P<form>[a-z_]{1,32}):(?P<page>\d{1,2})")


def pages(spec: FormSpec) -> list[tuple[FieldSpec, ...]]:
    return spec.pages(PER_PAGE)


def first_field(page: int) -> int:
    return page * PER_PAGE


def page_of_field(spec: FormSpec, name: str) -> int:
    names = [f.name for f in spec.fields]
    return names.index(name) // PER_PAGE if name in names else 0


def parse_modal_id(custom_id: str) -> tuple[str, int] | None:
    m = _MODAL_ID.fullmatch(custom_id or "")
    return (m["form"], int(m["page"])) if m else None


def modal_values(data: dict[str, Any] | None) -> dict[str, str]:
    """``{input custom_id: value}`` from a MODAL_SUBMIT payload (action rows or labels)."""
    out: dict[str, str] = {}

    def walk(components: list[dict[str, Any]]) -> None:
        for c in components or []:
            if not isinstance(c, dict):
                continue
            if c.get("type") == 4 and c.get("custom_id"):
                out[c["custom_id"]] = str(c.get("value") or "")
            if c.get("components"):
                walk(c["components"])
            if isinstance(c.get("component"), dict):
                walk([c["component"]])
    walk((data or {}).get("components") or [])
    return out


class FormModal(discord.ui.Modal):
    """Page ``page`` of ``spec``, prefilled with ``values``; texts through ``_``."""

    def __init__(self, spec: FormSpec, page: int, values: dict[str, Any],
                 _: Callable[..., str], *, timeout: float = 900) -> None:
        all_pages = pages(spec)
        page = max(0, min(page, len(all_pages) - 1))
        title = _(spec.title)
        if len(all_pages) > 1:
            suffix = f" ({page + 1}/{len(all_pages)})"
            title = clip(title, TITLE_LIMIT - len(suffix)) + suffix
        super().__init__(title=clip(title, TITLE_LIMIT), custom_id=f"{MODAL_PREFIX}{spec.name}:{page}",
                         timeout=timeout)
        for f in all_pages[page]:
            hint = _(f.prompt)
            if f.choices:
                hint = f"{hint} ({' / '.join(f.choices)})"
            default = values.get(f.name)
            self.add_item(discord.ui.TextInput(
                label=clip(_(f.label), LABEL_LIMIT), custom_id=f.name,
                style=discord.TextStyle.long if f.kind == "long" else discord.TextStyle.short,
                required=f.required, max_length=max(1, min(f.max_len, INPUT_LIMIT)),
                placeholder=clip(hint, PLACEHOLDER_LIMIT),
                default=clip(str(default), min(f.max_len, INPUT_LIMIT)) if default not in (None, "")
                else None))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await intake_of(interaction).on_modal(interaction)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await intake_of(interaction).on_failure(interaction, error)
