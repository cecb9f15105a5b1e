"""What operators watch (``/healthz`` and ``/metrics``): whether the database
answers, and the backlog of the workers: open gigs, pending and dead outbox
rows (dead = undeliverable, kept with its error), pending timers and payments."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.records import Gig, OutboxMessage, PaymentOp, Timer, User


def database_answers(s: Session) -> bool:
    return s.execute(select(1)).scalar() == 1


def operational_counts(s: Session) -> dict[str, int]:
    def n(table, column, value) -> int:
        return int(s.scalar(select(func.count()).select_from(table).where(column == value)) or 0)
    return {
        "gigbroker_gigs_open": n(Gig, Gig.status, "open"),
        "gigbroker_outbox_pending": n(OutboxMessage, OutboxMessage.status, "pending"),
        "gigbroker_outbox_dead": n(OutboxMessage, OutboxMessage.status, "dead"),
        "gigbroker_timers_pending": n(Timer, Timer.status, "pending"),
        "gigbroker_payments_pending": n(PaymentOp, PaymentOp.status, "pending"),
    }


def grant_staff(s: Session, user_ids: list[int]) -> int:
    """Mark these users as platform staff (from settings); returns how many exist."""
    found = 0
    for uid in user_ids:
        user = s.get(User, uid)
        if user is not None:
            user.staff = True
            found += 1
    return found
