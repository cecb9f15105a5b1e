"""Text typed on a phone: smart quotes around values, 12-hour working hours, settings
values that are not on the list, and numbers in other scripts or notations. Each
case goes through the conversation and checks the database: what was understood is
stored, what was not is refused with the allowed values and changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.conversation import Place, PlaceKind
from core.domain.records import Gig, Profile, User


def dm(chat: str) -> Place:
    return Place("console", PlaceKind.dm, chat)


def text_of(replies) -> str:
    return "\n".join(r.text.plain_text() for r in replies)


async def person(app, name, locale="en"):
    a = await app.conversation.actor("console", name, name, locale=locale)
    await app.engine.update_profile(a.user_id, {"skills": "design", "hours": "any"})
    await app.engine.setup_payouts(a.user_id)
    return a


async def titles(app, user_id) -> list[str]:
    return await app.engine.view(lambda t: [g.title for g in t.s.scalars(
        select(Gig).where(Gig.client_id == user_id).order_by(Gig.id))])


async def profile_row(app, user_id) -> tuple:
    def read(t):
        p, u = t.s.get(Profile, user_id), t.s.get(User, user_id)
        return (p.work_start_hour, p.work_end_hour, p.notify_new_gigs, p.max_live_claims,
                p.timezone, u.locale)
    return await app.engine.view(read)


# -- smart quotes --------------------------------------------------------------------
@pytest.mark.parametrize("typed,title", [
    ("title=“Logo in SVG” reward=25", "Logo in SVG"),  # iOS / Android English
    ("title=„Logo in SVG“ reward=25", "Logo in SVG"),  # German
    ("title=«Logo in SVG» reward=25", "Logo in SVG"),  # French, Spanish, Russian
    ("title=»Logo in SVG« reward=25", "Logo in SVG"),  # Danish
    ("title=‘Logo in SVG’ reward=25", "Logo in SVG"),
    ("title=＂Logo in SVG＂ reward=25", "Logo in SVG"),  # full-width
    ("title=「Logo in SVG」 reward=25", "Logo in SVG"),  # Japanese corner brackets
    ("title=“Bob’s logo” reward=25", "Bob’s logo"),  # an apostrophe inside stays
    ("title=‘Bob’s logo’ reward=25", "Bob’s logo"),
    ("title=Bob’s-logo reward=25", "Bob’s-logo"),  # an apostrophe in a bare word too
    ('title="He said “hi”" reward=25', "He said “hi”"),
])
async def test_smart_quotes_work_like_straight_quotes(app, typed, title):
    ana = await person(app, "ana")
    replies = await app.conversation.command(ana, dm("ana"), "post", typed)
    assert "⚠️" not in text_of(replies), text_of(replies)
    assert await titles(app, ana.user_id) == [title]


@pytest.mark.parametrize("typed", ["title=“Logo in SVG reward=25", "title=«Logo reward=25",
                                   "title='Logo reward=25"])
async def test_an_unclosed_quote_is_a_clear_refusal(app, typed):
    ana = await person(app, "ana")
    replies = await app.conversation.command(ana, dm("ana"), "post", typed)
    assert "A quote is not closed" in text_of(replies)
    assert await titles(app, ana.user_id) == []


async def test_a_url_with_an_equals_sign_is_delivery_text_not_an_option(app):
    """'/deliver done: https://x.test/?a=b' is the delivery text, not option '?a'."""
    from bot.registry import REGISTRY, parse_text_args
    spec = REGISTRY.get("deliver")
    assert parse_text_args(spec, "7 done: https://x.test/?a=b") == {
        "claim": "7", "text": "done: https://x.test/?a=b"}


# -- working hours -------------------------------------------------------------------
@pytest.mark.parametrize("typed,stored,says", [
    ("9-5", (9, 17), "09:00-17:00"),
    ("9 to 5", (9, 17), "09:00-17:00"),
    ("10-2", (10, 14), "10:00-14:00"),
    ("9am-5pm", (9, 17), None),
    ("9-17", (9, 17), None),
    ("9:00-17:00", (9, 17), None),
    ("22-6", (22, 6), "overnight"),
    ("11pm-7am", (23, 7), "overnight"),
    ("any", (0, 24), None),
])
async def test_working_hours_are_read_as_meant_and_the_reply_says_so(app, typed, stored, says):
    ana = await person(app, "ana")
    replies = await app.conversation.command(ana, dm("ana"), "profile", f'hours="{typed}"')
    text = text_of(replies)
    assert "⚠️" not in text, text
    assert (await profile_row(app, ana.user_id))[:2] == stored
    if says:
        assert says in text
    if typed in ("9-5", "9 to 5", "10-2"):
        assert f"I read {typed} as" in text  # the guess is said out loud
    if stored == (22, 6):
        assert "22:00-06:00 (overnight)" in text  # the profile card shows it too


async def test_settings_hours_and_the_profile_form_read_9_5_the_same_way(app):
    ana = await person(app, "ana")
    replies = await app.conversation.command(ana, dm("ana"), "settings", "hours=9-5")
    assert "I read 9-5 as 09:00-17:00" in text_of(replies)
    assert (await profile_row(app, ana.user_id))[:2] == (9, 17)
    bob = await app.conversation.actor("console", "bob", "bob")
    place = dm("bob")
    await app.conversation.command(bob, place, "start", "")
    for answer in ("design", "0", "UTC"):
        await app.conversation.text(bob, place, answer)
    replies = await app.conversation.text(bob, place, "9-5")
    assert "I read 9-5 as 09:00-17:00" in text_of(replies)
    assert (await profile_row(app, bob.user_id))[:2] == (9, 17)


@pytest.mark.parametrize("typed,words", [("9:30-17", "whole hours"), ("25-3", "start hour"),
                                         ("9-9", "must differ"), ("nine to five", "like 9-17"),
                                         ("9-5-3", "like 9-17"), ("13pm-5", "between 1 and 12")])
async def test_unreadable_working_hours_change_nothing(app, typed, words):
    ana = await person(app, "ana")
    before = await profile_row(app, ana.user_id)
    replies = await app.conversation.command(ana, dm("ana"), "settings", f'hours="{typed}"')
    assert "⚠️" in text_of(replies) and words in text_of(replies)
    assert await profile_row(app, ana.user_id) == before


# -- settings values -----------------------------------------------------------------
@pytest.mark.parametrize("typed,allowed", [
    ("notify=maybe", "on or off"),
    ("notify=", "on or off"),
    ("locale=klingon", "Languages: en, es"),
    ("locale=fr", "Languages: en, es"),
    ("max_claims=many", "whole number"),
    ("max_claims=99", "between 1 and 10"),
    ("timezone=Mars/Olympus", "Europe/Berlin"),
    ("hours=always-ish", "like 9-17"),
    ("locale=es notify=maybe", "on or off"),  # one bad value: the good one is not saved
])
async def test_settings_refuse_unknown_values_listing_the_allowed_ones(app, typed, allowed):
    ana = await person(app, "ana")
    before = await profile_row(app, ana.user_id)
    replies = await app.conversation.command(ana, dm("ana"), "settings", typed)
    assert "⚠️" in text_of(replies) and allowed in text_of(replies)
    assert await profile_row(app, ana.user_id) == before


@pytest.mark.parametrize("typed,field,value", [("notify=off", 2, False), ("notify=no", 2, False),
                                               ("notify=on", 2, True), ("locale=es", 5, "es"),
                                               ("locale=ES-mx", 5, "es"), ("max_claims=２", 3, 2)])
async def test_settings_store_the_values_they_know(app, typed, field, value):
    ana = await person(app, "ana")
    await app.engine.update_profile(ana.user_id, {"notify": "off" if value else "on"})
    replies = await app.conversation.command(ana, dm("ana"), "settings", typed)
    assert "⚠️" not in text_of(replies)
    assert (await profile_row(app, ana.user_id))[field] == value


# -- numbers -------------------------------------------------------------------------
async def gig_count(app) -> int:
    return await app.engine.view(lambda t: t.s.scalar(select(func.count()).select_from(Gig)))


@pytest.mark.parametrize("typed", ["²", "¹²", "½", "Ⅻ", "①", "1e3", "1E5", "1_000", "inf", "nan",
                                   "4.0", "+4", "0x10", "١٢٣٤٥٦٧٨٩٠١٢٣"])
async def test_an_id_that_is_not_decimal_digits_is_refused_clearly(app, typed):
    ana = await person(app, "ana")
    replies = await app.conversation.command(ana, dm("ana"), "gig", typed)
    assert "id must be a number, like 42" in text_of(replies)
    assert "something went wrong" not in text_of(replies)


@pytest.mark.parametrize("typed", ["١", "１", "#1", "۱"])
async def test_an_id_in_other_decimal_digits_opens_that_gig(app, typed):
    ana = await person(app, "ana")
    await app.conversation.command(ana, dm("ana"), "post", "title=Logo reward=25")
    replies = await app.conversation.command(ana, dm("ana"), "gig", typed)
    assert "⚠️" not in text_of(replies) and "Logo" in text_of(replies)


@pytest.mark.parametrize("field,typed", [
    ("slots", "1_000"), ("slots", "1e3"), ("slots", "1E1"), ("slots", "²"), ("slots", "inf"),
    ("slots", "+2"), ("max_revisions", "1_0"), ("estimate", "6e1"), ("reward", "1e3"),
    ("reward", "1_000"), ("reward", "1E5"), ("reward", "inf"), ("reward", "nan"),
])
async def test_exponents_underscores_and_infinities_are_not_numbers(app, field, typed):
    ana = await person(app, "ana")
    fields = {"title": "Logo", "reward": "25", field: typed}
    args = " ".join(f"{k}={v}" for k, v in fields.items())
    replies = await app.conversation.command(ana, dm("ana"), "post", args)
    assert "⚠️" in text_of(replies), text_of(replies)
    assert await gig_count(app) == 0


async def test_rate_refuses_a_superscript_star_count(app):
    ana = await person(app, "ana")
    replies = await app.conversation.command(ana, dm("ana"), "rate", "1 ⁵")
    assert "stars must be a number" in text_of(replies)


# -- in chat, as a user types it --------------------------------------------------------
async def test_a_chat_reads_phone_input(chats):
    board = await chats.board("Makers")
    ana = chats.person("ana", at=board)
    await ana.says("/post title=“Logo in SVG” reward=12,50 currency=eur", "/gig ²",
                   "/profile hours=9-5")
    told = chats.shown()
    assert "€12.50 per slot" in told and "#1 Logo in SVG" in told
    assert "id must be a number" in told and "I read 9-5 as 09:00-17:00" in told
    assert "something went wrong" not in told and "Traceback" not in told
    assert await titles(chats.app, await ana.user_id()) == ["Logo in SVG"]
