"""Forms: declared once as typed fields, filled either in one go (a Discord
modal, or key=value arguments) or step by step (Telegram, console) with the
state kept in the database so a restart resumes where the user was. ``/cancel``
leaves any form. Who may act, and whether the action is still possible, is
checked before the first question (``before``). Validation happens on submit: a
refusal that names a field sends the user back to that field with the reason, a
field error the form has no field for back to its first question, and any other
refusal closes the form (so later messages are not taken as answers to it).

Each answer saves with the version it read (compare-and-swap, ``FormChanged``):
when another answer of the same person got in first (two processes), the form is
read again and the answer applied to where the form is now; the last step takes
the form (a versioned drop) before it submits, so two answers never submit twice."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Awaitable, Callable

from bot.context import Context
from bot.conversation import FieldSpec, FormRequest, FormSpec, Reply, Rich
from bot.refusal_terms import refusal_text
from bot.texts import N_
from core.api import ConversationState, DomainError, FormChanged, ValidationError

Submit = Callable[[Context, dict, dict], Awaitable[list[Reply]]]
# (answer, answers so far, the reader's locale) -> raises ValidationError for a bad answer
Check = Callable[[str, dict, str], object]
Before = Callable[[Context, dict], Awaitable[object]]  # raises the refusal before asking
SKIP_WORDS = ("-", "skip")
CAS_TRIES = 3  # re-reads of a form another answer saved meanwhile
FORM_GONE = N_("That form was already sent or closed, so I did not use this answer.")
FORM_BUSY = N_("Your form changed while I read that answer; please send it again.")


@dataclass(frozen=True)
class FormEntry:
    spec: FormSpec
    submit: Submit
    checks: dict[str, Check]
    before: Before | None = None


FORMS: dict[str, FormEntry] = {}


def form(spec: FormSpec, checks: dict[str, Check] | None = None, *, before: Before | None = None):
    """Register a form's submit handler; ``checks`` validate single answers as they
    arrive (step-by-step mode) so a mistake is caught at its own step; ``before``
    (ctx, context) raises the refusal of a form that must not open at all."""
    def wrap(fn: Submit) -> Submit:
        FORMS[spec.name] = FormEntry(spec, fn, checks or {}, before)
        return fn
    return wrap


def is_skip(ctx: Context, text: str) -> bool:
    """The answer that skips an optional step: "-" or "skip" (also in the user's language)."""
    word = text.strip().lower()
    return word in SKIP_WORDS or word == ctx._("skip").lower()


async def current(ctx: Context) -> ConversationState | None:
    return await ctx.engine.form_state(ctx.actor.platform, ctx.actor.platform_user_id)


async def clear(ctx: Context) -> bool:
    return await ctx.engine.drop_form_state(ctx.actor.platform, ctx.actor.platform_user_id)


async def _save(ctx: Context, name: str, step: int, values: dict, context: dict, *,
                expected: int | None = None) -> None:
    """Remember where this user is in which form (one form per user and platform);
    ``expected``: the version this answer read (``FormChanged`` if it moved on)."""
    await ctx.engine.save_form_state(ctx.actor.platform, ctx.actor.platform_user_id, name, step,
                                     values, context, expected=expected)


async def save_progress(ctx: Context, name: str, step: int, values: dict, context: dict) -> None:
    """Keep a form's progress for an adapter that collects it in its own way (e.g. a
    Discord modal per page), so it survives restarts and can be resumed or fixed."""
    await _save(ctx, name, step, values, context)


def _next_field(spec: FormSpec, values: dict, start: int = 0) -> int | None:
    for i, f in enumerate(spec.fields):
        if i >= start and f.name not in values:
            return i
    return None


def error_text(ctx: Context, exc: DomainError) -> str:
    """A domain error's text in the actor's language (its template is a message id)."""
    return refusal_text(ctx._, exc)


def prompt_for(ctx: Context, spec: FormSpec, index: int, error: str | None = None) -> Reply:
    f = spec.fields[index]
    text = Rich()
    if error:
        text.add("⚠️ ").add(error).line()
    text.bold(ctx._(spec.title)).add(f" ({index + 1}/{len(spec.fields)})").line(ctx._(f.prompt))
    hint = [ctx._("Send /cancel to stop.")]
    if not f.required:
        hint.insert(0, ctx._("Optional: send skip (or -) to leave it out."))
    text.line(" ".join(hint), "italic")
    return Reply(text, private=True)


async def start(ctx: Context, name: str, *, context: dict | None = None,
                values: dict | None = None) -> list[Reply]:
    """Open a form: as a modal where the platform has them (the adapter decides from
    ``reply.form``), otherwise as step-by-step prompts stored in the DB."""
    entry = FORMS[name]
    values = {k: v for k, v in (values or {}).items() if v not in (None, "")}
    ctx_data = context or {}
    if entry.before is not None:
        await entry.before(ctx, ctx_data)  # a refusal now, not after the user typed answers
    if ctx.modal_forms:
        return [Reply(Rich().add(ctx._(entry.spec.title)), private=True,
                      form=FormRequest(entry.spec, ctx_data, 0, values))]
    index = _next_field(entry.spec, values)
    if index is None:
        return await submit(ctx, name, values, ctx_data)

    await _save(ctx, name, index, values, ctx_data)
    return [prompt_for(ctx, entry.spec, index)]


async def answer(ctx: Context, state: ConversationState, text: str,
                 attachments: list[dict] | None = None) -> list[Reply]:
    """The user typed the next answer of a step-by-step form. Applied to the state it
    read; if another answer saved the form meanwhile, to the form as it is now."""
    for _ in range(CAS_TRIES):
        try:
            return await _apply(ctx, state, text, attachments)
        except FormChanged:
            fresh = await current(ctx)
            if fresh is None:
                return [Reply(Rich().add(ctx._(FORM_GONE)), private=True)]
            state = fresh
    return [Reply(Rich().add(ctx._(FORM_BUSY)), private=True)]


async def _apply(ctx: Context, state: ConversationState, text: str,
                 attachments: list[dict] | None) -> list[Reply]:
    version = getattr(state, "version", None)
    entry = FORMS.get(state.form)
    if entry is None:
        await clear(ctx)
        return [Reply(Rich().add(ctx._("That form no longer exists. Start again with /help.")))]
    spec = entry.spec
    values = json.loads(state.values_json)
    context = json.loads(state.context_json)
    f: FieldSpec = spec.fields[min(state.step, len(spec.fields) - 1)]
    text = (text or "").strip()
    # What a platform fetched of a file (``content``) never goes into the stored form.
    uploads = [a.pop("content") for a in attachments or [] if "content" in a]
    from_file = f.read_file is not None and bool(uploads)
    if from_file:
        try:
            text = f.read_file(uploads[0]).strip()
        except ValidationError as exc:
            return [prompt_for(ctx, spec, state.step, error_text(ctx, exc))]
        attachments = None  # the file was the answer, not an attachment of the form
    if attachments:
        context.setdefault("files", []).extend(attachments)
    if not f.required and is_skip(ctx, text) and not attachments:
        values[f.name] = ""
    elif not text and not attachments:
        return [prompt_for(ctx, spec, state.step, ctx._("Please type an answer."))]
    elif len(text) > f.max_len and not from_file:
        return [prompt_for(ctx, spec, state.step, ctx._.ngettext(
            "That is {n} character; the limit here is {limit}.",
            "That is {n} characters; the limit here is {limit}.", len(text), limit=f.max_len))]
    elif f.choices and text.lower() not in f.choices:
        return [prompt_for(ctx, spec, state.step, ctx._("Choose one of: {choices}.",
                                                         choices=", ".join(f.choices)))]
    else:
        check = entry.checks.get(f.name)
        if check is not None:
            try:
                check(text, values, ctx.actor.locale)
            except ValidationError as exc:
                return [prompt_for(ctx, spec, state.step, error_text(ctx, exc))]
        values[f.name] = text
    index = _next_field(spec, values)
    if index is None:
        if version is not None:  # take the form: a second answer cannot submit it again
            await ctx.engine.drop_form_state(ctx.actor.platform, ctx.actor.platform_user_id,
                                             expected=version)
        return await submit(ctx, spec.name, values, context)
    await _save(ctx, spec.name, index, values, context, expected=version)
    return [prompt_for(ctx, spec, index)]


async def submit(ctx: Context, name: str, values: dict, context: dict) -> list[Reply]:
    """Run the form's action. A field error goes back to that field (a field error
    the form has no field for: to its first question); any other refusal closes
    the form and is the reply."""
    entry = FORMS[name]
    try:
        replies = await entry.submit(ctx, values, context)
    except ValidationError as exc:
        names = [f.name for f in entry.spec.fields]
        if ctx.modal_forms:
            if exc.field not in names:
                await clear(ctx)  # the modal cannot fix it: nothing to reopen
            raise
        index = names.index(exc.field) if exc.field in names else 0
        kept = {k: v for k, v in values.items() if k != names[index]} \
            if exc.field in names else {}
        await _save(ctx, name, index, kept, context)
        return [prompt_for(ctx, entry.spec, index, error_text(ctx, exc))]
    except DomainError:
        await clear(ctx)  # not the answers' fault: asking again would only repeat it
        raise
    await clear(ctx)
    return replies
