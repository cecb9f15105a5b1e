"""Running ``gigbroker`` as a real process (``python -m bot.runtime.cli``) for the
start-up and secrets tests: a clean environment (nothing from the developer's
shell or ``.env``), stdout and stderr captured, and a way to stop it like an
operator would (SIGINT) once it is up."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ("DATABASE_URL", "TELEGRAM_", "DISCORD_", "STRIPE_", "HTTP_", "PUBLIC_BASE_URL",
            "LOG_", "METRICS_", "FEE_BPS", "STAFF_USER_IDS", "GIGBROKER_")


@dataclass
class Finished:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.err.splitlines()


def environment(cwd: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS)}
    env.update(settings)
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    return env


async def start(cwd: Path, *args: str, **settings: str) -> asyncio.subprocess.Process:
    """``cwd`` has no .env, so only ``settings`` apply."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.runtime.cli", *(args or ("run",)), cwd=cwd,
        env=environment(cwd, **settings), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def finish(proc: asyncio.subprocess.Process, timeout: float = 60.0) -> Finished:
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        out, err = await proc.communicate()
        raise AssertionError(f"gigbroker did not exit within {timeout}s; stderr:\n"
                             f"{err.decode(errors='replace')[-3000:]}") from None
    return Finished(proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"))


async def run(cwd: Path, *args: str, timeout: float = 60.0, **settings: str) -> Finished:
    return await finish(await start(cwd, *args, **settings), timeout)


async def interrupt(proc: asyncio.subprocess.Process, timeout: float = 30.0) -> Finished:
    if proc.returncode is None:
        proc.send_signal(signal.SIGINT)
    return await finish(proc, timeout)
