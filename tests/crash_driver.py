"""The process the kill tests (tests/integration/test_kill_points.py) run and kill.

``python -m tests.crash_driver scenario`` is the bot: the real composition root
(``bot.runtime.app.App``: database from ``DATABASE_URL``, sandbox payments, the
outbox and clock workers in-process after every step) with the conversation
tests' recording platform attached (``tests.conversation``), so notifications are
really delivered. On its board carol posts a 2-slot gig and pays,
alice claims, delivers and is approved (a transfer), carol cancels (a refund of
the open slot). Every step looks at the database first and does only what is
still to do - as people who come back after a crash would - so the same command
finishes a scenario that a kill interrupted.

``python -m tests.crash_driver restart`` is the restarted process: it runs one
round of the workers (timers, the recovery of unrecorded payments, the outbox),
prints ``RECOVERED`` and waits for a line on stdin (the test checks the
database meanwhile), then finishes the scenario.

``GIGBROKER_FAILPOINT`` (core/failpoints.py) makes the process SIGKILL itself
at that money step; ``CRASH_CLOCK_OFFSET_MINUTES`` moves its clock forward (a
restart some minutes later, after the dead process's outbox leases ran out)."""
from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta

from sqlalchemy import select

from bot.payloads import button_payload
from bot.runtime.app import App
from bot.runtime.settings import Settings
from core.api import OffsetClock
from core.domain.records import Claim, ClaimStatus, Gig, GigStatus
from tests.conversation import Chats

TITLE = "Logo in SVG"
POST = f'/post title="{TITLE}" reward=10 currency=usd slots=2 skills=design'


class Driver:
    def __init__(self, app: App) -> None:
        self.app = app
        self.chats = Chats(app)

    async def setup(self) -> None:
        """The board, and with it the recording platform on the app's dispatcher."""
        board = await self.chats.board("Makers")
        self.alice = self.chats.person("alice", at=board)
        self.carol = self.chats.person("carol", at=board)

    async def press(self, person, verb: str, entity_id: int) -> None:
        """A button press, through the conversation layer."""
        await person.press(payload=button_payload(verb, entity_id))

    async def _gig(self, client_id: int) -> Gig | None:
        return await self.app.engine.view(lambda t: t.s.scalar(select(Gig).where(
            Gig.client_id == client_id, Gig.title == TITLE).order_by(Gig.id).limit(1)))

    async def _claim(self, gig_id: int, freelancer_id: int) -> Claim | None:
        return await self.app.engine.view(lambda t: t.s.scalar(select(Claim).where(
            Claim.gig_id == gig_id, Claim.freelancer_id == freelancer_id)))

    async def scenario(self) -> None:
        alice, carol = self.alice, self.carol
        await alice.says("/profile skills=design", "/payout")
        carol_id, alice_id = await carol.user_id(), await alice.user_id()
        gig = await self._gig(carol_id)
        if gig is None:
            await carol.says(POST)
            gig = await self._gig(carol_id)
        if gig.status == GigStatus.awaiting_funding:
            await self.press(carol, "pay", gig.id)
        claim = await self._claim(gig.id, alice_id)
        if claim is None:
            await self.press(alice, "claim", gig.id)
            claim = await self._claim(gig.id, alice_id)
        if claim.status == ClaimStatus.active:
            await alice.says(f"/deliver {claim.id} done https://example.com/logo.svg")
            claim = await self._claim(gig.id, alice_id)
        if claim.status == ClaimStatus.delivered:
            await self.press(carol, "approve", claim.id)
        gig = await self._gig(carol_id)
        if gig.status == GigStatus.open:
            await self.press(carol, "cancel", gig.id)
        await self.app.tick()


async def main(mode: str) -> int:
    settings = Settings(_env_file=None, database_url=os.environ["DATABASE_URL"],
                        stripe_secret_key=None, telegram_bot_token=None, discord_bot_token=None)
    clock = OffsetClock()
    clock.advance(timedelta(minutes=int(os.environ.get("CRASH_CLOCK_OFFSET_MINUTES", "0"))))
    app = App(settings, clock=clock)
    await app.prepare()
    try:
        driver = Driver(app)
        await driver.setup()
        if mode == "restart":
            await app.tick()
            print("RECOVERED", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
        await driver.scenario()
        print("DONE", flush=True)
    finally:
        await app.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
