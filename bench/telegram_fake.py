"""The fake Bot API of ``python -m bench telegram``, in a child process.

Telegram's servers are not on the bot's machine: run in the bot's own event loop,
the fake would stamp requests when that loop gets round to them, so a busy bot
would see its sends arrive in bunches (and 429s for it) and its presses answered
late by the fake's fault. Here the fake (``tests.fakes.FakeTelegram``) has a
process of its own, as in ``bench.discord``; the parent asks it over a pipe and
it measures what it sees itself. Operations (``FakeTelegram.call(op, arg)``):

- ``started`` (user ids): they pressed Start; ``limits`` (bool): flood control on/off;
- ``mark``: later ``sends`` count from here; ``sends`` (first user id): the times of
  accepted sends to users from that id on, and the 429s, since the mark;
- ``delivered`` ((user ids, text)): how many got a message containing ``text``, and
  how many got it more than once;
- ``cards`` (user ids): who holds a card with a Details button (the press plan);
- ``presses`` ((user ids, seconds, wait_reply, spacing, at_once)): users press
  Details on their card and wait until it is handled (callback answered and, with
  ``wait_reply``, a message sent to them), until time is up: with ``spacing``, each
  user once every ``spacing`` seconds, their presses spread evenly over it; without,
  ``at_once`` presses in flight, each followed by the next user's as soon as it is
  done (the users take turns, so none of them presses faster than a person would):
  presses/s and p50/p99 from press to completion, in ms;
- ``round_robin`` (webhook URLs or None): hand queued updates to the URLs in turn
  (a load balancer in front of several processes), or stop doing so."""
from __future__ import annotations

import asyncio
import itertools
import sys
import time
from pathlib import Path

from bench.fake_child import FakeChild, pct

ROOT = Path(__file__).resolve().parents[1]


def _child(conn, ceiling: float) -> None:
    sys.path.insert(0, str(ROOT))  # the child imports tests.fakes
    asyncio.run(_serve(conn, ceiling))


async def _serve(conn, ceiling: float) -> None:
    from tests.fakes.telegram_api import FakeTelegram
    from tests.fakes.telegram_models import RateLimits

    class Watched(FakeTelegram):
        """Tells waiters when a callback is answered or a chat gets a message."""

        def __init__(self, *a, **kw) -> None:
            super().__init__(*a, **kw)
            self.answered: dict[str, asyncio.Future] = {}
            self.chat_waiters: dict[int, asyncio.Future] = {}

        async def api_answerCallbackQuery(self, params, request):  # noqa: N802 - Bot API
            result = await super().api_answerCallbackQuery(params, request)
            fut = self.answered.pop(params.get("callback_query_id") or "", None)
            if fut is not None and not fut.done():
                fut.set_result(self.now())
            return result

        async def api_sendMessage(self, params, request):  # noqa: N802 - Bot API name
            result = await super().api_sendMessage(params, request)
            fut = self.chat_waiters.pop(int(result["chat"]["id"]), None)
            if fut is not None and not fut.done():
                fut.set_result(self.now())
            return result

    tg = Watched(rate_limits=RateLimits(global_per_second=ceiling))
    await tg.start()
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue = asyncio.Queue()
    loop.add_reader(conn.fileno(), lambda: inbox.put_nowait(conn.recv()))
    marks = {"calls": 0, "sends": 0, "throttled": 0}
    pump: dict = {}

    def card_of(uid: int):
        return next((m for m in reversed(tg.messages_to(uid)) if m.buttons
                     and any(b.get("text") == "Details" for b in m.buttons)), None)

    async def presses(uids: list[int], seconds: float, wait_reply: bool, spacing: float,
                      at_once: int = 0) -> dict:
        latencies: list[float] = []
        deadline = time.perf_counter() + seconds
        cards = {uid: card_of(uid) for uid in uids}
        turn = itertools.cycle(uids)

        async def press(uid: int) -> float:
            card = cards[uid]
            answered = loop.create_future()
            replied = loop.create_future() if wait_reply else None
            t0 = tg.now()
            tg.answered[tg.inject_callback(uid, card, card.button("Details")["callback_data"])] \
                = answered
            if replied is not None:
                tg.chat_waiters[uid] = replied
            done = [await asyncio.wait_for(answered, 30)]
            if replied is not None:
                done.append(await asyncio.wait_for(replied, 30))
            latencies.append(max(done) - t0)
            return t0

        busy: set[int] = set()

        async def presser() -> None:  # closed loop: the next user presses once this is done
            while time.perf_counter() < deadline:
                uid = next(turn)
                if uid in busy:  # their last press is still being handled
                    await asyncio.sleep(0)
                    continue
                busy.add(uid)
                try:
                    await press(uid)
                finally:
                    busy.discard(uid)

        async def user(uid: int, offset: float) -> None:  # paced: every ``spacing`` s
            await asyncio.sleep(offset)
            while time.perf_counter() < deadline:
                t0 = await press(uid)
                await asyncio.sleep(max(0.0, spacing - (tg.now() - t0)))

        start = time.perf_counter()
        if spacing:  # users take turns, evenly spread over ``spacing``
            await asyncio.gather(*(user(uid, i * spacing / len(uids))
                                   for i, uid in enumerate(uids)))
        else:
            await asyncio.gather(*(presser() for _ in range(at_once or len(uids))))
        elapsed = seconds if spacing else time.perf_counter() - start  # paced: the rate offered
        return {"presses": len(latencies), "rate": len(latencies) / elapsed,
                "p50": pct(latencies, 0.5) * 1000, "p99": pct(latencies, 0.99) * 1000}

    async def round_robin(hooks: list[str], stop: asyncio.Event) -> None:
        turn = itertools.cycle(hooks)
        pending: set[asyncio.Task] = set()
        while not stop.is_set():
            while tg._updates:  # noqa: SLF001 - the fake's queue of updates to hand out
                task = asyncio.create_task(tg.post_webhook_update(tg._updates.popleft(),
                                                                  url=next(turn)))
                pending.add(task)
                task.add_done_callback(pending.discard)
            await asyncio.sleep(0.002)
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    async def set_round_robin(hooks):
        if pump:
            pump["stop"].set()
            await pump.pop("task")
            pump.clear()
        if hooks:
            pump["stop"] = asyncio.Event()
            pump["task"] = asyncio.create_task(round_robin(hooks, pump["stop"]))

    def mark(_) -> None:
        marks.update(calls=len(tg.calls), sends=len(tg.accepted_sends),
                     throttled=len(tg.throttled))

    def sends(first_user: int) -> dict:
        return {"times": [e.at for e in tg.accepted_sends[marks["sends"]:]
                          if e.chat_id >= first_user],
                "throttled": len(tg.throttled) - marks["throttled"],
                "throttled_at": [e.at for e in tg.throttled[marks["throttled"]:]],
                "chats": [e.chat_id for e in tg.accepted_sends[marks["sends"]:]
                          if e.chat_id >= first_user]}

    def delivered(arg) -> dict:
        uids, text = arg
        counts = [sum(1 for m in tg.messages_to(u) if text in (m.text or "")) for u in uids]
        return {"got": sum(1 for c in counts if c), "dupes": sum(c - 1 for c in counts if c > 1)}

    def limits(enabled: bool) -> None:
        tg.rate_limits.enabled = enabled

    def started(uids: list[int]) -> None:
        for uid in uids:
            tg.user_started(uid)

    ops = {"started": started, "limits": limits, "mark": mark, "sends": sends, "delivered": delivered,
           "cards": lambda uids: [u for u in uids if card_of(u) is not None]}
    conn.send({"token": tg.token, "base_url": tg.base_url})
    while True:
        op, arg = await inbox.get()
        if op == "stop":
            break
        try:
            if op == "presses":
                result = await presses(*arg)
            elif op == "round_robin":
                result = await set_round_robin(arg)
            else:
                result = ops[op](arg)
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            result = {"error": repr(exc)}
        conn.send(result)
    await set_round_robin(None)
    loop.remove_reader(conn.fileno())
    await tg.stop()
    conn.send("stopped")


class FakeTelegram:
    """The parent's handle on the fake in its child process (``async with``)."""

    def __init__(self, ceiling: float = 30.0) -> None:
        self.ceiling = ceiling
        self.token = self.base_url = ""

    async def __aenter__(self) -> "FakeTelegram":
        self.child = FakeChild("Telegram", _child, self.ceiling)
        world = await self.child.recv()
        self.token, self.base_url = world["token"], world["base_url"]
        return self

    async def call(self, op: str, arg=None):
        return await self.child.call(op, arg)

    async def __aexit__(self, *exc) -> None:
        await self.child.stop()
