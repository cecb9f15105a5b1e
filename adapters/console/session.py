"""A console session: reads lines (keyboard or piped stdin), acts as the user
chosen with ``/as NAME``, prints every reply with its recipient
(``[to alice]`` / ``[board]``) and numbered buttons, presses buttons with
``/press N`` or ``/press LABEL``, and moves time with ``/clock +2h``. After each
line it fires due timers and delivers notifications, so they print as they happen.

``/press`` looks at the latest message addressed to the acting user first (a
board card printed after it does not steal the press) and at the board's latest
card only when that message has no such button. Plain text that no form takes
gets a hint, ``/help`` ends with the console's own commands, and Ctrl-C or the
end of input leaves cleanly."""
from __future__ import annotations

import asyncio
import re
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Protocol, TextIO

from adapters.console.render import render
from bot.conversation import Attachment, Button, Place, PlaceKind, Reply, Rich
from bot.delivery.dispatcher import ChatDispatcher
from bot.delivery.platform import Capabilities, Chat, Origin, Posted, Progress
from bot.delivery.service import PlatformDelivery
from bot.service import Conversation
from core.api import Engine


class App(Protocol):
    """What the session takes from the composition root's app."""

    engine: Engine
    conversation: Conversation
    dispatcher: ChatDispatcher

    async def tick(self) -> None: ...

CONSOLE = "console"
CONSOLE_COMMANDS = (
    ("/as NAME", "act as NAME (created on first use)"),
    ("/press N", "press button N (or /press LABEL) of the latest message to you; "
                 "board cards when that one has no such button"),
    ("/file PATH", "send a file from your disk as your answer (a delivery's file, or a CSV "
                   "of a queue's items at /post's slots step)"),
    ("/clock +2h", "move time forward (m, h, d or w) to try deadlines and auto-approval"),
    ("/quit", "leave the console (Ctrl-C works too)"),
)
FILE_MAX = 512 * 1024  # what /file reads
_CLOCK_RE = re.compile(r"^\+?(\d+)\s*([mhdw])$", re.IGNORECASE)


BOARD = "board"


class ConsolePlatform:
    """The console as a ``bot.delivery`` platform: everything prints; the board is
    ``[board]``, a person's private chat ``[to NAME]``; a card edit prints again."""

    name = CONSOLE
    capabilities = Capabilities(ephemeral=True, max_buttons_per_row=10, max_button_rows=10,
                                max_message_length=100_000)

    def __init__(self, session: "ConsoleSession") -> None:
        self.session = session
        self._ids = 0

    def _posted(self, chat_id: str) -> list[Posted]:
        self._ids += 1
        return [Posted(chat_id, str(self._ids))]

    async def send(self, chat: Chat, reply: Reply, *,
                   progress: Progress | None = None) -> list[Posted]:
        self.session.show(None, reply)
        return self._posted(chat.id)

    async def send_direct(self, user_id: str, reply: Reply, *,
                          progress: Progress | None = None) -> list[Posted]:
        self.session.show(user_id, reply)
        return self._posted(f"to:{user_id}")

    async def edit(self, message: Posted, reply: Reply) -> None:
        self.session.show(None if message.chat_id == BOARD else message.chat_id[3:], reply)

    async def delete(self, message: Posted) -> None:
        return None

    async def upload(self, chat: Chat, attachment: Attachment) -> Posted:
        self.session.show(None, Reply(Rich(), attachments=[attachment]))
        return self._posted(chat.id)[0]

    def start_link(self, gig_id: int | None = None) -> str | None:
        return None

    async def card_posted(self, card_key: str, message: Posted, reply: Reply) -> None:
        return None

    async def card_closed(self, card_key: str) -> None:
        return None


class ConsoleExchange:
    """One console line being answered: public replies print to the board, private
    ones to the acting user (nothing printed here is edited later)."""

    ephemeral = True

    def __init__(self, session: "ConsoleSession", origin: Origin) -> None:
        self.session = session
        self.origin = origin

    async def answer(self, reply: Reply, *, private: bool) -> list[Posted]:
        self.session.show(self.session.name if private else None, reply)
        return []

    async def open_form(self, reply: Reply) -> None:
        await self.answer(reply, private=True)

    async def finish(self) -> None:
        return None


class ConsoleSession:
    def __init__(self, app: "App", out: TextIO | None = None) -> None:
        self.app = app
        self.out = out or sys.stdout
        self.name = "guest"
        self.place: Place | None = None
        self._seq = 0
        self._latest: dict[str | None, tuple[int, list[Button]]] = {}
        self.delivery = app.dispatcher.register(PlatformDelivery(app.engine,
                                                                 ConsolePlatform(self)))
        app.conversation.serve(self.delivery.platform.name, self.delivery.platform.capabilities)

    async def setup(self) -> None:
        community = await self.app.engine.ensure_board(CONSOLE, "console", "Console board", BOARD)
        self.place = Place(CONSOLE, PlaceKind.board, BOARD, community.id, community.name)

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
        actor = await self.actor()
        origin = Origin(actor, self.place, Chat(BOARD), direct=False, speaker_id=actor.platform_user_id)
        await self.delivery.replies.deliver(ConsoleExchange(self, origin), replies)

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
        elif line.startswith("/file"):
            await self._file(line[5:].strip())
        elif line.startswith("/"):
            cmd, _, args = line[1:].partition(" ")
            name = cmd.split("@")[0].lower()
            replies = await self.app.conversation.command(await self.actor(), self.place,
                                                          name, args)
            await self._deliver(replies)
            if name == "help" and not args.strip():
                self._console_help()
        else:
            replies = await self.app.conversation.text(await self.actor(), self.place, line)
            await self._deliver(replies)
            if not replies:
                # The console stands in a group board, where chatter is not for the bot:
                # say so instead of printing nothing.
                self.print("[console] Plain text answers an open form; nothing is open. "
                           "Commands start with /: /help lists them, /post posts a gig, "
                           "/gigs finds work.")
        await self.app.tick()
        return True

    async def _file(self, arg: str) -> None:
        """Send the file at ``arg`` as a message (the answer of an open form)."""
        path = Path(arg).expanduser()
        if not arg or not path.is_file():
            self.print("[console] Usage: /file PATH (a file on this computer)")
            return
        if path.stat().st_size > FILE_MAX:
            self.print(f"[console] {path.name} is larger than {FILE_MAX // 1024} KB.")
            return
        attachment = {"platform": CONSOLE, "file_ref": str(path.resolve()), "name": path.name,
                      "kind": "document", "content": path.read_bytes()}
        replies = await self.app.conversation.text(await self.actor(), self.place, "",
                                                   [attachment])
        await self._deliver(replies)
        if not replies:
            self.print("[console] A file answers an open form; nothing is open.")

    def _console_help(self) -> None:
        self.print("[console] Console commands:")
        for usage, what in CONSOLE_COMMANDS:
            self.print(f"          {usage} — {what}")

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

    @staticmethod
    def _pick(buttons: list[Button], arg: str) -> Button | None:
        if arg.isdecimal():  # not isdigit: int() refuses '²'
            return buttons[int(arg) - 1] if 1 <= int(arg) <= len(buttons) else None
        return next((b for b in buttons if b.label.lower() == arg.lower()), None) or next(
            (b for b in buttons if b.label.lower().startswith(arg.lower()) and arg), None)

    async def _press(self, arg: str) -> None:
        # Yours first: a board card that printed after your message does not count
        # as "the latest message you received"; the board is the fallback.
        sources = [self._latest[k][1] for k in (self.name, None) if k in self._latest]
        if not sources:
            self.print("[console] No buttons to press yet.")
            return
        button = next((b for b in (self._pick(bs, arg) for bs in sources) if b), None)
        if button is None:
            labels = ", ".join(f"{i} {b.label}" for i, b in enumerate(sources[0], 1))
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
        try:
            while True:
                line = await self._read(stdin, interactive)
                if line is None:
                    break
                if not interactive and line.strip():
                    self.print(f"{self.name}> {line.rstrip()}")
                if not await self.handle_line(line):
                    break
        except (KeyboardInterrupt, asyncio.CancelledError):
            # Ctrl-C: asyncio.run cancels this task (or the interrupt lands here);
            # either way the session ends like /quit, with no traceback.
            self.print("")
        self.print("[console] bye")

    async def _read(self, stdin: TextIO, interactive: bool) -> str | None:
        """The next line, or None at the end of input. Read in a daemon thread: a
        thread of the loop's default executor blocked on the keyboard would keep
        the process from exiting after Ctrl-C until Enter is pressed."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[str | None] = loop.create_future()

        def read() -> None:
            try:
                # input() gives "" for an empty line; readline() gives "" only at the end
                line: str | None = input(f"{self.name}> ") if interactive \
                    else (stdin.readline() or None)
            except EOFError:
                line = None
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting task
                loop.call_soon_threadsafe(
                    lambda error=exc: done.done() or done.set_exception(error))
                return
            loop.call_soon_threadsafe(lambda: done.done() or done.set_result(line))

        threading.Thread(target=read, name="console-input", daemon=True).start()
        return await done


async def run_console(app: "App", stdin: TextIO | None = None, out: TextIO | None = None) -> None:
    session = ConsoleSession(app, out or sys.stdout)
    await session.run(stdin or sys.stdin)

