"""Amounts typed the way people type them: the reader's decimal comma, grouping,
other digits and currency signs are read; anything a second reader could take for
another number is refused with an example in the user's own format, never guessed.

One parser (``core.domain.money.parse_amount``) serves every money field: /post
reward (one line and the guided form), /resolve shares and the profile's minimum
reward; the conversation tests check what ends up in the database."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.conversation import Place, PlaceKind
from core.domain.errors import ValidationError
from core.domain.money import parse_amount
from core.domain.records import Gig, Profile

# (text, currency, locale, minor units)
READ = [
    ("12,50", "eur", "es", 1250),
    ("12,50", "eur", "en", 1250),  # a comma before 2 digits is a decimal comma anywhere
    ("12.50", "eur", "es", 1250),
    ("12.5", "usd", "en", 1250),
    ("1.000,50", "eur", "es", 100050),
    ("1.000,50", "eur", "en", 100050),
    ("1,000.50", "usd", "en", 100050),
    ("1,000.50", "usd", "es", 100050),
    ("1,000", "usd", "en", 100000),  # en groups with a comma
    ("1.000", "eur", "es", 100000),  # es groups with a dot
    ("1 000,50", "eur", "es", 100050),
    ("1\u202f000,50", "eur", "es", 100050),  # narrow no-break space (French grouping)
    ("1'000.50", "chf", "en", 100050),
    ("１２,５０", "eur", "es", 1250),  # full-width digits
    ("１２．５０", "usd", "en", 1250),  # full-width digits and full stop
    ("١٢٫٥", "usd", "en", 1250),  # Arabic-Indic digits, Arabic decimal separator
    ("१२", "inr", "en", 1200),  # Devanagari digits
    ("€12,50", "eur", "es", 1250),
    ("12,50 €", "eur", "es", 1250),
    ("12,50€", "eur", "es", 1250),
    ("$25", "usd", "en", 2500),
    ("US$25", "usd", "es", 2500),
    ("25 USD", "usd", "en", 2500),
    ("eur 12,50", "eur", "en", 1250),
    ("  25  ", "usd", "en", 2500),
    ("25", "jpy", "en", 25),
    ("25.00", "jpy", "en", 25),  # zeros past the currency's decimals change nothing
    ("12.5000", "usd", "en", 1250),
    ("1,234", "kwd", "es", 1234),  # KWD has 3 decimals: the es decimal comma decides
    (Decimal("12.50"), "usd", "en", 1250),
    (25, "usd", "en", 2500),
]


@pytest.mark.parametrize("text,currency,locale,minor", READ)
def test_amounts_typed_the_way_people_type_are_read(text, currency, locale, minor):
    assert parse_amount(text, currency, locale=locale) == minor


# (text, currency, locale, words the refusal must contain)
REFUSED = [
    ("12.5.3", "usd", "en", "12.50"),  # two decimal points: no guess
    ("1,000", "eur", "es", "1000"),  # es reads a comma as decimal: 1,000 could be 1.00
    ("1,000", "eur", "es", "1,00"),  # ... and the example is written the Spanish way
    ("1.000", "usd", "en", "1.00"),  # en: 1.000 could be 1000 or 1.00
    ("12.500", "usd", "en", "12.50"),
    ("0,500", "eur", "es", "0,50"),
    ("1e3", "usd", "en", "1e3"),
    ("1E5", "usd", "en", "digits"),
    ("1_000", "usd", "en", "1_000"),
    ("inf", "usd", "en", "finite"),
    ("Infinity", "usd", "en", "finite"),
    ("nan", "usd", "en", "finite"),
    ("-5", "usd", "en", "more than zero"),
    ("−5", "usd", "en", "more than zero"),  # U+2212 minus sign
    ("12,345", "eur", "es", "12,50"),  # 3 decimals for EUR in es
    ("1.5", "jpy", "en", "JPY"),
    ("1.2345", "kwd", "en", "KWD has 3 decimal places"),
    ("12.5001", "usd", "en", "USD has 2 decimal places"),
    ("1,00,000", "inr", "en", "1,000.50"),  # grouping not in threes: not guessed
    ("12,", "eur", "es", "12,50"),
    ("£25", "usd", "en", "USD"),  # the pound sign on a dollar gig
    ("25 eur", "usd", "en", "USD"),
    ("²", "usd", "en", "12.50"),  # a superscript is no digit
    ("½", "usd", "en", "12.50"),
    ("12 50", "usd", "en", "12.50"),
    ("0x10", "usd", "en", "12.50"),
    ("twenty", "usd", "es", "12,50"),
    ("", "usd", "en", "12.50"),
    ("0", "usd", "en", "more than zero"),
    ("0,00", "eur", "es", "more than zero"),
    ("100000,01", "eur", "es", "too large"),
    ("1,000,000", "jpy", "en", "too large"),  # read as a million (grouped in thousands)
    ("1.234.567,89", "eur", "es", "too large"),
]


@pytest.mark.parametrize("text,currency,locale,words", REFUSED)
def test_unreadable_or_ambiguous_amounts_are_refused_with_an_example(text, currency, locale,
                                                                     words):
    with pytest.raises(ValidationError) as caught:
        parse_amount(text, currency, locale=locale, field="reward")
    assert caught.value.field == "reward"
    assert words in caught.value.message


def test_the_example_in_a_refusal_is_in_the_readers_format():
    with pytest.raises(ValidationError) as es:
        parse_amount("doce", "eur", locale="es")
    with pytest.raises(ValidationError) as en:
        parse_amount("twelve", "eur", locale="en")
    assert "12,50" in es.value.message and "12.50" not in es.value.message
    assert "12.50" in en.value.message and "12,50" not in en.value.message


def test_zero_is_read_where_a_field_allows_it():
    assert parse_amount("0", "usd", allow_zero=True) == 0
    assert parse_amount("0,00", "eur", locale="es", allow_zero=True) == 0
    with pytest.raises(ValidationError):
        parse_amount("-0,50", "eur", locale="es", allow_zero=True)


# -- through the conversation: what reaches the database ----------------------------
def dm(chat: str) -> Place:
    return Place("console", PlaceKind.dm, chat)


def text_of(replies) -> str:
    return "\n".join(r.text.plain_text() for r in replies)


async def person(app, name, locale="en"):
    a = await app.conversation.actor("console", name, name, locale=locale)
    await app.engine.update_profile(a.user_id, {"skills": "design", "hours": "any"})
    await app.engine.setup_payouts(a.user_id)
    return a


async def gigs_of(app, user_id) -> list[tuple[int, str]]:
    return await app.engine.view(lambda t: [(g.reward_minor, g.currency) for g in t.s.scalars(
        select(Gig).where(Gig.client_id == user_id).order_by(Gig.id))])


@pytest.mark.parametrize("locale", ["en", "es"])
async def test_post_reads_a_decimal_comma_as_cents(app, locale):
    ana = await person(app, "ana", locale)
    replies = await app.conversation.command(ana, dm("ana"), "post",
                                             "title=Logo reward=12,50 currency=eur")
    assert "⚠️" not in text_of(replies)
    assert await gigs_of(app, ana.user_id) == [(1250, "eur")]


async def test_post_refuses_an_ambiguous_amount_and_writes_nothing(app):
    eva = await person(app, "eva", "es")
    replies = await app.conversation.command(eva, dm("eva"), "post",
                                             "title=Logo reward=1,000 currency=eur")
    assert "⚠️" in text_of(replies) and "1,00" in text_of(replies)
    assert await gigs_of(app, eva.user_id) == []


async def test_post_refuses_exponents_and_underscores(app):
    bob = await person(app, "bob")
    for reward in ("1e3", "1E5", "1_000", "inf"):
        replies = await app.conversation.command(bob, dm("bob"), "post",
                                                 f"title=Logo reward={reward}")
        assert "⚠️" in text_of(replies), reward
    assert await gigs_of(app, bob.user_id) == []


async def seasoned(app, user_id: int) -> None:
    """Past a first approved job: new accounts may only post small gigs."""
    from core.domain.records import ReputationStats

    def mark(t):
        t.s.add(ReputationStats(user_id=user_id, approved=1))
    await app.engine.tx(mark)


async def test_guided_post_form_reads_the_reward_in_the_readers_locale(app):
    eva = await person(app, "eva", "es")
    await seasoned(app, eva.user_id)
    place = dm("eva")
    await app.conversation.command(eva, place, "post", "")
    answers = ["Logo en SVG", "Un logo vectorial", "1.000,50 eur", "1", "diseño", "-",
               "-", "-", "-", "-"]  # the optional steps: mode, revisions, review, estimate
    for answer in answers:
        replies = await app.conversation.text(eva, place, answer)
        assert "⚠️" not in text_of(replies), (answer, text_of(replies))
    assert await gigs_of(app, eva.user_id) == [(100050, "eur")]


async def test_guided_post_form_refuses_an_ambiguous_reward_at_its_step(app):
    eva = await person(app, "eva", "es")
    place = dm("eva")
    await app.conversation.command(eva, place, "post", "")
    await app.conversation.text(eva, place, "Logo en SVG")
    await app.conversation.text(eva, place, "Un logo vectorial")
    replies = await app.conversation.text(eva, place, "1,000 eur")
    assert "⚠️" in text_of(replies) and "1,00" in text_of(replies)
    replies = await app.conversation.text(eva, place, "1000 eur")  # the same step again
    assert "⚠️" not in text_of(replies)


async def test_profile_minimum_reward_uses_the_same_parser(app):
    eva = await person(app, "eva", "es")
    replies = await app.conversation.command(eva, dm("eva"), "profile",
                                             "min_reward=7,50 currency=eur")
    assert "⚠️" not in text_of(replies)
    prof = await app.engine.view(lambda t: t.s.get(Profile, eva.user_id))
    assert (prof.min_reward_minor, prof.min_reward_currency) == (750, "eur")
    replies = await app.conversation.command(eva, dm("eva"), "profile", "min_reward=1e3")
    assert "⚠️" in text_of(replies)
    prof = await app.engine.view(lambda t: t.s.get(Profile, eva.user_id))
    assert prof.min_reward_minor == 750


async def disputed_claim(app, client, freelancer, community_id: int, currency="eur") -> int:
    from core.domain.gig_input import GigDraft
    e = app.engine
    gig = await e.post_gig(client.user_id, GigDraft.parse(
        {"title": "Logo in SVG", "reward": "25", "currency": currency}, community_id=community_id))
    await e.start_funding(client.user_id, gig.id)
    claim = await e.claim_slot(freelancer.user_id, gig.id)
    await e.deliver(freelancer.user_id, claim.id, "first try", ["https://example.com/1"])
    await e.reject(client.user_id, claim.id, "wrong colours")
    await e.open_dispute(freelancer.user_id, claim.id, "colours were not specified")
    return claim.id


@pytest.mark.parametrize("share,minor", [("12,50", 1250), ("12.50", 1250), ("0", 0),
                                         ("€7,05", 705)])
async def test_resolve_reads_the_share_in_the_moderators_locale(app, share, minor):
    from core.domain.records import Dispute
    client, freelancer = await person(app, "cli"), await person(app, "fre")
    mod = await app.conversation.actor("console", "mod", "mod", locale="es",
                                       is_platform_admin=True)
    board = await app.conversation.community_place("console", "board-1", "Guild", member=mod)
    claim_id = await disputed_claim(app, client, freelancer, board.community_id)
    replies = await app.conversation.command(mod, board, "resolve", f"{claim_id} {share} mitad")
    assert "⚠️" not in text_of(replies), text_of(replies)
    dispute = await app.engine.view(lambda t: t.s.scalar(
        select(Dispute).where(Dispute.claim_id == claim_id)))
    assert dispute.freelancer_share_minor == minor


@pytest.mark.parametrize("share", ["1e3", "12,5,0", "1_0", "nan", "-1"])
async def test_resolve_refuses_an_unreadable_share_and_settles_nothing(app, share):
    from core.domain.records import Claim
    client, freelancer = await person(app, "cli"), await person(app, "fre")
    mod = await app.conversation.actor("console", "mod", "mod", locale="es",
                                       is_platform_admin=True)
    board = await app.conversation.community_place("console", "board-1", "Guild", member=mod)
    claim_id = await disputed_claim(app, client, freelancer, board.community_id)
    replies = await app.conversation.command(mod, board, "resolve", f"{claim_id} {share}")
    assert "⚠️" in text_of(replies)
    claim = await app.engine.view(lambda t: t.s.get(Claim, claim_id))
    assert claim.status == "disputed"
