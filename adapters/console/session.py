"""A console session: reads lines (keyboard or piped stdin), acts as the user
chosen with ``/as NAME``, prints every reply with its recipient
(``[to alice]`` / ``[board]``) and numbered buttons, presses buttons with
``/press N`` or ``/press LABEL``, and moves time with ``/clock +2h``. After each
line it fires due timers and delivers notifications, so they print as they happen."""
from __future__ import annotations

import asyncio
import re
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import select

from adapters.console.render import render
from bot.conversation import Button, Place, PlaceKind, Reply, TargetKind
from core.lifecycle import people
from core.api import Community, Identity

if TYPE_CHECKING:  # the composition root builds us; we only use its parts
    from bot.runtime.app import App

CONSOLE = "console"
_CLOCK_RE = re.compile(r"^\+?(\d+)\s*([mhdw])$", re.IGNORECASE)


class ConsoleAdapter:
    """The console as a chat platform for the notification dispatcher."""

    platform = CONSOLE

    def __init__(self, session: "ConsoleSession") -> None:
        self.session = session

    async def send_to_user(self, platform_user_id: str, reply: Reply, *, dedup_key: str) -> None:
        self.session.show(platform_user_id, reply)

    async def show_card(self, card_key: str, reply: Reply, *, board_chat_id: str | None) -> None:
        if board_chat_id:
            self.session.show(None, reply)


class ConsoleSession:
    def __init__(self, app: "App", out: TextIO | None = None) -> None:
        self.app = app
        self.out = out or sys.stdout
        self.name = "guest"
        self.place: Place | None = None
        self._seq = 0
        self._latest: dict[str | None, tuple[int, list[Button]]] = {}
        app.dispatcher.register(ConsoleAdapter(self))

    async def setup(self) -> None:
        def ensure(t):
            community = people.ensure_community(t, CONSOLE, "console", "Console board")
            community.board_channel_id = community.board_channel_id or "board"
            return community
        community: Community = await self.app.engine.tx(ensure)
        self.place = Place(CONSOLE, PlaceKind.board, "board", community.id, community.name)

    # -- output --------------------------------------------------------------
    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def show(self, user_key: str | None, reply: Reply) -> None:
        prefix = f"[to {user_key}]" if user_key else "[board]"
        self.print(render(prefix, reply))
        buttons = reply.all_buttons()
        if buttons:
            self._seq += 1
            self._latest[user_key] = (self._seq, buttons)

    async def _deliver(self, replies: list[Reply]) -> None:
        for reply in replies:
            if reply.target.kind == TargetKind.user:
                self.show(await self._console_name(reply.target.user_id), reply)
            elif reply.target.kind == TargetKind.board or not reply.private:
                self.show(None, reply)
            else:
                self.show(self.name, reply)

    async def _console_name(self, user_id: int | None) -> str:
        """Who a reply addressed to a user id is for, as the console names them."""
        def lookup(t):
            return t.s.scalar(select(Identity.platform_user_id).where(
                Identity.user_id == user_id, Identity.platform == CONSOLE))
        return await self.app.engine.view(lookup) or f"user#{user_id}"

    # -- input ---------------------------------------------------------------
    async def actor(self):
        return await self.app.conversation.actor(CONSOLE, self.name.lower(), self.name,
                                                 is_platform_admin=True)

    async def handle_line(self, line: str) -> bool:
        """Handle one input line; returns False when the session should end."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if line in ("/quit", "/exit"):
            return False
        if line.startswith("/as"):
            name = line[3:].strip()
            if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,32}", name):
                self.print("[console] Usage: /as NAME (letters, digits, _ . -; up to 32)")
            else:
                self.name = name
                await self.actor()
                self.print(f"[console] you are now {name}")
            return True
        if line.startswith("/clock"):
            await self._clock(line[6:].strip())
        elif line.startswith("/press"):
            await self._press(line[6:].strip())
        elif line.startswith("/"):
            cmd, _, args = line[1:].partition(" ")
            replies = await self.app.conversation.command(await self.actor(), self.place,
                                                          cmd.split("@")[0], args)
            await self._deliver(replies)
        else:
            replies = await self.app.conversation.text(await self.actor(), self.place, line)
            await self._deliver(replies)
        await self.app.tick()
        return True

    async def _clock(self, arg: str) -> None:
        m = _CLOCK_RE.match(arg)
        if not m:
            self.print("[console] Usage: /clock +2h (m, h, d or w)")
            return
        n, unit = int(m.group(1)), m.group(2).lower()
        delta = timedelta(minutes=n) if unit == "m" else timedelta(
            hours=n * {"h": 1, "d": 24, "w": 168}[unit])
        now = self.app.engine.clock.advance(delta)
        self.print(f"[clock] now {now:%Y-%m-%d %H:%M} UTC")

    async def _press(self, arg: str) -> None:
        candidates = [v for k, v in self._latest.items() if k in (self.name, None)]
        if not candidates:
            self.print("[console] No buttons to press yet.")
            return
        _, buttons = max(candidates, key=lambda v: v[0])
        button = None
        if arg.isdigit() and 1 <= int(arg) <= len(buttons):
            button = buttons[int(arg) - 1]
        else:
            button = next((b for b in buttons if b.label.lower() == arg.lower()), None) or next(
                (b for b in buttons if b.label.lower().startswith(arg.lower()) and arg), None)
        if button is None:
            labels = ", ".join(f"{i} {b.label}" for i, b in enumerate(buttons, 1))
            self.print(f"[console] No button {arg!r}. Buttons: {labels}")
            return
        if button.url:
            self.print(f"[to {self.name}] open {button.url}")
            return
        replies = await self.app.conversation.press(await self.actor(), self.place, button.payload)
        await self._deliver(replies)

    async def run(self, stdin: TextIO | None = None) -> None:
        stdin = stdin or sys.stdin
        await self.setup()
        interactive = stdin.isatty()
        if interactive:
            self.print("gigbroker console — test money. /as NAME to pick who you are, "
                       "/help for commands, /quit to leave.")
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                try:
                    line = await loop.run_in_executor(None, input, f"{self.name}> ")
                except EOFError:
                    break
            else:
                line = await loop.run_in_executor(None, stdin.readline)
                if not line:
                    break
                if line.strip():
                    self.print(f"{self.name}> {line.rstrip()}")
            if not await self.handle_line(line):
                break


async def run_console(app: "App", stdin: TextIO | None = None, out: TextIO | None = None) -> None:
    session = ConsoleSession(app, out or sys.stdout)
    await session.run(stdin or sys.stdin)

