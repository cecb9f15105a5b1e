"""Onboarding and account commands: /start, /help, /profile, /settings, /link, /cancel."""
from __future__ import annotations

from bot import forms
from bot.cards import money
from bot.context import Context
from bot.conversation import FieldSpec, FormSpec, Rich
from bot.registry import REGISTRY, ArgSpec, command
from bot.texts import LANGUAGES, N_, language_name
from bot.texts.formats import day
from core.api import (
    ValidationError, WorkingHours, check_timezone, normalise_skills, parse_amount,
    read_whole_number, read_working_hours, split_currency,
)

PROFILE_FORM = FormSpec("profile", N_("Your freelancer profile"), (
    FieldSpec("skills", N_("Skills"), N_("Which skills do you offer? Comma-separated, e.g. "
                                          "design, svg, translation."), max_len=300),
    FieldSpec("min_reward", N_("Minimum reward"), N_("The smallest reward per gig you want to "
                                                     "hear about, e.g. 10 usd (0 for any)."),
              max_len=30),
    FieldSpec("timezone", N_("Time zone"), N_("Your time zone, e.g. Europe/Berlin or UTC."),
              max_len=48),
    FieldSpec("hours", N_("Working hours"), N_("When may I send you new gigs? Local hours like "
                                               "9-17, or 'any'."), max_len=10),
))


def _min_reward_fields(text: str) -> dict:
    """'7,50 eur' -> min_reward and currency; 'any' -> 0."""
    amount, currency = split_currency("0" if text.strip().lower() == "any" else text)
    return {"min_reward": amount, **({"currency": currency} if currency else {})}


def _check_min_reward(text: str, _values: dict, locale: str) -> None:
    fields = _min_reward_fields(text)
    parse_amount(fields["min_reward"], fields.get("currency", "usd"), field="minimum reward",
                 locale=locale, allow_zero=True)


PROFILE_CHECKS = {
    "skills": lambda text, _v, _l: normalise_skills(text),
    "min_reward": _check_min_reward,
    "timezone": lambda text, _v, _l: check_timezone(text),
    "hours": lambda text, _v, _l: read_working_hours(text),
}


async def _save_profile(ctx: Context, fields: dict) -> list:
    """Write the fields (amounts in the reader's locale; all or nothing), and say how
    working hours were read when that is not obvious from what was typed."""
    profile = await ctx.engine.update_profile(ctx.user_id, fields, locale=ctx.actor.locale,
                                              languages=LANGUAGES)
    if "locale" in fields or "timezone" in fields:
        # the reply that confirms the change is already in the new language and zone
        user = await ctx.engine.user(ctx.user_id)
        ctx.switch_reader(locale=user.locale, timezone=profile.timezone)
    if "hours" not in fields:
        return []
    hours = read_working_hours(fields["hours"])
    if hours.read_as_afternoon:
        return [ctx.say(ctx._("I read {typed} as {hours}. For hours past midnight use the "
                              "24-hour clock, e.g. 21-5.", typed=str(fields["hours"])[:10],
                              hours=hours_text(ctx, hours)), private=True)]
    if hours.overnight:
        return [ctx.say(ctx._("Working hours {hours}: overnight, past midnight.",
                              hours=hours_text(ctx, hours, mark_overnight=False)),
                        private=True)]
    return []


def hours_text(ctx: Context, hours: WorkingHours, *, mark_overnight: bool = True) -> str:
    """09:00-17:00; 22:00-06:00 (overnight); any time."""
    if hours.any_time:
        return ctx._("any time")
    text = f"{hours.start:02d}:00-{hours.end:02d}:00"
    return text + " " + ctx._("(overnight)") if hours.overnight and mark_overnight else text


@forms.form(PROFILE_FORM, PROFILE_CHECKS)
async def _profile_submitted(ctx: Context, values: dict, context: dict):
    fields = dict(values)
    fields.update(_min_reward_fields(str(fields.pop("min_reward", "") or "0")))
    notes = await _save_profile(ctx, fields)
    return [ctx.say(ctx._("Profile saved. Send /gigs to see work that fits you, or /post to "
                          "hire someone."))] + notes + await show_profile(ctx)


@command("start", N_("Start here: set up your profile or open a gig"),
         ArgSpec("code", N_("deep-link code, e.g. gig_42")))
async def start(ctx: Context, code: str | None = None):
    profile = await ctx.engine.mark_started(ctx.actor.platform, ctx.actor.platform_user_id,
                                            ctx.user_id)
    gig_id = read_whole_number(code[4:]) if code and code.startswith("gig_") else None
    if gig_id is not None and gig_id > 0:
        from bot.commands.gigs import show_gig
        return await show_gig(ctx, gig_id)
    intro = Rich().bold(ctx._("Welcome to gigbroker, {name}!", name=ctx.actor.display_name))
    intro.line(ctx._("Clients post small paid tasks; the money is held safely until the work "
                     "is approved. Freelancers claim, deliver in chat and get paid."))
    replies = [ctx.say(intro)]
    if profile is None or not profile.onboarded:
        replies += await forms.start(ctx, "profile")
    else:
        replies.append(ctx.say(ctx._("Send /gigs to find work or /post to hire.")))
    return replies


@command("help", N_("Show what I can do, or how one command works"),
         ArgSpec("command", N_("a command name, e.g. post")), private=True)
async def help_(ctx: Context, command: str | None = None):
    if command:
        spec = REGISTRY.get(command)
        if spec is None:
            return [ctx.say(ctx._("There is no /{name}.", name=command[:32]))]
        text = Rich().bold(f"/{spec.name}").add(" — ").add(ctx._(spec.help))
        if spec.usage:
            text.line(ctx._("Usage:")).add(" ").code(ctx._(spec.usage))  # examples too
        for arg in spec.args:
            text.line(f"• {arg.name}: ").add(ctx._(arg.help))
        return [ctx.say(text)]
    text = Rich().bold(ctx._("Commands"))
    for spec in REGISTRY:
        if spec.moderator and not ctx.place.community_id:
            continue
        text.line(f"/{spec.name}", "bold").add(" — ").add(ctx._(spec.help))
    text.line().line(ctx._("Send /help post (or any command) for details."), "italic")
    return [ctx.say(text)]


async def show_profile(ctx: Context):
    view = await ctx.engine.profile_view(ctx.user_id)
    profile, stats = view.profile, view.stats
    text = Rich().bold(ctx._("Profile of {name}", name=ctx.actor.display_name))
    text.line(ctx._("Skills: {skills}", skills=profile.skills.replace(",", ", ") or "-"))
    text.line(ctx._("Minimum reward: {amount}", amount=money(profile.min_reward_minor,
                                                             profile.min_reward_currency)))
    text.line(ctx._("Time zone: {tz}, working hours {hours}", tz=profile.timezone,
                    hours=hours_text(ctx, WorkingHours(profile.work_start_hour,
                                                       profile.work_end_hour))))
    stars = (stats.rating_sum / stats.rating_count) if stats.rating_count else None
    text.line(ctx._.ngettext("Reputation: {score}/100 · {n} approved · {r}",
                             "Reputation: {score}/100 · {n} approved · {r}", stats.approved,
                             score=round(100 * view.reputation), n=stats.approved, r=(f"★ {stars:.1f} ({stats.rating_count})" if stars else ctx._("no ratings yet"))))
    badges = await ctx.engine.badges_of(ctx.user_id)
    if badges:
        text.line(ctx._("Badges:"))
        for held in badges:
            text.line(f"🏅 {held.skill}", "bold").add(" — ").add(
                ctx._("{community}, since {date}", community=held.community,
                      date=day(held.granted_at)))
    text.line(ctx._("Change a field with /profile skills=design,svg hours=9-17 "
                    "timezone=Europe/Berlin min_reward=10"), "italic")
    return [ctx.say(text, private=True)]


@command("profile", N_("See or change your freelancer profile"), usage="/profile skills=design,svg "
         "min_reward=10 currency=usd timezone=Europe/Berlin hours=9-17", free_form=True,
         private=True)
async def profile(ctx: Context, **fields):
    if not fields:
        prof = await ctx.engine.profile(ctx.user_id)
        if prof is None or not prof.onboarded:
            return await forms.start(ctx, "profile")
        return await show_profile(ctx)
    if "min_reward" in fields and "currency" not in fields:
        fields.update(_min_reward_fields(str(fields["min_reward"])))
    notes = await _save_profile(ctx, fields)
    return [ctx.say(ctx._("Saved."), private=True)] + notes + await show_profile(ctx)


@command("settings", N_("Language, notifications and claim limit"),
         usage="/settings locale=es timezone=Europe/Berlin notify=off max_claims=2",
         free_form=True, private=True)
async def settings(ctx: Context, **fields):
    allowed = {"locale", "notify", "max_claims", "timezone", "hours", "receipts"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(sorted(unknown)[0], "Settings are: {names}.",
                              names=", ".join(sorted(allowed)))
    receipts = fields.pop("receipts", None)
    if receipts is not None:
        choice = str(receipts).strip().lower()
        if choice not in ("on", "off"):
            raise ValidationError("receipts", "receipts is on or off, e.g. /settings "
                                  "receipts=off.", value=receipts)
        await ctx.engine.set_auto_receipts(ctx.user_id, choice == "on")
    notes = await _save_profile(ctx, fields) if fields else []
    p, user = await ctx.engine.profile(ctx.user_id), await ctx.engine.user(ctx.user_id)
    text = Rich().bold(ctx._("Settings"))
    text.line(ctx._("Language: {v}", v=language_name(user.locale)))
    text.line(ctx._("Time zone: {tz}", tz=p.timezone if p else "UTC"))
    if p and p.notify_all_gigs:
        pushes = ctx._("every new gig")
    elif p and p.notify_new_gigs:
        pushes = ctx._("gigs that match your skills")
    else:
        pushes = ctx._("off")
    text.line(ctx._("New gig notifications: {v}", v=pushes))
    text.line(ctx._("Max live claims: {v}", v=p.max_live_claims if p else 3))
    text.line(ctx._("Automatic PDF receipts: {v}", v=ctx._("on") if p is None or p.auto_receipts
                    else ctx._("off")))
    text.line(ctx._("Change with /settings locale=es notify=off max_claims=2"), "italic")
    return notes + [ctx.say(text, private=True)]


@command("link", N_("Join your Telegram and Discord accounts with a one-time code"),
         ArgSpec("code", N_("the code you got on your other account")), private=True)
async def link(ctx: Context, code: str | None = None):
    if not code:
        link_code = await ctx.engine.create_link_code(ctx.user_id)
        text = Rich().add(ctx._("Your one-time code: ")).code(link_code.code)
        text.line(ctx._.ngettext("On your other account send /link {code} within {m} minute.",
                                 "On your other account send /link {code} within {m} minutes.",
                                 ctx.engine.config.link_code_minutes, code=link_code.code,
                                 m=ctx.engine.config.link_code_minutes))
        return [ctx.say(text, private=True)]
    user = await ctx.engine.redeem_link_code(ctx.user_id, code)
    return [ctx.say(ctx._("Linked: this account is now {name}.", name=user.display_name),
                    private=True)]


@command("cancel", N_("Leave the form you are filling in"), private=True)
async def cancel(ctx: Context):
    if await forms.clear(ctx):
        return [ctx.say(ctx._("Cancelled. Nothing was saved."), private=True)]
    return [ctx.say(ctx._("There is nothing to cancel. To cancel a gig, open it with /gig ID."),
                    private=True)]
