"""Rate cards: ``/rates SKILL`` shows what completed gigs with that skill paid
(median and 25-75 % range of the reward and of the reward per estimated hour,
per currency), and ``guidance`` adds the same to a new gig's preview with a
warning when its reward is below the 25th percentile (see core/rate_cards.py)."""
from __future__ import annotations

from bot.cards import money
from bot.context import Context
from bot.conversation import Rich
from bot.registry import ArgSpec, command
from bot.texts import N_
from core.api import MIN_CLIENTS, MIN_GIGS, Gig, RateCard, Spread, normalise_skills


def _range(spread: Spread, currency: str) -> tuple[str, str, str]:
    return (money(spread.low, currency), money(spread.high, currency),
            money(spread.median, currency))


def card_lines(ctx: Context, card: RateCard) -> Rich:
    low, high, median = _range(card.reward, card.currency)
    where = ctx._("on this board") if card.scope == "community" else ctx._("on public boards")
    text = Rich().bold(f"{', '.join(card.skills)} · {card.currency.upper()}")
    text.line(ctx._.ngettext("{n} completed gig from {clients} clients {where}.",
                             "{n} completed gigs from {clients} clients {where}.", card.gigs,
                             clients=card.clients, where=where))
    text.line(ctx._("Reward per slot: {low} to {high}, median {median}.", low=low, high=high,
                    median=median))
    if card.hourly is not None:
        low, high, median = _range(card.hourly, card.currency)
        text.line(ctx._("Per estimated hour: {low} to {high}, median {median}.", low=low,
                        high=high, median=median))
    return text


@command("rates", N_("What gigs with a skill paid: median and typical range"),
         ArgSpec("skill", N_("a skill, e.g. design"), required=True),
         usage="/rates design")
async def rates(ctx: Context, skill: str):
    tags = normalise_skills(skill)
    cards = await ctx.engine.rate_cards(tags, community_id=ctx.place.community_id)
    if not cards:
        return [ctx.say(ctx._("Not enough completed gigs with {skill} yet to show fair rates "
                              "(at least {gigs} from {clients} different clients).",
                              skill=", ".join(tags) or skill, gigs=MIN_GIGS,
                              clients=MIN_CLIENTS), private=True)]
    text = Rich().bold(ctx._("Rate card")).add(" ").italic(ctx._(
        "middle half of the gigs, so no one person's price"))
    for card in cards:
        text.line().line()  # a blank line between currencies
        text.spans.extend(card_lines(ctx, card).spans)
    return [ctx.say(text, private=True)]


async def guidance(ctx: Context, gig: Gig) -> Rich | None:
    """The preview's price line for a new gig, with a warning if it pays little."""
    skills = [s for s in gig.skills.split(",") if s]
    if not skills:
        return None
    card = await ctx.engine.price_guidance(skills, gig.currency, community_id=gig.community_id)
    if card is None:
        return None
    low, high, median = _range(card.reward, card.currency)
    text = Rich().add("📊 " + ctx._("Gigs like this paid {low} to {high}, median {median}.",
                                   low=low, high=high, median=median))
    if card.reward_is_low(gig.reward_minor):
        text.line("⚠️ " + ctx._("Your reward is below what three in four similar gigs paid "
                               "({low}); fewer freelancers may take it.", low=low), "bold")
    elif card.hourly_is_low(gig.reward_minor, gig.estimated_minutes):
        text.line("⚠️ " + ctx._("For your estimate that is below what three in four similar "
                               "gigs paid per hour ({low}).", low=money(card.hourly.low,
                                                                      card.currency)), "bold")
    return text
