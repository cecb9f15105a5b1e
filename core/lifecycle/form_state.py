"""Where a person is in a step-by-step form (one form per user and platform), kept
in the database so a restart resumes it: save and drop. Loading is a read model
(``core.read_models.form_state``)."""
from __future__ import annotations

import json

from sqlalchemy import delete, select

from core.domain.records import ConversationState
from core.lifecycle.tx import Tx


def save_form_state(tx: Tx, platform: str, platform_user_id: str, form: str, step: int,
                    values: dict, context: dict) -> None:
    """Remember ``form`` at ``step`` with the answers so far and its context."""
    state = tx.s.scalar(select(ConversationState).where(
        ConversationState.platform == platform,
        ConversationState.platform_user_id == platform_user_id))
    if state is None:
        state = ConversationState(platform=platform, platform_user_id=platform_user_id, form=form)
        tx.s.add(state)
    state.form, state.step = form, step
    state.values_json, state.context_json = json.dumps(values), json.dumps(context)
    state.updated_at = tx.now


def drop_form_state(tx: Tx, platform: str, platform_user_id: str) -> bool:
    """Leave any form; True when there was one."""
    res = tx.s.execute(delete(ConversationState).where(
        ConversationState.platform == platform,
        ConversationState.platform_user_id == platform_user_id))
    return bool(res.rowcount)
