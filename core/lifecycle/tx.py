"""The transaction context every transition runs in: the session, the time of
the change, and the side effects that must commit with it (audit event, outbox
notifications, timers, ledger entries, payment commands)."""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Iterator

from sqlalchemy import Table, bindparam, insert, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from core.events import Event, GigCardChanged
from core.lifecycle import charges, ledger
from core.domain.config import EngineConfig
from core.domain.errors import NotFound
from core.domain.records import (
    AuditEvent, Claim, CommunityMember, Gig, OutboxMessage, PaymentOp, Timer, User,
)


def one_of(column, states):
    """``column IN ('a', 'b')`` with the states inlined as constants, so the SQL is
    compiled once (an IN of bound values is re-rendered on every execution)."""
    return column.in_([literal_column(f"'{s.value}'") for s in states])


# Hot-path statements are built once: building and cache-keying a small statement
# costs more than running it. Values go in as bind parameters.
_GIG = select(Gig).where(Gig.id == bindparam("gig_id"))
_GIG_LOCKED = _GIG.with_for_update()
_CLAIM = select(Claim).where(Claim.id == bindparam("claim_id"))
_CLAIM_LOCKED = _CLAIM.with_for_update()
_AUDIT_INSERT = insert(AuditEvent.__table__)
_member = CommunityMember.__table__.c
_MEMBER_ROLE = select(_member.role).where(_member.community_id == bindparam("community_id"),
                                          _member.user_id == bindparam("user_id"))
_gig = Gig.__table__.c
_BUMP_GIG_VERSION = (update(Gig.__table__).where(_gig.id == bindparam("gig_id"))
                     .values(version=_gig.version + 1).returning(_gig.version))
_NEW_ROW_INSERTS: dict[tuple[str, str], Any] = {}


def _insert_new_rows(dialect: str, table: Table):
    """INSERT that skips rows whose ``dedup_key`` already exists (ON CONFLICT DO
    NOTHING on the unique constraint): one statement instead of SELECT + INSERT."""
    stmt = _NEW_ROW_INSERTS.get((dialect, table.name))
    if stmt is None:
        dml = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = dml(table).on_conflict_do_nothing(index_elements=["dedup_key"])
        _NEW_ROW_INSERTS[(dialect, table.name)] = stmt
    return stmt


class Tx:
    def __init__(self, session: Session, now: datetime, config: EngineConfig) -> None:
        self.s = session
        self.now = now
        self.config = config
        self.dialect = session.get_bind().dialect.name
        self._conn: Connection | None = None
        self._outbox: list[dict[str, Any]] = []

    @property
    def conn(self) -> Connection:
        """The transaction's connection, for Core statements that need no ORM
        loading or flush (cheaper per statement than ``Session.execute``). Rows
        they reference must already be flushed: anything with an id is."""
        if self._conn is None:
            self._conn = self.s.connection()
        return self._conn

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction that may fail alone: if the block raises, its writes
        roll back, and so do the notifications it queued for ``finish``."""
        queued = len(self._outbox)
        try:
            with self.s.begin_nested():
                yield
        except BaseException:
            del self._outbox[queued:]
            raise

    def finish(self) -> None:
        """Write what was queued for the end of the unit of work (the outbox rows,
        in one statement). ``Engine`` calls this before the transaction commits."""
        if self._outbox:
            rows, self._outbox = self._outbox, []
            self.conn.execute(_insert_new_rows(self.dialect, OutboxMessage.__table__), rows)

    # -- loading ---------------------------------------------------------
    def gig(self, gig_id: int, *, lock: bool = False) -> Gig:
        gig = self.s.scalar(_GIG_LOCKED if lock else _GIG, {"gig_id": gig_id})
        if gig is None:
            raise NotFound("There is no gig #{gig_id}.", gig_id=gig_id)
        return gig

    def claim(self, claim_id: int, *, lock: bool = True) -> Claim:
        claim = self.s.scalar(_CLAIM_LOCKED if lock else _CLAIM, {"claim_id": claim_id})
        if claim is None:
            raise NotFound("There is no claim #{claim_id}.", claim_id=claim_id)
        return claim

    def user(self, user_id: int) -> User:
        user = self.s.get(User, user_id)
        if user is None:
            raise NotFound("Unknown user #{user_id}.", user_id=user_id)
        return user

    def is_moderator(self, user_id: int | None, community_id: int | None) -> bool:
        if user_id is None:
            return False
        user = self.s.get(User, user_id)
        if user is not None and user.staff:
            return True
        if community_id is None:
            return False
        return self.member_role(community_id, user_id) == "moderator"

    def member_role(self, community_id: int, user_id: int) -> str | None:
        """member | moderator | banned, or None for someone the community doesn't know."""
        return self.s.scalar(_MEMBER_ROLE, {"community_id": community_id, "user_id": user_id})

    def moderators(self, community_id: int | None) -> list[int]:
        q = select(CommunityMember.user_id).where(CommunityMember.role == "moderator",
                                                  CommunityMember.community_id == community_id)
        mods = list(self.s.scalars(q)) if community_id is not None else []
        return mods or list(self.s.scalars(select(User.id).where(User.staff.is_(True))))

    # -- side effects ----------------------------------------------------
    def audit(self, actor_id: int | None, role: str, action: str, *, gig_id: int | None = None,
              claim_id: int | None = None, from_state: str | None = None,
              to_state: str | None = None, detail: str = "") -> None:
        self.conn.execute(_AUDIT_INSERT, dict(
            at=self.now, actor_id=actor_id, actor_role=role, action=action, gig_id=gig_id,
            claim_id=claim_id, from_state=from_state, to_state=to_state, detail=detail[:2000]))

    def emit(self, event: Event, *, key: str, at: datetime | None = None) -> None:
        """Queue a domain event for its recipient; ``key`` makes it unique per cause;
        ``at``: not delivered before then (a digest at the end of an hour)."""
        self.enqueue("notify", event.type_name, event.dedup_key(key), event.recipient_id,
                     event.payload(), at=at)

    def enqueue(self, channel: str, event: str, dedup_key: str, recipient_id: int | None,
                data: dict[str, Any], *, at: datetime | None = None) -> None:
        self._outbox.append(dict(
            channel=channel, event=event, recipient_id=recipient_id,
            payload=json.dumps(data, default=str), dedup_key=dedup_key,
            next_attempt_at=at or self.now, created_at=self.now))

    def card_changed(self, gig: Gig) -> None:
        """Boards and chats showing this gig's card should re-render it."""
        # One UPDATE ... RETURNING rather than dirtying ``gig`` for another ORM flush.
        version = self.s.execute(_BUMP_GIG_VERSION, {"gig_id": gig.id}).scalar_one()
        set_committed_value(gig, "version", version)
        self.card_version_changed(gig.id, gig.community_id, version)

    def card_version_changed(self, gig_id: int, community_id: int | None, version: int) -> None:
        """Queue the re-render of a gig card whose version was already bumped."""
        self.emit(GigCardChanged(recipient_id=None, gig_id=gig_id, community_id=community_id,
                                 version=version), key=f"card:{gig_id}:v{version}")

    def schedule(self, kind: str, due_at: datetime, key: str, *, gig_id: int | None = None,
                 claim_id: int | None = None) -> None:
        """Set a timer; one whose ``kind:key`` is already set is left as it is."""
        self._set_timers([(kind, due_at, key)], gig_id=gig_id, claim_id=claim_id)

    def schedule_with_reminders(self, kind: str, reminder_kind: str, due_at: datetime,
                                key: str, **ids: int | None) -> None:
        timers = [(kind, due_at, key)]
        for before in self.config.reminders:
            at = due_at - before
            if at > self.now:
                timers.append((reminder_kind, at, f"{key}:{int(before.total_seconds())}"))
        self._set_timers(timers, **ids)

    def _set_timers(self, timers: list[tuple[str, datetime, str]], *, gig_id: int | None = None,
                    claim_id: int | None = None) -> None:
        self.conn.execute(_insert_new_rows(self.dialect, Timer.__table__), [
            dict(kind=kind, due_at=due_at, gig_id=gig_id, claim_id=claim_id,
                 dedup_key=f"{kind}:{key}") for kind, due_at, key in timers])

    def cancel_timers(self, *, claim_id: int | None = None, gig_id: int | None = None) -> None:
        q = update(Timer).where(Timer.status == "pending").values(status="cancelled",
                                                                    done_at=self.now)
        q = q.where(Timer.claim_id == claim_id) if claim_id is not None else q.where(
            Timer.gig_id == gig_id, Timer.claim_id.is_(None))
        self.s.execute(q)

    def payment_op(self, *, kind: str, key: str, gig: Gig, user_id: int, amount: int,
                   claim_id: int | None = None, funding_ref: str | None = None) -> PaymentOp | None:
        """Record a transfer/refund to execute after commit (or to hold for onboarding)."""
        if amount <= 0 or self.s.scalar(select(PaymentOp.id).where(PaymentOp.idempotency_key == key)):
            return None
        status = "pending"
        if kind == "transfer" and not self.user(user_id).payouts_enabled:
            status = "waiting_account"
        op = PaymentOp(kind=kind, idempotency_key=key, gig_id=gig.id, claim_id=claim_id,
                       user_id=user_id, amount_minor=amount, currency=gig.currency,
                       status=status, created_at=self.now,
                       # the gig's charge with room for it (several once money was added)
                       funding_ref=funding_ref or charges.charge_for(self.s, gig, amount))
        self.s.add(op)
        self.s.flush()
        if status == "pending":
            self.start_payment(op)
        return op

    def start_payment(self, op: PaymentOp) -> None:
        """Move the money to 'pending' in the ledger and queue the provider call."""
        # A transfer declined before (attempts > 0) starts again after payout setup:
        # that attempt needs its own ledger and outbox keys, the first ones are spent.
        attempt = f":{op.attempts}" if op.attempts else ""
        if op.kind == "transfer":
            src, dst = ledger.payable(op.user_id), ledger.payout_pending(op.user_id)
        else:
            src, dst = None, None  # refunds are already in refund_pending
        if src:
            ledger.post_entry(self.s, kind="payout_started", currency=op.currency,
                              key=f"payout_started:{op.idempotency_key}{attempt}",
                              postings=[(src, -op.amount_minor), (dst, op.amount_minor)],
                              at=self.now, gig_id=op.gig_id, claim_id=op.claim_id,
                              user_id=op.user_id)
        op.status = "pending"
        self.enqueue("payment", op.kind, f"payment:{op.idempotency_key}{attempt}", op.user_id,
                     {"op_id": op.id})

    def deadline(self, seconds: int) -> datetime:
        return self.now + timedelta(seconds=seconds)
