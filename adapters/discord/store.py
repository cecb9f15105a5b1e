"""What the Discord adapter remembers in the database, through bot/'s helpers
where they exist: gig card messages (``MessageRef`` via ``remember_card``), the
thread of each gig card (a ``MessageRef`` under ``<card_key>/thread``), the
Discord id of a core user, and a form's progress between modal pages."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from bot import forms
from bot.context import Context
from bot.dispatch import card_refs, remember_card
from core.api import Engine
from core.domain.records import Identity, MessageRef

PLATFORM = "discord"
THREAD_SUFFIX = "/thread"


def gig_id_of(card_key: str) -> int | None:
    kind, _, ident = card_key.partition(":")
    return int(ident) if kind == "gig" and ident.isdigit() else None


async def thread_of_card(engine: Engine, card_key: str) -> int | None:
    refs = await card_refs(engine, PLATFORM, card_key + THREAD_SUFFIX)
    return int(refs[0].chat_id) if refs else None


async def remember_thread(engine: Engine, card_key: str, thread_id: int) -> None:
    await remember_card(engine, PLATFORM, card_key + THREAD_SUFFIX, str(thread_id), str(thread_id))


async def card_of_thread(engine: Engine, thread_id: int) -> str | None:
    key = await engine.view(lambda t: t.s.scalar(select(MessageRef.card_key).where(
        MessageRef.platform == PLATFORM, MessageRef.chat_id == str(thread_id),
        MessageRef.card_key.like("%" + THREAD_SUFFIX)).limit(1)))
    return key[:-len(THREAD_SUFFIX)] if key else None


async def discord_id_of(engine: Engine, user_id: int) -> str | None:
    return await engine.view(lambda t: t.s.scalar(select(Identity.platform_user_id).where(
        Identity.platform == PLATFORM, Identity.user_id == user_id).limit(1)))


@dataclass(frozen=True)
class OpenForm:
    name: str
    step: int  # index of the next field to fill
    values: dict
    context: dict


async def open_form(ctx: Context) -> OpenForm | None:
    state = await forms.current(ctx)
    if state is None:
        return None
    return OpenForm(state.form, state.step, json.loads(state.values_json or "{}"),
                    json.loads(state.context_json or "{}"))


async def save_form(ctx: Context, form: OpenForm) -> None:
    await forms.save_progress(ctx, form.name, form.step, form.values, form.context)
