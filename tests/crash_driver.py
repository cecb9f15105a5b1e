"""The process the kill tests (tests/integration/test_kill_points.py) run and kill.

``python -m tests.crash_driver scenario`` is the bot: the real composition root
(``bot.runtime.app.App``: database from ``DATABASE_URL``, sandbox payments, the
outbox and clock workers in-process after every step) with the console platform
attached, so notifications really print. carol posts a 2-slot gig and pays,
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

from adapters.console.session import ConsoleSession
from bot.payloads import button_payload
from bot.runtime.app import App
from bot.runtime.settings import Settings
from core.api import OffsetClock
from core.domain.records import Claim, ClaimStatus, Gig, GigStatus, Identity

TITLE = "Logo in SVG"
POST = f'/post title="{TITLE}" reward=10 currency=usd slots=2 skills=design'


class Driver:
    def __init__(self, app: App) -> None:
        self.app = app
        self.session = ConsoleSession(app, sys.stdout)

    async def line(self, text: str) -> None:
        await self.session.handle_line(text)

    async def press(self, verb: str, entity_id: int) -> None:
        """A button press from the console, through the conversation layer."""
        session = self.session
        replies = await self.app.conversation.press(await session.actor(), session.place,
                                                    button_payload(verb, entity_id))
        await session._deliver(replies)
        await self.app.tick()

    async def _user(self, name: str) -> int | None:
        return await self.app.engine.view(lambda t: t.s.scalar(select(Identity.user_id).where(
            Identity.platform == "console", Identity.platform_user_id == name)))

    async def _gig(self, client_id: int) -> Gig | None:
        return await self.app.engine.view(lambda t: t.s.scalar(select(Gig).where(
            Gig.client_id == client_id, Gig.title == TITLE).order_by(Gig.id).limit(1)))

    async def _claim(self, gig_id: int, freelancer_id: int) -> Claim | None:
        return await self.app.engine.view(lambda t: t.s.scalar(select(Claim).where(
            Claim.gig_id == gig_id, Claim.freelancer_id == freelancer_id)))

    async def scenario(self) -> None:
        await self.line("/as alice")
        await self.line("/profile skills=design")
        await self.line("/payout")
        await self.line("/as carol")
        carol, alice = await self._user("carol"), await self._user("alice")
        gig = await self._gig(carol)
        if gig is None:
            await self.line(POST)
            gig = await self._gig(carol)
        if gig.status == GigStatus.awaiting_funding:
            await self.press("pay", gig.id)
        claim = await self._claim(gig.id, alice)
        if claim is None:
            await self.line("/as alice")
            await self.press("claim", gig.id)
            claim = await self._claim(gig.id, alice)
        if claim.status == ClaimStatus.active:
            await self.line("/as alice")
            await self.line(f"/deliver {claim.id} done https://example.com/logo.svg")
            claim = await self._claim(gig.id, alice)
        if claim.status == ClaimStatus.delivered:
            await self.line("/as carol")
            await self.press("approve", claim.id)
        gig = await self._gig(carol)
        if gig.status == GigStatus.open:
            await self.line("/as carol")
            await self.press("cancel", gig.id)
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
        await driver.session.setup()
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
