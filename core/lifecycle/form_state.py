"""Where a person is in a step-by-step form (one form per user and platform), kept
in the database so a restart resumes it: save and drop. Loading is a read model
(``core.read_models.form_state``).

Saves are compare-and-swap: each save bumps the row's ``version``, and a save or
drop that names the version it read (``expected``) changes nothing and raises
``FormChanged`` when another answer saved the form in between (two processes
handling one person's quick answers): the caller reads again and re-applies."""
from __future__ import annotations

import json

from sqlalchemy import delete, select, update

from core.domain.errors import FormChanged
from core.domain.records import ConversationState
from core.lifecycle.tx import Tx

def _where(platform: str, platform_user_id: str):
    return (ConversationState.platform == platform,
            ConversationState.platform_user_id == platform_user_id)


def save_form_state(tx: Tx, platform: str, platform_user_id: str, form: str, step: int,
                    values: dict, context: dict, *, expected: int | None = None) -> int:
    """Remember ``form`` at ``step`` with the answers so far and its context; the new
    version. ``expected``: the version read (``0``: there was no form)."""
    fields = dict(form=form, step=step, values_json=json.dumps(values),
                  context_json=json.dumps(context), updated_at=tx.now)
    if expected is not None and expected > 0:
        new = tx.s.scalar(update(ConversationState).where(
            *_where(platform, platform_user_id), ConversationState.version == expected)
            .values(version=ConversationState.version + 1, **fields)
            .returning(ConversationState.version)
            .execution_options(synchronize_session=False))
        if new is None:
            raise FormChanged("Your form changed while I read that answer; please send it again.")
        return int(new)
    state = tx.s.scalar(select(ConversationState).where(*_where(platform, platform_user_id)))
    if state is None:
        state = ConversationState(platform=platform, platform_user_id=platform_user_id,
                                  form=form, version=0)
        tx.s.add(state)
    elif expected == 0:
        raise FormChanged("Your form changed while I read that answer; please send it again.")
    for name, value in fields.items():
        setattr(state, name, value)
    state.version = (state.version or 0) + 1
    tx.s.flush()
    return state.version


def drop_form_state(tx: Tx, platform: str, platform_user_id: str, *,
                    expected: int | None = None) -> bool:
    """Leave any form; True when there was one. ``expected``: only the version read
    (else ``FormChanged``)."""
    where = list(_where(platform, platform_user_id))
    if expected is not None:
        where.append(ConversationState.version == expected)
    res = tx.s.execute(delete(ConversationState).where(*where)
                       .execution_options(synchronize_session=False))
    if expected is not None and not res.rowcount:
        raise FormChanged("Your form changed while I read that answer; please send it again.")
    return bool(res.rowcount)
