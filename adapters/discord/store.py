"""What the Discord adapter remembers, through the engine: the thread of each
gig card (a card reference under ``bot.delivery.cards.thread_key``), the
Discord id of a core user, and a form's progress between modal pages."""
from __future__ import annotations

import json
from dataclasses import dataclass

from bot import forms
from bot.context import Context
from bot.delivery.cards import THREAD_SUFFIX, gig_of_card, thread_key
from core.api import Engine

PLATFORM = "discord"


def gig_id_of(card_key: str) -> int | None:
    return gig_of_card(card_key)


async def thread_of_card(engine: Engine, card_key: str) -> int | None:
    refs = await engine.card_refs(PLATFORM, thread_key(card_key))
    return int(refs[0].chat_id) if refs else None


async def remember_thread(engine: Engine, card_key: str, thread_id: int) -> None:
    await engine.remember_card(PLATFORM, thread_key(card_key), str(thread_id), str(thread_id))


async def card_of_thread(engine: Engine, thread_id: int) -> str | None:
    key = await engine.card_in_chat(PLATFORM, str(thread_id), THREAD_SUFFIX)
    return key.removesuffix(THREAD_SUFFIX) if key else None


async def discord_id_of(engine: Engine, user_id: int) -> str | None:
    return await engine.platform_identity(user_id, PLATFORM)


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
