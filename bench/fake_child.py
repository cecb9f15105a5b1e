"""What the benchmarks' fakes in a child process share (``bench.discord``,
``bench.telegram_fake``): the parent's handle on the child, which serves ops sent
over a pipe as ``(op, arg)`` and answers each with its result (a dict with
``"error"`` when the op failed, ``"stopped"`` after ``stop``), and the
percentile the figures are given in.

The fake has a process of its own because the platforms' servers are not on the
bot's machine: in the bot's event loop it would stamp requests late, in bunches,
whenever the bot is busy."""
from __future__ import annotations

import asyncio
import multiprocessing
from typing import Any, Callable


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nan for none)."""
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


class FakeChild:
    """A fake platform (``name``) run by ``target(conn, *args)`` in a spawned child."""

    def __init__(self, name: str, target: Callable[..., None], *args: Any) -> None:
        self.name = name
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=target, args=(child, *args), daemon=True)
        self.proc.start()

    async def recv(self) -> Any:
        result = await asyncio.get_running_loop().run_in_executor(None, self.conn.recv)
        if isinstance(result, dict) and "error" in result:
            raise RuntimeError(f"fake {self.name}: {result['error']}")
        return result

    async def call(self, op: str, arg: Any = None) -> Any:
        self.conn.send((op, arg))
        return await self.recv()

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.call("stop"), 10)
        finally:
            self.proc.join(5)
            if self.proc.is_alive():
                self.proc.kill()
