"""Bad input is refused with a ``ValidationError`` that names the offending field
(the key a form uses) and a message a user can act on, and nothing is written.

Covers what a client types into /post (``GigDraft.parse``, then
``Engine.post_gig``), drafts built in code that bypass ``parse`` (the engine
re-checks them), profile settings (time zone, working hours, limits) and
deliveries (no content, links that are not web links, too many or too long
links). Every database case runs on SQLite and PostgreSQL and compares a full
snapshot of the database before and after the refusal."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from core.domain.gig_input import GigDraft
from core.domain.errors import ValidationError
from core.domain.records import Claim, Delivery

BASE = {"title": "Logo in SVG", "reward": "25", "currency": "usd", "skills": "design,svg"}

# (case id, fields overriding BASE, the field the refusal must name)
BAD_RAW_DRAFTS = [
    ("reward-zero", {"reward": "0"}, "reward"),
    ("reward-zero-decimals", {"reward": "0.00"}, "reward"),
    ("reward-negative", {"reward": "-5"}, "reward"),
    ("reward-negative-zero", {"reward": "-0"}, "reward"),
    ("reward-usd-three-decimals", {"reward": "12.345"}, "reward"),
    ("reward-usd-sub-cent", {"reward": "0.001"}, "reward"),
    ("reward-jpy-decimal", {"reward": "1.5", "currency": "jpy"}, "reward"),
    ("reward-kwd-four-decimals", {"reward": "1.2345", "currency": "kwd"}, "reward"),
    ("reward-nan", {"reward": "NaN"}, "reward"),
    ("reward-snan", {"reward": "sNaN"}, "reward"),
    ("reward-float-nan", {"reward": float("nan")}, "reward"),
    ("reward-inf", {"reward": "inf"}, "reward"),
    ("reward-minus-infinity", {"reward": "-Infinity"}, "reward"),
    ("reward-float-inf", {"reward": float("inf")}, "reward"),
    ("reward-absurd-exponent", {"reward": "1e30"}, "reward"),
    ("reward-absurd-digits", {"reward": "9" * 40}, "reward"),
    ("reward-just-over-cap", {"reward": "100000.01"}, "reward"),
    ("reward-words", {"reward": "twenty"}, "reward"),
    ("reward-empty", {"reward": ""}, "reward"),
    ("reward-none", {"reward": None}, "reward"),
    ("reward-bool", {"reward": True}, "reward"),
    ("reward-hex", {"reward": "0x10"}, "reward"),
    ("reward-two-numbers", {"reward": "25 30"}, "reward"),
    ("currency-unknown", {"currency": "xyz"}, "currency"),
    ("currency-crypto", {"currency": "btc"}, "currency"),
    ("currency-too-short", {"currency": "us"}, "currency"),
    ("currency-sql", {"currency": "usd'; drop table gig;--"}, "currency"),
    ("title-empty", {"title": ""}, "title"),
    ("title-blank", {"title": "   \t  "}, "title"),
    ("title-too-short", {"title": "ab"}, "title"),
    ("title-10000-chars", {"title": "x" * 10_000}, "title"),
    ("title-121-chars", {"title": "x" * 121}, "title"),
    ("title-only-control-chars", {"title": "\x00\x07\x1b\x7f"}, "title"),
    ("title-control-chars-around-2-letters", {"title": "\x00a\u200b\u202eb\x1b"}, "title"),
    ("description-too-long", {"description": "d" * 4001}, "description"),
    ("skills-too-many", {"skills": ",".join(f"s{i}" for i in range(11))}, "skills"),
    ("slots-zero", {"slots": "0"}, "slots"),
    ("slots-negative", {"slots": "-1"}, "slots"),
    ("slots-too-many", {"slots": "1001"}, "slots"),
    ("slots-fraction", {"slots": "1.5"}, "slots"),
    ("slots-words", {"slots": "two"}, "slots"),
    ("slots-empty", {"slots": ""}, "slots"),
    ("slots-exponent", {"slots": "1e3"}, "slots"),
    ("slots-bool", {"slots": True}, "slots"),
    ("mode-unknown", {"mode": "auction"}, "mode"),
    ("deliver-zero", {"deliver_in": "0h"}, "deliver_in"),
    ("deliver-too-short", {"deliver_in": "5m"}, "deliver_in"),
    ("deliver-too-long", {"deliver_in": "31d"}, "deliver_in"),
    ("deliver-huge", {"deliver_in": "99999w"}, "deliver_in"),
    ("deliver-negative", {"deliver_in": "-1d"}, "deliver_in"),
    ("deliver-fraction", {"deliver_in": "1.5h"}, "deliver_in"),
    ("deliver-words", {"deliver_in": "forever"}, "deliver_in"),
    ("review-too-short", {"review_window": "30m"}, "review_window"),
    ("review-too-long", {"review_window": "15d"}, "review_window"),
    ("listing-too-short", {"listing_for": "10m"}, "listing_for"),
    ("listing-too-long", {"listing_for": "61d"}, "listing_for"),
    ("revisions-negative", {"max_revisions": "-1"}, "max_revisions"),
    ("revisions-too-many", {"max_revisions": "11"}, "max_revisions"),
    ("revisions-words", {"max_revisions": "many"}, "max_revisions"),
    ("estimate-zero", {"estimate": "0"}, "estimate"),
    ("estimate-words", {"estimate": "soon"}, "estimate"),
    ("unknown-field", {"colour": "red"}, "colour"),
]


@pytest.mark.parametrize("overrides, field", [pytest.param(o, f, id=i) for i, o, f in BAD_RAW_DRAFTS])
def test_draft_refuses_bad_input_naming_the_field(overrides, field):
    with pytest.raises(ValidationError) as info:
        GigDraft.parse({**BASE, **overrides})
    assert info.value.field == field
    assert info.value.code == "invalid_input"
    assert len(str(info.value)) > 10  # a sentence a user can read, not a bare code


@pytest.mark.parametrize("missing", ["title", "reward"])
def test_draft_requires_title_and_reward(missing):
    fields = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(ValidationError) as info:
        GigDraft.parse(fields)
    assert info.value.field == missing


@pytest.mark.parametrize("reward, currency, minor", [
    ("12.34", "usd", 1234), ("$12.50", "usd", 1250), ("1,000", "usd", 100_000),
    ("100000", "usd", 10_000_000), ("1.0", "jpy", 1), ("500", "JPY", 500),
    ("1.234", "kwd", 1234), (" 7 ", "eur", 700),
])
def test_good_amounts_become_exact_minor_units(reward, currency, minor):
    draft = GigDraft.parse({**BASE, "reward": reward, "currency": currency})
    assert draft.reward_minor == minor and draft.currency == currency.lower()


def test_control_characters_are_stripped_not_stored():
    draft = GigDraft.parse({**BASE, "title": "\x00Logo\u202e in\x1b SVG\u200b\n",
                            "description": "line one\nline\x07 two\x00"})
    assert draft.title == "Logo in SVG"
    assert draft.description == "line one\nline two"
    assert GigDraft.parse({**BASE, "title": "Logo\nin\tSVG"}).title == "Logo in SVG"


# Drafts built in code, bypassing parse: the engine must not trust them.
BAD_TYPED_DRAFTS = [
    ("reward-zero", {"reward_minor": 0}, "reward"),
    ("reward-negative", {"reward_minor": -2500}, "reward"),
    ("reward-absurd", {"reward_minor": 10 ** 20}, "reward"),
    ("reward-float", {"reward_minor": 25.5}, "reward"),
    ("currency-unknown", {"currency": "xyz"}, "currency"),
    ("title-empty", {"title": ""}, "title"),
    ("title-10000-chars", {"title": "x" * 10_000}, "title"),
    ("title-control-chars", {"title": "\x00\x01\x02\x03"}, "title"),
    ("slots-zero", {"slots": 0}, "slots"),
    ("slots-negative", {"slots": -3}, "slots"),
    ("slots-huge", {"slots": 10 ** 6}, "slots"),
    ("mode-unknown", {"mode": "auction"}, "mode"),
    ("deliver-zero", {"deliver_in": timedelta(0)}, "deliver_in"),
    ("deliver-negative", {"deliver_in": timedelta(hours=-5)}, "deliver_in"),
    ("deliver-year", {"deliver_in": timedelta(days=365)}, "deliver_in"),
    ("review-zero", {"review_window": timedelta(0)}, "review_window"),
    ("listing-year", {"listing_for": timedelta(days=365)}, "listing_for"),
    ("revisions-negative", {"max_revisions": -1}, "max_revisions"),
    ("estimate-zero", {"estimated_minutes": 0}, "estimate"),
]


async def test_nothing_is_written_when_a_post_is_refused(engine, world, snapshot):
    """The path /post takes (parse, then post) and hand-built drafts (post only)."""
    client = await world.user("client")
    before = await snapshot()
    for case, overrides, field in BAD_RAW_DRAFTS:
        with pytest.raises(ValidationError) as info:
            await engine.post_gig(client, GigDraft.parse({**BASE, **overrides}))
        assert info.value.field == field, case
    good = GigDraft.parse(BASE)
    for case, overrides, field in BAD_TYPED_DRAFTS:
        with pytest.raises(ValidationError) as info:
            await engine.post_gig(client, dataclasses.replace(good, **overrides))
        assert info.value.field == field, case
    # Each slot within limits, but the whole gig is too large to fund at once.
    huge = GigDraft.parse({**BASE, "reward": "100000", "slots": "1000"})
    with pytest.raises(ValidationError) as info:
        await engine.post_gig(client, huge)
    assert info.value.field == "slots"
    assert await snapshot() == before


async def test_a_good_post_after_refusals_is_stored_clean(engine, world):
    client = await world.user("client")
    gig = await engine.post_gig(client, GigDraft(
        title="  Logo\x00 in SVG  ", reward_minor=2500, currency="USD", skills=["Design", "SVG"]))
    view = await engine.gig_view(gig.id)
    assert (view.gig.title, view.gig.currency, view.gig.skills) == ("Logo in SVG", "usd",
                                                                    "design,svg")
    assert view.gig.status == "awaiting_funding" and view.escrow_minor == 0


BAD_PROFILES = [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": ""}, "timezone"),
    ({"timezone": "Europe"}, "timezone"),  # a folder of the tz database, not a zone
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"timezone": "/etc/localtime"}, "timezone"),
    ({"timezone": "UTC\x00"}, "timezone"),
    ({"timezone": "a" * 300}, "timezone"),
    ({"timezone": "Europe/Berlin", "hours": "25-3"}, "hours"),
    ({"hours": "9"}, "hours"),
    ({"hours": "9-9"}, "hours"),
    ({"hours": "a-b"}, "hours"),
    ({"hours": "-1-5"}, "hours"),
    ({"hours": "9-17-20"}, "hours"),
    ({"hours": ""}, "hours"),
    ({"max_claims": "0"}, "max_claims"),
    ({"max_claims": "11"}, "max_claims"),
    ({"min_reward": "-5"}, "min_reward"),
    ({"min_reward": "12.345", "currency": "usd"}, "min_reward"),
    ({"min_reward": "5", "currency": "xyz"}, "currency"),
    ({"bio": "b" * 1001}, "bio"),
    ({"skills": "design", "favourite_colour": "red"}, "favourite_colour"),
]


async def test_bad_profile_input_is_refused_and_nothing_changes(engine, world, snapshot):
    freelancer = await world.user("freelancer")
    await engine.update_profile(freelancer, {"timezone": "Asia/Tokyo", "hours": "9-17"})
    before = await snapshot()
    for fields, field in BAD_PROFILES:
        with pytest.raises(ValidationError) as info:
            await engine.update_profile(freelancer, fields)
        assert info.value.field == field, fields
    assert await snapshot() == before
    profile = await engine.update_profile(freelancer, {"timezone": " Europe/Berlin ",
                                                       "hours": "22-6"})
    assert (profile.timezone, profile.work_start_hour, profile.work_end_hour) == (
        "Europe/Berlin", 22, 6)


BAD_DELIVERIES = [
    ({}, "delivery"),
    ({"text": "   "}, "delivery"),
    ({"text": "\x00\x01\u200b"}, "delivery"),
    ({"links": ["example.com/logo.svg"]}, "link"),
    ({"links": ["javascript:alert(1)"]}, "link"),
    ({"links": ["ftp://example.com/logo.svg"]}, "link"),
    ({"links": ["file:///etc/passwd"]}, "link"),
    ({"links": [""]}, "link"),
    ({"links": ["https://example.com/" + "a" * 600]}, "link"),
    ({"text": "see links", "links": [f"https://example.com/{i}" for i in range(11)]}, "delivery"),
    # Ten links of 400 characters each: within the per-link and count limits,
    # too long together to store.
    ({"links": [f"https://example.com/{i}/" + "a" * 380 for i in range(10)]}, "link"),
    ({"text": "t" * 4001}, "delivery text"),
    ({"text": "files", "files": [{"ref": f"f{i}"} for i in range(11)]}, "delivery"),
]


async def test_bad_delivery_is_refused_and_the_claim_stays_active(engine, world, snapshot):
    client = await world.user("client")
    alice = await world.user("alice")
    gig_id = await world.gig(client)
    claim = await engine.claim_slot(alice, gig_id)
    before = await snapshot()
    for kwargs, field in BAD_DELIVERIES:
        with pytest.raises(ValidationError) as info:
            await engine.deliver(alice, claim.id, **kwargs)
        assert info.value.field == field, kwargs
    assert await snapshot() == before
    # Ten ordinary links are fine, and the delivery keeps them in order.
    links = [f"https://example.com/file/{i}" for i in range(10)]
    delivery = await engine.deliver(alice, claim.id, "", links)

    def read(s):
        return s.get(Claim, claim.id).status, s.get(Delivery, delivery.id).links
    assert await engine.db.read(read) == ("delivered", "\n".join(links))


async def test_platform_names_are_shortened_and_cleaned_never_refused(engine, snapshot):
    """A display name is the platform's, not typed into our forms: a Telegram first +
    last name can be 128 characters, or only control characters."""
    long_name = await engine.resolve_user("telegram", "1001", "Ä" * 64 + " " + "B" * 63)
    blank = await engine.resolve_user("telegram", "9" * 64, "\x00\u200b\x1b")
    weird = await engine.resolve_user("discord", "1002", "Ann\nO'Brien\t\x07")
    assert long_name.display_name == "Ä" * 64
    assert blank.display_name == ("user" + "9" * 64)[:64]
    assert weird.display_name == "Ann O'Brien"
    before = await snapshot()
    again = await engine.resolve_user("telegram", "1001", "x" * 500)
    assert again.id == long_name.id and await snapshot() == before
