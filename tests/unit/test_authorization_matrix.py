"""Who may do what: every user action against every kind of actor.

Actions: fund (start_funding), cancel, claim, apply, accept an application,
withdraw, deliver, request a revision, approve, reject, dispute, resolve, rate.
Actors: the client, the claimant, another freelancer, a moderator of the gig's
community, a moderator of another community, a stranger who just started the
bot, and the client's own second platform identity (linked with /link, so it
is the client).

An allowed actor's action takes effect: an audit event names them and the
notification it causes is queued. Everyone else gets a typed refusal
(``NotAllowed``, or ``AlreadyClaimed`` where that is the honest answer) and
NOTHING is written: every row of every table, the ledger balances and the
audit count are compared before and after. Refusals are tried against one
shared scenario (they must leave it untouched); each allowed actor gets a
fresh one."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from core.domain.errors import AlreadyClaimed, DomainError, NotAllowed
from core.domain.records import Application, AuditEvent, Claim, OutboxMessage

ACTORS = ("client", "claimant", "other_freelancer", "moderator_here", "moderator_elsewhere",
          "stranger", "client_second_identity")
CLIENT_SIDE = {"client", "client_second_identity"}
NOT_THE_CLIENT = {"other_freelancer", "moderator_here", "moderator_elsewhere", "stranger"}

Run = Callable[..., Awaitable[object]]


@dataclass(frozen=True)
class Case:
    scenario: str  # the state the action applies to (see ``build``)
    run: Run  # (engine, actor_id, ctx) -> awaitable
    allowed: frozenset[str]
    audit: str  # the audit action an allowed actor leaves
    event: str  # the notification it queues
    refusals: dict[str, type[DomainError]] = field(default_factory=dict)  # default NotAllowed


CASES: dict[str, Case] = {
    "fund": Case("awaiting_funding", lambda e, a, c: e.start_funding(a, c["gig"]),
                 frozenset(CLIENT_SIDE), "fund", "gig.opened"),
    "cancel": Case("claimed", lambda e, a, c: e.cancel_gig(a, c["gig"]),
                   frozenset(CLIENT_SIDE | {"moderator_here"}), "cancelled", "gig.cancelled"),
    "claim": Case("claimed", lambda e, a, c: e.claim_slot(a, c["gig"]),
                  frozenset(NOT_THE_CLIENT), "claim", "claim.created",
                  {"claimant": AlreadyClaimed}),
    "apply": Case("applied", lambda e, a, c: e.apply(a, c["gig"], "I can do it"),
                  frozenset(NOT_THE_CLIENT), "apply", "application.received",
                  {"claimant": AlreadyClaimed}),
    "accept_application": Case(
        "applied", lambda e, a, c: e.decide_application(a, c["application"], True),
        frozenset(CLIENT_SIDE), "accept", "application.accepted"),
    "withdraw": Case("active", lambda e, a, c: e.withdraw(a, c["claim"]),
                     frozenset({"claimant"}), "withdraw", "claim.withdrawn"),
    "deliver": Case("active", lambda e, a, c: e.deliver(a, c["claim"], "done",
                                                         ["https://example.com/x"]),
                    frozenset({"claimant"}), "deliver", "delivery.submitted"),
    "request_revision": Case("delivered", lambda e, a, c: e.request_revision(a, c["claim"], "more"),
                             frozenset(CLIENT_SIDE), "request_revision", "revision.requested"),
    "approve": Case("delivered", lambda e, a, c: e.approve(a, c["claim"]),
                    frozenset(CLIENT_SIDE), "approve", "claim.approved"),
    "reject": Case("delivered", lambda e, a, c: e.reject(a, c["claim"], "not what I asked"),
                   frozenset(CLIENT_SIDE), "reject", "claim.rejected"),
    "dispute": Case("rejected", lambda e, a, c: e.open_dispute(a, c["claim"], "it matches the brief"),
                    frozenset({"claimant"}), "dispute", "dispute.opened"),
    "resolve": Case("disputed", lambda e, a, c: e.resolve_dispute(a, c["claim"], 1000, "half-ish"),
                    frozenset({"moderator_here"}), "resolve", "dispute.resolved"),
    "rate": Case("approved", lambda e, a, c: e.rate(a, c["claim"], 4, "fine"),
                 frozenset(CLIENT_SIDE | {"claimant"}), "rate", "rating.received"),
}


async def cast(engine, world) -> dict[str, int]:
    people = {
        "client": await world.user("client"),
        "claimant": await world.user("claimant", experienced=True),
        "other_freelancer": await world.user("other", experienced=True),
        "moderator_here": await world.user("mod-here"),
        "moderator_elsewhere": await world.user("mod-elsewhere"),
        # Someone who only pressed /start: no profile form, no payout account.
        "stranger": (await engine.resolve_user("telegram", "stranger-1", "Stranger")).id,
    }
    # Every scenario gives the claimant a live claim: let them hold many.
    await engine.update_profile(people["claimant"], {"max_claims": "10"})
    people["community"] = await world.community("here", moderators=(people["moderator_here"],))
    await world.community("elsewhere", moderators=(people["moderator_elsewhere"],))
    people["client_second_identity"] = await world.second_identity(
        people["client"], "telegram", "client-on-telegram")
    assert people["client_second_identity"] == people["client"]
    return people


async def build(engine, world, people: dict[str, int], scenario: str) -> dict[str, int]:
    """A fresh gig on the community's board, moved to ``scenario``."""
    client, claimant = people["client"], people["claimant"]
    mode = "apply" if scenario == "applied" else "claim"
    gig_id = await world.gig(client, fund=scenario != "awaiting_funding", slots=2, mode=mode,
                             community_id=people["community"])
    ctx = {"gig": gig_id}
    if scenario == "applied":
        ctx["application"] = (await engine.apply(claimant, gig_id, "pick me")).id
    if scenario in ("claimed", "active", "delivered", "rejected", "disputed", "approved"):
        claim = await engine.claim_slot(claimant, gig_id)
        ctx["claim"] = claim.id
    if scenario in ("delivered", "rejected", "disputed", "approved"):
        await engine.deliver(claimant, ctx["claim"], "first try", ["https://example.com/1"])
    if scenario in ("rejected", "disputed"):
        await engine.reject(client, ctx["claim"], "wrong colours")
    if scenario == "disputed":
        await engine.open_dispute(claimant, ctx["claim"], "colours were not specified")
    if scenario == "approved":
        await engine.approve(client, ctx["claim"])
    return ctx


async def counts(engine, actor_id: int, audit: str, event: str) -> tuple[int, int]:
    def read(s):
        return (s.scalar(select(func.count()).select_from(AuditEvent).where(
                    AuditEvent.actor_id == actor_id, AuditEvent.action == audit)),
                s.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.event == event)))
    return await engine.db.read(read)


@pytest.mark.parametrize("action", list(CASES))
async def test_every_actor_against_every_action(action, engine, world, snapshot):
    case = CASES[action]
    people = await cast(engine, world)
    shared: dict[str, int] | None = None
    problems: list[str] = []
    for actor in ACTORS:
        actor_id = people[actor]
        if actor in case.allowed:
            ctx = await build(engine, world, people, case.scenario)
            audit_before, events_before = await counts(engine, actor_id, case.audit, case.event)
            try:
                await case.run(engine, actor_id, ctx)
            except DomainError as exc:
                problems.append(f"{actor} should be allowed to {action}, got {exc.code}: {exc}")
                continue
            audit_after, events_after = await counts(engine, actor_id, case.audit, case.event)
            if audit_after != audit_before + 1:
                problems.append(f"{actor}'s {action} left no audit event {case.audit!r}")
            if events_after <= events_before:
                problems.append(f"{actor}'s {action} queued no {case.event!r} notification")
            continue
        if shared is None:
            shared = await build(engine, world, people, case.scenario)
        before = await snapshot()
        expected = case.refusals.get(actor, NotAllowed)
        try:
            await case.run(engine, actor_id, shared)
        except DomainError as exc:
            if type(exc) is not expected:
                problems.append(f"{actor} doing {action}: expected {expected.__name__}, "
                                f"got {type(exc).__name__}: {exc}")
            elif len(exc.message) < 10:
                problems.append(f"{actor} doing {action}: refusal without a readable message")
        else:
            problems.append(f"{actor} was allowed to {action}")
            continue
        if await snapshot() != before:
            problems.append(f"{actor}'s refused {action} wrote to the database")
    assert not problems, "\n".join(problems)


async def test_linked_identity_acts_as_the_client_on_the_other_platform(engine, world):
    """The second identity is the client: its approval pays the claimant."""
    people = await cast(engine, world)
    ctx = await build(engine, world, people, "delivered")
    second = await engine.resolve_user("telegram", "client-on-telegram", "whoever")
    assert second.id == people["client"]
    await engine.approve(second.id, ctx["claim"])

    def read(s):
        claim = s.get(Claim, ctx["claim"])
        apps = s.scalar(select(func.count()).select_from(Application))
        return claim.status, claim.paid_minor, apps
    assert await engine.db.read(read) == ("approved", 2500, 0)
