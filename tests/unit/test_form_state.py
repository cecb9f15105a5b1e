"""Form state goes through the engine: save, load and drop, kept in the database."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from core.domain.records import ConversationState


async def test_form_state_save_load_drop(engine):
    assert await engine.form_state("telegram", "42") is None
    await engine.save_form_state("telegram", "42", "post", 1, {"title": "Logo"}, {"gig_id": 7})
    state = await engine.form_state("telegram", "42")
    assert (state.form, state.step) == ("post", 1)
    assert json.loads(state.values_json) == {"title": "Logo"}
    assert json.loads(state.context_json) == {"gig_id": 7}
    await engine.save_form_state("telegram", "42", "apply", 0, {}, {})
    assert (await engine.form_state("telegram", "42")).form == "apply"
    assert await engine.form_state("discord", "42") is None
    assert await engine.view(lambda t: t.s.scalar(
        select(func.count()).select_from(ConversationState))) == 1
    assert await engine.drop_form_state("telegram", "42") is True
    assert await engine.drop_form_state("telegram", "42") is False
    assert await engine.form_state("telegram", "42") is None
