"""What payment providers may read and keep in the app's database, without an
engine (a provider is built before the engine it serves, and runs outside the
engine's transactions): the sandbox's own book of test payments, a gig's
payment requests, and when a user joined. Providers get one
``ProviderRecords`` over the database; nothing else of core's storage."""
from __future__ import annotations

from sqlalchemy import select

from core.domain.records import Gig, PaymentRequest, SandboxPayment, User
from core.payment_read_models import payment_requests_of
from core.storage.db import Database


class ProviderRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def keep_sandbox_payment(self, *, key: str, kind: str, digest: str, ref: str,
                                   amount: int, currency: str) -> tuple[str, str]:
        """Store a test payment under its idempotency key unless the key is taken;
        returns the (ref, parameter digest) stored under the key."""
        def record(s) -> tuple[str, str]:
            row = s.get(SandboxPayment, key)
            if row is not None:
                return row.ref, row.params_digest
            s.add(SandboxPayment(idempotency_key=key, kind=kind, params_digest=digest, ref=ref,
                                 amount_minor=amount, currency=currency))
            return ref, digest
        return await self.db.write(record)

    async def sandbox_payments(self, keys: list[str]) -> dict[str, SandboxPayment]:
        """The sandbox's book entries stored under these idempotency keys."""
        def read(s) -> dict[str, SandboxPayment]:
            rows = s.scalars(select(SandboxPayment).where(
                SandboxPayment.idempotency_key.in_(keys or [""])))
            return {row.idempotency_key: row for row in rows}
        return await self.db.read(read)

    async def payment_requests_of(self, gig_id: int, provider: str
                                  ) -> tuple[Gig | None, list[PaymentRequest]]:
        return await self.db.read(lambda s: payment_requests_of(s, gig_id, provider))

    async def user_joined_at(self, user_id: int) -> int:
        """Unix time the user was first seen (0 for an unknown user)."""
        def read(s) -> int:
            user = s.get(User, user_id)
            return int(user.created_at.timestamp()) if user is not None else 0
        return await self.db.read(read)
