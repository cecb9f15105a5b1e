"""The conversation tests' driver: people talk to the whole product (the
composition root, ``bot.runtime.app.App``) on in-process recording platforms
(``tests.conversation_platform``), the way an adapter makes them talk.

- A ``Person`` (a name on a platform) types lines and presses buttons or submits
  forms of replies they were sent, in their private chat or in a ``Room`` (a
  community's board or group chat). Each goes through ``bot.service.Conversation``
  (``actor``, ``community_place``, ``command`` / ``text`` / ``press`` /
  ``form_submitted``) and its replies through the platform's ``ReplyRouter``
  (``bot.delivery``) with a ``RecordingExchange``, as the Telegram and Discord
  adapters do. Then the app's workers run one round (``App.tick``: due timers,
  and the outbox delivering notifications and card edits through the real
  dispatcher to the recording platforms).
- A test then asks what a person or a room was sent (``Sent``: kind, text,
  buttons, files, private, card key), optionally ``since`` a ``mark()``, and who a
  person is (``user_id``, resolved by the engine's public API).
- ``clock("+73h")`` moves the app's clock and runs the workers.

Private replies in a room go to the person's private chat (``send_direct``), or
answer them in place on a platform whose exchanges are ephemeral (Discord)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from bot.conversation import Actor, Place, PlaceKind, Reply
from bot.delivery.platform import Capabilities, Chat, Origin
from bot.delivery.service import PlatformDelivery
from tests.conversation_platform import RecordingExchange, RecordingPlatform, Sent

DEFAULT_PLATFORM = "fake"
_DELTA = re.compile(r"^\+?(\d+)\s*([mhdw])$")
_UNITS = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}


class Chats:
    """The recording platforms registered on ``app``'s dispatcher, and everyone on them."""

    def __init__(self, app) -> None:
        self.app = app
        self.deliveries: dict[str, PlatformDelivery] = {}

    def platform(self, name: str = DEFAULT_PLATFORM, *,
                 capabilities: Capabilities | None = None) -> RecordingPlatform:
        """The recording platform ``name``, registered (with its delivery) on first use."""
        if name not in self.deliveries:
            platform = RecordingPlatform(name=name, capabilities=capabilities or Capabilities())
            self.deliveries[name] = self.app.dispatcher.register(
                PlatformDelivery(self.app.engine, platform))
            self.app.conversation.serve(name, platform.capabilities)
        return self.deliveries[name].platform

    async def board(self, name: str, *, platform: str = DEFAULT_PLATFORM,
                    chat_id: str | None = None, vouches: bool = False) -> "Room":
        """A community whose board is its chat ``chat_id`` (set up beforehand, as the
        console's board is). ``vouches``: the platform vouches that whoever acts there
        is a member (a Discord guild does, a Telegram group does not)."""
        self.platform(platform)
        room = Room(self, platform, chat_id or f"board-{name}", name, vouches)
        await self.app.engine.ensure_board(platform, room.chat_id, name, room.chat_id)
        return room

    def group(self, name: str, *, platform: str = DEFAULT_PLATFORM, chat_id: str | None = None,
              vouches: bool = False) -> "Room":
        """A group chat: a community on first sight, a board once ``/board`` is set there."""
        self.platform(platform)
        return Room(self, platform, chat_id or f"group-{name}", name, vouches)

    def person(self, name: str, *, at: "Room | None" = None, platform: str | None = None,
               admin: bool = False, locale: str | None = None,
               username: str | None = None) -> "Person":
        """``name`` (their platform user id and display name) acting ``at`` a room by
        default (else in their private chat); ``admin``: the platform says they are a
        chat admin (Telegram) / may manage the server (Discord)."""
        platform = platform or (at.platform if at else DEFAULT_PLATFORM)
        self.platform(platform)
        return Person(self, name, platform, at, admin, locale, username)

    def mark(self) -> dict[str, int]:
        """Where every platform's record stands now (for ``since=``)."""
        return {name: len(d.platform.log) for name, d in self.deliveries.items()}

    async def tick(self) -> None:
        await self.app.tick()

    async def clock(self, delta: str) -> None:
        """Move time forward (``+2h``, ``3d``: m, h, d or w), then run the workers."""
        n, unit = _DELTA.match(delta.strip()).groups()
        self.app.engine.clock.advance(timedelta(minutes=int(n) * _UNITS[unit]))
        await self.tick()

    def shown(self, since: dict[str, int] | None = None) -> str:
        """Everything every platform recorded, to anyone, as text."""
        return "\n".join(s.shown() for name in self.deliveries for s in self._log(name, since))

    def _log(self, platform: str, since: dict[str, int] | None) -> list[Sent]:
        return self.deliveries[platform].platform.log[(since or {}).get(platform, 0):]


@dataclass
class Room:
    """A community's chat on a platform (a board or a group)."""

    chats: Chats
    platform: str
    chat_id: str
    name: str
    vouches: bool = False

    def sent(self, since: dict[str, int] | None = None) -> list[Sent]:
        """What everyone in the room sees: posts, card edits and public answers."""
        return [s for s in self.chats._log(self.platform, since) if self.shows(s)]

    def shows(self, s: Sent) -> bool:
        return s.where == self.chat_id and not s.private and s.kind != "form"

    def shown(self, since: dict[str, int] | None = None) -> str:
        return "\n".join(s.shown() for s in self.sent(since))


@dataclass
class Person:
    chats: Chats
    name: str
    platform: str
    at: Room | None = None
    admin: bool = False
    locale: str | None = None
    username: str | None = None
    replies: list[Reply] = field(default_factory=list)  # of the latest line or press

    @property
    def app(self):
        return self.chats.app

    async def actor(self) -> Actor:
        return await self.app.conversation.actor(self.platform, self.name, self.name,
                                                 username=self.username, locale=self.locale,
                                                 is_platform_admin=self.admin)

    async def user_id(self) -> int:
        """Who they are now (a ``/link`` can fold them into another user)."""
        return (await self.app.engine.resolve_user(self.platform, self.name, self.name)).id

    async def _origin(self, at: Room | None) -> Origin:
        actor = await self.actor()
        if at is None:
            place = Place(self.platform, PlaceKind.dm, self.name)
            return Origin(actor, place, Chat(self.name), direct=True, speaker_id=self.name)
        place = await self.app.conversation.community_place(
            self.platform, at.chat_id, at.name, member=actor if at.vouches else None)
        return Origin(actor, place, Chat(at.chat_id), direct=False, speaker_id=self.name)

    async def _answer(self, at: Room | None, event) -> list[Reply]:
        """Handle one incoming event (``event(actor, place)`` -> replies), deliver its
        replies in place, then let the workers run."""
        origin = await self._origin(at)
        self.replies = await event(origin.actor, origin.place)
        delivery = self.chats.deliveries[self.platform]
        exchange = RecordingExchange(delivery.platform, origin,
                                     ephemeral=delivery.platform.capabilities.ephemeral)
        await delivery.replies.deliver(exchange, self.replies)
        await self.chats.tick()
        return self.replies

    async def says(self, *lines: str, at: Room | None = None,
                   files: list[dict] | None = None) -> list[Reply]:
        """Type each line: ``/name args`` is a command, anything else plain text (with
        ``files`` attached, as an adapter passes them). Returns the last line's replies."""
        conv = self.app.conversation
        where = at or self.at
        for line in lines:
            if line.startswith("/"):
                name, _, args = line[1:].partition(" ")
                name = name.split("@")[0].lower()
                await self._answer(where, lambda a, p: conv.command(a, p, name, args))
            else:
                await self._answer(where, lambda a, p: conv.text(a, p, line, files))
        return self.replies

    async def sends_file(self, name: str, data: bytes, *, text: str = "",
                         at: Room | None = None) -> list[Reply]:
        """Send a file (fetched by the platform, as Telegram does with a small text file)."""
        attachment = {"platform": self.platform, "file_ref": f"file-{name}", "name": name,
                      "kind": "document", "content": data}
        return await self.says(text, at=at, files=[attachment])

    def button(self, label: str | int, *, at: Room | None = None):
        """The button ``label`` (or the first starting with it) of the newest message they
        can see that has one: sent to them, or in the room they act in. A number ``n``:
        the n-th button of the newest message with buttons."""
        where = at or self.at
        for sent in reversed(self.seen(where)):
            found = _pick(sent, label)
            if found is not None:
                return found
            if isinstance(label, int) and sent.buttons:
                raise AssertionError(f"{self.name}'s latest buttons: {sent.labels}")
        shown = [s.labels for s in self.seen(where)[-3:]]
        raise AssertionError(f"{self.name} has no button {label!r}; latest: {shown}")

    async def press(self, label: str | int | None = None, *, payload: str | None = None,
                    at: Room | None = None) -> list[Reply] | str:
        """Press a button they were sent (or one with ``payload``). A URL button gives its URL."""
        if payload is None:
            button = self.button(label, at=at)
            if button.url:
                return button.url
            payload = button.payload
        conv = self.app.conversation
        return await self._answer(at or self.at, lambda a, p: conv.press(a, p, payload))

    async def submits(self, values: dict, *, at: Room | None = None) -> list[Reply]:
        """Submit the newest form they were asked to fill in (a modal) with ``values``."""
        request = next((s.form for s in reversed(self.sent()) if s.form is not None), None)
        assert request is not None, f"{self.name} was asked to fill in no form"
        conv = self.app.conversation
        return await self._answer(at or self.at, lambda a, p: conv.form_submitted(
            a, p, request.form.name, {**request.values, **values}, request.context))

    def sent(self, since: dict[str, int] | None = None) -> list[Sent]:
        """What reached them: their private chat (answers, notifications, its edits),
        what answered them privately in a room and the forms opened for them there."""
        return [s for s in self.chats._log(self.platform, since) if self.reached(s)]

    def reached(self, s: Sent) -> bool:
        return s.where in (self.name, f"dm:{self.name}") or (
            (s.private or s.kind == "form") and s.speaker == self.name)

    def seen(self, room: Room | None = None) -> list[Sent]:
        """What reached them and what is in ``room``, in the order it was sent."""
        return [s for s in self.chats._log(self.platform, None)
                if self.reached(s) or (room is not None and room.shows(s))]

    def told(self, since: dict[str, int] | None = None) -> str:
        """Everything they were sent, as text, message after message (with each
        message's files and button labels)."""
        return "\n".join(s.shown() for s in self.sent(since))


def _pick(sent: Sent, label: str | int):
    buttons = [b for row in sent.buttons for b in row]
    if isinstance(label, int):
        return buttons[label - 1] if 0 < label <= len(buttons) else None
    wanted = label.lower()
    return next((b for b in buttons if b.label.lower() == wanted), None) or next(
        (b for b in buttons if b.label.lower().startswith(wanted)), None)
