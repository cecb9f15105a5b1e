"""A small in-process platform for conversation and delivery tests: it
implements ``bot.delivery.platform.Platform`` (and ``Exchange`` for one
incoming event) by recording what would be sent, edited and deleted, and can
be told to refuse (``refuse``: a platform user or chat id -> the outcome to
raise) or to have lost a message (``gone``). Each record keeps what the
person would see: the text (links with their URL, as every adapter shows them),
the buttons, the files, and the form a reply opens."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.conversation import Actor, Attachment, Button, FormRequest, Place, PlaceKind, Reply
from bot.delivery.text import plain
from bot.delivery.platform import (
    Capabilities, Chat, MessageGone, Origin, Posted, Progress,
)


@dataclass
class Sent:
    """One recorded effect: ``kind`` send | direct | edit | delete | upload | answer |
    form | thread_opened | thread_closed."""

    kind: str
    where: str  # chat id, platform user id, or "here"
    text: str
    message_id: str = ""
    private: bool = False
    card_key: str | None = None
    buttons: list[list[Button]] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)
    form: FormRequest | None = None
    speaker: str | None = None  # an answer: the platform user id of whom it answers

    @property
    def labels(self) -> list[str]:
        return [b.label for row in self.buttons for b in row]

    def shown(self) -> str:
        """The text, then a line per file and one of the button labels."""
        lines = [self.text] + [f"[file] {f.name}" for f in self.files]
        if self.buttons:
            lines.append("  ".join(f"[{label}]" for label in self.labels))
        return "\n".join(lines)


def record(kind: str, where: str, reply: Reply, message_id: str = "", **extra) -> Sent:
    return Sent(kind, where, plain(reply.text.spans), message_id, card_key=reply.card_key,
                buttons=reply.buttons, files=list(reply.attachments), form=reply.form, **extra)


@dataclass
class RecordingPlatform:
    name: str = "fake"
    capabilities: Capabilities = field(default_factory=Capabilities)
    log: list[Sent] = field(default_factory=list)
    refuse: dict[str, BaseException] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)  # message ids that no longer exist
    start_url: str | None = None
    _ids: int = 0

    def _next(self, chat_id: str) -> Posted:
        self._ids += 1
        return Posted(chat_id, str(self._ids))

    def _check(self, key: str) -> None:
        if key in self.refuse:
            raise self.refuse[key]

    def of(self, kind: str) -> list[Sent]:
        return [s for s in self.log if s.kind == kind]

    async def send(self, chat: Chat, reply: Reply, *,
                   progress: Progress | None = None) -> list[Posted]:
        self._check(chat.id)
        posted = self._next(chat.id)
        self.log.append(record("send", chat.id, reply, posted.message_id))
        return [posted]

    async def send_direct(self, user_id: str, reply: Reply, *,
                          progress: Progress | None = None) -> list[Posted]:
        self._check(user_id)
        posted = self._next(f"dm:{user_id}")
        if progress is not None:
            progress.part_sent()
        self.log.append(record("direct", user_id, reply, posted.message_id))
        return [posted]

    async def edit(self, message: Posted, reply: Reply) -> None:
        if message.message_id in self.gone:
            raise MessageGone(message.message_id)
        self._check(message.chat_id)
        self.log.append(record("edit", message.chat_id, reply, message.message_id))

    async def delete(self, message: Posted) -> None:
        if message.message_id in self.gone:
            raise MessageGone(message.message_id)
        self.log.append(Sent("delete", message.chat_id, "", message.message_id))

    async def upload(self, chat: Chat, attachment: Attachment) -> Posted:
        posted = self._next(chat.id)
        self.log.append(Sent("upload", chat.id, attachment.name, posted.message_id,
                             files=[attachment]))
        return posted

    def start_link(self, gig_id: int | None = None) -> str | None:
        return self.start_url

    async def card_posted(self, card_key: str, message: Posted, reply: Reply) -> None:
        self.log.append(Sent("thread_opened", message.chat_id, card_key, message.message_id))

    async def card_closed(self, card_key: str) -> None:
        self.log.append(Sent("thread_closed", "", card_key))


class RecordingExchange:
    """One incoming event on a ``RecordingPlatform``, answered in place."""

    def __init__(self, platform: RecordingPlatform, origin: Origin, *,
                 ephemeral: bool = False) -> None:
        self.platform = platform
        self.origin = origin
        self.ephemeral = ephemeral
        self.finished = False

    async def answer(self, reply: Reply, *, private: bool) -> list[Posted]:
        posted = self.platform._next(self.origin.chat.id)
        self.platform.log.append(record("answer", self.origin.chat.id, reply, posted.message_id,
                                        private=private, speaker=self.origin.speaker_id))
        return [] if private else [posted]

    async def open_form(self, reply: Reply) -> None:
        self.platform.log.append(Sent("form", self.origin.chat.id, reply.form.form.name,
                                      form=reply.form, speaker=self.origin.speaker_id))

    async def finish(self) -> None:
        self.finished = True


def origin(actor_user_id: int, *, platform: str = "fake", chat: str = "group-1",
           direct: bool = False, speaker: str | None = "u1", name: str = "Ana",
           community_id: int | None = None, gig_id: int | None = None) -> Origin:
    actor = Actor(actor_user_id, platform, speaker or chat, name)
    kind = PlaceKind.dm if direct else PlaceKind.group
    place = Place(platform, kind, chat, community_id)
    return Origin(actor, place, Chat(chat), direct=direct, speaker_id=speaker, gig_id=gig_id)
