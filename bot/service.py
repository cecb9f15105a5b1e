"""The conversation front door adapters call: resolve who and where, route a
command / button press / plain text / form submission to its handler, and turn
every failure into a reply a user can act on (typed domain errors by their
message; anything unexpected logged with a reference id and a short apology)."""
from __future__ import annotations

from datetime import datetime

import logging
import time
import uuid

from bot import forms
from bot.commands import load_all
from bot.context import Context
from bot.conversation import Actor, Place, PlaceKind, Reply, Rich
from bot.payloads import BadPayload, decode
from bot.registry import REGISTRY, coerce_args, parse_text_args
from bot.texts import N_, pick_locale, translator
from bot.texts.reader import reading_as
from core.api import Community, DomainError, Engine, UpdateTakenOver, metrics

log = logging.getLogger(__name__)
load_all()

ERROR_LEADS = {
    "no_slot_left": N_("No slot left"), "not_allowed": N_("Not allowed"),
    "invalid_state": N_("Too late"), "not_found": N_("Not found"),
    "invalid_input": N_("Please check your input"), "already_claimed": N_("Already yours"),
    "claim_limit": N_("Claim limit reached"), "banned": N_("Banned"),
    "payment_failed": N_("Payment problem"), "payment_declined": N_("Payment problem"),
    "badge_required": N_("Badge needed"),
}


class Conversation:
    def __init__(self, engine: Engine, *, public_base_url: str = "") -> None:
        self.engine = engine
        self.public_base_url = public_base_url

    @property
    def test_money(self) -> bool:
        return bool(getattr(self.engine.provider, "test_mode", False))

    # -- who and where ---------------------------------------------------------
    async def actor(self, platform: str, platform_user_id: str, display_name: str, *,
                    username: str | None = None, locale: str | None = None,
                    is_platform_admin: bool = False,
                    account_created_at: datetime | None = None) -> Actor:
        """``account_created_at``: when the platform says the account was made."""
        # The language the platform reports is the user's until they choose one with
        # /settings locale= (then theirs wins, in replies and notifications alike).
        user, timezone = await self.engine.resolve_actor(
            platform, str(platform_user_id), display_name, username,
            pick_locale(locale) if locale else None, account_created_at=account_created_at)
        return Actor(user.id, platform, str(platform_user_id), user.display_name,
                     pick_locale(user.locale), is_platform_admin, timezone=timezone)

    async def community_place(self, platform: str, chat_id: str, name: str, *,
                              thread_id: str | None = None,
                              community_platform_id: str | None = None,
                              member: Actor | None = None,
                              member_role_ids: tuple[str, ...] = ()) -> Place:
        """``member``: the actor, when the platform vouches that they belong to this
        community (with ``member_role_ids``, their platform roles)."""
        platform_id = str(community_platform_id or chat_id)

        community: Community = await self.engine.enter_community(
            platform, platform_id, name, member_id=member.user_id if member else None,
            role_ids=member_role_ids, platform_admin=bool(member and member.is_platform_admin))
        kind = PlaceKind.board if community.board_channel_id == str(chat_id) else PlaceKind.group
        return Place(platform, kind, str(chat_id), community.id, community.name, thread_id)

    def context(self, actor: Actor, place: Place) -> Context:
        return Context(self.engine, actor, place, translator(actor.locale), self.public_base_url)

    # -- events ----------------------------------------------------------------
    async def command(self, actor: Actor, place: Place, name: str,
                      args: str | dict | None = None) -> list[Reply]:
        ctx = self.context(actor, place)
        spec = REGISTRY.get(name or "")
        metrics.command_handled(spec.name if spec else "unknown", actor.platform)
        if spec is None:
            return [ctx.say(ctx._("I don't know /{name}. Send /help to see what I can do.",
                                  name=(name or "")[:32]), private=True)]
        async def run():
            raw = parse_text_args(spec, args) if isinstance(args, str) or args is None \
                else dict(args)
            replies = await spec.handler(ctx, **coerce_args(spec, raw))
            if spec.private:
                for reply in replies:
                    reply.private = True
            return replies
        return await self._guard(ctx, run)

    async def press(self, actor: Actor, place: Place, payload: str) -> list[Reply]:
        from bot.commands.buttons import handle_press
        began = time.monotonic()
        ctx = self.context(actor, place)

        async def run():
            try:
                p = decode(payload)
            except BadPayload:
                return [ctx.say(ctx._("This button is not valid any more."), private=True,
                                alert=True)]
            return await handle_press(ctx, p)
        outcome: list[str] = []
        replies = await self._guard(ctx, run, alert=True, outcome=outcome)
        metrics.press_answered(actor.platform, outcome[0] if outcome else "ok",
                               time.monotonic() - began)
        return replies

    async def text(self, actor: Actor, place: Place, text: str,
                   attachments: list[dict] | None = None) -> list[Reply]:
        ctx = self.context(actor, place)

        async def run():
            state = await forms.current(ctx)
            if state is not None:
                return await forms.answer(ctx, state, text, attachments)
            if place.kind == PlaceKind.dm:
                return [ctx.say(ctx._("Send /help to see what I can do, or /gigs to find work."))]
            return []  # chatter in groups is not for us
        return await self._guard(ctx, run)

    async def form_submitted(self, actor: Actor, place: Place, form_name: str, values: dict,
                             context: dict | None = None) -> list[Reply]:
        ctx = self.context(actor, place)
        if form_name not in forms.FORMS:
            return [ctx.say(ctx._("That form is no longer available. Please start again."),
                            private=True)]
        return await self._guard(ctx, lambda: forms.submit(ctx, form_name, values, context or {}))

    async def _guard(self, ctx: Context, run, *, alert: bool = False,
                     outcome: list[str] | None = None) -> list[Reply]:
        """``outcome`` (for metrics) gets "refused" or "error" when it was not ok.
        Everything inside is rendered for the actor (``bot.texts.reader``)."""
        with reading_as(ctx.reader()):
            return await self._guarded(ctx, run, alert=alert, outcome=outcome)

    async def _guarded(self, ctx: Context, run, *, alert: bool,
                       outcome: list[str] | None) -> list[Reply]:
        try:
            return await run()
        except DomainError as exc:
            if outcome is not None:
                outcome.append("refused")
            return [self.error_reply(ctx, exc, alert=alert)]
        except UpdateTakenOver:
            raise  # another process handles this update and answers it
        except Exception:  # noqa: BLE001 - no traceback ever reaches a chat
            if outcome is not None:
                outcome.append("error")
            ref = uuid.uuid4().hex[:8]
            log.exception("unexpected error ref=%s actor=%s place=%s", ref, ctx.actor.user_id,
                          ctx.place.chat_id)
            return [ctx.say(ctx._("Sorry, something went wrong on our side. "
                                  "Reference: {ref}", ref=ref), private=True, alert=alert)]

    @staticmethod
    def error_reply(ctx: Context, exc: DomainError, *, alert: bool = False) -> Reply:
        """The refusal in the actor's language: its template is a catalogue message id,
        filled in with the error's parameters (English when untranslated)."""
        text = Rich().add("⚠️ ")
        lead = ERROR_LEADS.get(exc.code)
        if lead and ctx.actor.locale != "en":
            text.bold(ctx._(lead)).add(": ")
        text.add(forms.error_text(ctx, exc))
        return Reply(text, private=True, alert=alert)
