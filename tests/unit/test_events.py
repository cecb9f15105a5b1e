"""Typed domain events: every event type core can emit has a renderer, renders
for a real scenario (people, a gig on a board, a delivered claim built through
the engine), and round-trips through its outbox row (type name + JSON payload)
with the same dedup key as before; an event whose renderer is missing is a dead
letter with its error, counted in /metrics, never done."""
from __future__ import annotations

import dataclasses
import json
import typing
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bot import renderers
from bot.conversation import Reply
from bot.runtime.http import HttpServer
from bot.texts import translator
from core import events
from core.api import EVENT_TYPES, Event, GigOpened, Notification, event_from
from core.domain.records import OutboxMessage
from core.workers.outbox import OutboxWorker

TYPE_NAMES = sorted(EVENT_TYPES)


class Renders:
    def __init__(self, engine):
        self.engine, self.replies = engine, []

    async def deliver(self, note):
        self.replies.append(await renderers.render(self.engine, note, translator("en")))


async def scenario(engine, world) -> dict[str, int]:
    """A client, a freelancer and a moderator; a funded gig on a board; a claim with
    a delivery waiting for review."""
    client = await world.user("client")
    alice = await world.user("alice")
    mod = await world.user("mod")
    community = await world.community("board", moderators=(mod,))
    gig_id = await world.gig(client, slots=2, community_id=community)
    claim = await engine.claim_slot(alice, gig_id)
    delivery = await engine.deliver(alice, claim.id, "here", ["https://example.com/logo.svg"])
    return dict(client=client, freelancer=alice, moderator=mod, community=community,
                gig=gig_id, claim=claim.id, delivery=delivery.id)


def build(cls: type[Event], ids: dict[str, int], recipient_id: int | None) -> Event:
    """An instance of ``cls`` whose id fields point at the scenario's rows."""
    hints = typing.get_type_hints(cls, vars(events))
    values: dict[str, object] = {}
    for f in dataclasses.fields(cls):
        if f.name == "recipient_id" or f.default is not dataclasses.MISSING:
            continue
        hint = hints[f.name]
        by_name = {"gig_id": ids["gig"], "claim_id": ids["claim"],
                   "freelancer_id": ids["freelancer"], "client_id": ids["client"],
                   "community_id": ids["community"], "delivery_id": ids["delivery"],
                   "application_id": 1, "dispute_id": 1, "currency": "usd"}
        if f.name in by_name:
            values[f.name] = by_name[f.name]
        elif f.name.endswith("_at"):
            values[f.name] = "2026-06-02T12:00:00+00:00"
        elif hint in (int, int | None):
            values[f.name] = 1250
        elif hint is float:
            values[f.name] = 0.75
        else:
            values[f.name] = "a reason"
    return cls(recipient_id=recipient_id, **values)


def test_every_event_type_has_a_renderer():
    missing = [n for n, cls in EVENT_TYPES.items() if cls not in renderers.RENDERERS]
    assert not missing, f"no renderer for {missing}"
    assert len(EVENT_TYPES) >= 36


def test_type_names_are_stable_and_unique():
    assert EVENT_TYPES["claim.approved"].__name__ == "ClaimApproved"
    assert EVENT_TYPES["claim.auto_approved"].__name__ == "ClaimAutoApproved"
    assert EVENT_TYPES["gig.card_changed"].__name__ == "GigCardChanged"
    assert all(cls.type_name == name for name, cls in EVENT_TYPES.items())


# Events whose recipient already got the one message for it as the answer to their
# own press (bot/commands/buttons.py): the claimant's confirmation, and the
# client's own manual approval. They render nothing, so nobody hears it twice.
ANSWERED_IN_PLACE = {"claim.confirmed", "claim.approved"}


@pytest.mark.parametrize("type_name", TYPE_NAMES)
async def test_every_event_renders_for_a_real_scenario(engine, world, type_name):
    ids = await scenario(engine, world)
    cls = EVENT_TYPES[type_name]
    recipient = None if type_name in ("gig.card_changed", "board.weekly_summary") \
        else ids["client"]
    event = build(cls, ids, recipient)
    note = Notification(id=1, event=type_name, recipient_id=recipient, data=event.payload(),
                        dedup_key=event.dedup_key("k"), created_at=engine.clock.now(),
                        happened=event)
    for locale in ("en", "es"):
        reply = await renderers.render(engine, note, translator(locale))
        if type_name in ANSWERED_IN_PLACE:  # the actor's press was the one message (issue 12)
            assert reply is None
            return
        assert isinstance(reply, Reply)
        assert reply.text.spans, f"{type_name} rendered no text"
    if recipient is not None and type_name != "gig.matched":
        assert reply.private


@pytest.mark.parametrize("type_name", TYPE_NAMES)
async def test_events_round_trip_through_the_outbox_row(engine, world, type_name):
    ids = await scenario(engine, world)
    event = build(EVENT_TYPES[type_name], ids, ids["freelancer"])
    await engine.tx(lambda t: t.emit(event, key="cause-1"))
    rows = await engine.view(lambda t: list(t.s.scalars(select(OutboxMessage).where(
        OutboxMessage.event == type_name, OutboxMessage.recipient_id == ids["freelancer"],
        OutboxMessage.dedup_key.like("%cause-1")))))
    [row] = rows
    expected_key = "cause-1" if type_name == "gig.card_changed" \
        else f"{type_name}:{ids['freelancer']}:cause-1"
    assert row.dedup_key == expected_key
    assert row.channel == "notify"
    assert event_from(row.event, row.recipient_id, json.loads(row.payload)) == event
    # the same cause twice is one row (dedup unchanged)
    await engine.tx(lambda t: t.emit(event, key="cause-1"))
    again = await engine.view(lambda t: list(t.s.scalars(select(OutboxMessage).where(
        OutboxMessage.dedup_key == expected_key))))
    assert len(again) == 1


async def test_lifecycle_notifications_render_and_are_done(engine, world):
    ids = await scenario(engine, world)
    await engine.approve(ids["client"], ids["claim"])
    sink = Renders(engine)
    await OutboxWorker(engine, sink).drain()
    rows = await engine.view(lambda t: list(t.s.scalars(
        select(OutboxMessage).where(OutboxMessage.channel == "notify"))))
    assert {"gig.opened", "claim.created", "claim.confirmed", "delivery.submitted",
            "claim.approved", "gig.card_changed"} <= {r.event for r in rows}
    assert all(r.status == "done" for r in rows)


async def test_a_missing_renderer_is_a_dead_letter(engine, world, monkeypatch):
    monkeypatch.delitem(renderers.RENDERERS, GigOpened)
    client = await world.user("client")
    await world.gig(client)
    await OutboxWorker(engine, Renders(engine)).drain()
    [row] = await engine.view(lambda t: list(t.s.scalars(
        select(OutboxMessage).where(OutboxMessage.event == "gig.opened",
                                    OutboxMessage.channel == "notify"))))
    assert row.status == "dead" and row.done_at is None and row.attempts == 1
    assert "Undeliverable" in row.last_error and "no renderer" in row.last_error
    resp = await HttpServer(SimpleNamespace(engine=engine), "127.0.0.1", 0).metrics(None)
    assert "gigbroker_outbox_dead 1.0\n" in resp.text  # prometheus_client floats
