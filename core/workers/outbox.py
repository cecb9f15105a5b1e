"""The outbox worker: delivers what transitions queued in their transaction.
``notify`` rows go to a ``NotificationDispatcher`` (the chat adapters),
``payment`` rows to the payment executor, ``match`` rows to the matcher's
fan-out, ``platform`` rows (a member's role to give or take) to the dispatcher
as a ``RoleChange``. At least once: rows are leased (SKIP LOCKED on PostgreSQL, the single
writer lock on SQLite), retried with exponential backoff, and carry a dedup key.
A ``notify`` row whose event type core does not know, or that the dispatcher calls
``Undeliverable`` (no renderer), is a dead letter at once: status ``dead`` with
its error, never done; other failures retry and end dead after the last attempt.

A process leases only the channels it can deliver (``serves``): one without any chat
adapter leaves ``notify`` rows to the processes that have one.

``run_forever`` keeps a pipeline: it leases more rows once half a batch or less is
in hand, instead of waiting for a whole batch to finish, so
a slow row (a send waiting for its rate limit, a card edit waiting for the next
refresh) never holds the rows behind it and the platforms' budgets are used to
their limit while the next rows are read and rendered."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from datetime import timedelta
from typing import Callable

from sqlalchemy import bindparam, select, update

from core.events import event_from
from core.failpoints import failpoint
from core.workers import metrics
from core.lifecycle.tx import Tx
from core.domain.records import OutboxMessage
from core.ports.notifications import (
    Notification, NotificationDispatcher, RetryLater, RoleChange, Undeliverable,
)

log = logging.getLogger(__name__)
YIELD_AT_MOST, YIELD_STEP = 1.0, 0.02  # seconds a lease waits for answers in progress


def lease(tx: Tx, owner: str, *, limit: int, lease_for: timedelta,
          channels: tuple[str, ...] | None = None) -> list[OutboxMessage]:
    """Take up to ``limit`` due rows, oldest first, in one UPDATE ... RETURNING whose
    subquery skips rows another worker has locked (PostgreSQL)."""
    pick = (select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= tx.now,
                   (OutboxMessage.lease_until.is_(None)) | (OutboxMessage.lease_until < tx.now))
            .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True))
    if channels:
        pick = pick.where(OutboxMessage.channel.in_(channels))
    taken = tx.s.scalars(
        update(OutboxMessage).where(OutboxMessage.id.in_(pick.scalar_subquery()))
        .values(lease_owner=owner, lease_until=tx.now + lease_for,
                attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False, populate_existing=True)).all()
    return sorted(taken, key=lambda m: m.id)  # RETURNING promises no order


def renew(tx: Tx, owner: str, ids: list[int], lease_for: timedelta) -> int:
    """Extend this worker's leases on rows it is still handling."""
    res = tx.s.execute(update(OutboxMessage).where(
        OutboxMessage.id.in_(ids), OutboxMessage.lease_owner == owner,
        OutboxMessage.status == "pending").values(lease_until=tx.now + lease_for)
        .execution_options(synchronize_session=False))
    return int(res.rowcount or 0)


_OUTBOX = OutboxMessage.__table__
_COMPLETE = (_OUTBOX.update()  # a plain table UPDATE: one per delivered row, built once
             .where(_OUTBOX.c.id == bindparam("msg_id"), _OUTBOX.c.lease_owner == bindparam("owner"))
             .values(status="done", done_at=bindparam("now"), lease_until=None, last_error=None))


def complete(tx: Tx, msg_id: int, owner: str) -> None:
    tx.s.execute(_COMPLETE, {"msg_id": msg_id, "owner": owner, "now": tx.now})


def fail(tx: Tx, msg_id: int, owner: str, error: str, *, retry_in: float | None = None,
         dead: bool = False) -> None:
    """Record a failed attempt: retry later with backoff, or (``dead``, or out of
    attempts) put the row in the dead-letter state with its error, never done."""
    msg = tx.s.get(OutboxMessage, msg_id)
    if msg is None or msg.lease_owner != owner or msg.status != "pending":
        return
    msg.last_error = error[:500]
    msg.lease_until = None
    if dead:
        msg.status = "dead"
        return
    if msg.attempts >= tx.config.outbox_max_attempts:
        msg.status = "dead"
        log.error("outbox message %s (%s) gave up after %s attempts: %s", msg.id, msg.event,
                  msg.attempts, error)
        return
    delay = retry_in if retry_in is not None else min(5 * 2 ** (msg.attempts - 1), 3600)
    msg.next_attempt_at = tx.now + timedelta(seconds=delay)


def retry_now(tx: Tx, recipient_id: int) -> int:
    """Make a person's held notifications due now (e.g. they just opened a private
    chat with the bot, so what waited for that can go); returns how many."""
    res = tx.s.execute(update(OutboxMessage).where(
        OutboxMessage.recipient_id == recipient_id, OutboxMessage.channel == "notify",
        OutboxMessage.status == "pending", OutboxMessage.next_attempt_at > tx.now,
        (OutboxMessage.lease_until.is_(None)) | (OutboxMessage.lease_until < tx.now))
        .values(next_attempt_at=tx.now))
    return int(res.rowcount or 0)


class OutboxWorker:
    def __init__(self, engine, dispatcher: NotificationDispatcher, *, owner: str | None = None,
                 batch: int = 50, lease_seconds: int = 30, concurrency: int = 32,
                 renew_every: float | None = None,
                 serves: Callable[[], tuple[str, ...] | None] | None = None) -> None:
        """A row is leased for ``lease_seconds`` and the lease renewed every
        ``renew_every`` seconds (a third of it) while it is handled: a slow send keeps
        its row, and the rows of a killed process are free again within the lease."""
        self.engine = engine
        self.dispatcher = dispatcher
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.batch = batch
        self.lease_for = timedelta(seconds=lease_seconds)
        self.renew_every = renew_every if renew_every is not None else lease_seconds / 3
        self.concurrency = asyncio.Semaphore(concurrency)
        self._handling: set[int] = set()
        self.serves = serves  # () -> the channels this process can deliver (None: all)
        self.rounds = 0  # finished rounds of run_forever (health)
        self._answering: list[Callable[[], bool]] = []

    async def run_once(self, channels: tuple[str, ...] | None = None) -> int:
        msgs = await self.engine.tx(lambda t: lease(t, self.owner, limit=self.batch,
                                                    lease_for=self.lease_for, channels=channels))
        if not msgs:
            return 0
        ids = {m.id for m in msgs}
        self._handling |= ids
        renewer = asyncio.create_task(self._keep_leases())
        try:
            await asyncio.gather(*(self._handle(m) for m in msgs))
        finally:
            self._handling -= ids
            renewer.cancel()
        return len(msgs)

    async def _keep_leases(self) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            ids = sorted(self._handling)
            if ids:
                try:
                    await self.engine.tx(lambda t: renew(t, self.owner, ids, self.lease_for))
                except Exception:  # noqa: BLE001 - the next round tries again
                    log.warning("could not renew outbox leases", exc_info=True)

    async def drain(self, channels: tuple[str, ...] | None = None, max_rounds: int = 1000) -> int:
        """Process until nothing is due (tests and the console)."""
        total = 0
        for _ in range(max_rounds):
            n = await self.run_once(channels)
            if not n:
                break
            total += n
        return total

    async def _handle(self, msg: OutboxMessage) -> None:
        async with self.concurrency:
            try:
                await self._dispatch(msg)
            except Undeliverable as exc:
                log.error("outbox %s (%s) is undeliverable, dead: %r", msg.id, msg.event, exc,
                          exc_info=True)
                reason = repr(exc)
                await self.engine.tx(lambda t: fail(t, msg.id, self.owner, reason, dead=True))
                metrics.outbox_handled(msg.channel, "dead")
                return
            except RetryLater as later:
                reason, delay = str(later), later.seconds
                await self.engine.tx(lambda t: fail(t, msg.id, self.owner, reason, retry_in=delay))
                metrics.outbox_handled(msg.channel, "later")
                return
            except Exception as exc:  # noqa: BLE001 - any failure is retried with backoff
                log.warning("outbox %s (%s) failed: %r", msg.id, msg.event, exc, exc_info=True)
                reason = repr(exc)
                await self.engine.tx(lambda t: fail(t, msg.id, self.owner, reason))
                metrics.outbox_handled(msg.channel, "failed")
                return
            failpoint("outbox", msg.channel, "handled")
            await self.engine.tx(lambda t: complete(t, msg.id, self.owner))
            metrics.outbox_handled(msg.channel, "sent")

    async def _dispatch(self, msg: OutboxMessage) -> None:
        data = json.loads(msg.payload)
        if msg.channel == "payment":
            from core.lifecycle.payouts import execute_payment_op
            await execute_payment_op(self.engine, data["op_id"])
        elif msg.channel == "match":
            from core.matching.ranking import fan_out
            await fan_out(self.engine, data["gig_id"])
        elif msg.channel == "platform":
            try:
                effect = RoleChange(**data)
            except TypeError as exc:
                raise Undeliverable(f"no platform effect takes this payload: {exc!r}") from exc
            await self.dispatcher.deliver(Notification(
                id=msg.id, event=msg.event, recipient_id=msg.recipient_id, data=data,
                dedup_key=msg.dedup_key, created_at=msg.created_at, effect=effect))
        else:
            try:
                happened = event_from(msg.event, msg.recipient_id, data)
            except (KeyError, TypeError) as exc:
                raise Undeliverable(f"no event type {msg.event!r} takes this payload: {exc!r}") \
                    from exc
            await self.dispatcher.deliver(Notification(
                id=msg.id, event=msg.event, recipient_id=msg.recipient_id, data=data,
                dedup_key=msg.dedup_key, created_at=msg.created_at, happened=happened))

    def yield_to(self, answering: Callable[[], bool]) -> None:
        """Before each lease, wait (at most ``YIELD_AT_MOST`` seconds) while
        ``answering()`` says users are being answered in this process: their answers
        go first, notifications follow (the adapters register their intake)."""
        self._answering.append(answering)

    async def _let_answers_go_first(self, stop: asyncio.Event) -> None:
        waited = 0.0
        while waited < YIELD_AT_MOST and not stop.is_set() and any(
                busy() for busy in self._answering):
            await asyncio.sleep(YIELD_STEP)
            waited += YIELD_STEP

    async def run_forever(self, stop: asyncio.Event, idle: float = 0.5) -> None:
        """Deliver until ``stop``: rows are handled as a stream, not batch by batch.
        Whenever a quarter of ``batch`` has finished, the worker leases as many new
        rows, so a fan-out keeps ``concurrency`` sends busy (waiting for their slots
        of the platform's rate limit) instead of pausing at the end of every batch
        for its slowest send. On ``stop`` the rows in hand are finished first."""
        in_flight: set[asyncio.Task] = set()
        renewer = asyncio.create_task(self._keep_leases())
        refill_at = self.batch - max(1, self.batch // 4)
        loop = asyncio.get_running_loop()
        next_lease = loop.time()
        try:
            while not stop.is_set():
                taken = 0
                if len(in_flight) <= refill_at and loop.time() >= next_lease:
                    await self._let_answers_go_first(stop)
                    try:
                        taken = await self._take(self.batch - len(in_flight), in_flight)
                        self.rounds += 1
                    except Exception:  # noqa: BLE001 - keep the worker alive; log and back off
                        log.exception("outbox worker round failed")
                    if not taken:  # nothing due: look again after ``idle``
                        next_lease = loop.time() + idle
                if in_flight:  # until one finishes (room for more), or new rows may be due
                    await asyncio.wait(in_flight, timeout=idle,
                                       return_when=asyncio.FIRST_COMPLETED)
                elif not taken:
                    try:
                        await asyncio.wait_for(stop.wait(), idle)
                    except asyncio.TimeoutError:
                        pass
            if in_flight:
                await asyncio.gather(*in_flight, return_exceptions=True)
        finally:
            renewer.cancel()

    async def _take(self, limit: int, in_flight: set[asyncio.Task]) -> int:
        channels = self.serves() if self.serves is not None else None
        msgs = await self.engine.tx(lambda t: lease(t, self.owner, limit=limit,
                                                    lease_for=self.lease_for, channels=channels))
        for msg in msgs:
            self._handling.add(msg.id)
            task = asyncio.create_task(self._handle(msg))
            in_flight.add(task)
            task.add_done_callback(lambda done, msg_id=msg.id: self._handled(
                done, msg_id, in_flight))
        return len(msgs)

    def _handled(self, task: asyncio.Task, msg_id: int, in_flight: set[asyncio.Task]) -> None:
        in_flight.discard(task)
        self._handling.discard(msg_id)
        if not task.cancelled() and task.exception() is not None:  # its lease runs out: retried
            log.error("outbox %s could not be recorded: %r", msg_id, task.exception())
