"""Driving the console session with a script, as the conversation tests do: run the
lines, get everything printed, pick out what one user was told, find a user's id."""
from __future__ import annotations

import io

from sqlalchemy import select

from adapters.console.session import ConsoleSession
from core.domain.records import Identity


async def run_script(app, script: str) -> str:
    """Everything the console printed while reading ``script``, line by line."""
    out = io.StringIO()
    await ConsoleSession(app, out).run(io.StringIO(script.strip() + "\n"))
    return out.getvalue()


def said_to(out: str, name: str) -> str:
    """Everything printed to ``name``, message after message."""
    blocks, keep = [], False
    for line in out.splitlines():
        if line.startswith("["):
            keep = line.startswith(f"[to {name}]")
        elif not line.startswith(" "):
            keep = False
        if keep:
            blocks.append(line)
    return "\n".join(blocks)


async def user_of(app, name: str) -> int:
    """The user id of the console user ``name``."""
    return await app.engine.view(lambda t: t.s.scalar(select(Identity.user_id).where(
        Identity.platform == "console", Identity.platform_user_id == name)))
