"""Form state is saved compare-and-swap (issue 14): a save or drop naming a version
another answer already replaced changes nothing and raises ``FormChanged``; an
answer that read the form before another answer of the same person was saved (two
processes) is applied to where the form is now, not to the field it first read;
and the last answer of a form submits it once."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot import forms
from bot.conversation import Place, PlaceKind
from bot.service import Conversation
from core.api import FormChanged
from core.domain.records import ConversationState


async def test_a_stale_version_changes_nothing(engine):
    v1 = await engine.save_form_state("telegram", "42", "post", 0, {}, {})
    v2 = await engine.save_form_state("telegram", "42", "post", 1, {"title": "Logo"}, {},
                                      expected=v1)
    assert v2 == v1 + 1
    with pytest.raises(FormChanged):
        await engine.save_form_state("telegram", "42", "post", 1, {"title": "Other"}, {},
                                     expected=v1)
    with pytest.raises(FormChanged):  # a form that was not there when read (0)
        await engine.save_form_state("telegram", "42", "apply", 0, {}, {}, expected=0)
    with pytest.raises(FormChanged):
        await engine.drop_form_state("telegram", "42", expected=v1)
    state = await engine.form_state("telegram", "42")
    assert (state.form, state.step, state.version) == ("post", 1, v2)
    assert json.loads(state.values_json) == {"title": "Logo"}
    assert await engine.drop_form_state("telegram", "42", expected=v2) is True
    assert await engine.form_state("telegram", "42") is None


async def test_an_answer_that_read_a_stale_form_lands_in_the_next_field(engine):
    conv = Conversation(engine)
    actor = await conv.actor("telegram", "77", "Tess")
    place = Place("telegram", PlaceKind.dm, "77")
    await conv.command(actor, place, "post")
    read_before = await engine.form_state("telegram", "77")  # what a second process read
    assert read_before.step == 0
    await conv.text(actor, place, "Logo in SVG")  # the first answer, saved first
    ctx = conv.context(actor, place)
    replies = await forms.answer(ctx, read_before, "A vector logo for my shop")
    state = await engine.form_state("telegram", "77")
    values = json.loads(state.values_json)
    assert values == {"title": "Logo in SVG", "description": "A vector logo for my shop"}
    assert state.step == 2  # the reward comes next, and the user is asked for it
    assert "Reward per slot" in "".join(_texts(replies[0]))


async def test_two_last_answers_submit_the_form_once(engine):
    conv = Conversation(engine)
    actor = await conv.actor("telegram", "78", "Tom")
    place = Place("telegram", PlaceKind.dm, "78")
    await conv.command(actor, place, "profile")
    state = await engine.form_state("telegram", "78")
    spec = forms.FORMS[state.form].spec
    answers = {"skills": "design, svg", "min_reward": "0", "timezone": "UTC", "hours": "any"}
    last = None
    for i, field in enumerate(spec.fields):
        last = await engine.form_state("telegram", "78")
        if i == len(spec.fields) - 1:
            break
        await conv.text(actor, place, answers.get(field.name, "-"))
    ctx = conv.context(actor, place)
    first = await forms.answer(ctx, last, answers.get(spec.fields[-1].name, "-"))
    second = await forms.answer(ctx, last, answers.get(spec.fields[-1].name, "-"))
    assert "Profile saved" in "".join(span for r in first for span in _texts(r)), first
    assert await engine.form_state("telegram", "78") is None
    assert "already sent or closed" in "".join(
        span for r in second for span in _texts(r)), second
    assert await engine.view(lambda t: t.s.scalar(
        select(func.count()).select_from(ConversationState))) == 0


def _texts(reply) -> list[str]:
    from bot.delivery.text import plain
    return [plain(reply.text.spans)]
